#pragma once
// The text behind ctnn::network_description, built at compile time from the layer list. The
// grammar is fixed by docs/format.md ("Network description") and reproduced by
// tools/export_pytorch.py, so both sides hash the same bytes; change one, change both.
//
// Every field comes from the bound layer, through layer_traits, so a new layer is described
// without code here:
//   kind, in, out                          every bound layer (L::kind, L::input_shape, L::output_shape)
//   activation=<A::name>                   layer_traits<L>::activation_type, when the layer has one
//   window=<h>x<w>, strides=<r>x<c>,       what layer_traits<L>::describe writes, in its order
//   padding=valid|same, rate=<millionths>,   (conv2d and pooling: window, strides, padding;
//   stddev=<millionths>                       dropout: rate; gaussian_noise: stddev)
//   <parameter name>=<dims>                every entry of L::parameters, in order
//   merge=<kind>)[;path<layers>]...;end     a block (layer_traits<L>::is_block): its merge, then
//                                          each path's layers, in place of its parameters
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../../core/input.hpp"
#include "../../core/layer_traits.hpp"
#include "../../core/sequential.hpp"

namespace ctnn::detail {

// Two passes over one writer: the first counts, the second fills a buffer of that size.
struct text_counter {
  std::size_t size = 0;
  constexpr void put(char) { ++size; }
};
template <std::size_t N>
struct text_buffer {
  std::array<char, N + 1> data{};
  std::size_t size = 0;
  constexpr void put(char c) { data[size++] = c; }
};

template <class Out>
constexpr void put_text(Out& out, std::string_view text) {
  for (char c : text) out.put(c);
}
template <class Out>
constexpr void put_number(Out& out, std::uint64_t value) {
  char digits[20]{};
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) out.put(digits[--n]);
}
template <class Out, class Dims>
constexpr void put_dims(Out& out, const Dims& dims, std::size_t rank) {
  for (std::size_t d = 0; d < rank; ++d) {
    if (d != 0) out.put('x');
    put_number(out, dims[d]);
  }
}

// What a layer's describe() writes its hyperparameters through (layer_traits<L>::describe):
// ",name=value" attributes in the order the layer gives them.
template <class Out>
struct attribute_writer {
  Out& out;
  template <std::size_t N>
  constexpr void dims(std::string_view name, const std::array<std::size_t, N>& values) {
    put_attribute(name);
    put_dims(out, values, N);
  }
  constexpr void word(std::string_view name, std::string_view value) {
    put_attribute(name);
    put_text(out, value);
  }
  // A non-negative real, as a whole number of millionths (rounded).
  constexpr void millionths(std::string_view name, double value) {
    put_attribute(name);
    put_number(out, static_cast<std::uint64_t>(value * 1e6 + 0.5));
  }

 private:
  constexpr void put_attribute(std::string_view name) {
    put_text(out, ",");
    put_text(out, name);
    put_text(out, "=");
  }
};

template <class L, class Out>
constexpr void put_layer(Out& out);

// A block's paths, each ";path" and its layers. (Function templates rather than nested generic
// lambdas: GCC 12 fails on those in a constant expression, an internal compiler error.)
template <class Layers, class Out, std::size_t... I>
constexpr void put_layers(Out& out, std::index_sequence<I...>) {
  (put_layer<std::tuple_element_t<I, Layers>>(out), ...);
}
template <class Paths, class Out, std::size_t... K>
constexpr void put_paths(Out& out, std::index_sequence<K...>) {
  ((put_text(out, ";path"),
    put_layers<std::tuple_element_t<K, Paths>>(out, std::make_index_sequence<std::tuple_size_v<std::tuple_element_t<K, Paths>>>{})),
   ...);
}

template <class L, class Out>
constexpr void put_layer(Out& out) {
  put_text(out, ";");
  put_text(out, L::kind);
  put_text(out, "(in=");
  put_dims(out, L::input_shape::dims, L::input_shape::rank);
  put_text(out, ",out=");
  put_dims(out, L::output_shape::dims, L::output_shape::rank);
  attribute_writer<Out> attributes{out};
  if constexpr (layer_traits<L>::has_activation)
    attributes.word("activation", layer_traits<L>::activation_type::name);
  layer_traits<L>::describe(attributes);
  if constexpr (layer_traits<L>::is_block) {
    // A block: its merge, then each path's layers after ";path", and ";end".
    attributes.word("merge", L::merge_type::kind);
    put_text(out, ")");
    put_paths<typename L::path_layer_types>(out, std::make_index_sequence<std::tuple_size_v<typename L::path_layer_types>>{});
    put_text(out, ";end");
  } else {
    for (const auto& p : L::parameters) {
      put_text(out, ",");
      put_text(out, p.name);
      put_text(out, "=");
      put_dims(out, p.dims, p.rank);
    }
    put_text(out, ")");
  }
}

template <class Network>
struct network_text {
  static_assert(is_sequential<Network>::value,
                "ctnn::network_description<Network>: Network must be a ctnn::sequential<...>");
};

template <std::size_t... D, class... Specs>
struct network_text<sequential<input<D...>, Specs...>> {
  using network = sequential<input<D...>, Specs...>;
  static_assert(network::valid, "ctnn::network_description<Network>: Network failed to compose (see the error above)");

  template <class Out>
  static constexpr void write(Out& out) {
    put_text(out, "ctnn/1;input=");
    put_dims(out, shape<D...>::dims, sizeof...(D));
    if constexpr (network::valid) {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (put_layer<std::tuple_element_t<I, typename network::layer_types>>(out), ...);
      }(std::make_index_sequence<network::layer_count>{});
    }
  }
  static constexpr std::size_t length = [] {
    text_counter c;
    write(c);
    return c.size;
  }();
  static constexpr text_buffer<length> text = [] {
    text_buffer<length> b;
    write(b);
    return b;
  }();
};

// FNV-1a, 64 bits: simple enough to write identically in any language.
constexpr std::uint64_t fnv1a_64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace ctnn::detail
