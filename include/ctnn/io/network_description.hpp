#pragma once
// ctnn::network_description<Network>: a one-line text, built at compile time, naming every
// layer of a network with what decides its computation and its parameter layout -- kinds,
// shapes, activations, windows, strides, padding, dropout rates, parameter tensors:
//
//   ctnn/1;input=784;dense(in=784,out=512,activation=relu,kernel=784x512,bias=512);...
//
// Weight files carry it (and its hash, ctnn::network_fingerprint), so a file saved from one
// network type is refused by another with a message that shows where the two differ.
// docs/format.md gives the grammar; tools/export_pytorch.py writes the same text for PyTorch
// models. Initializers and run-time hyperparameters (leaky_relu's alpha) are not part of it:
// they are not part of the type.
#include <string_view>

#include "detail/network_text.hpp"

namespace ctnn {

template <class Network>
inline constexpr std::string_view network_description{
    detail::network_text<Network>::text.data.data(), detail::network_text<Network>::text.size};

}  // namespace ctnn
