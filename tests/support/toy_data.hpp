#pragma once
// Small classification data for the training tests: In inputs uniform in [-1, 1), 3 classes,
// one-hot, drawn from ctnn's own generator so that a seed gives the same samples everywhere.
//   toy_labels::argmax  learnable: the class is the index of the largest of the first 3 inputs
//   toy_labels::random  unlearnable: the validation loss goes up and down (callbacks' tests)
#include <cstddef>
#include <cstdint>
#include <utility>

#include <ctnn/core/samples.hpp>
#include <ctnn/detail/random.hpp>

namespace ctnn_test {

enum class toy_labels { argmax, random };

template <std::size_t In = 8>
std::pair<ctnn::samples<In>, ctnn::samples<3>> toy_data(std::size_t n, std::uint64_t seed,
                                                        toy_labels labels = toy_labels::argmax) {
  static_assert(In >= 3, "toy_data: the class is read off the first 3 inputs");
  ctnn::samples<In> x(n);
  ctnn::samples<3> y(n);
  ctnn::detail::rng r(seed);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& v : x[i]) v = static_cast<float>(r.uniform(-1, 1));
    std::size_t label = 0;
    if (labels == toy_labels::random) {
      label = static_cast<std::size_t>(r.uniform(0, 3)) % 3;
    } else {
      for (std::size_t k = 1; k < 3; ++k)
        if (x[i][k] > x[i][label]) label = k;
    }
    y[i][label] = 1;
  }
  return {std::move(x), std::move(y)};
}

}  // namespace ctnn_test
