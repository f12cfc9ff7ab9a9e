#include <catch2/catch.hpp>

#include <type_traits>

#include <ctnn/ctnn.hpp>

#include "layers/recurrent_reference.hpp"
#include "support/recurrent_test.hpp"

namespace {
using ctnn::simple_rnn;
using ctnn::return_sequences;
using ctnn::go_backwards;
namespace ref = recurrent_reference;
}  // namespace

TEST_CASE("simple_rnn: shapes and Keras' parameters", "[simple_rnn][recurrent]") {
  using net = ctnn::sequential<ctnn::input<7, 3>, simple_rnn<5>>;
  STATIC_REQUIRE(std::is_same_v<net::output_shape, ctnn::shape<5>>);
  STATIC_REQUIRE(net::parameter_count == 5 * (3 + 5 + 1));
  using L = std::tuple_element_t<0, net::layer_types>;
  STATIC_REQUIRE(L::parameters[1].dims[0] == 5);
  STATIC_REQUIRE(L::parameters[1].dims[1] == 5);
  STATIC_REQUIRE(ctnn::layer_traits<L>::streaming_state_size == 5);
  STATIC_REQUIRE(std::is_same_v<simple_rnn<4, ctnn::relu>::options::activation_type, ctnn::relu>);
}

TEST_CASE("simple_rnn: outputs match PyTorch's RNN on Keras-layout weights", "[simple_rnn][recurrent][reference]") {
  ctnn_test::check_reference<simple_rnn<4, return_sequences<true>>, simple_rnn<4>, ref::simple_rnn_basic>();
  ctnn_test::check_reference<simple_rnn<5, return_sequences<true>, go_backwards<true>>,
                             simple_rnn<5, go_backwards<true>>, ref::simple_rnn_backwards>();
}

TEST_CASE("simple_rnn: gradients match finite differences", "[simple_rnn][recurrent][gradients]") {
  ctnn_test::check_gradients<simple_rnn<3>, 4, 2>();
  ctnn_test::check_gradients<simple_rnn<3, return_sequences<true>, ctnn::sigmoid>, 4, 2>();
  ctnn_test::check_gradients<simple_rnn<2, return_sequences<true>, go_backwards<true>>, 3, 3>();
}

TEST_CASE("simple_rnn: a sequence run step by step gives forward's outputs, allocating nothing",
          "[simple_rnn][recurrent][step]") {
  ctnn_test::check_step_matches_forward<simple_rnn<8, return_sequences<true>>, 5, 2>();
}
