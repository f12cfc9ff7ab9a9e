// Optimizers: each is checked against an independent double-precision transcription of the Keras
// formulas and against numbers worked out by hand, and every optimizer runs the same law tests
// (the laws are listed in include/ctnn/optimizers/optimizer.hpp).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include <ctnn/optimizers/adadelta.hpp>
#include <ctnn/optimizers/adam.hpp>
#include <ctnn/optimizers/optimizer.hpp>
#include <ctnn/optimizers/rmsprop.hpp>
#include <ctnn/optimizers/sgd.hpp>

namespace {

using ctnn::optim::adadelta;
using ctnn::optim::adam;
using ctnn::optim::rmsprop;
using ctnn::optim::sgd;
using all_optimizers = std::tuple<sgd, rmsprop, adam, adadelta>;
using dvec = std::vector<double>;

// 19 = one AVX-512 batch + 3, two AVX batches + 3, four SSE batches + 3: every instruction set
// runs both the SIMD blocks and the scalar tail.
constexpr std::size_t n = 19;

// ---- Reference: the Keras formulas as plain scalar loops in double, one step at a time. ----
// The state uses the documented layout (consecutive blocks of n), so the library's state can be
// compared block by block. Hyperparameters are the optimizer's floats widened to double.

std::size_t reference_blocks(const sgd& o) { return o.momentum != 0.0f ? 1 : 0; }
void reference_step(const sgd& o, dvec& w, const dvec& g, dvec& s, std::uint64_t) {
  const double lr = o.learning_rate, mu = o.momentum;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (mu == 0.0) {
      w[i] -= lr * g[i];
      continue;
    }
    double& v = s[i];
    v = mu * v - lr * g[i];
    w[i] += o.nesterov ? mu * v - lr * g[i] : v;
  }
}

std::size_t reference_blocks(const rmsprop& o) {
  return 1 + (o.momentum > 0.0f ? 1 : 0) + (o.centered ? 1 : 0);
}
void reference_step(const rmsprop& o, dvec& w, const dvec& g, dvec& s, std::uint64_t) {
  const std::size_t size = w.size();
  const double lr = o.learning_rate, rho = o.rho, mu = o.momentum, eps = o.epsilon;
  const std::size_t mom_block = 1, mg_block = o.momentum > 0.0f ? 2 : 1;
  for (std::size_t i = 0; i < size; ++i) {
    double& v = s[i];
    v = rho * v + (1 - rho) * g[i] * g[i];
    double denom = v + eps;
    if (o.centered) {
      double& mg = s[mg_block * size + i];
      mg = rho * mg + (1 - rho) * g[i];
      denom = v - mg * mg + eps;
    }
    const double inc = lr * g[i] / std::sqrt(denom);
    if (mu > 0.0) {
      double& mom = s[mom_block * size + i];
      mom = mu * mom + inc;
      w[i] -= mom;
    } else {
      w[i] -= inc;
    }
  }
}

std::size_t reference_blocks(const adam& o) { return o.amsgrad ? 3 : 2; }
void reference_step(const adam& o, dvec& w, const dvec& g, dvec& s, std::uint64_t step) {
  const std::size_t size = w.size();
  const double lr = o.learning_rate, b1 = o.beta_1, b2 = o.beta_2, eps = o.epsilon;
  const double t = static_cast<double>(step);
  const double alpha = lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
  for (std::size_t i = 0; i < size; ++i) {
    double& m = s[i];
    double& v = s[size + i];
    m += (g[i] - m) * (1 - b1);
    v += (g[i] * g[i] - v) * (1 - b2);
    double v_used = v;
    if (o.amsgrad) {
      double& vhat = s[2 * size + i];
      vhat = std::max(vhat, v);
      v_used = vhat;
    }
    w[i] -= m * alpha / (std::sqrt(v_used) + eps);
  }
}

std::size_t reference_blocks(const adadelta&) { return 2; }
void reference_step(const adadelta& o, dvec& w, const dvec& g, dvec& s, std::uint64_t) {
  const std::size_t size = w.size();
  const double lr = o.learning_rate, rho = o.rho, eps = o.epsilon;
  for (std::size_t i = 0; i < size; ++i) {
    double& acc_g = s[i];
    double& acc_d = s[size + i];
    acc_g = rho * acc_g + (1 - rho) * g[i] * g[i];
    const double delta = -std::sqrt(acc_d + eps) / std::sqrt(acc_g + eps) * g[i];
    acc_d = rho * acc_d + (1 - rho) * delta * delta;
    w[i] += lr * delta;
  }
}

// ---- Fixtures ----

// Gradients that differ per element and per step, with both signs.
std::vector<float> gradient_at(std::uint64_t step) {
  std::vector<float> g(n);
  for (std::size_t i = 0; i < n; ++i)
    g[i] = static_cast<float>(std::sin(0.7 * double(i) + 1.3 * double(step)) * (0.5 + 0.1 * i));
  return g;
}

// Starting weights of the given magnitude: the tests choose it close to the size of the total
// update, so comparing weights to 1e-6 also pins the update down to about 1e-6.
std::vector<float> initial_weights(float scale) {
  std::vector<float> w(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = scale * static_cast<float>(std::cos(0.5 * double(i)));
  return w;
}

// |actual - expected| <= 1e-6 * max(|expected|, scale), where scale is the largest magnitude in
// the expected array: relative, except for entries that cancel to almost zero, which float
// arithmetic can only get right relative to the numbers they were computed from.
void require_close(std::span<const float> actual, std::span<const double> expected,
                   const char* what) {
  REQUIRE(actual.size() == expected.size());
  double scale = 0;
  for (double e : expected) scale = std::max(scale, std::abs(e));
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO(what << "[" << i << "]: " << actual[i] << " vs reference " << expected[i]);
    CHECK(std::abs(actual[i] - expected[i]) <= 1e-6 * std::max(std::abs(expected[i]), scale));
  }
}

// Runs the library (float) and the reference (double) side by side from the same weights and
// gradients, setting learning_rate before each step, and compares weights and every state block
// after every step.
template <class O>
void check_against_reference(O o, float weight_scale, std::initializer_list<float> learning_rates) {
  std::vector<float> w = initial_weights(weight_scale);
  dvec w_ref(w.begin(), w.end());
  const std::size_t blocks = reference_blocks(o);
  REQUIRE(o.state_size(n) == blocks * n);
  std::vector<float> state(o.state_size(n), 0.0f);
  dvec state_ref(blocks * n, 0.0);
  std::uint64_t step = 0;
  for (float lr : learning_rates) {
    ++step;
    INFO("step " << step << ", learning_rate " << lr);
    o.learning_rate = lr;
    const std::vector<float> g = gradient_at(step);
    o.update(w, g, state, step);
    reference_step(o, w_ref, dvec(g.begin(), g.end()), state_ref, step);
    require_close(w, w_ref, "params");
    for (std::size_t b = 0; b < blocks; ++b) {
      INFO("state block " << b);
      require_close(std::span(state).subspan(b * n, n),
                    std::span<const double>(state_ref).subspan(b * n, n), "state");
    }
  }
}

// Three steps with gradients 0.5, -0.25, 1.0 from w = w0 on every element of a length-n vector;
// returns params and state.
template <class O>
std::pair<std::vector<float>, std::vector<float>> three_steps(const O& o, float w0) {
  std::vector<float> w(n, w0);
  std::vector<float> state(o.state_size(n), 0.0f);
  std::uint64_t step = 0;
  for (float g : {0.5f, -0.25f, 1.0f}) o.update(w, std::vector<float>(n, g), state, ++step);
  return {w, state};
}

void require_all(std::span<const float> values, double expected) {
  for (float v : values) REQUIRE(v == Approx(expected).epsilon(1e-6));
}

// Configurations the law tests run: Keras defaults, except a learning rate that gets somewhere
// in a few hundred steps, and each state-changing switch.
template <class O> std::vector<O> law_variants();
template <> std::vector<sgd> law_variants<sgd>() {
  return {{.learning_rate = 0.1f},
          {.learning_rate = 0.1f, .momentum = 0.9f},
          {.learning_rate = 0.1f, .momentum = 0.9f, .nesterov = true}};
}
template <> std::vector<rmsprop> law_variants<rmsprop>() {
  return {{.learning_rate = 0.01f},
          {.learning_rate = 0.01f, .momentum = 0.9f},
          {.learning_rate = 0.01f, .centered = true},
          {.learning_rate = 0.01f, .momentum = 0.9f, .centered = true}};
}
template <> std::vector<adam> law_variants<adam>() {
  return {{.learning_rate = 0.01f}, {.learning_rate = 0.01f, .amsgrad = true}};
}
template <> std::vector<adadelta> law_variants<adadelta>() {
  return {{.learning_rate = 1.0f}};  // the paper's; Keras' 0.001 needs ~1000x more steps
}

}  // namespace

// ---- Compile-time facts ----

TEST_CASE("optimizers model ctnn::optimizer and have the Keras defaults", "[optimizers]") {
  STATIC_REQUIRE(ctnn::optimizer<sgd>);
  STATIC_REQUIRE(ctnn::optimizer<rmsprop>);
  STATIC_REQUIRE(ctnn::optimizer<adam>);
  STATIC_REQUIRE(ctnn::optimizer<adadelta>);

  struct no_name { float learning_rate; };
  STATIC_REQUIRE_FALSE(ctnn::optimizer<int>);
  STATIC_REQUIRE_FALSE(ctnn::optimizer<no_name>);

  STATIC_REQUIRE(sgd::name == "sgd");
  STATIC_REQUIRE(rmsprop::name == "rmsprop");
  STATIC_REQUIRE(adam::name == "adam");
  STATIC_REQUIRE(adadelta::name == "adadelta");

  STATIC_REQUIRE(sgd{}.learning_rate == 0.01f);
  STATIC_REQUIRE(sgd{}.momentum == 0.0f);
  STATIC_REQUIRE(!sgd{}.nesterov);

  STATIC_REQUIRE(rmsprop{}.learning_rate == 0.001f);
  STATIC_REQUIRE(rmsprop{}.rho == 0.9f);
  STATIC_REQUIRE(rmsprop{}.momentum == 0.0f);
  STATIC_REQUIRE(rmsprop{}.epsilon == 1e-7f);
  STATIC_REQUIRE(!rmsprop{}.centered);

  STATIC_REQUIRE(adam{}.learning_rate == 0.001f);
  STATIC_REQUIRE(adam{}.beta_1 == 0.9f);
  STATIC_REQUIRE(adam{}.beta_2 == 0.999f);
  STATIC_REQUIRE(adam{}.epsilon == 1e-7f);
  STATIC_REQUIRE(!adam{}.amsgrad);

  STATIC_REQUIRE(adadelta{}.learning_rate == 0.001f);
  STATIC_REQUIRE(adadelta{}.rho == 0.95f);
  STATIC_REQUIRE(adadelta{}.epsilon == 1e-7f);

  // Designated initializers must follow declaration order, so these pin the member order
  // (Keras' argument order) that users' code depends on.
  STATIC_REQUIRE(sgd{.learning_rate = 1, .momentum = 2, .nesterov = true}.momentum == 2);
  STATIC_REQUIRE(
      rmsprop{.learning_rate = 1, .rho = 2, .momentum = 3, .epsilon = 4, .centered = true}
          .epsilon == 4);
  STATIC_REQUIRE(
      adam{.learning_rate = 1, .beta_1 = 2, .beta_2 = 3, .epsilon = 4, .amsgrad = true}.epsilon ==
      4);
  STATIC_REQUIRE(adadelta{.learning_rate = 1, .rho = 2, .epsilon = 3}.epsilon == 3);
}

TEST_CASE("state_size follows the hyperparameters that create state", "[optimizers]") {
  STATIC_REQUIRE(sgd{}.state_size(10) == 0);
  STATIC_REQUIRE(sgd{.momentum = 0.9f}.state_size(10) == 10);
  STATIC_REQUIRE(sgd{.momentum = 0.9f, .nesterov = true}.state_size(10) == 10);
  STATIC_REQUIRE(rmsprop{}.state_size(10) == 10);
  STATIC_REQUIRE(rmsprop{.momentum = 0.9f}.state_size(10) == 20);
  STATIC_REQUIRE(rmsprop{.centered = true}.state_size(10) == 20);
  STATIC_REQUIRE(rmsprop{.momentum = 0.9f, .centered = true}.state_size(10) == 30);
  STATIC_REQUIRE(adam{}.state_size(10) == 20);
  STATIC_REQUIRE(adam{.amsgrad = true}.state_size(10) == 30);
  STATIC_REQUIRE(adadelta{}.state_size(10) == 20);
}

TEST_CASE("state_slots follows the hyperparameters that create state", "[optimizers]") {
  STATIC_REQUIRE(sgd{}.state_slots() == 0);
  STATIC_REQUIRE(sgd{.momentum = 0.9f}.state_slots() == 1);
  STATIC_REQUIRE(rmsprop{}.state_slots() == 1);
  STATIC_REQUIRE(rmsprop{.momentum = 0.9f, .centered = true}.state_slots() == 3);
  STATIC_REQUIRE(adam{}.state_slots() == 2);
  STATIC_REQUIRE(adam{.amsgrad = true}.state_slots() == 3);
  STATIC_REQUIRE(adadelta{}.state_slots() == 2);
}

TEMPLATE_LIST_TEST_CASE("state is state_slots() blocks of n floats, carved as the header documents",
                        "[optimizers][laws]", all_optimizers) {
  for (const TestType& o : law_variants<TestType>()) {
    const std::size_t slots = o.state_slots();
    INFO(TestType::name << ", " << slots << " slot(s)");
    CHECK(slots == reference_blocks(o));  // the reference transcribes each header's layout
    for (std::size_t count : {std::size_t{0}, std::size_t{1}, n, std::size_t{1000}})
      CHECK(o.state_size(count) == slots * count);
    // One step from zero state: slot k of element i is state[k*n + i], as in the reference, and
    // nothing outside the slots' k*n floats is written.
    constexpr float sentinel = 12345.0f;
    std::vector<float> arena(slots * n + 2 * n, sentinel);
    const std::span<float> state = std::span(arena).subspan(n, slots * n);
    std::fill(state.begin(), state.end(), 0.0f);
    std::vector<float> w = initial_weights(1.0f);
    dvec w_ref(w.begin(), w.end()), state_ref(slots * n, 0.0);
    const std::vector<float> g = gradient_at(1);
    REQUIRE(o.update(w, g, state, 1));
    reference_step(o, w_ref, dvec(g.begin(), g.end()), state_ref, 1);
    for (std::size_t k = 0; k < slots; ++k) {
      INFO("slot " << k);
      require_close(state.subspan(k * n, n), std::span<const double>(state_ref).subspan(k * n, n), "state");
    }
    CHECK(std::all_of(arena.begin(), arena.begin() + n, [](float v) { return v == sentinel; }));
    CHECK(std::all_of(arena.end() - n, arena.end(), [](float v) { return v == sentinel; }));
  }
}

// ---- Formulas: against the double-precision reference, and against numbers worked by hand ----

TEST_CASE("sgd follows the Keras formulas", "[optimizers][sgd]") {
  SECTION("plain") { check_against_reference(sgd{}, 0.05f, {0.1f, 0.1f, 0.1f}); }
  SECTION("momentum") { check_against_reference(sgd{.momentum = 0.9f}, 0.1f, {0.1f, 0.1f, 0.1f}); }
  SECTION("nesterov") {
    check_against_reference(sgd{.momentum = 0.9f, .nesterov = true}, 0.1f, {0.1f, 0.1f, 0.1f});
  }
  SECTION("by hand: lr 0.1, w0 1, g = 0.5, -0.25, 1") {
    // plain: w = 1 - 0.1*(0.5 - 0.25 + 1) = 0.875
    require_all(three_steps(sgd{.learning_rate = 0.1f}, 1.0f).first, 0.875);
    // momentum 0.9: v1 = -0.05, w1 = 0.95; v2 = 0.9*-0.05 + 0.025 = -0.02, w2 = 0.93;
    //               v3 = 0.9*-0.02 - 0.1 = -0.118, w3 = 0.812
    const auto [w, v] = three_steps(sgd{.learning_rate = 0.1f, .momentum = 0.9f}, 1.0f);
    require_all(w, 0.812);
    require_all(v, -0.118);
    // nesterov: w1 = 1 + 0.9*-0.05 - 0.05 = 0.905; w2 = 0.905 + 0.9*-0.02 + 0.025 = 0.912;
    //           w3 = 0.912 + 0.9*-0.118 - 0.1 = 0.7058
    require_all(
        three_steps(sgd{.learning_rate = 0.1f, .momentum = 0.9f, .nesterov = true}, 1.0f).first,
        0.7058);
  }
}

TEST_CASE("rmsprop follows the Keras formulas", "[optimizers][rmsprop]") {
  SECTION("plain") { check_against_reference(rmsprop{}, 0.2f, {0.1f, 0.1f, 0.1f}); }
  SECTION("momentum") {
    check_against_reference(rmsprop{.momentum = 0.9f}, 0.2f, {0.1f, 0.1f, 0.1f});
  }
  SECTION("centered") {
    check_against_reference(rmsprop{.centered = true}, 0.2f, {0.1f, 0.1f, 0.1f});
  }
  SECTION("momentum and centered") {
    check_against_reference(rmsprop{.momentum = 0.9f, .centered = true}, 0.2f,
                            {0.1f, 0.1f, 0.1f});
  }
  SECTION("epsilon inside the square root") {
    // A tiny gradient shows where epsilon goes. lr 0.1, g = 1e-4, so v = 0.1*g^2 = 1e-9:
    // Keras:   lr*g/sqrt(v + eps)  = 1e-5/sqrt(1.01e-7)          = 0.0314658388
    // PyTorch: lr*g/(sqrt(v) + eps) = 1e-5/(3.16228e-5 + 1e-7)   = 0.315230918
    std::vector<float> w{0.0f};
    std::vector<float> state(1, 0.0f);
    rmsprop{.learning_rate = 0.1f}.update(w, std::vector<float>{1e-4f}, state, 1);
    REQUIRE(w[0] == Approx(-0.1 * 1e-4 / std::sqrt(1e-9 + 1e-7)).epsilon(1e-6));
    REQUIRE(w[0] == Approx(-0.03146583877637763).epsilon(1e-6));
  }
  SECTION("by hand: lr 0.1, w0 1, g = 0.5, -0.25, 1") {
    // plain: v1 = 0.1*0.25 = 0.025,         inc1 = 0.05/sqrt(0.025 + 1e-7)    = 0.316227134
    //        v2 = 0.0225 + 0.00625 = 0.02875, inc2 = -0.025/sqrt(0.02875 + 1e-7) = -0.147441700
    //        v3 = 0.025875 + 0.1 = 0.125875,  inc3 = 0.1/sqrt(0.125875 + 1e-7)   = 0.281857818
    //        w3 = 1 - 0.316227134 + 0.147441700 - 0.281857818 = 0.549356748
    const auto [w, v] = three_steps(rmsprop{.learning_rate = 0.1f}, 1.0f);
    require_all(w, 0.5493567480478317);
    require_all(v, 0.125875);
    // centered: mg1 = 0.05, mg2 = 0.045 - 0.025 = 0.02, mg3 = 0.018 + 0.1 = 0.118
    //   inc1 = 0.05/sqrt(0.025 - 0.0025 + 1e-7)      = 0.333332593
    //   inc2 = -0.025/sqrt(0.02875 - 0.0004 + 1e-7)  = -0.148478206
    //   inc3 = 0.1/sqrt(0.125875 - 0.013924 + 1e-7)  = 0.298872404
    //   w3 = 1 - 0.333332593 + 0.148478206 - 0.298872404 = 0.516273209
    const auto [wc, sc] = three_steps(rmsprop{.learning_rate = 0.1f, .centered = true}, 1.0f);
    require_all(wc, 0.5162732088979418);
    require_all(std::span(sc).subspan(n), 0.118);
  }
}

TEST_CASE("adam follows the Keras formulas", "[optimizers][adam]") {
  SECTION("plain") { check_against_reference(adam{}, 0.2f, {0.1f, 0.1f, 0.1f}); }
  SECTION("amsgrad") {
    check_against_reference(adam{.amsgrad = true}, 0.2f, {0.1f, 0.1f, 0.1f});
  }
  SECTION("by hand: lr 0.1, w0 1, g = 0.5, -0.25, 1") {
    // beta_2 is the float 0.999f = 0.99900001287, so 1 - beta_2 = 0.000999987125: 1.3e-5 below
    // 0.001, which shows in v (the other hyperparameters' rounding stays below 1e-6).
    // alpha_t = 0.1*sqrt(1 - beta_2^t)/(1 - beta_1^t), float betas: 0.0316225660, 0.0235315162,
    //          0.0202009258
    // m (1 - beta_1 = 0.100000024): 0.05, 0.05 + (-0.25 - 0.05)*0.1 = 0.02,
    //    0.02 + (1 - 0.02)*0.1 = 0.118
    // v: 0.000999987125*0.25 = 0.000249996781,
    //    0.000249996781 + (0.0625 - 0.000249996781)*0.000999987125 = 0.000312245983,
    //    0.000312245983 + (1 - 0.000312245983)*0.000999987125 = 0.00131192087
    // w1 = 1 - 0.05*0.0316225660/(sqrt(0.000249996781) + 1e-7)         = 0.900000631
    // w2 = w1 - 0.02*0.0235315162/(sqrt(0.000312245983) + 1e-7)         = 0.873367079
    // w3 = w2 - 0.118*0.0202009258/(sqrt(0.00131192087) + 1e-7)         = 0.807556098
    const auto [w, state] = three_steps(adam{.learning_rate = 0.1f}, 1.0f);
    require_all(w, 0.8075560983211576);
    require_all(std::span(state).first(n), 0.118);
    require_all(std::span(state).subspan(n), 0.0013119208665573858);
  }
  SECTION("by hand: amsgrad keeps the largest v") {
    // lr 0.1, w0 0, g = 1 then 0; 1 - beta_2 = 0.000999987125 as above.
    // step 1: m1 = 0.1, v1 = vhat1 = 0.000999987125, alpha1 = 0.0316225660 (as above)
    //         w1 = -0.1*0.0316225660/(sqrt(0.000999987125) + 1e-7)     = -0.0999996853
    // step 2: m2 = 0.09, v2 = 0.000999987125*(1 - 0.000999987125) = 0.000998987151 < vhat2,
    //         alpha2                                                    = 0.0235315162
    //         w2 = w1 - 0.09*0.0235315162/(sqrt(vhat2) + 1e-7)          = -0.166971788
    //         (with v2 instead of vhat2 it would be -0.167005)
    std::vector<float> w{0.0f};
    std::vector<float> state(3, 0.0f);
    const adam o{.learning_rate = 0.1f, .amsgrad = true};
    o.update(w, std::vector<float>{1.0f}, state, 1);
    o.update(w, std::vector<float>{0.0f}, state, 2);
    REQUIRE(state[1] == Approx(0.0009989871511457693).epsilon(1e-6));
    REQUIRE(state[2] == Approx(0.0009999871253967285).epsilon(1e-6));
    REQUIRE(w[0] == Approx(-0.16697178787645006).epsilon(1e-6));
  }
}

TEST_CASE("adadelta follows the Keras formulas", "[optimizers][adadelta]") {
  // Steps are ~1e-3 (sqrt(epsilon)/|g| at first), so the weights start at that size.
  SECTION("Keras default learning rate") {
    check_against_reference(adadelta{}, 1e-5f, {0.001f, 0.001f, 0.001f});
  }
  SECTION("learning rate 1") {
    check_against_reference(adadelta{.learning_rate = 1.0f}, 0.003f, {1.0f, 1.0f, 1.0f});
  }
  SECTION("by hand: lr 1, w0 0, g = 0.5, -0.25, 1") {
    // acc_g: 0.05*0.25 = 0.0125, 0.011875 + 0.003125 = 0.015, 0.01425 + 0.05 = 0.06425
    // delta1 = -sqrt(1e-7)/sqrt(0.0125 + 1e-7)*0.5                = -0.00141420791
    // acc_d1 = 0.05*delta1^2                                      = 9.99992000e-8
    // delta2 = -sqrt(acc_d1 + 1e-7)/sqrt(0.015 + 1e-7)*-0.25      = 0.000912866061
    // acc_d2 = 0.95*acc_d1 + 0.05*delta2^2                        = 1.36665462e-7
    // delta3 = -sqrt(acc_d2 + 1e-7)/sqrt(0.06425 + 1e-7)*1        = -0.00191924553
    // acc_d3 = 0.95*acc_d2 + 0.05*delta3^2                        = 3.14007359e-7
    // w3 = delta1 + delta2 + delta3                               = -0.00242058738
    const auto [w, state] = three_steps(adadelta{.learning_rate = 1.0f}, 0.0f);
    require_all(w, -0.0024205873755882993);
    require_all(std::span(state).first(n), 0.06425);
    require_all(std::span(state).subspan(n), 3.140073594573559e-07);
  }
}

// ---- Laws, run for every optimizer ----

TEMPLATE_LIST_TEST_CASE("an optimizer reduces a convex quadratic", "[optimizers][laws]",
                        all_optimizers) {
  // f(w) = 0.5*sum(a_i*(w_i - c_i)^2), gradient a_i*(w_i - c_i), from w = 0.
  std::vector<double> a(n), c(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = 0.5 + 0.1 * double(i);
    c[i] = std::sin(1.7 * double(i) + 0.3);
  }
  const auto f = [&](const std::vector<float>& w) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += 0.5 * a[i] * (w[i] - c[i]) * (w[i] - c[i]);
    return sum;
  };
  for (const TestType& o : law_variants<TestType>()) {
    std::vector<float> w(n, 0.0f), g(n);
    std::vector<float> state(o.state_size(n), 0.0f);
    const double f0 = f(w);
    for (std::uint64_t step = 1; step <= 600; ++step) {
      for (std::size_t i = 0; i < n; ++i) g[i] = static_cast<float>(a[i] * (w[i] - c[i]));
      o.update(w, g, state, step);
    }
    INFO(TestType::name << ", state " << state.size() << ": f " << f0 << " -> " << f(w));
    CHECK(f(w) <= 0.1 * f0);
  }
}

TEMPLATE_LIST_TEST_CASE("an optimizer reads learning_rate on every call", "[optimizers][laws]",
                        all_optimizers) {
  for (const TestType& o : law_variants<TestType>()) {
    INFO(TestType::name << ", state " << o.state_size(n));
    const float lr = o.learning_rate;
    check_against_reference(o, 0.2f * std::min(lr, 1.0f), {lr, 0.5f * lr, 2.0f * lr});
  }
}

TEMPLATE_LIST_TEST_CASE("an optimizer leaves params alone for a zero gradient from zero state",
                        "[optimizers][laws]", all_optimizers) {
  for (const TestType& o : law_variants<TestType>()) {
    const std::vector<float> w0 = initial_weights(1.0f);
    std::vector<float> w = w0;
    std::vector<float> state(o.state_size(n), 0.0f);
    for (std::uint64_t step = 1; step <= 3; ++step)
      o.update(w, std::vector<float>(n, 0.0f), state, step);
    CHECK(w == w0);
  }
}

TEMPLATE_LIST_TEST_CASE("an optimizer treats every element alike (SIMD blocks and tail)",
                        "[optimizers][laws]", all_optimizers) {
  for (const TestType& o : law_variants<TestType>()) {
    INFO(TestType::name << ", state " << o.state_size(n));
    const auto [w, state] = three_steps(o, 0.3f);
    require_all(w, w[0]);
    for (std::size_t b = 0; b < state.size(); b += n)
      require_all(std::span(state).subspan(b, n), state[b]);
  }
}

TEMPLATE_LIST_TEST_CASE("an optimizer never stores a non-finite value (law 7)", "[optimizers][laws][nan]",
                        all_optimizers) {
  // Gradients: NaN at element 2, infinity at 7, 1e30 at 18 (the scalar tail: g*g overflows
  // float32, so every optimizer with squared-gradient state would store an infinity there), finite
  // elsewhere. The bad elements keep their parameters and state bit for bit; every other element
  // takes the step it takes when all gradients are finite; update returns false.
  for (const TestType& o : law_variants<TestType>()) {
    INFO(TestType::name << ", state " << o.state_size(n));
    std::vector<float> w = initial_weights(1.0f), state(o.state_size(n), 0.0f);
    std::vector<float> g(n, 0.5f);
    REQUIRE(o.update(w, g, state, 1));  // some non-zero state first
    std::vector<float> w_good = w, state_good = state;
    const std::vector<float> w_before = w, state_before = state;
    for (std::size_t i = 0; i < n; ++i) g[i] = 0.1f * static_cast<float>(i) - 0.7f;
    REQUIRE(o.update(w_good, g, state_good, 2));
    g[2] = std::numeric_limits<float>::quiet_NaN();
    g[7] = std::numeric_limits<float>::infinity();
    g[18] = 1e30f;
    const bool committed = o.update(w, g, state, 2);
    const bool overflows_state = o.state_size(n) > 0 && !std::is_same_v<TestType, sgd>;
    CHECK(committed == false);
    for (std::size_t i = 0; i < n; ++i) {
      INFO("element " << i);
      const bool bad = i == 2 || i == 7 || (i == 18 && overflows_state);
      const auto& w_expected = bad ? w_before : w_good;
      CHECK(std::isfinite(w[i]));
      if (i != 18 || bad) CHECK(w[i] == w_expected[i]);
      for (std::size_t b = 0; b < state.size(); b += n) {
        CHECK(std::isfinite(state[b + i]));
        if (i != 18 || bad) CHECK(state[b + i] == (bad ? state_before : state_good)[b + i]);
      }
    }
  }
}

TEMPLATE_LIST_TEST_CASE("an optimizer rejects mismatched arguments and changes nothing",
                        "[optimizers][laws]", all_optimizers) {
  // Momentum etc. on, so that every optimizer has state to get wrong.
  const TestType o = law_variants<TestType>().back();
  const std::vector<float> w0 = initial_weights(1.0f);
  std::vector<float> w = w0;
  const std::vector<float> state0(o.state_size(n), 0.25f);
  std::vector<float> state = state0;
  const std::string name(TestType::name);
  REQUIRE(!state.empty());

  SECTION("too few gradients") {
    REQUIRE_THROWS_MATCHES(
        o.update(w, std::vector<float>(n - 1, 1.0f), state, 1), std::invalid_argument,
        Catch::Matchers::Message(
            "ctnn::optim::" + name +
            "::update(params, grads, state, step) requires grads.size() == params.size(); got " +
            std::to_string(n - 1) + " gradients for " + std::to_string(n) + " parameters"));
  }
  SECTION("state of the wrong size") {
    std::vector<float> longer = state0;
    longer.push_back(0.0f);
    REQUIRE_THROWS_WITH(o.update(w, std::vector<float>(n, 1.0f), longer, 1),
                        Catch::Contains("ctnn::optim::" + name) &&
                            Catch::Contains("state.size() == state_size(params.size()) == " +
                                            std::to_string(state0.size())) &&
                            Catch::Contains("got " + std::to_string(longer.size())));
    REQUIRE_THROWS_AS(o.update(w, std::vector<float>(n, 1.0f), std::span(state).first(n - 1), 1),
                      std::invalid_argument);
    // Hyperparameters that create state decide its size at every call.
    TestType without_state_switches{};
    without_state_switches.learning_rate = o.learning_rate;
    if (without_state_switches.state_size(n) != state.size())
      REQUIRE_THROWS_AS(without_state_switches.update(w, std::vector<float>(n, 1.0f), state, 1),
                        std::invalid_argument);
  }
  SECTION("step 0") {
    REQUIRE_THROWS_WITH(o.update(w, std::vector<float>(n, 1.0f), state, 0),
                        Catch::Contains("ctnn::optim::" + name) &&
                            Catch::Contains("step >= 1"));
  }
  CHECK(w == w0);
  CHECK(state == state0);
}
