#pragma once
// One check per link of a network, where it is composed. Each spec gives its verdict on the
// shape that reaches it, Spec::validate<InputShape>(): link_ok, or an *error tag*, a type whose
// member template report<Position, Layer, InputShape> holds one static_assert stating the rule
// broken in one sentence. check_link instantiates the verdict's report, so one mistake gives
// that one sentence, and the position, the spec and the shape are printed with it (they are the
// arguments of layer_accepts, the assertion's condition).
//
// Specs own their error tags: a new shape rule is a new tag beside its spec, with nothing to
// edit here. The tags several specs share are below.
#include <cstddef>
#include <type_traits>

namespace ctnn::detail {

// False for every argument, but only once instantiated with them: the condition of every error
// tag's static_assert, so the compiler prints Position, Layer and InputShape with the sentence.
template <std::size_t Position, class Layer, class InputShape>
inline constexpr bool layer_accepts = false;

// The verdict on a shape that links.
struct link_ok {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {};
};

// What a spec says about an input shape; specs without a validate() (activations) accept any.
template <class Layer, class InputShape>
constexpr auto validate_link() {
  if constexpr (requires { Layer::template validate<InputShape>(); })
    return Layer::template validate<InputShape>();
  else
    return link_ok{};
}

// Whether Layer links to InputShape, and whether it is refused with error tag Tag.
template <class Layer, class InputShape>
inline constexpr bool links = std::is_same_v<decltype(validate_link<Layer, InputShape>()), link_ok>;
template <class Tag, class Layer, class InputShape>
inline constexpr bool refuses_with = std::is_same_v<decltype(validate_link<Layer, InputShape>()), Tag>;

template <std::size_t Position, class Layer, class InputShape>
struct check_link {
  using verdict = decltype(validate_link<Layer, InputShape>());
  static_assert(sizeof(typename verdict::template report<Position, Layer, InputShape>) > 0);
};

// ---- Error tags shared by several specs ---------------------------------------------------

struct zero_units {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position has 0 units; every layer needs at least one output");
  };
};

struct option_twice {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position is given the same kind of option twice (two activations, say); each kind of option may be given once");
  };
};

}  // namespace ctnn::detail
