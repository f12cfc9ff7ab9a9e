#pragma once
// ctnn::gaussian_noise<Stddev>: Keras' GaussianNoise. In training (pass_context::phase ==
// mode::training) it adds zero-mean normal noise of standard deviation Stddev to every value, a
// fresh draw per value and pass from the model's seeded generator (pass_context::rng); in
// inference (predict, evaluate) it is the identity. The noise is additive, so dL/dx = dL/dy in
// both phases and nothing needs to be kept for the backward pass.
//
// Spelling the standard deviation, as for ctnn::dropout: ctnn::gaussian_noise<0.1f> (or <0.1>)
// where the compiler converts a floating literal to a class-type template argument (GCC 12
// does); ctnn::gaussian_noise<ctnn::gaussian_noise_stddev{0.1}> everywhere, clang 14 included
// (it rejects floating-point template arguments). Both name the same type. The value is kept in
// millionths, so it prints readably in compiler messages (gaussian_noise_stddev{100000} is 0.1)
// and 0.1f and 0.1 are the same stddev.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>

#include "../detail/check_link.hpp"
#include "../detail/random.hpp"
#include "detail/training_noise.hpp"

namespace ctnn {

// The template argument of ctnn::gaussian_noise: a standard deviation rounded to millionths.
// NaN, infinities and values beyond 9e12 are kept as out-of-range markers, for the
// compile-time check.
struct gaussian_noise_stddev {
  std::int64_t millionths = 0;

  constexpr gaussian_noise_stddev(double stddev)  // NOLINT: implicit, so gaussian_noise<0.1f> reads as Keras
      : millionths(round(stddev)) {}
  constexpr double value() const { return static_cast<double>(millionths) * 1e-6; }
  constexpr bool valid() const {
    return millionths >= 0 && millionths != std::numeric_limits<std::int64_t>::max();
  }

 private:
  // Nearest millionth; a negative value stays negative (at most -1), however small.
  static constexpr std::int64_t round(double s) {
    if (!(s == s) || s <= -9e12) return std::numeric_limits<std::int64_t>::min();  // NaN, -inf
    if (s >= 9e12) return std::numeric_limits<std::int64_t>::max();                 // +inf
    if (s < 0) return std::min<std::int64_t>(-1, static_cast<std::int64_t>(s * 1e6 - 0.5));
    return static_cast<std::int64_t>(s * 1e6 + 0.5);
  }
};

namespace detail {
// gaussian_noise's error tag (detail/check_link.hpp).
struct gaussian_noise_invalid_stddev {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position (gaussian_noise) has a negative or non-finite standard deviation; the noise's stddev must be a finite value of at least 0");
  };
};
}  // namespace detail

template <gaussian_noise_stddev Stddev>
struct gaussian_noise
    : detail::training_noise_spec<gaussian_noise<Stddev>, Stddev.valid(), detail::gaussian_noise_invalid_stddev> {
  static constexpr std::string_view kind = "gaussian_noise";
  static constexpr double stddev = Stddev.value();

  // The noise policy (layers/detail/training_noise.hpp): each value's draw is added to it, so
  // dL/dx = dL/dy in both phases and nothing needs to be kept for the backward pass.
  static constexpr bool on = stddev > 0;
  static constexpr bool keeps_draws = false;
  template <class T> static T draw(detail::rng& r) { return static_cast<T>(stddev * r.normal()); }
  template <class T> static T apply(T x, T noise) { return x + noise; }
  template <class D> static constexpr void describe(D& d) { d.millionths("stddev", stddev); }
};

}  // namespace ctnn
