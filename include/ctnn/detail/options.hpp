#pragma once
// Keyword-style template options, as Keras' keyword arguments: a layer's options may come in
// any order, each found by what kind of option it is.
#include <type_traits>

namespace ctnn::detail {

template <template <class> class Is, class Default, class... Options>
struct find_option { using type = Default; };
template <template <class> class Is, class Default, class First, class... Rest>
struct find_option<Is, Default, First, Rest...>
    : std::conditional_t<Is<First>::value, std::type_identity<First>,
                         find_option<Is, Default, Rest...>> {};
template <template <class> class Is, class Default, class... Options>
using find_option_t = typename find_option<Is, Default, Options...>::type;

template <template <class> class Is, class... Options>
inline constexpr std::size_t count_options = (std::size_t{Is<Options>::value} + ... + 0);

}  // namespace ctnn::detail
