#pragma once
// ctnn::dispatched<R(Args...)>: one function compiled for each ctnn::isa_level, called through
// the variant the running CPU supports best, chosen once. This is how one binary runs the best
// kernels every x86-64 CPU has: the code that uses ctnn is compiled four times (sse2, avx2,
// avx512, avx512_vnni) by ctnn_add_dispatched (cmake/ctnnDispatch.cmake), each copy in its own namespace
// CTNN_ISA_NAMESPACE, and the rest of the program is built for any x86-64.
//
//   // classifier.hpp: included everywhere
//   CTNN_ISA_DECLARE(namespace app, int classify(std::span<const float, 784> image));
//   namespace app {
//   inline const ctnn::dispatched<int(std::span<const float, 784>)> classify{CTNN_ISA_VARIANTS(classify)};
//   }
//   // classifier.cpp: in ctnn_add_dispatched(classifier SOURCES classifier.cpp), once per level
//   namespace app::CTNN_ISA_NAMESPACE {
//   int classify(std::span<const float, 784> image) { static const auto m = make_model(); ... }
//   }
//
// What a variant sees: its own copy of everything it uses (ctnn, xtensor, the standard
// library's templates), compiled for its level and kept out of the rest of the program, so no
// AVX-512 instantiation can be picked by the linker for code that runs on an SSE2 CPU. Two
// consequences: ctnn's per-thread settings (kernels::thread_limit) are set inside the variant,
// and a ctnn or xtensor object never crosses the boundary (their layout depends on the level:
// pass spans, arrays and numbers).
//
// The choice: cpu_isa_level(), or what the environment variable CTNN_ISA names (sse2, avx2,
// avx512, avx512_vnni; empty or "auto" for the CPU's best), read when the first dispatched is made. A level
// the CPU lacks, or a name that is none of these, is an error (std::runtime_error,
// std::invalid_argument) rather than a silent fallback: CI forces each level to compare them.
#include <cstddef>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "isa_level.hpp"

// CTNN_ISA_NAMESPACE, the namespace of the variant being compiled (ctnn_isa_sse2, ctnn_isa_avx2,
// ctnn_isa_avx512, ctnn_isa_avx512_vnni), is defined by ctnn_add_dispatched, which keeps global
// only the symbols whose names contain it. CTNN_ISA_DECLARE declares the entry points in all of
// them; CTNN_ISA_VARIANTS(f) lists the four for a ctnn::dispatched.
#define CTNN_ISA_DECLARE(scope, ...)                \
  scope {                                           \
    namespace ctnn_isa_sse2 { __VA_ARGS__; }        \
    namespace ctnn_isa_avx2 { __VA_ARGS__; }        \
    namespace ctnn_isa_avx512 { __VA_ARGS__; }      \
    namespace ctnn_isa_avx512_vnni { __VA_ARGS__; } \
  }
#define CTNN_ISA_VARIANTS(function) \
  ctnn_isa_sse2::function, ctnn_isa_avx2::function, ctnn_isa_avx512::function, ctnn_isa_avx512_vnni::function

namespace ctnn {

namespace detail {

inline isa_level requested_isa_level(const char* env) {
  const std::string_view value = env == nullptr ? std::string_view{} : std::string_view{env};
  const isa_level cpu = cpu_isa_level();
  if (value.empty() || value == "auto") return cpu;
  for (const isa_level level : {isa_level::sse2, isa_level::avx2, isa_level::avx512, isa_level::avx512_vnni}) {
    if (value != name(level)) continue;
    if (level > cpu)
      throw std::runtime_error("ctnn::dispatched: CTNN_ISA=" + std::string(value) + " asks for an ISA this CPU lacks (it has " +
                               std::string(name(cpu)) + ")");
    return level;
  }
  throw std::invalid_argument("ctnn::dispatched: CTNN_ISA=" + std::string(value) +
                              " is not an ISA level: expected sse2, avx2, avx512, avx512_vnni or auto");
}

}  // namespace detail

// The level every ctnn::dispatched calls: CTNN_ISA's, else the CPU's best; read once.
inline isa_level dispatched_isa_level() {
  static const isa_level level = detail::requested_isa_level(std::getenv("CTNN_ISA"));
  return level;
}

template <class Signature>
class dispatched;

template <class R, class... Args>
class dispatched<R(Args...)> {
 public:
  using function = R (*)(Args...);

  dispatched(function sse2, function avx2, function avx512, function avx512_vnni)
      : variants_{sse2, avx2, avx512, avx512_vnni}, level_(dispatched_isa_level()) {}

  R operator()(Args... args) const { return variants_[index(level_)](std::forward<Args>(args)...); }

  isa_level level() const noexcept { return level_; }
  // The variant for a level, to compare them; calling one the CPU lacks ends the program (SIGILL).
  function variant(isa_level level) const noexcept { return variants_[index(level)]; }

 private:
  static constexpr std::size_t index(isa_level level) noexcept { return static_cast<std::size_t>(level); }

  function variants_[4];
  isa_level level_;
};

}  // namespace ctnn
