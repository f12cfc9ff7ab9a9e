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
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string_view>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "../detail/random.hpp"
#include "../detail/no_parameters.hpp"

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

template <dropout_rate Rate>
struct dropout {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "dropout";
  static constexpr double rate = Rate.value();

  struct rate_out_of_range {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position (dropout) has a rate outside [0, 1); the rate is the fraction of values dropped in training");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (Rate.valid()) return detail::link_ok{};
    else return rate_out_of_range{};
  }

  template <class In>
  class layer : public detail::no_parameters {
   public:
    using input_shape = In;
    using output_shape = In;
    static constexpr std::string_view kind = dropout::kind;
    template <class D>
    static constexpr void describe(D& d) { d.millionths("rate", rate); }
    // Per value, the factor forward applied in training: 0 (dropped) or 1 / (1 - rate).
    static constexpr std::size_t workspace_size = In::size;

    template <class T>
    void forward(const forward_io<T>& io, pass_context& ctx) const {
      const std::size_t count = io.n * In::size;
      if (!active(ctx)) {
        std::copy(io.x, io.x + count, io.y);
        return;
      }
      if (ctx.rng == nullptr)
        throw std::invalid_argument("ctnn::dropout: a training pass needs a random generator (pass_context::rng)");
      const T keep_scale = static_cast<T>(1.0 / (1.0 - rate));
      T* mask = io.workspace;
      for (std::size_t i = 0; i < count; ++i) mask[i] = ctx.rng->uniform() < rate ? T(0) : keep_scale;
      for (std::size_t i = 0; i < count; ++i) io.y[i] = io.x[i] * mask[i];
    }

    // dx = dy * the mask forward applied (dy unchanged in inference).
    template <class T>
    void backward(const backward_io<T>& io, pass_context& ctx) const {
      if (!io.dx) return;
      const std::size_t count = io.n * In::size;
      if (!active(ctx)) {
        std::copy(io.dy, io.dy + count, io.dx);
        return;
      }
      for (std::size_t i = 0; i < count; ++i) io.dx[i] = io.dy[i] * io.workspace[i];
    }

   private:
    static bool active(const pass_context& ctx) { return ctx.phase == mode::training && rate > 0; }
  };
};

}  // namespace ctnn
