#pragma once
// ctnn::dropout<Rate>: Keras' Dropout. In training (pass_context::phase == mode::training) each
// value is dropped (set to 0) with probability Rate and the others are scaled by 1 / (1 - Rate)
// ("inverted" dropout), so the expected output equals the input; in inference (predict,
// evaluate) it is the identity. Random numbers come from the model's seeded generator
// (pass_context::rng): a seed reproduces the masks.
//
// Spelling the rate: ctnn::dropout<0.5f> (or <0.5>) where the compiler converts a floating
// literal to a class-type template argument (GCC 12 does); ctnn::dropout<ctnn::dropout_rate{0.5}>
// everywhere, clang 14 included (it rejects floating-point template arguments). Both name the
// same type. The rate is kept in millionths, so it prints readably in compiler messages
// (ctnn::dropout<ctnn::dropout_rate{500000}> is a rate of 0.5) and compares exactly.
#include <cstdint>
#include <string_view>

#include "../detail/check_link.hpp"
#include "../detail/random.hpp"
#include "detail/training_noise.hpp"

namespace ctnn {

// The template argument of ctnn::dropout: a fraction, rounded to millionths (NaN and rates far
// outside [0, 1) are kept as out-of-range values, for dropout's compile-time check).
struct dropout_rate {
  std::int64_t millionths = 0;

  constexpr dropout_rate(double rate)  // NOLINT: implicit, so that dropout<0.5f> reads as Keras
      : millionths(!(rate == rate) ? -1                         // NaN
                   : rate >= 2.0   ? 2'000'000
                   : rate <= -1.0  ? -1'000'000
                                   : static_cast<std::int64_t>(rate * 1e6 + (rate >= 0 ? 0.5 : -0.5))) {}
  constexpr double value() const { return static_cast<double>(millionths) * 1e-6; }
  constexpr bool valid() const { return millionths >= 0 && millionths < 1'000'000; }
};

namespace detail {
// dropout's error tag (detail/check_link.hpp).
struct dropout_rate_out_of_range {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position (dropout) has a rate outside [0, 1); the rate is the fraction of values dropped in training");
  };
};
}  // namespace detail

template <dropout_rate Rate>
struct dropout : detail::training_noise_spec<dropout<Rate>, Rate.valid(), detail::dropout_rate_out_of_range> {
  static constexpr std::string_view kind = "dropout";
  static constexpr double rate = Rate.value();

  // The noise policy (layers/detail/training_noise.hpp): each value's draw is the factor
  // forward applies, 0 (dropped) or 1 / (1 - rate), kept for the backward pass.
  static constexpr bool on = rate > 0;
  static constexpr bool keeps_draws = true;
  template <class T> static T draw(detail::rng& r) {
    const T keep_scale = static_cast<T>(1.0 / (1.0 - rate));
    return r.uniform() < rate ? T(0) : keep_scale;
  }
  template <class T> static T apply(T x, T factor) { return x * factor; }
  template <class T> static T gradient(T dy, T factor) { return dy * factor; }
  template <class D> static constexpr void describe(D& d) { d.millionths("rate", rate); }
};

}  // namespace ctnn
