// ctnn::dispatched and ctnn_add_dispatched: module.cpp compiled once per ISA level, called
// through ctnn::dispatched, against the same computations compiled into this program (its own
// -march: native in the main build, x86-64 in the generic one).
//   - the variant of this program's own level gives the same bits as this program;
//   - every level the CPU has gives the same initial parameters and the same int8 outputs (integer
//     sums), and float outputs within the error bound of their sums (derived below);
//   - CTNN_ISA picks the level, and a level the CPU lacks, or no level at all, is refused.
// Variants above the CPU's level are never called (they would end the program with SIGILL).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctnn/core/dispatched.hpp>
#include <ctnn/core/isa.hpp>

#include "dispatch/cases.hpp"
#include "dispatch/entries.hpp"

namespace {

using dispatch_cases::computation;
using ctnn::isa_level;

constexpr isa_level all_levels[] = {isa_level::sse2, isa_level::avx2, isa_level::avx512, isa_level::avx512_vnni};

// The levels this CPU runs.
std::vector<isa_level> runnable_levels() {
  std::vector<isa_level> out;
  for (const isa_level level : all_levels)
    if (level <= ctnn::cpu_isa_level()) out.push_back(level);
  return out;
}

struct named_computation {
  const char* name;
  void (*native)(std::span<float>);
  computation dispatched;
  std::size_t size;
};

std::vector<named_computation> computations() {
  using namespace dispatch_cases;
  std::vector<named_computation> out;
  out.push_back({"mlp_parameters", &dispatch_cases::mlp_parameters, computation{CTNN_ISA_VARIANTS(mlp_parameters)},
                 mlp_parameter_count});
  out.push_back({"mlp_predict", &dispatch_cases::mlp_predict, computation{CTNN_ISA_VARIANTS(mlp_predict)}, samples * 10});
  out.push_back({"mlp_int8_predict", &dispatch_cases::mlp_int8_predict, computation{CTNN_ISA_VARIANTS(mlp_int8_predict)},
                 samples * 10});
  out.push_back({"cnn_predict", &dispatch_cases::cnn_predict, computation{CTNN_ISA_VARIANTS(cnn_predict)}, samples * 5});
  out.push_back({"rnn_step", &dispatch_cases::rnn_step, computation{CTNN_ISA_VARIANTS(rnn_step)}, 7 * 2});
  out.push_back({"classifier_fit", &dispatch_cases::classifier_fit, computation{CTNN_ISA_VARIANTS(classifier_fit)},
                 classifier_parameter_count});
  return out;
}

std::vector<float> run(void (*f)(std::span<float>), std::size_t size) {
  std::vector<float> out(size, -1.0f);
  f(out);
  return out;
}

// Exact equality, element by element (no NaN is expected: a NaN fails).
void check_same(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  std::size_t differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i])) ++differing;
  CHECK(differing == 0);
}

ctnn::isa_level level_of(std::string_view name) {
  for (const isa_level level : all_levels)
    if (name == ctnn::name(level)) return level;
  throw std::invalid_argument("no level " + std::string(name));
}

}  // namespace

TEST_CASE("dispatched: each variant was compiled for its level", "[dispatch]") {
  using namespace dispatch_cases;
  const ctnn::dispatched<ctnn::isa_level()> level{CTNN_ISA_VARIANTS(compiled_level)};
  for (const isa_level l : runnable_levels()) {
    INFO(ctnn::name(l));
    CHECK(level.variant(l)() == l);
  }
  CHECK(level() == ctnn::dispatched_isa_level());
}

TEST_CASE("dispatched: the variant of this program's own level gives this program's bits", "[dispatch]") {
  using namespace dispatch_cases;
  const ctnn::dispatched<std::string_view()> isa{CTNN_ISA_VARIANTS(isa)};
  const isa_level own = ctnn::compiled_isa_level();
  INFO("this program: " << ctnn::isa() << " (level " << ctnn::name(own) << "); that level's variant: "
                        << isa.variant(own)());
  // The comparison means something only where the two use the same kernels: a CPU with AVX but
  // not AVX2 builds -march=native programs whose kernels no level has.
  REQUIRE(isa.variant(own)() == ctnn::isa());
  for (const auto& c : computations()) {
    INFO(c.name);
    check_same(run(c.dispatched.variant(own), c.size), run(c.native, c.size));
  }
}

TEST_CASE("dispatched: every level the CPU has agrees where the kernels promise it", "[dispatch]") {
  const auto all = computations();
  const auto& parameters = all[0];
  const auto& mlp = all[1];
  const auto& int8 = all[2];
  REQUIRE(std::string(parameters.name) == "mlp_parameters");
  const auto reference_parameters = run(parameters.native, parameters.size);
  const auto reference_int8 = run(int8.native, int8.size);

  // The MLP 48 -> dense 32 relu -> dense 10 in double from the same parameters and inputs, and
  // the bound on a float evaluation in any order, with or without FMA: a sum of m products and
  // a bias is within gamma(m + 1) * sum |terms| of its exact value (gamma(k) = k u / (1 - k u),
  // u = 2^-24), relu is 1-Lipschitz, and an error E_k in an input adds sum_k |w_jk| E_k. The
  // double reference's own error is bounded the same way with u = 2^-53.
  const auto gamma = [](double k, double u) { return k * u / (1 - k * u); };
  const float* w1 = reference_parameters.data();
  const float* b1 = w1 + 48 * 32;
  const float* w2 = b1 + 32;
  const float* b2 = w2 + 32 * 10;
  const auto x = dispatch_cases::inputs<dispatch_cases::mlp>();
  std::vector<double> exact(dispatch_cases::samples * 10), bound(exact.size());
  for (std::size_t s = 0; s < dispatch_cases::samples; ++s) {
    double h[32], e1[32];
    for (std::size_t j = 0; j < 32; ++j) {
      double z = b1[j], magnitude = std::abs(b1[j]);
      for (std::size_t i = 0; i < 48; ++i) {
        z += double(w1[i * 32 + j]) * x[s][i];
        magnitude += std::abs(double(w1[i * 32 + j]) * x[s][i]);
      }
      h[j] = std::max(z, 0.0);
      e1[j] = (gamma(49, 0x1.0p-24) + gamma(49, 0x1.0p-53)) * magnitude;
    }
    for (std::size_t j = 0; j < 10; ++j) {
      double z = b2[j], magnitude = std::abs(b2[j]), propagated = 0;
      for (std::size_t k = 0; k < 32; ++k) {
        z += double(w2[k * 10 + j]) * h[k];
        magnitude += std::abs(double(w2[k * 10 + j])) * (h[k] + e1[k]);
        propagated += std::abs(double(w2[k * 10 + j])) * e1[k];
      }
      exact[s * 10 + j] = z;
      bound[s * 10 + j] = (gamma(33, 0x1.0p-24) + gamma(33, 0x1.0p-53)) * magnitude + propagated;
    }
  }

  for (const isa_level level : runnable_levels()) {
    INFO("level " << ctnn::name(level));
    // Initialization is integer arithmetic and scalar float operations the levels share.
    check_same(run(parameters.dispatched.variant(level), parameters.size), reference_parameters);
    // int8: integer sums, then y = acc / (sx * sw) + b in scalar float; relu exact.
    check_same(run(int8.dispatched.variant(level), int8.size), reference_int8);
    const auto y = run(mlp.dispatched.variant(level), mlp.size);
    for (std::size_t i = 0; i < y.size(); ++i) {
      INFO("output " << i << ": " << y[i] << " against " << exact[i] << ", bound " << bound[i]);
      CHECK(std::abs(double(y[i]) - exact[i]) <= bound[i]);
    }
  }
}

TEST_CASE("dispatched: CTNN_ISA names the level, refused when the CPU lacks it or it is none", "[dispatch]") {
  using ctnn::detail::requested_isa_level;
  const isa_level cpu = ctnn::cpu_isa_level();
  CHECK(requested_isa_level(nullptr) == cpu);
  CHECK(requested_isa_level("") == cpu);
  CHECK(requested_isa_level("auto") == cpu);
  for (const isa_level level : all_levels) {
    const std::string name(ctnn::name(level));
    INFO(name);
    if (level <= cpu) {
      CHECK(requested_isa_level(name.c_str()) == level);
    } else {
      CHECK_THROWS_AS(requested_isa_level(name.c_str()), std::runtime_error);
      CHECK_THROWS_WITH(requested_isa_level(name.c_str()), Catch::Contains("CTNN_ISA=" + name) &&
                                                              Catch::Contains("this CPU lacks"));
    }
  }
  CHECK_THROWS_AS(requested_isa_level("avx3"), std::invalid_argument);
  CHECK_THROWS_WITH(requested_isa_level("AVX2"), Catch::Contains("CTNN_ISA=AVX2 is not an ISA level") &&
                                                     Catch::Contains("sse2, avx2, avx512, avx512_vnni or auto"));
}

// Run by CTest once per level with CTNN_ISA set (tests/CMakeLists.txt): the whole program then
// uses that level, or refuses it when the CPU lacks it.
TEST_CASE("dispatched: the level CTNN_ISA forces is the one every call takes", "[dispatch][.ctnn_isa]") {
  const char* env = std::getenv("CTNN_ISA");
  REQUIRE(env != nullptr);  // this case is the CTest runs' with CTNN_ISA set
  const isa_level wanted = level_of(env);
  if (wanted > ctnn::cpu_isa_level()) {
    CHECK_THROWS_WITH(ctnn::dispatched_isa_level(), Catch::Contains("this CPU lacks"));
    return;
  }
  CHECK(ctnn::dispatched_isa_level() == wanted);
  using namespace dispatch_cases;
  const ctnn::dispatched<ctnn::isa_level()> level{CTNN_ISA_VARIANTS(compiled_level)};
  CHECK(level.level() == wanted);
  CHECK(level() == wanted);
  for (const auto& c : computations()) {
    INFO(c.name);
    std::vector<float> through(c.size), direct(c.size);
    c.dispatched(through);
    c.dispatched.variant(wanted)(direct);
    check_same(through, direct);
  }
}
