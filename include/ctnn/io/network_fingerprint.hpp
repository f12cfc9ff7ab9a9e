#pragma once
// ctnn::network_fingerprint<Network>: the 64-bit FNV-1a hash of ctnn::network_description,
// computed at compile time. Two network types with the same fingerprint have the same layers,
// shapes and parameter layout, so weights saved from one fit the other. Embedded weights can be
// checked against a network with a static_assert (see cmake/ctnnEmbedWeights.cmake).
#include <cstdint>

#include "detail/network_text.hpp"
#include "network_description.hpp"

namespace ctnn {

template <class Network>
inline constexpr std::uint64_t network_fingerprint = detail::fnv1a_64(network_description<Network>);

}  // namespace ctnn
