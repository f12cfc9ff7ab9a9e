#pragma once
// W1 in float32 and int8 compiled once per ISA level (dispatched_w1.cpp, ctnn_add_dispatched in
// bench/CMakeLists.txt), called through ctnn::dispatched.
#include <benchmark/benchmark.h>

#include <ctnn/core/dispatched.hpp>

CTNN_ISA_DECLARE(namespace ctnn_bench, void w1(benchmark::State& state); void w1_int8(benchmark::State& state))

namespace ctnn_bench {
inline const ctnn::dispatched<void(benchmark::State&)> w1_dispatched{CTNN_ISA_VARIANTS(w1)};
inline const ctnn::dispatched<void(benchmark::State&)> w1_int8_dispatched{CTNN_ISA_VARIANTS(w1_int8)};
}  // namespace ctnn_bench
