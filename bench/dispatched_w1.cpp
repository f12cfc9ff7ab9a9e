// bench/w1.hpp's W1, once per ISA level (see dispatched_w1.hpp).
#include "dispatched_w1.hpp"
#include "w1.hpp"

namespace ctnn_bench::CTNN_ISA_NAMESPACE {
void w1(benchmark::State& state) { w1_ctnn(state); }
void w1_int8(benchmark::State& state) { w1_quantized<ctnn::int8>(state); }
}  // namespace ctnn_bench::CTNN_ISA_NAMESPACE
