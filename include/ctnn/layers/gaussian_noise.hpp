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
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string_view>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "../detail/random.hpp"
#include "../detail/no_parameters.hpp"

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

template <gaussian_noise_stddev Stddev>
struct gaussian_noise {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "gaussian_noise";
  static constexpr double stddev = Stddev.value();

  struct invalid_stddev {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position (gaussian_noise) has a negative or non-finite standard deviation; the noise's stddev must be a finite value of at least 0");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (Stddev.valid()) return detail::link_ok{};
    else return invalid_stddev{};
  }

  template <class In>
  class layer : public detail::no_parameters {
   public:
    using input_shape = In;
    using output_shape = In;
    static constexpr std::string_view kind = gaussian_noise::kind;
    template <class D>
    static constexpr void describe(D& d) { d.millionths("stddev", stddev); }

    template <class T>
    void forward(const forward_io<T>& io, pass_context& ctx) const {
      const std::size_t count = io.n * In::size;
      if (!active(ctx)) {
        std::copy(io.x, io.x + count, io.y);
        return;
      }
      if (ctx.rng == nullptr)
        throw std::invalid_argument("ctnn::gaussian_noise: a training pass needs a random generator (pass_context::rng)");
      for (std::size_t i = 0; i < count; ++i) io.y[i] = io.x[i] + static_cast<T>(stddev * ctx.rng->normal());
    }

    // y = x + noise: dx = dy, in training and inference alike.
    template <class T>
    void backward(const backward_io<T>& io, pass_context&) const {
      if (io.dx) std::copy(io.dy, io.dy + io.n * In::size, io.dx);
    }

   private:
    static bool active(const pass_context& ctx) { return ctx.phase == mode::training && stddev > 0; }
  };
};

}  // namespace ctnn
