#pragma once
// ctnn::multiply: Keras' Multiply: the element-wise product of the paths' outputs (a gated activation is
// branches<multiply, path<tanh>, path<sigmoid>>); path k receives dL/dy times the other outputs.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "merge.hpp"

namespace ctnn {

struct multiply : detail::elementwise_merge<multiply, 2, SIZE_MAX> {
  using ctnn_merge = void;
  static constexpr std::string_view kind = "multiply";
  template <class T, std::size_t P>
  static T value(const std::array<const T*, P>& in, std::size_t i) {
    T s = in[0][i];
    for (std::size_t k = 1; k < P; ++k) s *= in[k][i];
    return s;
  }
  template <class T, std::size_t P>
  static T partial(const std::array<const T*, P>& in, const T*, std::size_t k, std::size_t i) {
    T s(1);
    for (std::size_t j = 0; j < P; ++j)
      if (j != k) s *= in[j][i];
    return s;
  }
};

}  // namespace ctnn
