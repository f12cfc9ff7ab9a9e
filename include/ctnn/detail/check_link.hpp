#pragma once
// One check per link of a network, where it is composed. Each spec reports what is wrong with
// an input shape as a link_error (Spec::validate<InputShape>()); check_link turns that into one
// static_assert sentence. The position, the spec and the shape are check_link's template
// arguments (and those of layer_accepts in clang's "requirement" line), so the compiler prints
// them next to the sentence.
#include <cstddef>

namespace ctnn::detail {

enum class link_error {
  none,
  zero_units,
  needs_rank_1,
};

// What a spec says about an input shape; specs without a validate() (activations) accept any.
template <class Layer, class InputShape>
constexpr link_error validate_link() {
  if constexpr (requires { Layer::template validate<InputShape>(); })
    return Layer::template validate<InputShape>();
  else
    return link_error::none;
}

template <link_error E, std::size_t Position, class Layer, class InputShape>
inline constexpr bool layer_accepts = validate_link<Layer, InputShape>() != E;

template <std::size_t Position, class Layer, class InputShape>
struct check_link {
  static constexpr link_error error = validate_link<Layer, InputShape>();
  static constexpr bool ok = error == link_error::none;

  static_assert(layer_accepts<link_error::zero_units, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position has 0 units; every layer needs at least one output");
  static_assert(layer_accepts<link_error::needs_rank_1, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position needs a rank-1 input but receives InputShape; insert ctnn::flatten before it");
};

}  // namespace ctnn::detail
