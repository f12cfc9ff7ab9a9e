#pragma once
// ctnn::maximum: Keras' Maximum: the element-wise maximum of the paths' outputs; dL/dy goes to the
// first path holding it (detail::extreme_merge, merges/merge.hpp).
#include <functional>
#include <string_view>

#include "merge.hpp"

namespace ctnn {

struct maximum : detail::extreme_merge<maximum, std::greater<>> {
  using ctnn_merge = void;
  static constexpr std::string_view kind = "maximum";
};

}  // namespace ctnn
