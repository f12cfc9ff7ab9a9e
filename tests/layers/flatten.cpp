#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/layer_test.hpp"

namespace {
using ctnn::flatten;
using ctnn::input;
using ctnn::sequential;
using ctnn_test::bound;
}  // namespace

TEST_CASE("flatten: any rank to rank 1, the values unchanged", "[flatten]") {
  STATIC_REQUIRE(std::is_same_v<bound<flatten, ctnn::shape<2, 3, 4>>::output_shape, ctnn::shape<24>>);
  STATIC_REQUIRE(std::is_same_v<bound<flatten, ctnn::shape<5>>::output_shape, ctnn::shape<5>>);
  STATIC_REQUIRE(bound<flatten, ctnn::shape<2, 3, 4>>::parameter_count == 0);
  using net = sequential<input<4, 3, 2>, flatten, ctnn::dense<5>>;
  STATIC_REQUIRE(net::parameter_count == 24 * 5 + 5);

  using L = bound<flatten, ctnn::shape<2, 2, 2>>;
  L layer;
  ctnn::pass_context ctx;
  std::vector<float> x(16), y(16), dx(16);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(i);
  layer.forward(ctnn::forward_io<float>{nullptr, x.data(), y.data(), 2, nullptr}, ctx);
  CHECK(y == x);  // row-major, channels last: the NHWC order itself
  std::vector<float> dy(x.rbegin(), x.rend());
  layer.backward(ctnn::backward_io<float>{nullptr, nullptr, x.data(), y.data(), dy.data(), dx.data(), 2}, ctx);
  CHECK(dx == dy);
}

