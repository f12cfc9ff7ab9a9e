#pragma once
// The bound layer of a spec that only relabels its input's shape (ctnn::flatten, ctnn::reshape):
// the same values in the same (row-major, channels-last) order under another shape. The model
// gives every layer its own output buffer (kept for the backward pass), so forward copies them
// there, and backward copies dL/dy back.
#include <algorithm>
#include <string_view>

#include "../../core/layer.hpp"
#include "no_parameters.hpp"

namespace ctnn::detail {

template <class Spec, class In, class Out>
class relabeling_layer : public no_parameters {
  static_assert(In::size == Out::size);

 public:
  using input_shape = In;
  using output_shape = Out;
  static constexpr std::string_view kind = Spec::kind;

  template <class T>
  void forward(const forward_io<T>& io, pass_context&) const {
    std::copy(io.x, io.x + io.n * In::size, io.y);
  }
  template <class T>
  void backward(const backward_io<T>& io, pass_context&) const {
    if (io.dx) std::copy(io.dy, io.dy + io.n * In::size, io.dx);
  }
};

}  // namespace ctnn::detail
