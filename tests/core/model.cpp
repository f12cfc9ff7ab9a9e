#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <span>
#include <sstream>
#include <thread>
#include <tuple>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/allocation_counter.hpp"
#include "support/toy_data.hpp"

// The one replacement of operator new for the whole test program: it only counts.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // both sides are malloc/free here
#endif
namespace ctnn_test {
std::atomic<bool>& counting() { static std::atomic<bool> c{false}; return c; }
std::atomic<std::size_t>& allocations() { static std::atomic<std::size_t> a{0}; return a; }
std::atomic<std::size_t>& allocated_bytes() { static std::atomic<std::size_t> b{0}; return b; }
}  // namespace ctnn_test

// Every form of the global allocation functions is replaced, so that each pair matches (ASan
// reports alloc-dealloc-mismatch when Catch's nothrow or array forms reach the library's own).
namespace ctnn_test {
inline void* counted_alloc(std::size_t n, std::size_t alignment) noexcept {
  if (counting()) { ++allocations(); allocated_bytes() += n; }
  if (alignment <= alignof(std::max_align_t)) return std::malloc(n ? n : 1);
  return std::aligned_alloc(alignment, (n + alignment - 1) / alignment * alignment);
}
inline void* counted_alloc_or_throw(std::size_t n, std::size_t alignment) {
  if (void* p = counted_alloc(n, alignment)) return p;
  throw std::bad_alloc();
}
}  // namespace ctnn_test
void* operator new(std::size_t n) { return ctnn_test::counted_alloc_or_throw(n, 0); }
void* operator new[](std::size_t n) { return ctnn_test::counted_alloc_or_throw(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return ctnn_test::counted_alloc_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return ctnn_test::counted_alloc_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return ctnn_test::counted_alloc(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return ctnn_test::counted_alloc(n, 0); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return ctnn_test::counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return ctnn_test::counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

using ctnn_test::toy_data;

using mlp = ctnn::sequential<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                             ctnn::dense<10, ctnn::softmax>>;

using toy = ctnn::sequential<ctnn::input<8>, ctnn::dense<16, ctnn::relu>, ctnn::dense<3, ctnn::softmax>>;

}  // namespace

TEST_CASE("model: inference on one sample performs no heap allocation", "[model][realtime]") {
  ctnn::model<mlp, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> m;
  ctnn::samples<784> x(1);
  for (std::size_t i = 0; i < 784; ++i) x[0][i] = static_cast<float>(i % 7) / 7.0f;
  float sum = 0;
  CHECK(ctnn_test::count_allocations([&] {
          for (int rep = 0; rep < 100; ++rep) sum += m.predict_one(x[0])[rep % 10];
        }) == 0);
  CHECK(sum > 0);  // the work was done
  // And the counter does count: predict() on a batch allocates its result.
  CHECK(ctnn_test::count_allocations([&] { (void)m.predict(x); }) > 0);
}

namespace {
// How far predict_one's toy outputs may be from predict's for sample x: the two take different
// product kernels (the small-m path at one row, the packed one at five), which sum in different
// orders. A float32 dot product of k terms plus a bias is within gamma(k + 1) * sum |terms| of
// the exact one (gamma(n) = n u / (1 - n u), u = 2^-24), so two of them within twice that; relu
// passes a difference on unchanged, the next layer adds sum |W| * difference; softmax's Jacobian
// (diag(p) - p p^T, rows summing to 2 p (1 - p) in absolute value) passes at most half the
// largest logit difference, and its own rounding at two nearby points differs by at most twice
// its error (exp within a unit in the last place, the sum of three and the division: 8 u, with
// room).
double toy_tolerance(std::span<const float> params, std::span<const float, 8> x) {
  using layout = toy::layout;
  using first = std::tuple_element_t<0, toy::layer_types>;
  using second = std::tuple_element_t<1, toy::layer_types>;
  constexpr double u = 0x1p-24;
  const auto gamma = [](double n) { return n * u / (1 - n * u); };
  const float* p1 = layout::slice<0>(params.data()).data();
  const float* p2 = layout::slice<1>(params.data()).data();
  const float *w1 = p1 + first::parameters[0].offset, *b1 = p1 + first::parameters[1].offset;
  const float *w2 = p2 + second::parameters[0].offset, *b2 = p2 + second::parameters[1].offset;
  std::array<double, 16> h{}, dh{};
  for (std::size_t j = 0; j < 16; ++j) {
    double z = b1[j], size = std::abs(double(b1[j]));
    for (std::size_t i = 0; i < 8; ++i) {
      z += double(x[i]) * w1[i * 16 + j];
      size += std::abs(double(x[i]) * w1[i * 16 + j]);
    }
    h[j] = std::max(z, 0.0);
    dh[j] = 2 * gamma(9) * size;
  }
  double dz = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    double passed = 0, size = std::abs(double(b2[k]));
    for (std::size_t j = 0; j < 16; ++j) {
      passed += std::abs(double(w2[j * 3 + k])) * dh[j];
      size += (h[j] + dh[j]) * std::abs(double(w2[j * 3 + k]));
    }
    dz = std::max(dz, passed + 2 * gamma(17) * size);
  }
  return 0.5 * dz + 2 * 8 * u;
}
}  // namespace

TEST_CASE("model: predict_one equals predict on a batch", "[model]") {
  ctnn::model<toy, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd> m;
  auto [x, y] = toy_data<8>(5, 1);
  const auto batch = m.predict(x);
  for (std::size_t i = 0; i < 5; ++i) {
    const auto one = m.predict_one(x[i]);
    const double tolerance = toy_tolerance(m.parameters(), x[i]);
    for (std::size_t k = 0; k < 3; ++k) CHECK(std::abs(double(one[k]) - double(batch[i][k])) <= tolerance);
  }
}

namespace {
// Per-step layers on a sequence of 5 steps of 3 features: step t's output is row t of predict.
using per_step = ctnn::sequential<ctnn::input<5, 3>, ctnn::dense<4, ctnn::tanh>, ctnn::dropout<0.5f>, ctnn::relu,
                                  ctnn::dense<2>>;
}  // namespace

TEST_CASE("model: step over a sequence gives predict's rows, one time step at a time", "[model][streaming]") {
  ctnn::model<per_step, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  static_assert(decltype(m)::step_input_size == 3 && decltype(m)::step_output_size == 2);
  ctnn::samples<5, 3> x(1);
  for (std::size_t i = 0; i < 15; ++i) x.data()[i] = 0.1f * static_cast<float>(i) - 0.7f;
  const auto whole = m.predict(x);
  // The same sums, perhaps in another order (a one-row product against a five-row one): each
  // value of the first layer sums 3 products below 0.7 x 0.93 (glorot_uniform's limit for 3 x 4),
  // of the second 4 below 1 x 1, so two orders differ by at most 2 x 4 x 2^-24 x 4 per layer,
  // with tanh and relu (slope <= 1, a few ulps of their own) between: below 1e-5.
  const double tolerance = 1e-5;
  for (std::size_t t = 0; t < 5; ++t) {
    const auto y = m.step(std::span<const float, 3>(x.data() + 3 * t, 3));
    for (std::size_t k = 0; k < 2; ++k) CHECK(std::abs(y[k] - whole.data()[2 * t + k]) <= tolerance);
  }
}

TEST_CASE("model: step performs no heap allocation, also on a second thread after warm_up", "[model][streaming][realtime]") {
  ctnn::model<per_step, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  const float x[3] = {0.5f, -0.25f, 1.0f};
  float sum = 0;
  CHECK(ctnn_test::count_allocations([&] {
          for (int rep = 0; rep < 100; ++rep) sum += m.step(std::span<const float, 3>(x, 3))[rep % 2];
        }) == 0);
  std::size_t on_thread = 1;
  std::thread audio([&] {
    m.warm_up();
    on_thread = ctnn_test::count_allocations([&] {
      for (int rep = 0; rep < 100; ++rep) sum += m.step(std::span<const float, 3>(x, 3))[rep % 2];
    });
  });
  audio.join();
  CHECK(on_thread == 0);
  CHECK(sum != 0);  // the work was done
}

TEST_CASE("model: streaming state resets, copies to a second model and is saved with the weights", "[model][streaming]") {
  using stream = ctnn::sequential<ctnn::input<16, 2>, ctnn::conv1d<3, ctnn::kernel<3>, ctnn::padding::causal>,
                                  ctnn::lstm<4, ctnn::return_sequences<true>>, ctnn::gru<3>, ctnn::dense<1>>;
  using model_type = ctnn::model<stream, ctnn::loss::mean_squared_error, ctnn::optim::sgd>;
  model_type a;
  auto x = [](std::size_t t) { return std::array<float, 2>{std::sin(0.3f * float(t)), std::cos(0.7f * float(t))}; };
  auto run = [&](model_type& m, std::size_t first, std::size_t count) {
    std::vector<float> out;
    for (std::size_t t = first; t < first + count; ++t) {
      const auto v = x(t);
      out.push_back(m.step(std::span<const float, 2>(v.data(), 2))[0]);
    }
    return out;
  };
  const std::vector<float> fresh = run(a, 0, 8);
  // Mid-stream: a copy of the state (in memory, or through ctnn::save) continues the same stream.
  model_type b, c;
  std::copy(a.parameters().begin(), a.parameters().end(), b.parameters().begin());
  std::copy(a.streaming_state().begin(), a.streaming_state().end(), b.streaming_state().begin());
  ctnn::load_from_memory(c, ctnn::save_to_memory(a));
  CHECK(std::any_of(a.streaming_state().begin(), a.streaming_state().end(), [](float v) { return v != 0; }));
  const std::vector<float> rest = run(a, 8, 8);
  CHECK(run(b, 8, 8) == rest);
  CHECK(run(c, 8, 8) == rest);
  // And reset_states starts over: the same outputs as the first time, which the carried state
  // changes (else this test could not tell).
  a.reset_states();
  CHECK(std::all_of(a.streaming_state().begin(), a.streaming_state().end(), [](float v) { return v == 0; }));
  CHECK(run(a, 0, 8) == fresh);
  CHECK(run(a, 0, 8) != fresh);
}

TEST_CASE("model: fit learns, evaluate and history agree", "[model]") {
  ctnn::model<toy, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> m{{.learning_rate = 1e-2f}};
  auto [x, y] = toy_data<8>(512, 2);
  std::ostringstream progress;
  const auto h = m.fit(x, y, {.epochs = 20, .batch_size = 32, .verbose = 2, .output = &progress});
  REQUIRE(h.loss.size() == 20);
  CHECK(h.loss.back() < 0.5 * h.loss.front());
  CHECK(h.accuracy.back() > 0.9);
  CHECK_THAT(progress.str(), Catch::Contains("Epoch 20/20") && Catch::Contains("16/16 - "));
  auto [xt, yt] = toy_data<8>(256, 3);
  const auto [loss, accuracy] = m.evaluate(xt, yt);
  CHECK(accuracy > 0.85);
  // evaluate's loss is the mean cross-entropy of predict's output.
  const auto p = m.predict(xt);
  double expected = 0;
  for (std::size_t i = 0; i < xt.size(); ++i)
    for (std::size_t k = 0; k < 3; ++k) if (yt[i][k] == 1) expected -= std::log(double(p[i][k]));
  CHECK(loss == Approx(expected / xt.size()).epsilon(1e-4));
}

TEST_CASE("model: the same seed reproduces a training run bit for bit", "[model]") {
  using m = ctnn::model<toy, ctnn::loss::categorical_crossentropy, ctnn::optim::rmsprop>;
  const auto data = toy_data<8>(300, 4);  // not a structured binding: clang 14 cannot capture one
  auto run = [&](std::uint64_t seed) {
    m model({}, {}, {.seed = seed});
    model.fit(data.first, data.second, {.epochs = 2, .batch_size = 16, .verbose = 0});
    return std::vector<float>(model.parameters().begin(), model.parameters().end());
  };
  const auto a = run(1), b = run(1), c = run(2);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("model: train_on_batch applies one optimizer step to compute_gradients' result", "[model]") {
  ctnn::model<toy, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd> m{{.learning_rate = 0.1f}};
  auto [x, y] = toy_data<8>(10, 5);
  const double loss = m.compute_gradients(x, y);
  const std::vector<float> before(m.parameters().begin(), m.parameters().end());
  const std::vector<float> grads(m.gradients().begin(), m.gradients().end());
  CHECK(m.train_on_batch(x, y) == Approx(loss));
  for (std::size_t i = 0; i < before.size(); ++i)
    CHECK(m.parameters()[i] == Approx(before[i] - 0.1f * grads[i]).margin(1e-7));
}

TEST_CASE("model: bad calls throw clear errors and change nothing", "[model]") {
  ctnn::model<toy, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd> m;
  auto [x, y] = toy_data<8>(10, 6);
  const std::vector<float> before(m.parameters().begin(), m.parameters().end());
  const auto y9 = y.slice(0, 9);
  REQUIRE_THROWS_WITH(m.fit(x, y9), Catch::Contains("10 input samples but 9 labels"));
  REQUIRE_THROWS_WITH(m.fit(x, y, {.batch_size = 0}), Catch::Contains("batch_size must be at least 1"));
  CHECK(std::equal(before.begin(), before.end(), m.parameters().begin()));

  using sparse_net = ctnn::sequential<ctnn::input<8>, ctnn::dense<3, ctnn::softmax>>;
  ctnn::model<sparse_net, ctnn::loss::sparse_categorical_crossentropy, ctnn::optim::sgd> s;
  ctnn::samples<1> labels(10);
  labels[4][0] = 3;
  const std::vector<float> s_before(s.parameters().begin(), s.parameters().end());
  REQUIRE_THROWS_WITH(s.fit(x, labels), Catch::Contains("label 3") && Catch::Contains("sample 4"));
  CHECK(std::equal(s_before.begin(), s_before.end(), s.parameters().begin()));
}
