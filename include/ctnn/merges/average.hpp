#pragma once
// ctnn::average: Keras' Average: the mean of the paths' outputs; each path receives dL/dy / paths.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "merge.hpp"

namespace ctnn {

struct average : detail::elementwise_merge<average, 2, SIZE_MAX> {
  using ctnn_merge = void;
  static constexpr std::string_view kind = "average";
  template <class T, std::size_t P>
  static T value(const std::array<const T*, P>& in, std::size_t i) {
    T s = in[0][i];
    for (std::size_t k = 1; k < P; ++k) s += in[k][i];
    return s / T(P);
  }
  template <class T, std::size_t P>
  static T partial(const std::array<const T*, P>&, const T*, std::size_t, std::size_t) {
    return T(1) / T(P);
  }
};

}  // namespace ctnn
