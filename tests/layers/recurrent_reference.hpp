#pragma once
// The PyTorch reference values of the recurrent layers (tests/layers/recurrent_reference.py).
#include <cstddef>

namespace recurrent_reference {
#include "recurrent_reference.inc"
}  // namespace recurrent_reference
