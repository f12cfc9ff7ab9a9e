// ctnn::quantized: the bf16 and int8 kernels against references written here from the
// definitions (the bfloat16 format; Keras 3's abs_max_quantize and Dense._int8_call), with
// tolerances from the arithmetic's error bounds where float sums are reordered.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/allocation_counter.hpp"
#include "support/layer_test.hpp"

namespace {

constexpr double unit_roundoff = 0x1.0p-24;  // float32's u

std::vector<float> random_values(std::size_t n, std::uint64_t seed, double lo = -1, double hi = 1) {
  return ctnn_test::random_values<float>(n, seed, lo, hi);
}

// A model of Net with random parameters (the arena's padding left as it is).
template <class Net>
using model_of = ctnn::model<Net, ctnn::loss::mean_squared_error, ctnn::optim::sgd>;

template <class M>
void randomize(M& m, std::uint64_t seed) {
  const auto p = m.parameters();
  const auto v = random_values(p.size(), seed);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = v[i];
}

// The float kernel and bias of the dense layer I of m.
template <std::size_t I, class M>
const float* kernel_of(const M& m) {
  using L = std::tuple_element_t<I, typename M::network::layer_types>;
  return m.parameters().data() + M::network::parameter_offsets[I] + ctnn::detail::parameter_offset<L>("kernel");
}
template <std::size_t I, class M>
const float* bias_of(const M& m) {
  using L = std::tuple_element_t<I, typename M::network::layer_types>;
  return m.parameters().data() + M::network::parameter_offsets[I] + ctnn::detail::parameter_offset<L>("bias");
}

float bf16_round(float v) { return ctnn::kernels::from_bf16(ctnn::kernels::to_bf16(v)); }

}  // namespace

TEST_CASE("bf16: rounding to nearest, ties to even, by hand", "[quantized][bf16]") {
  using ctnn::kernels::to_bf16;
  CHECK(to_bf16(1.0f) == 0x3F80);
  CHECK(to_bf16(-0.0f) == 0x8000);
  CHECK(to_bf16(1.0f + 0x1.0p-8f) == 0x3F80);                // a tie, to the even 1.0
  CHECK(to_bf16(1.0f + 3 * 0x1.0p-8f) == 0x3F82);            // a tie, to the even 1 + 2^-6
  CHECK(to_bf16(1.0f + 0x1.0p-8f + 0x1.0p-20f) == 0x3F81);   // past the tie: up
  CHECK(to_bf16(1.0f + 0x1.0p-8f - 0x1.0p-20f) == 0x3F80);   // short of it: down
  CHECK(to_bf16(std::numeric_limits<float>::infinity()) == 0x7F80);
  CHECK(to_bf16(std::numeric_limits<float>::max()) == 0x7F80);  // rounds past bf16's largest
  CHECK(std::isnan(ctnn::kernels::from_bf16(to_bf16(std::numeric_limits<float>::quiet_NaN()))));
  CHECK(std::isnan(ctnn::kernels::from_bf16(to_bf16(std::numeric_limits<float>::signaling_NaN()))));
}

TEMPLATE_TEST_CASE_SIG("bf16 product: every weight where it belongs, sums within float's error bound",
                       "[quantized][bf16]", ((std::size_t In, std::size_t Out), In, Out), (5, 37), (33, 130),
                       (1, 1), (64, 16)) {
  using gemv = ctnn::kernels::bf16_gemv<In, Out>;
  const auto w = random_values(In * Out, 3);
  const auto x = random_values(In, 4, -2, 2);
  std::vector<std::uint32_t> packed(gemv::words);
  gemv::pack(w.data(), packed.data());
  for (std::size_t r = 0; r < In; ++r)
    for (std::size_t c = 0; c < Out; ++c) REQUIRE(gemv::weight(packed.data(), r, c) == bf16_round(w[r * Out + c]));
  std::vector<float> sums(gemv::padded_columns, -1.0f);
  gemv::apply(x.data(), packed.data(), sums.data());
  for (std::size_t c = 0; c < gemv::padded_columns; ++c) {
    double exact = 0, magnitude = 0;
    for (std::size_t r = 0; r < In && c < Out; ++r) {
      const double p = double{x[r]} * double{bf16_round(w[r * Out + c])};
      exact += p;
      magnitude += std::abs(p);
    }
    // In fused multiply-adds, each rounded once: |error| <= In u sum |x w| (to first order).
    CHECK(std::abs(sums[c] - exact) <= static_cast<double>(In) * unit_roundoff * magnitude * (1 + 1e-6));
  }
}

TEMPLATE_TEST_CASE_SIG("int8 product: exact int32 sums at the ends of the range", "[quantized][int8]",
                       ((std::size_t In, std::size_t Out), In, Out), (5, 37), (35, 130), (1, 1), (64, 8),
                       (3, 65)) {
  using gemv = ctnn::kernels::int8_gemv<In, Out>;
  ctnn::detail::rng r(11);
  std::vector<std::int8_t> q(In * Out), x(gemv::padded_in, 0);
  // Mostly the extremes, where a 16-bit intermediate would saturate.
  auto draw = [&] { const auto u = r.below(4); return static_cast<std::int8_t>(u == 0 ? 127 : u == 1 ? -127 : static_cast<int>(r.below(255)) - 127); };
  for (auto& v : q) v = draw();
  for (std::size_t i = 0; i < In; ++i) x[i] = draw();
  std::vector<std::uint32_t> packed(gemv::words);
  gemv::pack(q.data(), packed.data());
  for (std::size_t i = 0; i < In; ++i)
    for (std::size_t c = 0; c < Out; ++c) REQUIRE(gemv::weight(packed.data(), i, c) == q[i * Out + c]);
  std::vector<std::int32_t> acc(gemv::padded_columns, -1);
  gemv::apply(x.data(), packed.data(), acc.data());
  for (std::size_t c = 0; c < gemv::padded_columns; ++c) {
    std::int64_t exact = 0;
    for (std::size_t i = 0; i < In && c < Out; ++i) exact += std::int64_t{x[i]} * q[i * Out + c];
    CHECK(acc[c] == exact);
  }
}

namespace {
using mlp = ctnn::sequential<ctnn::input<37>, ctnn::dense<70, ctnn::relu>, ctnn::dense<19>>;

// Keras 3's int8 Dense on one sample, from its definition: abs_max_quantize of the kernel over
// axis 0 and of the input over its features, the int8 product, acc / (x_scale * kernel_scale) + b.
std::vector<float> keras_int8_dense(const std::vector<float>& x, const float* w, const float* b, std::size_t in,
                                    std::size_t out, bool relu) {
  auto scale_of = [](float amax) { return 127.0f / (amax + 1e-7f); };
  auto q = [](float v, float s) { return static_cast<std::int64_t>(std::fmin(127.0f, std::fmax(-127.0f, std::nearbyint(v * s)))); };
  float x_amax = 0;
  for (float v : x) x_amax = std::fmax(x_amax, std::fabs(v));
  const float x_scale = scale_of(x_amax);
  std::vector<float> y(out);
  for (std::size_t j = 0; j < out; ++j) {
    float w_amax = 0;
    for (std::size_t i = 0; i < in; ++i) w_amax = std::fmax(w_amax, std::fabs(w[i * out + j]));
    const float w_scale = scale_of(w_amax);
    std::int64_t acc = 0;
    for (std::size_t i = 0; i < in; ++i) acc += q(x[i], x_scale) * q(w[i * out + j], w_scale);
    y[j] = static_cast<float>(acc) / (x_scale * w_scale) + b[j];
    if (relu) y[j] = std::fmax(y[j], 0.0f);
  }
  return y;
}
}  // namespace

TEST_CASE("int8: a network's outputs are Keras' int8 Dense formulas, exactly", "[quantized][int8]") {
  model_of<mlp> m;
  randomize(m, 21);
  ctnn::quantized<model_of<mlp>, ctnn::int8> q(m);
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const auto x = random_values(37, 100 + seed, -3, 3);
    const auto h = keras_int8_dense(x, kernel_of<0>(m), bias_of<0>(m), 37, 70, true);
    const auto y = keras_int8_dense(h, kernel_of<1>(m), bias_of<1>(m), 70, 19, false);
    const auto got = q.predict_one(std::span<const float, 37>(x.data(), 37));
    for (std::size_t j = 0; j < 19; ++j) CHECK(got[j] == y[j]);
  }
}

TEST_CASE("bf16: a network's outputs are the float network's on bf16 weights, within the propagated bound",
          "[quantized][bf16]") {
  model_of<mlp> m;
  randomize(m, 22);
  ctnn::quantized<mlp, ctnn::bf16> q(m.parameters());
  const auto x = random_values(37, 7, -3, 3);
  // In double, on the bf16 weights: the exact values, and a bound on float32's error, layer by
  // layer: e_out[j] <= sum_i |w_ij| e_in[i] + In u sum_i |x_i w_ij| + u |z_j| (the bias's add);
  // relu does not widen it.
  std::vector<double> v(x.begin(), x.end()), e(37, 0.0);
  auto layer = [&](const float* w, const float* b, std::size_t in, std::size_t out, bool relu) {
    std::vector<double> z(out), ez(out);
    for (std::size_t j = 0; j < out; ++j) {
      double s = 0, mag = 0, prop = 0;
      for (std::size_t i = 0; i < in; ++i) {
        const double wij = bf16_round(w[i * out + j]);
        s += v[i] * wij;
        mag += std::abs(v[i] * wij);
        prop += std::abs(wij) * e[i];
      }
      z[j] = s + b[j];
      ez[j] = (prop + static_cast<double>(in) * unit_roundoff * (mag + prop) + unit_roundoff * (std::abs(z[j]) + prop)) * (1 + 1e-6);
      if (relu) z[j] = std::max(z[j], 0.0);
    }
    v = z;
    e = ez;
  };
  layer(kernel_of<0>(m), bias_of<0>(m), 37, 70, true);
  layer(kernel_of<1>(m), bias_of<1>(m), 70, 19, false);
  const auto got = q.predict_one(std::span<const float, 37>(x.data(), 37));
  for (std::size_t j = 0; j < 19; ++j) CHECK(std::abs(got[j] - v[j]) <= e[j]);
}

TEST_CASE("quantized: layers without parameters run as they are; predict_one allocates nothing",
          "[quantized][realtime]") {
  using net = ctnn::sequential<ctnn::input<4, 5, 2>, ctnn::flatten, ctnn::dense<24, ctnn::relu>, ctnn::dropout<ctnn::dropout_rate{0.5}>,
                               ctnn::dense<10>, ctnn::softmax>;
  model_of<net> m;
  randomize(m, 23);
  ctnn::quantized<model_of<net>, ctnn::int8> q8(m);
  ctnn::quantized<model_of<net>, ctnn::bf16> q16(m);
  const auto x = random_values(40, 8);
  const std::span<const float, 40> xs(x.data(), 40);
  float total16 = 0;
  CHECK(ctnn_test::count_allocations([&] {
          (void)q8.predict_one(xs);
          for (float p : q16.predict_one(xs)) total16 += p;
        }) == 0);
  // Flatten keeps the order, dropout passes its input at inference: the int8 logits are the two
  // dense layers' formulas exactly; the softmax, against double's on those logits, within 32 u
  // (each p = exp(z - max) / sum: exp within 4 ulp, the sum of 10 terms 10 roundings, the division
  // one, and 10 more for the sum of the p's below).
  const auto h = keras_int8_dense(x, kernel_of<1>(m), bias_of<1>(m), 40, 24, true);
  const auto z = keras_int8_dense(h, kernel_of<3>(m), bias_of<3>(m), 24, 10, false);
  double zmax = z[0], sum = 0;
  for (float v : z) zmax = std::max(zmax, double{v});
  for (float v : z) sum += std::exp(double{v} - zmax);
  const auto p8 = q8.predict_one(xs);
  for (std::size_t j = 0; j < 10; ++j) CHECK(std::abs(p8[j] - std::exp(double{z[j]} - zmax) / sum) <= 32 * unit_roundoff);
  CHECK(std::abs(total16 - 1.0) <= 32 * unit_roundoff);
}

TEST_CASE("quantized: bad input is refused or gives NaN, never a made-up number", "[quantized]") {
  model_of<mlp> m;
  std::vector<float> short_arena(mlp::parameter_storage - 1);
  CHECK_THROWS_AS((ctnn::quantized<mlp, ctnn::int8>(std::span<const float>(short_arena))), std::invalid_argument);
  std::vector<float> arena(m.parameters().begin(), m.parameters().end());
  arena[5] = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH((ctnn::quantized<mlp, ctnn::int8>(std::span<const float>(arena))),
                    Catch::Contains("parameter 5 is not finite"));
  arena[5] = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_AS((ctnn::quantized<mlp, ctnn::bf16>(std::span<const float>(arena))), std::invalid_argument);
  ctnn::quantized<mlp, ctnn::int8> q(m);
  std::vector<float> x(37, 0.5f);
  x[3] = std::numeric_limits<float>::quiet_NaN();
  for (float y : q.predict_one(std::span<const float, 37>(x.data(), 37))) CHECK(std::isnan(y));
  x[3] = std::numeric_limits<float>::infinity();
  for (float y : q.predict_one(std::span<const float, 37>(x.data(), 37))) CHECK(std::isnan(y));
}

TEST_CASE("isa: names the instruction set the build's flags chose", "[isa]") {
#if defined(__AVX512F__)
  CHECK(ctnn::isa().substr(0, 6) == "avx512");
#elif defined(__AVX2__) && defined(__FMA__)
  CHECK(ctnn::isa() == "fma3+avx2");
#elif defined(__AVX2__)
  CHECK(ctnn::isa() == "avx2");
#elif !defined(__SSE3__)
  CHECK(ctnn::isa() == "sse2");
#endif
#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
  STATIC_REQUIRE(ctnn::isa_int8_kernel() == "avx512_vnni");
#elif defined(__AVX2__) && defined(__AVXVNNI__)
  STATIC_REQUIRE(ctnn::isa_int8_kernel() == "avx_vnni");
#elif defined(__AVX2__)
  STATIC_REQUIRE(ctnn::isa_int8_kernel() == "avx2");
#else
  STATIC_REQUIRE(ctnn::isa_int8_kernel() == "integer");
#endif
}

TEST_CASE("quantized: made from a model, it keeps the layers' run-time settings", "[quantized]") {
  using net = ctnn::sequential<ctnn::input<6>, ctnn::dense<5, ctnn::leaky_relu>>;
  model_of<net> m;
  randomize(m, 31);
  m.layer<0>().activation.alpha = 0.05f;  // not Keras' default 0.3
  ctnn::quantized<model_of<net>, ctnn::int8> q(m);
  const auto x = random_values(6, 32, -2, 2);
  const auto z = keras_int8_dense(x, kernel_of<0>(m), bias_of<0>(m), 6, 5, false);
  REQUIRE(std::any_of(z.begin(), z.end(), [](float v) { return v < 0; }));  // where alpha shows
  const auto got = q.predict_one(std::span<const float, 6>(x.data(), 6));
  for (std::size_t j = 0; j < 5; ++j) CHECK(got[j] == (z[j] > 0 ? z[j] : 0.05f * z[j]));
}
