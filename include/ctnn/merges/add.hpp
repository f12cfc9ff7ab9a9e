#pragma once
// ctnn::add: Keras' Add: the sum of the paths' outputs; each path receives dL/dy.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "merge.hpp"

namespace ctnn {

struct add : detail::elementwise_merge<add, 2, SIZE_MAX> {
  using ctnn_merge = void;
  static constexpr std::string_view kind = "add";
  template <class T, std::size_t P>
  static T value(const std::array<const T*, P>& in, std::size_t i) {
    T s = in[0][i];
    for (std::size_t k = 1; k < P; ++k) s += in[k][i];
    return s;
  }
  template <class T, std::size_t P>
  static T partial(const std::array<const T*, P>&, const T*, std::size_t, std::size_t) {
    return T(1);
  }
};

}  // namespace ctnn
