#pragma once
// ctnn::maximum: Keras' Maximum: the element-wise maximum of the paths' outputs. dL/dy goes to the first
// path holding the maximum, as TensorFlow's gradient of a chain of tf.maximum gives it on ties.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "merge.hpp"

namespace ctnn {

struct maximum : detail::elementwise_merge<maximum, 2, SIZE_MAX> {
  using ctnn_merge = void;
  static constexpr std::string_view kind = "maximum";
  template <class T, std::size_t P>
  static T value(const std::array<const T*, P>& in, std::size_t i) {
    T s = in[0][i];
    for (std::size_t k = 1; k < P; ++k) s = in[k][i] > s || in[k][i] != in[k][i] ? in[k][i] : s;  // NaN propagates, as tf.maximum
    return s;
  }
  template <class T, std::size_t P>
  static T partial(const std::array<const T*, P>& in, const T* y, std::size_t k, std::size_t i) {
    for (std::size_t j = 0; j < k; ++j)
      if (in[j][i] == y[i]) return T(0);
    return in[k][i] == y[i] ? T(1) : T(0);
  }
};

}  // namespace ctnn
