#pragma once
// ctnn::lstm<Units, Options...>: Keras' LSTM (Hochreiter and Schmidhuber, 1997) over a sequence
// input (steps, features): shape<Units>, the last step's h, or with return_sequences<true>
// shape<steps, Units>, every step's. Parameters as Keras stores them: kernel (features, 4 Units),
// recurrent_kernel (Units, 4 Units), bias (4 Units), gates in the order i, f, c, o. Options, in any
// order: an activation (default ctnn::tanh), recurrent_activation<A> (sigmoid), use_bias<bool>
// (true), kernel_initializer<I> (glorot_uniform), recurrent_initializer<I> (orthogonal),
// bias_initializer<I> (zeros), unit_forget_bias<bool> (true: the forget gate's bias starts at 1),
// kernel_regularizer<R>, recurrent_regularizer<R>, bias_regularizer<R> (none),
// return_sequences<bool> (false), go_backwards<bool> (false). Without go_backwards it streams
// (layer_traits<L>::streams): state h and c, 2 Units floats.
#include <cstddef>

#include "detail/lstm_cell.hpp"
#include "detail/recurrent_layer.hpp"

namespace ctnn {

template <std::size_t Units, class... Options>
struct lstm : detail::recurrent_spec<detail::lstm_kind, Units, Options...> {};

}  // namespace ctnn
