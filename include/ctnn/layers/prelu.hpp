#pragma once
// ctnn::prelu<Options...>: Keras' PReLU, f(x) = x for x > 0 and alpha x otherwise, the slopes
// alpha trainable. By default alpha has the input's shape, one slope per value of a sample, as
// in Keras; shared_axes<Axes...> (Keras' numbering: 1 is a sample's first axis) gives those
// axes a single slope, so after a conv2d shared_axes<1, 2> means one slope per channel. Options,
// in any order: alpha_initializer<I> (default ctnn::init::zeros, Keras' "Zeros": the layer
// starts as a relu), shared_axes<Axes...> (default none). Keras' alpha_regularizer and
// alpha_constraint are not taken.
//
// One tensor, "alpha", of Keras' shape (the input's, 1 on each shared axis), with Keras' fans for
// that shape; kind "p_re_lu", the name Keras gives a PReLU layer. Computed as Keras' relu(x) -
// alpha relu(-x): x for x > 0, alpha x below, 0 at 0, NaN for NaN. Gradients: dL/dx = dy for
// x > 0, alpha dy for x < 0, and 0 at x = 0 (TensorFlow's relu gradient there, on both terms);
// dL/dalpha = the sum of dy min(x, 0) over the samples and the shared positions. On a sequence
// (steps, features) whose time axis is shared (shared_axes<1> or <1, 2>) it streams: a step uses
// the same slopes at every time.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

#include "../core/layer.hpp"
#include "../detail/aligned_buffer.hpp"
#include "../detail/check_link.hpp"
#include "../detail/options.hpp"
#include "../detail/random.hpp"
#include "../initializers/zeros.hpp"
#include "alpha_initializer.hpp"
#include "shared_axes.hpp"

namespace ctnn {

template <class... Options>
struct prelu {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "p_re_lu";
  using initializer_type =
      typename detail::find_option_t<detail::is_alpha_initializer, alpha_initializer<init::zeros>, Options...>::type;
  using shared_axes_type = detail::find_option_t<detail::is_shared_axes, shared_axes<>, Options...>;

  // Its error tags (detail/check_link.hpp).
  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (prelu takes alpha_initializer<I> and shared_axes<Axes...>)");
    };
  };
  struct needs_rank_1_to_4 {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position (prelu) needs an input of rank 1 to 4, the ranks a parameter tensor may have, but receives InputShape");
    };
  };
  struct shared_axis_out_of_range {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position (prelu) shares an axis its input InputShape does not have; shared_axes<Axes...> numbers a sample's axes from 1 to its rank, as Keras does (0, the batch, is not one)");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (!((detail::is_alpha_initializer<Options>::value || detail::is_shared_axes<Options>::value) && ...))
      return unknown_option{};
    else if constexpr (detail::count_options<detail::is_alpha_initializer, Options...> > 1 ||
                       detail::count_options<detail::is_shared_axes, Options...> > 1)
      return detail::option_twice{};
    else if constexpr (In::rank > 4) return needs_rank_1_to_4{};
    else if constexpr (!shared_axes_type::within(In::rank)) return shared_axis_out_of_range{};
    else return detail::link_ok{};
  }

  template <class In>
  class layer {
    static constexpr std::size_t rank = In::rank;

   public:
    using input_shape = In;
    using output_shape = In;
    static constexpr std::string_view kind = prelu::kind;

    // alpha's shape: the input's, 1 on each shared axis.
    static constexpr std::array<std::size_t, rank> alpha_dims = [] {
      std::array<std::size_t, rank> d{};
      for (std::size_t a = 0; a < rank; ++a) d[a] = shared_axes_type::shares(a + 1) ? 1 : In::dims[a];
      return d;
    }();
    static constexpr std::size_t alpha_size = [] {
      std::size_t s = 1;
      for (std::size_t d : alpha_dims) s *= d;
      return s;
    }();
    static constexpr std::size_t parameter_count = alpha_size;
    static constexpr std::size_t parameter_storage = detail::aligned_count(alpha_size);

    // Keras' fans of a tensor of alpha's shape (initializers' compute_fans): its length for a
    // vector, (rows, columns) for a matrix, else the last two dimensions times the product of
    // the others.
    static constexpr std::array<std::size_t, 2> fans = [] {
      if constexpr (rank == 1) {
        return std::array{alpha_dims[0], alpha_dims[0]};
      } else {
        std::size_t receptive = 1;
        for (std::size_t a = 0; a + 2 < rank; ++a) receptive *= alpha_dims[a];
        return std::array{alpha_dims[rank - 2] * receptive, alpha_dims[rank - 1] * receptive};
      }
    }();
    static constexpr auto parameters = [] {
      parameter_info alpha{"alpha", {}, rank, alpha_size, 0, fans[0], fans[1], parameter_role::kernel};
      for (std::size_t a = 0; a < rank; ++a) alpha.dims[a] = alpha_dims[a];
      return std::array{alpha};
    }();

    template <class T>
    void initialize(std::span<T> p, detail::rng& r) const {
      initializer_type{}(p.subspan(0, alpha_size), fans[0], fans[1], r);
    }

    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      const T* alpha = io.params;
      for (std::size_t s = 0; s < io.n; ++s) {
        const T* x = io.x + s * In::size;
        T* y = io.y + s * In::size;
        for_each_value([&](std::size_t i, std::size_t a) { y[i] = activate(x[i], alpha[a]); });
      }
    }

    template <class T>
    void backward(const backward_io<T>& io, pass_context&) const {
      const T* alpha = io.params;
      T* dalpha = io.grads;
      std::fill(dalpha, dalpha + alpha_size, T(0));
      for (std::size_t s = 0; s < io.n; ++s) {
        const T* x = io.x + s * In::size;
        const T* dy = io.dy + s * In::size;
        T* dx = io.dx ? io.dx + s * In::size : nullptr;
        for_each_value([&](std::size_t i, std::size_t a) {
          if (x[i] < T(0)) dalpha[a] += dy[i] * x[i];
          if (dx) dx[i] = x[i] > T(0) ? dy[i] : x[i] < T(0) ? alpha[a] * dy[i] : T(0);
        });
      }
    }

    // One time step of a sequence whose time axis shares its slopes (layer_traits<L>::streams).
    template <class T>
      requires(rank == 2 && shared_axes_type::shares(1))
    void step(const step_io<T>& io) const {
      for (std::size_t j = 0; j < In::dims[1]; ++j) io.y[j] = activate(io.x[j], io.params[j * alpha_steps[1]]);
    }

   private:
    // How far one step along each axis moves in a sample (row-major) and in alpha (0 on a shared
    // axis: every position reads the same slope).
    static constexpr std::array<std::size_t, rank> value_steps = [] {
      std::array<std::size_t, rank> s{};
      std::size_t step = 1;
      for (std::size_t a = rank; a-- > 0;) {
        s[a] = step;
        step *= In::dims[a];
      }
      return s;
    }();
    static constexpr std::array<std::size_t, rank> alpha_steps = [] {
      std::array<std::size_t, rank> s{};
      std::size_t step = 1;
      for (std::size_t a = rank; a-- > 0;) {
        s[a] = alpha_dims[a] == 1 ? 0 : step;
        step *= alpha_dims[a];
      }
      return s;
    }();

    // relu(x) - alpha relu(-x), NaN kept: a select on x < 0.
    template <class T>
    static T activate(T x, T alpha) noexcept { return x < T(0) ? alpha * x : x; }

    // f(value index, alpha index) over one sample, in memory order: one loop per axis.
    template <std::size_t Axis = 0, class F>
    static void for_each_value(F&& f, std::size_t value = 0, std::size_t slope = 0) {
      if constexpr (Axis == rank) {
        f(value, slope);
      } else {
        for (std::size_t k = 0; k < In::dims[Axis]; ++k)
          for_each_value<Axis + 1>(f, value + k * value_steps[Axis], slope + k * alpha_steps[Axis]);
      }
    }
  };
};

}  // namespace ctnn
