#pragma once
// What the recurrent layers (simple_rnn, lstm, gru) share: the spec's checks, the parameters
// (Keras' kernel (features, k units), recurrent_kernel (units, k units) and bias), and the time
// loop of the forward pass, of backpropagation through time and of a streaming step. A layer
// says only what its cell computes, through its Kind and its Cell (lstm_cell.hpp, gru_cell.hpp,
// simple_rnn_cell.hpp):
//
//   Kind::kind, Kind::takes_*               the spec's name and the options it takes beyond the
//   Kind::unknown_option                    common ones; its error tag for any other option
//   Kind::cell<Units, Options>              the cell, a class with the activations as members:
//     gates                                   k, the gate blocks of kernel and recurrent_kernel
//     bias_rows                               1, or 2 for separate input and recurrent biases
//     state_floats                            the state carried between steps (h, then c)
//     gates_offset, step_floats               where a step's gates lie in its block, its size
//     carry_floats                            per-row scratch of backpropagation (dh first)
//     initialize_bias(span, rng)              the bias as Keras starts it
//     forward_rows(product, step_rows, w)     one step for the rows: the recurrent product added
//                                             to the gates' input projection, the gates, the state
//     backward_rows(step_rows, carry, w, g)   the step's gradients: dL/d(pre-activations) over the
//                                             gates (the input side), dL/d(previous state) into
//                                             the carry, dL/d(recurrent kernel and bias) added
//
// The workspace of a batch: for each sample, one block of step_floats per time step (the state
// it leaves at the front, then the gates, then what the cell keeps), the blocks of every sample
// one after the other so that the n x steps rows of the input projection have one stride; after
// all blocks, carry_floats per sample. Blocks are indexed by input time: with go_backwards the
// k-th step processed reads input step steps - 1 - k and fills that block.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

#include "../../core/layer.hpp"
#include "../../core/shape.hpp"
#include "../../detail/aligned_buffer.hpp"
#include "../../detail/check_link.hpp"
#include "../../detail/random.hpp"
#include "../../kernels/matmul.hpp"
#include "../../kernels/matrix_ref.hpp"
#include "recurrent_kernels.hpp"
#include "recurrent_options.hpp"
#include "regularization.hpp"

namespace ctnn::detail {

// The error tag of a recurrent layer on an input that is not a sequence.
struct recurrent_needs_rank_2 {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position (simple_rnn, lstm or gru) needs a rank-2 input (steps, features) but receives InputShape; a sequence is ctnn::input<Steps, Features>, and a recurrent layer before it must have return_sequences<true>");
  };
};

// The error tag of a recurrent layer given an activation whose derivative reads its input z
// (backward_reads_z_v: swish, gelu). A cell keeps only its gates' and states' values, after
// their activations, for backpropagation through time; keeping every pre-activation too would
// double a step's block for functions Keras' recurrent layers are rarely given.
struct recurrent_activation_reads_z {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position (simple_rnn, lstm or gru) has an activation or recurrent_activation whose derivative needs its input (ctnn::swish, ctnn::gelu); a recurrent cell keeps only its activations' outputs, so give it one whose derivative follows from its output (tanh, sigmoid, relu, elu, selu, softplus, hard_sigmoid, leaky_relu)");
  };
};

template <class Cell, class Options, class In>
class recurrent_layer
    : public Cell,
      public regularization<typename Options::kernel_regularizer_type, typename Options::bias_regularizer_type,
                            typename Options::recurrent_regularizer_type> {
 public:
  using input_shape = In;
  static constexpr std::size_t steps = In::dims[0], features = In::dims[1], units = Cell::units;
  static constexpr bool return_sequences = Options::return_sequences, go_backwards = Options::go_backwards;
  using output_shape = std::conditional_t<return_sequences, shape<steps, units>, shape<units>>;
  static constexpr std::string_view kind = Cell::kind;

  static constexpr std::size_t width = Cell::gates * units;  // columns of kernel and recurrent_kernel
  static constexpr bool has_bias = Options::has_bias;
  static constexpr std::size_t bias_rows = Cell::bias_rows;
  static constexpr std::size_t kernel_size = features * width, recurrent_size = units * width;
  static constexpr std::size_t recurrent_offset = aligned_count(kernel_size);
  static constexpr std::size_t bias_offset = recurrent_offset + aligned_count(recurrent_size);
  static constexpr std::size_t bias_size = has_bias ? bias_rows * width : 0;
  static constexpr std::size_t parameter_count = kernel_size + recurrent_size + bias_size;
  static constexpr std::size_t parameter_storage = bias_offset + aligned_count(bias_size);

  static constexpr auto parameters = [] {
    constexpr parameter_info kernel{"kernel", {features, width}, 2, kernel_size, 0, features, width,
                                    parameter_role::kernel};
    constexpr parameter_info recurrent{"recurrent_kernel", {units, width}, 2, recurrent_size, recurrent_offset,
                                       units, width, parameter_role::recurrent_kernel};
    // Keras' fans of the bias: its length for a vector, (2, k units) for the two-row bias.
    constexpr parameter_info bias = bias_rows == 1
        ? parameter_info{"bias", {width}, 1, width, bias_offset, width, width, parameter_role::bias}
        : parameter_info{"bias", {bias_rows, width}, 2, bias_rows * width, bias_offset, bias_rows, width,
                         parameter_role::bias};
    if constexpr (has_bias) return std::array{kernel, recurrent, bias};
    else return std::array{kernel, recurrent};
  }();

  static constexpr std::size_t block_floats = Cell::step_floats;
  static constexpr std::size_t sample_blocks = steps * block_floats;
  static constexpr std::size_t workspace_size = sample_blocks + Cell::carry_floats;
  // A streaming layer carries its state between steps; a go_backwards one does not stream.
  static constexpr std::size_t streaming_state_size = go_backwards ? 0 : Cell::state_floats;

  template <class D>
  static constexpr void describe(D& d) {
    d.word("activation", Options::activation_type::name);
    if constexpr (Cell::gates > 1) d.word("recurrent_activation", Options::recurrent_activation_type::name);
    if constexpr (return_sequences) d.word("return_sequences", "true");
    if constexpr (go_backwards) d.word("go_backwards", "true");
    Cell::describe(d);
  }

  template <class T>
  void initialize(std::span<T> p, rng& r) const {
    typename Options::kernel_initializer_type{}(p.subspan(0, kernel_size), features, width, r);
    typename Options::recurrent_initializer_type{}(p.subspan(recurrent_offset, recurrent_size), units, width, r);
    if constexpr (has_bias) Cell::initialize_bias(p.subspan(bias_offset, bias_size), r);
  }

  template <class T>
  void forward(const forward_io<T>& io, pass_context&) const {
    const auto w = weights(io.params);
    T* blocks = io.workspace;
    project(gemm_product{}, io.x, io.n * steps, w, blocks);
    for (std::size_t k = 0; k < steps; ++k) {
      const std::size_t t = time_of(k);
      const T* prev = k == 0 ? nullptr : blocks + time_of(k - 1) * block_floats;
      this->forward_rows(gemm_product{}, step_rows<T>{io.n, blocks + t * block_floats, sample_blocks, prev, sample_blocks}, w);
      if constexpr (return_sequences)
        for (std::size_t s = 0; s < io.n; ++s) {
          const T* h = blocks + s * sample_blocks + t * block_floats;
          std::copy(h, h + units, io.y + (s * steps + k) * units);
        }
    }
    if constexpr (!return_sequences)
      for (std::size_t s = 0; s < io.n; ++s) {
        const T* h = blocks + s * sample_blocks + time_of(steps - 1) * block_floats;
        std::copy(h, h + units, io.y + s * units);
      }
  }

  // Backpropagation through time, last step first. Each step turns its gates into dL/d(their
  // pre-activations) in place; then one product over every step gives dL/dkernel, one column sum
  // the input bias's gradient, one product dL/dx.
  template <class T>
  void backward(const backward_io<T>& io, pass_context&) const {
    const auto w = weights(io.params);
    const auto g = weights(io.grads);
    T* blocks = io.workspace;
    const std::size_t rows = io.n * steps;
    const step_carry<T> carry{blocks + io.n * sample_blocks, Cell::carry_floats};
    std::fill(carry.data, carry.data + io.n * Cell::carry_floats, T(0));
    std::fill(g.recurrent_kernel, g.recurrent_kernel + recurrent_size, T(0));
    if (g.recurrent_bias) std::fill(g.recurrent_bias, g.recurrent_bias + width, T(0));
    for (std::size_t k = steps; k-- > 0;) {
      const std::size_t t = time_of(k);
      for (std::size_t s = 0; s < io.n; ++s) {
        T* dh = carry.data + s * carry.stride;
        const T* dy = return_sequences ? io.dy + (s * steps + k) * units
                                       : (k == steps - 1 ? io.dy + s * units : nullptr);
        if (dy)
          for (std::size_t j = 0; j < units; ++j) dh[j] += dy[j];
      }
      const T* prev = k == 0 ? nullptr : blocks + time_of(k - 1) * block_floats;
      this->backward_rows(step_rows<T>{io.n, blocks + t * block_floats, sample_blocks, prev, sample_blocks}, carry,
                          w, g);
    }
    const kernels::matrix_ref<const T> dz{blocks + Cell::gates_offset, rows, width, block_floats};
    kernels::matmul(kernels::matrix_ref<const T>{io.x, rows, features}.transposed(), dz,
                    kernels::matrix_ref<T>{g.kernel, features, width});
    if (g.bias) {
      std::fill(g.bias, g.bias + width, T(0));
      for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < width; ++j) g.bias[j] += dz(i, j);
    }
    if (io.dx)
      kernels::matmul(dz, kernels::matrix_ref<const T>{w.kernel, features, width}.transposed(),
                      kernels::matrix_ref<T>{io.dx, rows, features});
  }

  // One time step of one sample (layer_traits<L>::streams): the same projection and cell code as
  // forward, for one row, on the stack.
  template <class T>
  void step(const step_io<T>& io) const
    requires(!go_backwards)
  {
    const auto w = weights(io.params);
    std::array<T, block_floats> block;
    project(fixed_product{}, io.x, 1, w, block.data());
    this->forward_rows(fixed_product{}, step_rows<T>{1, block.data(), block_floats, io.state, Cell::state_floats}, w);
    std::copy(block.data(), block.data() + Cell::state_floats, io.state);
    std::copy(block.data(), block.data() + units, io.y);
  }

 private:
  // The block (input time step) the k-th step processed fills.
  static constexpr std::size_t time_of(std::size_t k) { return go_backwards ? steps - 1 - k : k; }

  template <class T>
  static recurrent_weights<T> weights(T* p) {
    T* bias = has_bias ? p + bias_offset : nullptr;
    return {p, p + recurrent_offset, bias, bias && bias_rows == 2 ? bias + width : nullptr};
  }

  // The gates' input projection x kernel + bias for `rows` rows of x, into the gates of blocks.
  template <class Product, class T>
  static void project(const Product& product, const T* x, std::size_t rows, const recurrent_weights<const T>& w,
                      T* blocks) {
    product(kernels::matrix_ref<const T>{x, rows, features}, kernels::matrix_ref<const T>{w.kernel, features, width},
            kernels::matrix_ref<T>{blocks + Cell::gates_offset, rows, width, block_floats}, {.bias = w.bias});
  }
};

// The spec side: Kind's checks and the bound layer.
template <class Kind, std::size_t Units, class... Options>
struct recurrent_spec {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = Kind::kind;
  static constexpr std::size_t units = Units;
  using options = recurrent_options<Options...>;

  template <class In>
  static constexpr auto validate() {
    if constexpr (!(is_recurrent_option<Kind, Options>::value && ...)) return typename Kind::unknown_option{};
    else if constexpr (!options::each_kind_once) return option_twice{};
    else if constexpr (Units == 0) return zero_units{};
    else if constexpr (backward_reads_z_v<typename options::activation_type> ||
                       backward_reads_z_v<typename options::recurrent_activation_type>)
      return recurrent_activation_reads_z{};
    else if constexpr (In::rank != 2) return recurrent_needs_rank_2{};
    else return link_ok{};
  }

  template <class In>
  using layer = recurrent_layer<typename Kind::template cell<Units, options>, options, In>;
};

}  // namespace ctnn::detail
