// The layer laws: every layer ctnn ships, bound to a shape, runs the same suite (as Boost.Hana's
// laws run for every model of a concept). A new layer joins by adding a line to `all_layers`.
#include <catch2/catch.hpp>

#include <cstddef>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/allocation_counter.hpp"
#include "support/gradient_check.hpp"

namespace {

// A layer under test: a spec and the sample shape it is bound to.
template <class Spec, class Shape>
struct case_of;
template <class Spec, std::size_t... D>
struct case_of<Spec, ctnn::shape<D...>> {
  using spec = Spec;
  using network = ctnn::sequential<ctnn::input<D...>, Spec>;
  using bound = std::tuple_element_t<0, typename network::layer_types>;
};

using ctnn::shape;
using all_layers = std::tuple<
    case_of<ctnn::dense<4, ctnn::tanh>, shape<3>>,
    case_of<ctnn::dense<3, ctnn::softmax, ctnn::use_bias<false>>, shape<2, 5>>,  // a sequence
    case_of<ctnn::conv2d<2, ctnn::kernel<3>, ctnn::sigmoid>, shape<5, 5, 2>>,
    case_of<ctnn::conv2d<3, ctnn::kernel<2, 3>, ctnn::strides<2>, ctnn::padding::same>, shape<5, 6, 2>>,
    case_of<ctnn::conv2d<2, ctnn::kernel<1>, ctnn::elu>, shape<3, 3, 2>>,  // pointwise: no im2col
    case_of<ctnn::conv2d<2, ctnn::kernel<2, 3>, ctnn::tanh, ctnn::padding::same, ctnn::dilation_rate<2, 1>>, shape<5, 6, 2>>,
    case_of<ctnn::conv2d<2, ctnn::kernel<2>, ctnn::dilation_rate<1, 2>>, shape<4, 5, 2>>,  // columns copied tap by tap
    case_of<ctnn::depthwise_conv2d<ctnn::kernel<3>, ctnn::depth_multiplier<2>, ctnn::sigmoid>, shape<5, 5, 2>>,
    case_of<ctnn::depthwise_conv2d<ctnn::kernel<2, 3>, ctnn::strides<2>, ctnn::padding::same, ctnn::use_bias<false>>,
            shape<5, 6, 2>>,
    case_of<ctnn::separable_conv2d<3, ctnn::kernel<3>, ctnn::tanh, ctnn::depth_multiplier<2>, ctnn::padding::same,
                                   ctnn::dilation_rate<2>>,
            shape<5, 5, 2>>,
    case_of<ctnn::separable_conv2d<2, ctnn::kernel<2>, ctnn::strides<2>, ctnn::use_bias<false>>, shape<5, 5, 3>>,
    case_of<ctnn::max_pool2d<ctnn::pool<2, 2>>, shape<4, 4, 2>>,
    case_of<ctnn::average_pool2d<ctnn::pool<3, 3>, ctnn::strides<2>, ctnn::padding::same>, shape<5, 5, 1>>,
    case_of<ctnn::global_average_pool2d, shape<3, 3, 2>>,
    case_of<ctnn::conv1d<3, ctnn::kernel<3>, ctnn::tanh, ctnn::padding::causal, ctnn::dilation_rate<2>>, shape<7, 2>>,
    case_of<ctnn::max_pool1d<ctnn::pool<3>, ctnn::strides<2>, ctnn::padding::same>, shape<7, 2>>,
    case_of<ctnn::global_max_pool1d, shape<5, 3>>,
    case_of<ctnn::flatten, shape<2, 3, 2>>,
    case_of<ctnn::dropout<ctnn::dropout_rate{0.25}>, shape<6>>,
    case_of<ctnn::gaussian_noise<ctnn::gaussian_noise_stddev{0.1}>, shape<6>>,
    case_of<ctnn::batch_normalization<>, shape<3, 3, 2>>,
    case_of<ctnn::batch_normalization<ctnn::center<false>>, shape<4>>,
    case_of<ctnn::layer_normalization<>, shape<3, 3, 2>>,
    case_of<ctnn::layer_normalization<ctnn::scale<false>>, shape<4>>,
    case_of<ctnn::relu, shape<5>>,
    case_of<ctnn::leaky_relu, shape<5>>,
    case_of<ctnn::softmax, shape<2, 4>>,
    case_of<ctnn::lstm<3>, shape<4, 2>>,
    case_of<ctnn::lstm<2, ctnn::return_sequences<true>, ctnn::go_backwards<true>>, shape<3, 2>>,
    case_of<ctnn::gru<3>, shape<4, 2>>,
    case_of<ctnn::gru<2, ctnn::reset_after<false>, ctnn::return_sequences<true>>, shape<3, 3>>,
    case_of<ctnn::simple_rnn<3, ctnn::go_backwards<true>>, shape<4, 2>>,
    // Blocks (layers/branches.hpp, layers/residual.hpp): a block is a layer like any other.
    case_of<ctnn::residual<ctnn::dense<3, ctnn::tanh>, ctnn::dense<3>>, shape<3>>,
    case_of<ctnn::residual<ctnn::conv2d<2, ctnn::kernel<3>, ctnn::padding::same>, ctnn::batch_normalization<>, ctnn::relu,
                           ctnn::shortcut<ctnn::conv2d<2, ctnn::kernel<1>>>>,
            shape<4, 4, 1>>,
    case_of<ctnn::residual<ctnn::residual<ctnn::dense<3, ctnn::tanh>>, ctnn::dense<3>>, shape<3>>,  // nested
    case_of<ctnn::branches<ctnn::concatenate<>, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<3>>>, shape<4>>,
    case_of<ctnn::branches<ctnn::concatenate<0>, ctnn::path<ctnn::dense<2>>, ctnn::path<ctnn::lstm<2, ctnn::return_sequences<true>>>>,
            shape<3, 2>>,
    case_of<ctnn::branches<ctnn::multiply, ctnn::path<ctnn::dense<3, ctnn::tanh>>, ctnn::path<ctnn::dense<3, ctnn::sigmoid>>>, shape<4>>,
    case_of<ctnn::branches<ctnn::add, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<2>>, ctnn::path<ctnn::relu, ctnn::dense<2>>>,
            shape<3>>,
    case_of<ctnn::branches<ctnn::subtract, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<2>>>, shape<3>>,
    case_of<ctnn::branches<ctnn::average, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<2>>>, shape<3>>,
    case_of<ctnn::branches<ctnn::maximum, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<2>>>, shape<3>>,
    case_of<ctnn::branches<ctnn::minimum, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<2>>>, shape<3>>,
    // Activations whose derivative reads z: kept in the workspace of dense and the convolutions.
    case_of<ctnn::dense<4, ctnn::swish>, shape<3>>,
    case_of<ctnn::dense<3, ctnn::gelu>, shape<2, 5>>,
    case_of<ctnn::conv2d<2, ctnn::kernel<3>, ctnn::gelu_approximate, ctnn::padding::same>, shape<4, 4, 2>>,
    case_of<ctnn::conv2d<2, ctnn::kernel<1>, ctnn::swish>, shape<3, 3, 2>>,  // pointwise: z is all it keeps
    case_of<ctnn::conv1d<3, ctnn::kernel<2>, ctnn::gelu, ctnn::padding::causal>, shape<5, 2>>,
    case_of<ctnn::dense<4, ctnn::selu>, shape<3>>,
    case_of<ctnn::swish, shape<5>>,
    case_of<ctnn::gelu, shape<2, 3>>,
    case_of<ctnn::gelu_approximate, shape<5>>,
    case_of<ctnn::softplus, shape<5>>,
    case_of<ctnn::hard_sigmoid, shape<5>>,
    case_of<ctnn::selu, shape<5>>,
    case_of<ctnn::prelu<>, shape<2, 3, 2>>,
    case_of<ctnn::prelu<ctnn::shared_axes<1, 2>>, shape<3, 3, 2>>,
    case_of<ctnn::prelu<ctnn::shared_axes<1>>, shape<4, 3>>,  // streams
    case_of<ctnn::reshape<-1, 3>, shape<2, 3, 2>>,
    case_of<ctnn::zero_padding2d<>, shape<2, 2, 1>>,
    case_of<ctnn::zero_padding2d<1, 0, 2, 1>, shape<3, 3, 2>>,
    case_of<ctnn::up_sampling2d<>, shape<2, 3, 2>>,
    case_of<ctnn::up_sampling2d<1, 3>, shape<2, 2, 1>>>;

using loss = ctnn::loss::mean_squared_error;

}  // namespace

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

TEMPLATE_LIST_TEST_CASE("layer laws: a batch of one gives the row of a batch of n", "[layer][laws]", all_layers) {
  // In inference, in double: the reference product sums in the same order whatever n is, so a
  // layer that keeps samples apart gives the very same values.
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
  ctnn::pass_context ctx{ctnn::mode::inference, &r};
  std::vector<double> block(layout::pass_floats(n, {}));
  const auto all = layout::carve(block.data(), n, {});
  layout::forward(layers, params.data(), x.data(), all, ctx);
  for (std::size_t s = 0; s < n; ++s) {
    std::vector<double> one_block(layout::pass_floats(1, {}));
    const auto one = layout::carve(one_block.data(), 1, {});
    layout::forward(layers, params.data(), x.data() + s * in, one, ctx);
    for (std::size_t k = 0; k < out; ++k) CHECK(one.output()[k] == all.output()[s * out + k]);
  }
}

TEMPLATE_LIST_TEST_CASE("layer laws: save and load round-trip parameters and state", "[layer][laws]", all_layers) {
  using model_type = ctnn::model<typename TestType::network, loss, ctnn::optim::adam>;
  model_type trained{{.learning_rate = 0.05f}, {}, {.seed = 5}};
  typename model_type::input_samples x(8);
  typename model_type::label_samples y(8);
  ctnn::detail::rng r(9);
  for (std::size_t i = 0; i < x.size() * model_type::input_shape::size; ++i) x.data()[i] = static_cast<float>(r.uniform(-1, 1));
  for (std::size_t i = 0; i < y.size() * model_type::label_shape::size; ++i) y.data()[i] = static_cast<float>(r.uniform(-1, 1));
  (void)trained.fit(x, y, {.epochs = 2, .batch_size = 4, .verbose = 0});  // moves parameters and state
  const auto bytes = ctnn::save_to_memory(trained);
  model_type loaded{{.learning_rate = 0.05f}, {}, {.seed = 77}};
  ctnn::load_from_memory(loaded, std::span<const std::byte>(bytes));
  const auto a = trained.parameters(), b = loaded.parameters();
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == b[i]);
  // Non-trainable state (batch normalization's moving statistics) shows in inference.
  const auto pa = trained.predict(x), pb = loaded.predict(x);
  for (std::size_t i = 0; i < x.size() * model_type::output_shape::size; ++i) CHECK(pa.data()[i] == pb.data()[i]);
}

TEMPLATE_LIST_TEST_CASE("layer laws: the summary row names the layer, its shape and its parameters", "[layer][laws]",
                        all_layers) {
  using network = typename TestType::network;
  using L = typename TestType::bound;
  std::ostringstream os;
  network::summary(os);
  const std::string text = os.str();
  const std::string row = text.substr(text.find(std::string(" ") + std::string(L::kind) + " ("));
  const std::string line = row.substr(0, row.find('\n'));
  CHECK(line.find(L::output_shape::to_string()) != std::string::npos);
  CHECK(line.find(std::to_string(L::parameter_count + ctnn::layer_traits<L>::non_trainable_parameter_count)) !=
        std::string::npos);
}

TEMPLATE_LIST_TEST_CASE("layer laws: inference on one sample allocates nothing", "[layer][laws][realtime]",
                        all_layers) {
  using model_type = ctnn::model<typename TestType::network, loss, ctnn::optim::sgd>;
  model_type m;
  const std::vector<float> x(model_type::input_shape::size, 0.25f);
  float sum = 0;
  CHECK(ctnn_test::count_allocations([&] {
          for (int rep = 0; rep < 3; ++rep)
            sum += m.predict_one(std::span<const float, model_type::input_shape::size>(x.data(), x.size()))[0];
        }) == 0);
  CHECK(sum == sum);  // computed (not NaN)
}
