// The layer laws through a model (tests/support/layer_cases.hpp lists the cases): save and load,
// the summary row, inference without allocation. One optimizer (adam) for every law, so each
// case instantiates one model type.
#include <catch2/catch.hpp>

#include <cstddef>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/allocation_counter.hpp"
#include "support/layer_cases.hpp"

using ctnn_test::laws::all_layers;
using ctnn_test::laws::loss;

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
  using model_type = ctnn::model<typename TestType::network, loss, ctnn::optim::adam>;
  model_type m;
  const std::vector<float> x(model_type::input_shape::size, 0.25f);
  float sum = 0;
  CHECK(ctnn_test::count_allocations([&] {
          for (int rep = 0; rep < 3; ++rep)
            sum += m.predict_one(std::span<const float, model_type::input_shape::size>(x.data(), x.size()))[0];
        }) == 0);
  CHECK(sum == sum);  // computed (not NaN)
}
