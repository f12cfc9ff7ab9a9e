#pragma once
// ctnn::path<Layers...>: one path of a ctnn::branches block, a chain of layer specs (and
// activations) run on the block's input, as a Sequential would run them.
namespace ctnn {

template <class... Layers>
struct path {};

}  // namespace ctnn
