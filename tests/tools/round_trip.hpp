#pragma once
// One case of tests/tools' round trips: a model of a header ctnn_import wrote, loaded (load()
// compares its outputs for the header's test vector with the source framework's: ctnn::io_error
// when they part), then run once more through predict, so that a header that loads but cannot
// predict fails too. The exit status is the program's: true when the case passed.
#include <cstdio>
#include <exception>
#include <memory>

namespace ctnn_test {

template <class Model, class Load>
bool round_trip(const char* name, const char* framework, Load load) {
  try {
    auto model = std::make_unique<Model>();  // the parameters live in the model: not on the stack
    load(*model);
    typename Model::input_samples x(1);
    const auto y = model->predict(x);
    std::printf("%s: loaded; %s outputs reproduced (%zu outputs per sample)\n", name, framework,
                Model::output_samples::sample_size);
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    return false;
  }
}

}  // namespace ctnn_test
