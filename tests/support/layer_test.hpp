#pragma once
// What the layer tests share: a spec bound to a shape, seeded random values, and the largest
// finite-difference gradient error of a network (tests/support/gradient_check.hpp).
#include <cstddef>
#include <cstdint>
#include <vector>

#include <ctnn/detail/random.hpp>
#include <ctnn/losses/mean_squared_error.hpp>

#include "gradient_check.hpp"

namespace ctnn_test {

template <class Spec, class In>
using bound = typename Spec::template layer<In>;

template <class T>
std::vector<T> random_values(std::size_t count, std::uint64_t seed, double lo = -1, double hi = 1) {
  ctnn::detail::rng r(seed);
  std::vector<T> v(count);
  for (auto& x : v) x = static_cast<T>(r.uniform(lo, hi));
  return v;
}

// Largest relative error of the analytic gradients of Network on n samples (inputs seeded by
// seed), mean squared error against labels uniform in [-1, 1) (seeded by label_seed).
template <class Network>
double gradient_error(std::size_t n, std::uint64_t seed, std::uint64_t label_seed) {
  gradient_check<Network, ctnn::loss::mean_squared_error> check(n, seed);
  ctnn::detail::rng r(label_seed);
  for (auto& v : check.labels()) v = r.uniform(-1, 1);
  return check.max_relative_error();
}

}  // namespace ctnn_test
