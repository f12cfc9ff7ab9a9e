#pragma once
// ctnn::simple_rnn<Units, Options...>: Keras' SimpleRNN, h' = a(x kernel + h recurrent_kernel +
// bias), over a sequence input (steps, features): shape<Units>, the last step's h, or with
// return_sequences<true> shape<steps, Units>. Parameters as Keras stores them: kernel (features,
// Units), recurrent_kernel (Units, Units), bias (Units). Options, in any order: an activation
// (default ctnn::tanh), use_bias<bool> (true), kernel_initializer<I> (glorot_uniform),
// recurrent_initializer<I> (orthogonal), bias_initializer<I> (zeros), kernel_regularizer<R>,
// recurrent_regularizer<R>, bias_regularizer<R> (none), return_sequences<bool> (false),
// go_backwards<bool> (false). Without go_backwards it streams (layer_traits<L>::streams): state h,
// Units floats.
#include <cstddef>

#include "detail/recurrent_layer.hpp"
#include "detail/simple_rnn_cell.hpp"

namespace ctnn {

template <std::size_t Units, class... Options>
struct simple_rnn : detail::recurrent_spec<detail::simple_rnn_kind, Units, Options...> {};

}  // namespace ctnn
