// tests/dispatch/cases.hpp compiled once per ctnn::isa_level (ctnn_add_dispatched in
// tests/CMakeLists.txt): the entry points the dispatch tests call.
#include "cases.hpp"
#include "entries.hpp"

namespace dispatch_cases::CTNN_ISA_NAMESPACE {

ctnn::isa_level compiled_level() { return ctnn::compiled_isa_level(); }
std::string_view isa() { return ctnn::isa(); }
void mlp_parameters(std::span<float> out) { ::dispatch_cases::mlp_parameters(out); }
void mlp_predict(std::span<float> out) { ::dispatch_cases::mlp_predict(out); }
void mlp_int8_predict(std::span<float> out) { ::dispatch_cases::mlp_int8_predict(out); }
void cnn_predict(std::span<float> out) { ::dispatch_cases::cnn_predict(out); }
void rnn_step(std::span<float> out) { ::dispatch_cases::rnn_step(out); }
void classifier_fit(std::span<float> out) { ::dispatch_cases::classifier_fit(out); }

}  // namespace dispatch_cases::CTNN_ISA_NAMESPACE
