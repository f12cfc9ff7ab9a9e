#pragma once
// The PyTorch reference values of layer_normalization (tests/layers/layer_normalization_reference.py).
#include <cstddef>
#include <tuple>

#include <ctnn/core/shape.hpp>

namespace layer_normalization_reference {
#include "layer_normalization_reference.inc"
}  // namespace layer_normalization_reference
