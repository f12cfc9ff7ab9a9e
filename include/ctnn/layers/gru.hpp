#pragma once
// ctnn::gru<Units, Options...>: Keras' GRU (Cho et al., 2014) over a sequence input (steps,
// features): shape<Units>, the last step's h, or with return_sequences<true> shape<steps, Units>.
// Parameters as Keras stores them: kernel (features, 3 Units), recurrent_kernel (Units, 3 Units),
// gates in the order z, r, h; bias (2, 3 Units), input and recurrent biases, or with
// reset_after<false> (3 Units). Options, in any order: an activation (default ctnn::tanh),
// recurrent_activation<A> (sigmoid), use_bias<bool> (true), kernel_initializer<I>
// (glorot_uniform), recurrent_initializer<I> (orthogonal), bias_initializer<I> (zeros),
// reset_after<bool> (true), kernel_regularizer<R>, recurrent_regularizer<R>, bias_regularizer<R>
// (none), return_sequences<bool> (false), go_backwards<bool> (false). Without go_backwards it
// streams (layer_traits<L>::streams): state h, Units floats.
#include <cstddef>

#include "detail/gru_cell.hpp"
#include "detail/recurrent_layer.hpp"

namespace ctnn {

template <std::size_t Units, class... Options>
struct gru : detail::recurrent_spec<detail::gru_kind, Units, Options...> {};

}  // namespace ctnn
