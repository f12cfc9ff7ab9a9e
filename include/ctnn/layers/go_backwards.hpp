#pragma once
// Keras' go_backwards= of the recurrent layers: true runs over the input's time steps from the
// last to the first, and (with return_sequences) returns the outputs in that order, reversed, as
// Keras does. Such a layer sees the whole sequence first, so it cannot stream (model::step).
#include <type_traits>

namespace ctnn {

template <bool Enabled> struct go_backwards { static constexpr bool value = Enabled; };

namespace detail {
template <class T> struct is_go_backwards : std::false_type {};
template <bool B> struct is_go_backwards<go_backwards<B>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
