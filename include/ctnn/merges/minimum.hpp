#pragma once
// ctnn::minimum: Keras' Minimum: the element-wise minimum of the paths' outputs; dL/dy goes to the
// first path holding it (detail::extreme_merge, merges/merge.hpp).
#include <functional>
#include <string_view>

#include "merge.hpp"

namespace ctnn {

struct minimum : detail::extreme_merge<minimum, std::less<>> {
  using ctnn_merge = void;
  static constexpr std::string_view kind = "minimum";
};

}  // namespace ctnn
