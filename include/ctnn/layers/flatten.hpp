#pragma once
// ctnn::flatten: Keras' Flatten: any sample shape -> rank 1 of the same size, in row-major
// (channels-last) order. The values do not change; the model gives every layer its own output
// buffer (kept for the backward pass), so forward copies them there.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "detail/no_parameters.hpp"

namespace ctnn {

struct flatten {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "flatten";

  template <class In>
  static constexpr detail::link_ok validate() { return {}; }

  template <class In>
  class layer : public detail::no_parameters {
   public:
    using input_shape = In;
    using output_shape = shape<In::size>;
    static constexpr std::string_view kind = flatten::kind;

    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      std::copy(io.x, io.x + io.n * In::size, io.y);
    }
    template <class T>
    void backward(const backward_io<T>& io, pass_context&) const {
      if (io.dx) std::copy(io.dy, io.dy + io.n * In::size, io.dx);
    }
  };
};

}  // namespace ctnn
