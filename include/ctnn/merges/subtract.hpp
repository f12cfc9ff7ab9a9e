#pragma once
// ctnn::subtract: Keras' Subtract: the first path's output minus the second's (exactly two paths).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "merge.hpp"

namespace ctnn {

struct subtract : detail::elementwise_merge<subtract, 2, 2> {
  using ctnn_merge = void;
  static constexpr std::string_view kind = "subtract";
  template <class T, std::size_t P>
  static T value(const std::array<const T*, P>& in, std::size_t i) {
    return in[0][i] - in[1][i];
  }
  template <class T, std::size_t P>
  static T partial(const std::array<const T*, P>&, const T*, std::size_t k, std::size_t) {
    return k == 0 ? T(1) : T(-1);
  }
};

}  // namespace ctnn
