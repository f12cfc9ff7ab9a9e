#pragma once
// What each ISA variant of module.cpp exports (tests/dispatch/cases.hpp's computations), and the
// dispatched functions that call them.
#include <span>
#include <string_view>

#include <ctnn/core/dispatched.hpp>

CTNN_ISA_DECLARE(namespace dispatch_cases,
                 ctnn::isa_level compiled_level();
                 std::string_view isa();
                 void mlp_parameters(std::span<float> out);
                 void mlp_predict(std::span<float> out);
                 void mlp_int8_predict(std::span<float> out);
                 void cnn_predict(std::span<float> out);
                 void rnn_step(std::span<float> out);
                 void classifier_fit(std::span<float> out))

namespace dispatch_cases {
using computation = ctnn::dispatched<void(std::span<float>)>;
}  // namespace dispatch_cases
