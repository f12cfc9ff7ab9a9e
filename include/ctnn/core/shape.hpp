#pragma once
// ctnn::shape: the compile-time shape of one sample (the batch dimension is never part of it).
#include <array>
#include <cstddef>
#include <ostream>
#include <string>

namespace ctnn {

template <std::size_t... Dims>
struct shape {
  static constexpr std::size_t rank = sizeof...(Dims);
  static constexpr std::array<std::size_t, sizeof...(Dims)> dims{Dims...};
  // Number of values in one sample.
  static constexpr std::size_t size = (std::size_t{1} * ... * Dims);
  static constexpr bool has_zero_dimension = ((Dims == 0) || ...);

  // "(None, 28, 28, 1)"-style text, as Keras prints it in summary().
  static std::string to_string(bool with_batch = true) {
    std::string s = "(";
    bool first = true;
    if (with_batch) { s += "None"; first = false; }
    ((s += (first ? "" : ", ") + std::to_string(Dims), first = false), ...);
    if constexpr (sizeof...(Dims) == 1) { if (!with_batch) s += ","; }
    return s + ")";
  }
};

namespace detail {
template <class T> struct is_shape : std::false_type {};
template <std::size_t... D> struct is_shape<shape<D...>> : std::true_type {};
}  // namespace detail

template <class T>
concept shape_type = detail::is_shape<T>::value;

}  // namespace ctnn
