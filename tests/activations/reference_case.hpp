#pragma once
// What the tests of the Keras activations share: the PyTorch float64 reference values
// (activations_reference.py writes activations_reference.inc) and one check of an activation's
// one form against them, on every way a kernel holds a value.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <ctnn/activations/activation.hpp>

namespace ctnn_test {

struct activation_case {
  std::string_view name;
  std::vector<double> z, y, dy;  // dy: f'(z)
};

#include "activations_reference.inc"

inline const activation_case& reference_case(std::string_view name) {
  for (const auto& c : activation_cases())
    if (c.name == name) return c;
  throw std::invalid_argument("no reference case of that name");
}

// The bound on |ctnn - reference|, from the case's mathematics rather than from this CPU. On
// these inputs (|z| <= 4.1) every f and f' is a sum of at most three terms, each at most
// M = 5.2 in magnitude (|z| + 1 times factors in [0, 1]) and each a product of at most six
// operations: correctly rounded arithmetic (error <= u) and elementary functions (exp, expm1,
// log1p, erfc, tanh) within 2 ulp, as xsimd and glibc state, whose arguments, rounded once
// themselves, are amplified by the function's condition number |a g'(a) / g(a)| -- at most
// 2 a^2 + 1 = 17.8 for erfc at a = |z| / sqrt 2 <= 2.9, less for the others here. A term is then
// within (6 * 2 + 17.8) u < 30 u of its magnitude, the sum within 3 * 5.2 * 30 u = 468 u; the
// reference, evaluated the same way in double, adds at most as much again in double and nothing
// visible in float. So: 1000 u, with u = 2^-24 in float (6e-5) and 2^-53 in double (1.1e-13) --
// far below what a wrong constant or form changes (selu's constants rounded as Keras' docstring
// prints them: 2e-9 relative; gelu's tanh form against its erf form: 1e-3).
template <class T>
constexpr double reference_tolerance = 1000 * std::numeric_limits<T>::epsilon() / 2;

// f and f' of a (through y, or z when its derivative reads z) on every reference input, as a
// float, a double, and every lane of a float and a double batch.
template <class A>
void check_against_reference(const A& a, const activation_case& c) {
  using bf = xsimd::batch<float>;
  using bd = xsimd::batch<double>;
  const auto operand = [](auto z, auto y) { return ctnn::backward_reads_z_v<A> ? z : y; };
  const auto check = [&](std::size_t i, double y, double dz, double tolerance) {
    INFO(c.name << ": z = " << c.z[i]);
    CHECK(std::abs(y - c.y[i]) <= tolerance);
    CHECK(std::abs(dz - c.dy[i]) <= tolerance);  // dL/dy = 1
  };
  const std::size_t n = c.z.size();
  for (std::size_t i = 0; i < n; ++i) {
    const float zf = static_cast<float>(c.z[i]);  // exact: multiples of 1/64
    const float yf = a.apply_simd(zf);
    check(i, yf, a.backward_simd(operand(zf, yf), 1.0f), reference_tolerance<float>);
    const double yd = a.apply_simd(c.z[i]);
    check(i, yd, a.backward_simd(operand(c.z[i], yd), 1.0), reference_tolerance<double>);
  }
  for (std::size_t i = 0; i + bf::size <= n; i += bf::size) {
    alignas(64) float zl[bf::size], yl[bf::size], dl[bf::size];
    for (std::size_t j = 0; j < bf::size; ++j) zl[j] = static_cast<float>(c.z[i + j]);
    const bf zb = bf::load_aligned(zl), yb = a.apply_simd(zb);
    yb.store_aligned(yl);
    a.backward_simd(operand(zb, yb), bf(1.0f)).store_aligned(dl);
    for (std::size_t j = 0; j < bf::size; ++j) check(i + j, yl[j], dl[j], reference_tolerance<float>);
  }
  for (std::size_t i = 0; i + bd::size <= n; i += bd::size) {
    alignas(64) double yl[bd::size], dl[bd::size];
    const bd zb = bd::load_unaligned(c.z.data() + i), yb = a.apply_simd(zb);
    yb.store_aligned(yl);
    a.backward_simd(operand(zb, yb), bd(1.0)).store_aligned(dl);
    for (std::size_t j = 0; j < bd::size; ++j) check(i + j, yl[j], dl[j], reference_tolerance<double>);
  }
}

}  // namespace ctnn_test
