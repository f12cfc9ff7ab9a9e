#pragma once
// Keras' return_sequences= of the recurrent layers (simple_rnn, lstm, gru): true gives the output
// of every time step (steps x units), false (the default) only the last one (units).
#include <type_traits>

namespace ctnn {

template <bool Enabled> struct return_sequences { static constexpr bool value = Enabled; };

namespace detail {
template <class T> struct is_return_sequences : std::false_type {};
template <bool B> struct is_return_sequences<return_sequences<B>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
