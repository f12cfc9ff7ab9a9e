// The layer laws on the bound layer and its passes (tests/support/layer_cases.hpp lists the
// cases): the concept and its traits, gradients by finite differences, a batch of one against
// a batch of n. The laws through a model (save/load, summary, allocation) are in layer_model.cpp:
// two translation units, so that the two cores of a build share the suite.
#include <catch2/catch.hpp>

#include <cstddef>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/layer_cases.hpp"

using ctnn_test::laws::all_layers;
using ctnn_test::laws::loss;

TEMPLATE_LIST_TEST_CASE("layer laws: the bound layer is a ctnn::layer and its traits are consistent", "[layer][laws]",
                        all_layers) {
  using L = typename TestType::bound;
  STATIC_REQUIRE(ctnn::layer<L>);
  STATIC_REQUIRE(TestType::network::valid);
  // Its parameters tile its arena slice: in order, SIMD-aligned, inside parameter_storage, and
  // counted by parameter_count.
  std::size_t end = 0, count = 0;
  for (const auto& p : L::parameters) {
    CHECK(p.offset >= end);
    CHECK(ctnn::detail::aligned_count(p.offset) == p.offset);
    std::size_t size = 1;
    for (std::size_t d = 0; d < p.rank; ++d) size *= p.dims[d];
    CHECK(size == p.size);
    end = p.offset + p.size;
    count += p.size;
  }
  CHECK(end <= L::parameter_storage);
  CHECK(count == L::parameter_count);
  // A fused activation is one the layer really applies: its name is in the network description.
  if constexpr (ctnn::layer_traits<L>::has_activation)
    CHECK(std::string(ctnn::network_description<typename TestType::network>).find(
              std::string("activation=") + std::string(ctnn::layer_traits<L>::activation_type::name)) != std::string::npos);
}

TEMPLATE_LIST_TEST_CASE("layer laws: gradients match finite differences", "[layer][laws]", all_layers) {
  ctnn_test::gradient_check<typename TestType::network, loss> check(3, 11);
  auto& y = check.labels();
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 0.1 * static_cast<double>(i % 7) - 0.3;
  // dL/dparameters for a layer with parameters, and dL/dx for every layer: what the layer before
  // it is trained by.
  CHECK(check.max_relative_error() < 1e-6);
  CHECK(check.max_input_relative_error() < 1e-6);
}

namespace {
// The inference pass over `count` samples into out, through one compiled copy of the pass
// whatever count is. Two call sites inlined into one test would be two copies, which the
// compiler may contract into FMAs differently (GCC's default -ffp-contract=fast: one copy seen
// with n = 1 folds a product into an add that the other keeps apart; seen under
// -march=skylake-avx512), and the law would then test the compiler, not the layer. noipa (GCC)
// keeps the function from being inlined and from being cloned for a constant count.
template <class Network>
#if defined(__GNUC__) && !defined(__clang__)
[[gnu::noipa]]
#else
[[gnu::noinline]]
#endif
void forward_samples(typename Network::layer_types& layers, const std::vector<double>& params, const double* x,
                     std::size_t count, std::vector<double>& out) {
  using layout = typename Network::layout;
  ctnn::detail::rng r(5);  // inference: no layer draws from it
  ctnn::pass_context ctx{ctnn::mode::inference, &r};
  std::vector<double> block(layout::pass_floats(count, {}));
  const auto io = layout::carve(block.data(), count, {});
  layout::forward(layers, params.data(), x, io, ctx);
  out.assign(io.output(), io.output() + count * Network::output_shape::size);
}
}  // namespace

TEMPLATE_LIST_TEST_CASE("layer laws: a batch of one gives the row of a batch of n", "[layer][laws]", all_layers) {
  // In inference, in double: a layer computes each sample by the same operations whatever n is
  // (its loops never split a sample's values by where the batch's buffer ends), so a layer that
  // keeps samples apart gives the very same values.
  using network = typename TestType::network;
  using layout = typename network::layout;
  constexpr std::size_t n = 5, in = network::input_shape::size, out = network::output_shape::size;
  typename network::layer_types layers{};
  std::vector<double> params(network::parameter_storage);
  ctnn::detail::rng r(3);
  std::get<0>(layers).initialize(layout::template slice<0>(params.data()), r);
  for (auto& p : params) p += r.uniform(-0.2, 0.2);
  std::vector<double> x(n * in);
  for (auto& v : x) v = r.uniform(-1.0, 1.0);
  std::vector<double> all, one;
  forward_samples<network>(layers, params, x.data(), n, all);
  for (std::size_t s = 0; s < n; ++s) {
    forward_samples<network>(layers, params, x.data() + s * in, 1, one);
    for (std::size_t k = 0; k < out; ++k) CHECK(one[k] == all[s * out + k]);
  }
}
