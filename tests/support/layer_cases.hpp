#pragma once
// The layer laws' cases: every layer ctnn ships, bound to a shape (tests/core/layer.cpp and
// tests/core/layer_model.cpp run the laws on each, as Boost.Hana's laws run for every model of a
// concept). A new layer joins by adding a line to `all_layers`.
#include <cstddef>
#include <tuple>

#include <ctnn/ctnn.hpp>

namespace ctnn_test::laws {

// A layer under test: a spec and the sample shape it is bound to.
template <class Spec, class Shape>
struct case_of;
template <class Spec, std::size_t... D>
struct case_of<Spec, ctnn::shape<D...>> {
  using spec = Spec;
  using network = ctnn::sequential<ctnn::input<D...>, Spec>;
  using bound = std::tuple_element_t<0, typename network::layer_types>;
};

using ctnn::shape;
using all_layers = std::tuple<
    case_of<ctnn::dense<4, ctnn::tanh>, shape<3>>,
    case_of<ctnn::dense<3, ctnn::softmax, ctnn::use_bias<false>>, shape<2, 5>>,  // a sequence
    case_of<ctnn::conv2d<2, ctnn::kernel<3>, ctnn::sigmoid>, shape<5, 5, 2>>,
    case_of<ctnn::conv2d<3, ctnn::kernel<2, 3>, ctnn::strides<2>, ctnn::padding::same>, shape<5, 6, 2>>,
    case_of<ctnn::conv2d<2, ctnn::kernel<1>, ctnn::elu>, shape<3, 3, 2>>,  // pointwise: no im2col
    case_of<ctnn::conv2d<2, ctnn::kernel<2, 3>, ctnn::tanh, ctnn::padding::same, ctnn::dilation_rate<2, 1>>, shape<5, 6, 2>>,
    case_of<ctnn::conv2d<2, ctnn::kernel<2>, ctnn::dilation_rate<1, 2>>, shape<4, 5, 2>>,  // columns copied tap by tap
    case_of<ctnn::depthwise_conv2d<ctnn::kernel<3>, ctnn::depth_multiplier<2>, ctnn::sigmoid>, shape<5, 5, 2>>,
    case_of<ctnn::depthwise_conv2d<ctnn::kernel<2, 3>, ctnn::strides<2>, ctnn::padding::same, ctnn::use_bias<false>>,
            shape<5, 6, 2>>,
    case_of<ctnn::separable_conv2d<3, ctnn::kernel<3>, ctnn::tanh, ctnn::depth_multiplier<2>, ctnn::padding::same,
                                   ctnn::dilation_rate<2>>,
            shape<5, 5, 2>>,
    case_of<ctnn::separable_conv2d<2, ctnn::kernel<2>, ctnn::strides<2>, ctnn::use_bias<false>>, shape<5, 5, 3>>,
    case_of<ctnn::max_pool2d<ctnn::pool<2, 2>>, shape<4, 4, 2>>,
    case_of<ctnn::average_pool2d<ctnn::pool<3, 3>, ctnn::strides<2>, ctnn::padding::same>, shape<5, 5, 1>>,
    case_of<ctnn::global_average_pool2d, shape<3, 3, 2>>,
    case_of<ctnn::conv1d<3, ctnn::kernel<3>, ctnn::tanh, ctnn::padding::causal, ctnn::dilation_rate<2>>, shape<7, 2>>,
    case_of<ctnn::max_pool1d<ctnn::pool<3>, ctnn::strides<2>, ctnn::padding::same>, shape<7, 2>>,
    case_of<ctnn::global_max_pool1d, shape<5, 3>>,
    case_of<ctnn::flatten, shape<2, 3, 2>>,
    case_of<ctnn::dropout<ctnn::dropout_rate{0.25}>, shape<6>>,
    case_of<ctnn::gaussian_noise<ctnn::gaussian_noise_stddev{0.1}>, shape<6>>,
    case_of<ctnn::batch_normalization<>, shape<3, 3, 2>>,
    case_of<ctnn::batch_normalization<ctnn::center<false>>, shape<4>>,
    case_of<ctnn::layer_normalization<>, shape<3, 3, 2>>,
    case_of<ctnn::layer_normalization<ctnn::scale<false>>, shape<4>>,
    case_of<ctnn::relu, shape<5>>,
    case_of<ctnn::leaky_relu, shape<5>>,
    case_of<ctnn::softmax, shape<2, 4>>,
    case_of<ctnn::lstm<3>, shape<4, 2>>,
    case_of<ctnn::lstm<2, ctnn::return_sequences<true>, ctnn::go_backwards<true>>, shape<3, 2>>,
    case_of<ctnn::gru<3>, shape<4, 2>>,
    case_of<ctnn::gru<2, ctnn::reset_after<false>, ctnn::return_sequences<true>>, shape<3, 3>>,
    case_of<ctnn::simple_rnn<3, ctnn::go_backwards<true>>, shape<4, 2>>,
    // Blocks (layers/branches.hpp, layers/residual.hpp): a block is a layer like any other.
    case_of<ctnn::residual<ctnn::dense<3, ctnn::tanh>, ctnn::dense<3>>, shape<3>>,
    case_of<ctnn::residual<ctnn::conv2d<2, ctnn::kernel<3>, ctnn::padding::same>, ctnn::batch_normalization<>, ctnn::relu,
                           ctnn::shortcut<ctnn::conv2d<2, ctnn::kernel<1>>>>,
            shape<4, 4, 1>>,
    case_of<ctnn::residual<ctnn::residual<ctnn::dense<3, ctnn::tanh>>, ctnn::dense<3>>, shape<3>>,  // nested
    case_of<ctnn::branches<ctnn::concatenate<>, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<3>>>, shape<4>>,
    case_of<ctnn::branches<ctnn::concatenate<0>, ctnn::path<ctnn::dense<2>>, ctnn::path<ctnn::lstm<2, ctnn::return_sequences<true>>>>,
            shape<3, 2>>,
    case_of<ctnn::branches<ctnn::multiply, ctnn::path<ctnn::dense<3, ctnn::tanh>>, ctnn::path<ctnn::dense<3, ctnn::sigmoid>>>, shape<4>>,
    case_of<ctnn::branches<ctnn::add, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<2>>, ctnn::path<ctnn::relu, ctnn::dense<2>>>,
            shape<3>>,
    case_of<ctnn::branches<ctnn::subtract, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<2>>>, shape<3>>,
    case_of<ctnn::branches<ctnn::average, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<2>>>, shape<3>>,
    case_of<ctnn::branches<ctnn::maximum, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<2>>>, shape<3>>,
    case_of<ctnn::branches<ctnn::minimum, ctnn::path<ctnn::dense<2, ctnn::tanh>>, ctnn::path<ctnn::dense<2>>>, shape<3>>,
    // Activations whose derivative reads z: kept in the workspace of dense and the convolutions.
    case_of<ctnn::dense<4, ctnn::swish>, shape<3>>,
    case_of<ctnn::dense<3, ctnn::gelu>, shape<2, 5>>,
    case_of<ctnn::conv2d<2, ctnn::kernel<3>, ctnn::gelu_approximate, ctnn::padding::same>, shape<4, 4, 2>>,
    case_of<ctnn::conv2d<2, ctnn::kernel<1>, ctnn::swish>, shape<3, 3, 2>>,  // pointwise: z is all it keeps
    case_of<ctnn::conv1d<3, ctnn::kernel<2>, ctnn::gelu, ctnn::padding::causal>, shape<5, 2>>,
    case_of<ctnn::dense<4, ctnn::selu>, shape<3>>,
    case_of<ctnn::swish, shape<5>>,
    case_of<ctnn::gelu, shape<2, 3>>,
    case_of<ctnn::gelu_approximate, shape<5>>,
    case_of<ctnn::softplus, shape<5>>,
    case_of<ctnn::hard_sigmoid, shape<5>>,
    case_of<ctnn::selu, shape<5>>,
    case_of<ctnn::prelu<>, shape<2, 3, 2>>,
    case_of<ctnn::prelu<ctnn::shared_axes<1, 2>>, shape<3, 3, 2>>,
    case_of<ctnn::prelu<ctnn::shared_axes<1>>, shape<4, 3>>,  // streams
    case_of<ctnn::reshape<-1, 3>, shape<2, 3, 2>>,
    case_of<ctnn::zero_padding2d<>, shape<2, 2, 1>>,
    case_of<ctnn::zero_padding2d<1, 0, 2, 1>, shape<3, 3, 2>>,
    case_of<ctnn::up_sampling2d<>, shape<2, 3, 2>>,
    case_of<ctnn::up_sampling2d<1, 3>, shape<2, 2, 1>>>;

using loss = ctnn::loss::mean_squared_error;

}  // namespace ctnn_test::laws
