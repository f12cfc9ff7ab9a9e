#include <catch2/catch.hpp>

#include <type_traits>

#include <ctnn/ctnn.hpp>

#include "layers/recurrent_reference.hpp"
#include "support/recurrent_test.hpp"

namespace {
using ctnn::gru;
using ctnn::return_sequences;
using ctnn::go_backwards;
using ctnn::reset_after;
namespace ref = recurrent_reference;
}  // namespace

TEST_CASE("gru: shapes, Keras' parameters and their order", "[gru][recurrent]") {
  using net = ctnn::sequential<ctnn::input<7, 3>, gru<5>>;
  using before = ctnn::sequential<ctnn::input<7, 3>, gru<5, reset_after<false>, return_sequences<true>>>;
  STATIC_REQUIRE(std::is_same_v<net::output_shape, ctnn::shape<5>>);
  STATIC_REQUIRE(std::is_same_v<before::output_shape, ctnn::shape<7, 5>>);
  // Keras: reset_after has two biases, bias of shape (2, 3 units).
  STATIC_REQUIRE(net::parameter_count == 3 * 5 * (3 + 5) + 2 * 3 * 5);
  STATIC_REQUIRE(before::parameter_count == 3 * 5 * (3 + 5 + 1));
  using L = std::tuple_element_t<0, net::layer_types>;
  STATIC_REQUIRE(L::parameters[2].rank == 2);
  STATIC_REQUIRE(L::parameters[2].dims[0] == 2);
  STATIC_REQUIRE(L::parameters[2].dims[1] == 15);
  using B = std::tuple_element_t<0, before::layer_types>;
  STATIC_REQUIRE(B::parameters[2].rank == 1);
  STATIC_REQUIRE(B::parameters[1].role == ctnn::parameter_role::recurrent_kernel);
  STATIC_REQUIRE(ctnn::layer_traits<L>::streaming_state_size == 5);
  STATIC_REQUIRE(gru<4>::options::reset_after);
}

TEST_CASE("gru: outputs match PyTorch's GRU (reset_after) and Keras' formulas (reset_before)",
          "[gru][recurrent][reference]") {
  ctnn_test::check_reference<gru<4, return_sequences<true>>, gru<4>, ref::gru_reset_after>();
  ctnn_test::check_reference<gru<3, return_sequences<true>, go_backwards<true>>, gru<3, go_backwards<true>>,
                             ref::gru_reset_after_backwards>();
  ctnn_test::check_reference<gru<4, reset_after<false>, return_sequences<true>>, gru<4, reset_after<false>>,
                             ref::gru_reset_before>();
  ctnn_test::check_reference<gru<3, go_backwards<true>, reset_after<false>, return_sequences<true>>,
                             gru<3, go_backwards<true>, reset_after<false>>, ref::gru_reset_before_backwards>();
}

TEST_CASE("gru: gradients match finite differences", "[gru][recurrent][gradients]") {
  ctnn_test::check_gradients<gru<3>, 4, 2>();
  ctnn_test::check_gradients<gru<3, return_sequences<true>>, 4, 2>();
  ctnn_test::check_gradients<gru<2, return_sequences<true>, go_backwards<true>>, 3, 3>();
  ctnn_test::check_gradients<gru<3, reset_after<false>>, 4, 2>();
  ctnn_test::check_gradients<gru<2, reset_after<false>, return_sequences<true>, go_backwards<true>>, 3, 2>();
  ctnn_test::check_gradients<gru<2, ctnn::use_bias<false>>, 3, 2>();
}

TEST_CASE("gru: a sequence run step by step gives forward's outputs, allocating nothing", "[gru][recurrent][step]") {
  ctnn_test::check_step_matches_forward<gru<16, return_sequences<true>>, 5, 2>();
  ctnn_test::check_step_matches_forward<gru<5, return_sequences<true>, reset_after<false>>, 4, 3>();
}
