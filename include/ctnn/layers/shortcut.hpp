#pragma once
// ctnn::shortcut<Layers...>: the last entry of a ctnn::residual, the projection its input takes
// when the body changes the shape (ResNet's 1x1 convolution with strides): y = shortcut(x) + body(x).
namespace ctnn {

template <class... Layers>
struct shortcut {};

}  // namespace ctnn
