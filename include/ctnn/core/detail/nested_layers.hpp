#pragma once
// detail::visit_layers: every bound layer of a network in the order Keras' functional model lists
// them, blocks (ctnn::branches, ctnn::residual: layer_traits<L>::is_block) opened. For each layer
// f(layer, parameter_offset, depth) is called with a pointer to the layer object (null when the
// visit is over types only), where its parameters start in the network's arena, and how deep in
// blocks it lies (0 at the top); a block is visited first, then its paths' layers in order at
// depth + 1. Names (Keras' dense, dense_1, ...), the weight file's tensor table, the state table
// and summary() all read the layers through it, so a block's layers are saved, loaded and printed
// like any other, under names that do not depend on the nesting.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../layer_traits.hpp"

namespace ctnn::detail {

template <class Layers, std::size_t N, class F>
void visit_layers(Layers* layers, const std::array<std::size_t, N>& offsets, std::size_t base, std::size_t depth, F& f);

template <class L, class F>
void visit_layer(L* l, std::size_t offset, std::size_t depth, F& f) {
  using B = std::remove_const_t<L>;
  f(l, offset, depth);
  if constexpr (layer_traits<B>::is_block) {
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      (visit_layers(l ? &l->template path_layers<K>() : nullptr, B::template path_layer_offsets<K>,
                    offset + B::path_parameter_offsets[K], depth + 1, f),
       ...);
    }(std::make_index_sequence<std::tuple_size_v<typename B::path_layer_types>>{});
  }
}

template <class Layers, std::size_t N, class F>
void visit_layers(Layers* layers, const std::array<std::size_t, N>& offsets, std::size_t base, std::size_t depth, F& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (visit_layer(layers ? &std::get<I>(*layers) : static_cast<std::tuple_element_t<I, std::remove_const_t<Layers>>*>(nullptr),
                 base + offsets[I], depth, f),
     ...);
  }(std::make_index_sequence<N>{});
}

// Keras names layers by kind, numbering repeats: dense, dense_1, dense_2, conv2d, ... One name per
// layer visit_layers visits (a block, then the layers in it), in that order.
class keras_names {
 public:
  std::string operator()(std::string_view kind) {
    for (auto& [k, count] : seen_)
      if (k == kind) return std::string(kind) + "_" + std::to_string(count++);
    seen_.emplace_back(kind, 1);
    return std::string(kind);
  }

 private:
  std::vector<std::pair<std::string_view, std::size_t>> seen_;
};

// f(layer pointer (null when layers is), Keras name, parameter offset, depth) for every layer of
// a network (its layers and their parameter offsets), blocks opened: the one walk that names them.
template <class Layers, std::size_t N, class F>
void for_each_named_layer(Layers* layers, const std::array<std::size_t, N>& offsets, F&& f) {
  keras_names name_of;
  auto visit = [&](auto* l, std::size_t offset, std::size_t depth) {
    using L = std::remove_cvref_t<decltype(*l)>;
    f(l, name_of(L::kind), offset, depth);
  };
  visit_layers(layers, offsets, 0, 0, visit);
}

}  // namespace ctnn::detail
