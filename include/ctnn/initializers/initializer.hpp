#pragma once
// The initializer policy. An initializer fills a parameter tensor given its fans.
// Laws: deterministic for a given rng state; fills every element; uses only fan_in/fan_out and
// the rng (never the previous contents).
#include <concepts>
#include <cstddef>
#include <span>
#include <string_view>

#include "../detail/random.hpp"

namespace ctnn {

template <class I>
concept initializer = std::default_initializable<I> && std::copyable<I> &&
    requires(const I& i, std::span<float> f, std::span<double> d, std::size_t fan, detail::rng& r) {
      { I::name } -> std::convertible_to<std::string_view>;
      i(f, fan, fan, r);
      i(d, fan, fan, r);
    };

}  // namespace ctnn
