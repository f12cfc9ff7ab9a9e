#pragma once
// The network the weight-loader fuzzer loads into, and the seed corpus is made for: small, so
// that a valid file is a few hundred bytes libFuzzer can mutate quickly, with a layer of every
// kind the loader treats differently (parameters, no parameters, state).
#include <cstddef>
#include <tuple>

#include <ctnn/ctnn.hpp>

namespace ctnn_fuzz {

using network = ctnn::sequential<ctnn::input<4>,
                                 ctnn::dense<3, ctnn::relu>,
                                 ctnn::batch_normalization<>,
                                 ctnn::dropout<ctnn::dropout_rate{0.25}>,
                                 ctnn::dense<2, ctnn::softmax>>;
using model = ctnn::model<network, ctnn::loss::categorical_crossentropy, ctnn::optim::adam>;
template <std::size_t I> using network_layer = std::tuple_element_t<I, network::layer_types>;

}  // namespace ctnn_fuzz
