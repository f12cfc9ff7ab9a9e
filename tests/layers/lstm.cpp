#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <ctnn/ctnn.hpp>

#include "layers/recurrent_reference.hpp"
#include "support/recurrent_test.hpp"

namespace {
using ctnn::lstm;
using ctnn::return_sequences;
using ctnn::go_backwards;
namespace ref = recurrent_reference;
}  // namespace

TEST_CASE("lstm: shapes, Keras' parameters and their order", "[lstm][recurrent]") {
  using net = ctnn::sequential<ctnn::input<7, 3>, lstm<5>>;
  using seq = ctnn::sequential<ctnn::input<7, 3>, lstm<5, return_sequences<true>>>;
  STATIC_REQUIRE(std::is_same_v<net::output_shape, ctnn::shape<5>>);
  STATIC_REQUIRE(std::is_same_v<seq::output_shape, ctnn::shape<7, 5>>);
  // Keras: 4 units (features + units + 1).
  STATIC_REQUIRE(net::parameter_count == 4 * 5 * (3 + 5 + 1));
  using L = std::tuple_element_t<0, net::layer_types>;
  STATIC_REQUIRE(L::parameters[0].name == "kernel");
  STATIC_REQUIRE(L::parameters[0].dims[0] == 3);
  STATIC_REQUIRE(L::parameters[0].dims[1] == 20);
  STATIC_REQUIRE(L::parameters[1].name == "recurrent_kernel");
  STATIC_REQUIRE(L::parameters[1].role == ctnn::parameter_role::recurrent_kernel);
  STATIC_REQUIRE(L::parameters[1].dims[0] == 5);
  STATIC_REQUIRE(L::parameters[2].name == "bias");
  STATIC_REQUIRE(L::parameters[2].dims[0] == 20);
  STATIC_REQUIRE(ctnn::layer_traits<L>::streaming_state_size == 10);
  using no_bias = ctnn::sequential<ctnn::input<7, 3>, lstm<5, ctnn::use_bias<false>>>;
  STATIC_REQUIRE(no_bias::parameter_count == 4 * 5 * (3 + 5));
  // go_backwards sees the whole sequence first: it does not stream.
  using back = ctnn::sequential<ctnn::input<7, 3>, lstm<5, go_backwards<true>>>;
  STATIC_REQUIRE_FALSE(ctnn::layer_traits<std::tuple_element_t<0, back::layer_types>>::streams);
  STATIC_REQUIRE(ctnn::layer_traits<L>::streams);
  // Options in any order.
  using a = lstm<4, ctnn::relu, ctnn::recurrent_activation<ctnn::tanh>, return_sequences<true>>;
  using b = lstm<4, return_sequences<true>, ctnn::recurrent_activation<ctnn::tanh>, ctnn::relu>;
  STATIC_REQUIRE(std::is_same_v<a::options::activation_type, b::options::activation_type>);
  STATIC_REQUIRE(std::is_same_v<a::options::recurrent_activation_type, ctnn::tanh>);
  STATIC_REQUIRE(std::is_same_v<lstm<4>::options::activation_type, ctnn::tanh>);
  STATIC_REQUIRE(std::is_same_v<lstm<4>::options::recurrent_activation_type, ctnn::sigmoid>);
  STATIC_REQUIRE(std::is_same_v<lstm<4>::options::recurrent_initializer_type, ctnn::init::orthogonal>);
}

TEST_CASE("lstm: the bias starts as Keras' unit_forget_bias: ones for the forget gate", "[lstm][recurrent]") {
  ctnn_test::recurrent_run<lstm<3>, 2, 2> on;
  ctnn_test::recurrent_run<lstm<3, ctnn::unit_forget_bias<false>>, 2, 2> off;
  const std::size_t b = decltype(on)::layer_type::parameters[2].offset;
  for (std::size_t j = 0; j < 12; ++j) {
    CHECK(on.params[b + j] == (j >= 3 && j < 6 ? 1.0f : 0.0f));
    CHECK(off.params[b + j] == 0.0f);
  }
}

TEST_CASE("lstm: outputs match PyTorch's LSTM on Keras-layout weights", "[lstm][recurrent][reference]") {
  ctnn_test::check_reference<lstm<4, return_sequences<true>>, lstm<4>, ref::lstm_basic>();
  ctnn_test::check_reference<lstm<3, return_sequences<true>, go_backwards<true>>, lstm<3, go_backwards<true>>,
                             ref::lstm_backwards>();
  ctnn_test::check_reference<lstm<5, return_sequences<true>, ctnn::use_bias<false>>, lstm<5, ctnn::use_bias<false>>,
                             ref::lstm_no_bias>();
}

TEST_CASE("lstm: gradients match finite differences", "[lstm][recurrent][gradients]") {
  ctnn_test::check_gradients<lstm<3>, 4, 2>();
  ctnn_test::check_gradients<lstm<3, return_sequences<true>>, 4, 2>();
  ctnn_test::check_gradients<lstm<2, return_sequences<true>, go_backwards<true>>, 3, 3>();
  ctnn_test::check_gradients<lstm<2, ctnn::use_bias<false>, go_backwards<true>>, 3, 2>();
}

TEST_CASE("lstm: a sequence run step by step gives forward's outputs, allocating nothing", "[lstm][recurrent][step]") {
  ctnn_test::check_step_matches_forward<lstm<32, return_sequences<true>>, 6, 1>();
  ctnn_test::check_step_matches_forward<lstm<5, return_sequences<true>, ctnn::use_bias<false>>, 4, 3>();
}

TEST_CASE("lstm: recurrent_regularizer penalizes the recurrent kernel only", "[lstm][recurrent]") {
  using spec = lstm<2, ctnn::recurrent_regularizer<ctnn::regularizers::l2>>;
  ctnn_test::recurrent_run<spec, 3, 2> r;
  using L = decltype(r)::layer_type;
  STATIC_REQUIRE(ctnn::layer_traits<L>::regularized);
  double expected = 0;
  for (std::size_t i = 0; i < L::parameters[1].size; ++i) {
    const double w = r.params[L::parameters[1].offset + i];
    expected += 0.01 * w * w;
  }
  CHECK(r.layer.penalty(L::parameters, r.params.data()) == Approx(expected).epsilon(1e-6));
  ctnn_test::check_gradients<spec, 3, 2>();
}

TEST_CASE("lstm: learns the sum of a short sequence under fit", "[lstm][recurrent][fit]") {
  using net = ctnn::sequential<ctnn::input<6, 1>, lstm<8>, ctnn::dense<1>>;
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::adam> m{{.learning_rate = 0.02f}, {}, {.seed = 3}};
  ctnn::samples<6, 1> x(256);
  ctnn::samples<1> y(256);
  ctnn::detail::rng r(7);
  for (std::size_t s = 0; s < x.size(); ++s) {
    float sum = 0;
    for (std::size_t t = 0; t < 6; ++t) sum += x.data()[s * 6 + t] = static_cast<float>(r.uniform(-1, 1));
    y.data()[s] = sum / 3;
  }
  const auto h = m.fit(x, y, {.epochs = 20, .batch_size = 32, .verbose = 0});
  REQUIRE(h.loss.size() == 20);
  // The labels' variance is 6 / 3 / 9 = 0.22: the first epoch is near it, the last far below.
  CHECK(h.loss.back() < 0.1 * h.loss.front());
}

TEST_CASE("lstm: two threads train bit for bit like one", "[lstm][recurrent][fit][threads]") {
  // Products large enough to split across threads when OpenMP is there: the input projection
  // (64 x 8 rows, 32 -> 256) and each step's recurrent product (64 rows, 64 -> 256).
  using net = ctnn::sequential<ctnn::input<8, 32>, lstm<64>, ctnn::dense<1>>;
  using model_type = ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::adam>;
  ctnn::samples<8, 32> x(128);
  ctnn::samples<1> y(128);
  ctnn::detail::rng r(4);
  for (auto& v : x.values()) v = static_cast<float>(r.uniform(-1, 1));
  for (auto& v : y.values()) v = static_cast<float>(r.uniform(-1, 1));
  model_type one, two;
  one.fit(x, y, {.epochs = 2, .batch_size = 64, .verbose = 0, .threads = 1});
  two.fit(x, y, {.epochs = 2, .batch_size = 64, .verbose = 0, .threads = 2});
  CHECK(std::equal(one.parameters().begin(), one.parameters().end(), two.parameters().begin()));
}
