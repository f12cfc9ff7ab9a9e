#pragma once
// The bound layer of ctnn::branches and ctnn::residual: paths of bound layers over the block's
// input, each a chain with its own detail::layout (the one owner of offsets, reused unchanged),
// and a merge (merges/merge.hpp) of their outputs. To the network around it the block is one
// layer: its parameter slice is its paths' arenas one after the other, its workspace per sample
// holds each path's pass block (outputs, scratch, gradients and dL/dx: detail::layout::carve), so
// forward leaves there what backward needs, and nothing is allocated.
//
// Backward: the merge turns dL/dy into dL/d(each path's output); each path runs its own backward
// pass (its parameter gradients into its part of the slice); dL/dx is the sum of the paths'
// dL/dx, path by path in order (bit-identical for any thread count, as every layer).
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../../core/detail/layout.hpp"
#include "../../core/layer.hpp"
#include "../../core/layer_traits.hpp"
#include "../../core/sequential.hpp"
#include "../../detail/random.hpp"

namespace ctnn::detail {

// One path bound to the block's input: its layers (positions count from 0 within the path in
// its error sentences), its layout and what its pass needs per sample.
template <class In, class Specs>
struct bound_path;
template <class In, class... Specs>
struct bound_path<In, type_list<Specs...>> {
  using links = chain<0, In, Specs...>;
  using layer_types = typename links::layers;
  using output_shape = typename links::output_shape;
  using layout = detail::layout<In, layer_types>;
  static constexpr bool valid = links::valid;
  static constexpr std::size_t layer_count = std::tuple_size_v<layer_types>;
  static constexpr pass_needs needs{.gradients = true, .logits = false, .input_gradient = true};
  static constexpr std::size_t pass_floats = layout::pass_floats(1, needs);
};

template <class Spec, class Merge, class In, class... Paths>
class block_layer {
  static constexpr std::size_t path_count = sizeof...(Paths);
  using paths = std::tuple<Paths...>;
  template <std::size_t K> using path = std::tuple_element_t<K, paths>;
  template <std::size_t K, std::size_t I> using layer_of = std::tuple_element_t<I, typename path<K>::layer_types>;

  template <class F>
  static constexpr void each_path(F&& f) {
    [&]<std::size_t... K>(std::index_sequence<K...>) { (f(std::integral_constant<std::size_t, K>{}), ...); }(
        std::make_index_sequence<path_count>{});
  }
  template <std::size_t K, class F>
  static constexpr void each_layer(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (f(std::integral_constant<std::size_t, I>{}), ...); }(
        std::make_index_sequence<path<K>::layer_count>{});
  }
  // The sum over every layer of every path of f(type_identity<L>).
  static constexpr std::size_t sum_over_layers(auto f) {
    std::size_t s = 0;
    each_path([&](auto k) { each_layer<k>([&](auto i) { s += f(std::type_identity<layer_of<k, i>>{}); }); });
    return s;
  }
  static constexpr std::array<std::size_t, path_count> offsets_of(std::array<std::size_t, path_count> sizes) {
    std::array<std::size_t, path_count> o{};
    for (std::size_t k = 1; k < path_count; ++k) o[k] = o[k - 1] + sizes[k - 1];
    return o;
  }
  static constexpr std::array<std::size_t, path_count> workspace_offsets =
      offsets_of({Paths::pass_floats...});
  // A streaming step's: each path's pass block on the stack, and its state in the block's.
  static constexpr std::array<std::size_t, path_count> step_block_offsets =
      offsets_of({Paths::layout::pass_floats(1, {})...});
  static constexpr std::array<std::size_t, path_count> step_state_offsets =
      offsets_of({Paths::layout::streaming_state_storage...});

 public:
  using input_shape = In;
  using output_shape = typename Merge::template output_shape<typename Paths::output_shape...>;
  using merge_type = Merge;
  static constexpr std::string_view kind = Spec::kind;

  // The paths' bound layers (one std::tuple per path) and where each path's arena starts in the
  // block's slice: what io and summary() read to list the layers inside (core/detail/leaves.hpp).
  using path_layer_types = std::tuple<typename Paths::layer_types...>;
  static constexpr std::array<std::size_t, path_count> path_parameter_offsets =
      offsets_of({Paths::layout::parameter_storage...});
  template <std::size_t K>
  static constexpr auto path_layer_offsets = path<K>::layout::parameter_offsets;
  template <std::size_t K> auto& path_layers() noexcept { return std::get<K>(paths_); }
  template <std::size_t K> const auto& path_layers() const noexcept { return std::get<K>(paths_); }

  static constexpr std::size_t parameter_storage = (std::size_t{0} + ... + Paths::layout::parameter_storage);
  static constexpr std::size_t parameter_count = sum_over_layers([](auto t) { return decltype(t)::type::parameter_count; });
  static constexpr std::size_t non_trainable_parameter_count =
      sum_over_layers([](auto t) { return layer_traits<typename decltype(t)::type>::non_trainable_parameter_count; });
  static constexpr std::size_t workspace_size = (std::size_t{0} + ... + Paths::pass_floats);
  static constexpr bool regularized =
      sum_over_layers([](auto t) { return std::size_t{layer_traits<typename decltype(t)::type>::regularized}; }) > 0;

  // Every parameter of the layers inside, in order, offsets from the start of the block's slice.
  static constexpr std::size_t inner_parameter_entries =
      sum_over_layers([](auto t) { return decltype(t)::type::parameters.size(); });
  static constexpr std::array<parameter_info, inner_parameter_entries> parameters = [] {
    std::array<parameter_info, inner_parameter_entries> all{};
    std::size_t n = 0;
    each_path([&](auto k) {
      each_layer<k>([&](auto i) {
        for (parameter_info p : layer_of<k, i>::parameters) {
          p.offset += path_parameter_offsets[k] + path<k>::layout::parameter_offsets[i];
          all[n++] = p;
        }
      });
    });
    return all;
  }();

  template <class T>
  void initialize(std::span<T> p, rng& r) {
    each_path([&](auto k) {
      each_layer<k>([&](auto i) {
        std::get<i>(std::get<k>(paths_)).initialize(path<k>::layout::template slice<i>(p.data() + path_parameter_offsets[k]), r);
      });
    });
  }

  template <class T>
  void forward(const forward_io<T>& io, pass_context& ctx) {
    std::array<const T*, path_count> out{};
    each_path([&](auto k) {
      const auto b = carve<k>(io.workspace, io.n, false);
      path<k>::layout::forward(std::get<k>(paths_), io.params + path_parameter_offsets[k], io.x, b, ctx);
      out[k] = path_output<k>(b, io.x);
    });
    merge_forward(io.n, out, io.y, std::make_index_sequence<path_count>{});
  }

  template <class T>
  void backward(const backward_io<T>& io, pass_context& ctx) {
    // Each path's buffers, carved once: forward left its outputs and scratch there.
    const auto buffers = [&]<std::size_t... K>(std::index_sequence<K...>) {
      return std::tuple{carve<K>(io.workspace, io.n, io.dx != nullptr)...};
    }(std::make_index_sequence<path_count>{});
    std::array<const T*, path_count> out{};
    std::array<T*, path_count> dout{};
    each_path([&](auto k) {
      out[k] = path_output<k>(std::get<k>(buffers), io.x);
      dout[k] = std::get<k>(buffers).gradients[0];
    });
    merge_backward(io.n, out, io.y, io.dy, dout, std::make_index_sequence<path_count>{});
    each_path([&](auto k) {
      const auto& b = std::get<k>(buffers);
      path<k>::layout::backward(std::get<k>(paths_), io.params + path_parameter_offsets[k],
                                io.grads + path_parameter_offsets[k], io.x, b, false, ctx);
      if (!io.dx) return;
      // dL/dx of the path: its first layer's, or for a path without layers (a residual's
      // identity) the gradient of its output.
      const T* dx = path<k>::layer_count ? b.input_gradient : b.gradients[0];
      const std::size_t count = io.n * In::size;
      if constexpr (k == 0) std::copy(dx, dx + count, io.dx);
      else for (std::size_t i = 0; i < count; ++i) io.dx[i] += dx[i];
    });
  }


  // Regularization of the layers inside (layer_traits<L>::regularized): their penalties summed,
  // their gradients added.
  // Streaming (model::step): a block over a sequence streams when every layer of every path does
  // and each path gives a sequence, merged step by step into the block's step (concatenate on
  // the time axis cannot: it needs a path's whole sequence). Its state is its paths' states one
  // after the other; each path's step runs on a stack block (no allocation).
  static constexpr bool streamable = [] {
    if constexpr (In::rank != 2 || output_shape::rank != 2 || !((Paths::output_shape::rank == 2) && ...)) {
      return false;
    } else {
      using step_merged = typename Merge::template output_shape<shape<Paths::output_shape::dims[1]>...>;
      return ((Paths::layout::first_not_streaming == Paths::layer_count) && ...) &&
             std::is_same_v<step_merged, shape<output_shape::dims[1]>>;
    }
  }();
  static constexpr std::size_t streaming_state_size =
      streamable ? (std::size_t{0} + ... + Paths::layout::streaming_state_storage) : 0;

  template <class T>
  void step(const step_io<T>& io) const
    requires streamable
  {
    std::array<const T*, path_count> out{};
    // The steps of the paths' outputs, side by side until merged.
    std::array<T, (std::size_t{0} + ... + Paths::layout::pass_floats(1, {}))> blocks;
    pass_context ctx{.phase = mode::inference, .backward_follows = false};
    each_path([&](auto k) {
      const auto b = path<k>::layout::carve(blocks.data() + step_block_offsets[k], 1, {});
      // Inference changes no layer's state: a step is const, as every layer's step is.
      auto& layers = const_cast<typename path<k>::layer_types&>(std::get<k>(paths_));
      path<k>::layout::step(layers, io.params + path_parameter_offsets[k], io.x, io.state + step_state_offsets[k], b, ctx);
      out[k] = path_output<k>(b, io.x);
    });
    merge_step(out, io.y, std::make_index_sequence<path_count>{});
  }

  template <class Parameters, class T>
  double penalty(const Parameters&, const T* params) const {
    double p = 0;
    each_regularized(params, [&](const auto& l, const T* w) { p += l.penalty(std::remove_cvref_t<decltype(l)>::parameters, w); });
    return p;
  }
  template <class Parameters, class T>
  void add_gradient(const Parameters&, const T* params, T* grads) const {
    each_regularized(params, [&](const auto& l, const T* w) {
      l.add_gradient(std::remove_cvref_t<decltype(l)>::parameters, w, grads + (w - params));
    });
  }

 private:
  // Path k's pass buffers for n samples in the block's workspace. A path with layers that are
  // run back without dL/dx (the block is the network's first layer) leaves its first layer's dx
  // null, as the network does.
  template <std::size_t K, class T>
  static auto carve(T* workspace, std::size_t n, bool input_gradient) noexcept {
    return path<K>::layout::carve(workspace + n * workspace_offsets[K], n,
                                  {.gradients = true, .logits = false, .input_gradient = input_gradient});
  }
  // Path K's output in its buffers, or the block's input for a path without layers.
  template <std::size_t K, class B, class T>
  static const T* path_output(const B& b, const T* x) noexcept {
    if constexpr (path<K>::layer_count == 0) return x;
    else return b.output();
  }
  template <class T, std::size_t... K>
  static void merge_forward(std::size_t n, const std::array<const T*, path_count>& out, T* y, std::index_sequence<K...>) {
    Merge::template forward<typename path<K>::output_shape...>(n, out, y);
  }
  template <class T, std::size_t... K>
  static void merge_backward(std::size_t n, const std::array<const T*, path_count>& out, const T* y, const T* dy,
                             const std::array<T*, path_count>& dout, std::index_sequence<K...>) {
    Merge::template backward<typename path<K>::output_shape...>(n, out, y, dy, dout);
  }
  template <class T, std::size_t... K>
  static void merge_step(const std::array<const T*, path_count>& out, T* y, std::index_sequence<K...>) {
    Merge::template forward<shape<path<K>::output_shape::dims[1]>...>(1, out, y);
  }
  template <class T, class F>
  void each_regularized(const T* params, F&& f) const {
    each_path([&](auto k) {
      each_layer<k>([&](auto i) {
        if constexpr (layer_traits<layer_of<k, i>>::regularized)
          f(std::get<i>(std::get<k>(paths_)), params + path_parameter_offsets[k] + path<k>::layout::parameter_offsets[i]);
      });
    });
  }

  path_layer_types paths_;
};

}  // namespace ctnn::detail
