#include <catch2/catch.hpp>

#include <cstddef>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/layer_test.hpp"

namespace {
using ctnn::input;
using ctnn::reshape;
using ctnn::sequential;
using ctnn::shape;
using ctnn_test::bound;
}  // namespace

TEST_CASE("reshape: Keras' Reshape, with one -1 inferred", "[reshape]") {
  // Keras' docstring: Reshape((3, 4)) and Reshape((-1, 2, 2)) of a (12,) input.
  STATIC_REQUIRE(std::is_same_v<bound<reshape<3, 4>, shape<12>>::output_shape, shape<3, 4>>);
  STATIC_REQUIRE(std::is_same_v<bound<reshape<-1, 2, 2>, shape<12>>::output_shape, shape<3, 2, 2>>);
  STATIC_REQUIRE(std::is_same_v<bound<reshape<7, -1>, shape<7, 7, 4>>::output_shape, shape<7, 28>>);
  STATIC_REQUIRE(std::is_same_v<bound<reshape<-1>, shape<2, 3, 4>>::output_shape, shape<24>>);
  STATIC_REQUIRE(bound<reshape<3, 4>, shape<12>>::parameter_count == 0);
  STATIC_REQUIRE(bound<reshape<3, 4>, shape<12>>::kind == "reshape");
  // What is refused, one sentence each (tests/compile_fail/reshape_*): another size, a 0, two -1.
  using ctnn::detail::refuses_with;
  STATIC_REQUIRE(refuses_with<reshape<3, 4>::size_mismatch, reshape<3, 4>, shape<13>>);
  STATIC_REQUIRE(refuses_with<reshape<-1, 5>::size_mismatch, reshape<-1, 5>, shape<12>>);
  STATIC_REQUIRE(refuses_with<reshape<0, 4>::bad_target_shape, reshape<0, 4>, shape<12>>);
  STATIC_REQUIRE(refuses_with<reshape<-1, -1>::bad_target_shape, reshape<-1, -1>, shape<12>>);
  STATIC_REQUIRE(refuses_with<reshape<-2, 6>::bad_target_shape, reshape<-2, 6>, shape<12>>);
  STATIC_REQUIRE(refuses_with<reshape<>::bad_target_shape, reshape<>, shape<12>>);
  // In a network: a dense layer after a reshape to a sequence runs on its last axis.
  using net = sequential<input<12>, reshape<4, 3>, ctnn::dense<2>>;
  STATIC_REQUIRE(std::is_same_v<net::output_shape, shape<4, 2>>);
}

TEST_CASE("reshape: the values in row-major order, unchanged both ways", "[reshape]") {
  using L = bound<reshape<-1, 3>, shape<2, 2, 3>>;
  STATIC_REQUIRE(std::is_same_v<L::output_shape, shape<4, 3>>);
  L layer;
  ctnn::pass_context ctx;
  std::vector<double> x(24), y(24), dx(24);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.5 * double(i) - 3;
  layer.forward(ctnn::forward_io<double>{nullptr, x.data(), y.data(), 2, nullptr}, ctx);
  CHECK(y == x);
  std::vector<double> dy(x.rbegin(), x.rend());
  layer.backward(ctnn::backward_io<double>{nullptr, nullptr, x.data(), y.data(), dy.data(), dx.data(), 2}, ctx);
  CHECK(dx == dy);
}

TEST_CASE("reshape: gradients through it match finite differences (double)", "[reshape][gradient]") {
  // Around layers that use the shape: a dense on the (4, 3) sequence's last axis.
  using net = sequential<input<12>, reshape<4, -1>, ctnn::dense<2, ctnn::tanh>, ctnn::flatten, ctnn::dense<1>>;
  CHECK(ctnn_test::gradient_error<net>(3, 5, 6) < 1e-6);
}
