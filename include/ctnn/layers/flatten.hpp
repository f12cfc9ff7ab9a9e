#pragma once
// ctnn::flatten: Keras' Flatten: any sample shape -> rank 1 of the same size, in row-major
// (channels-last) order: the values do not change (layers/detail/relabeling_layer.hpp).
#include <string_view>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "detail/relabeling_layer.hpp"

namespace ctnn {

struct flatten {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "flatten";

  template <class In>
  static constexpr detail::link_ok validate() { return {}; }

  template <class In>
  using layer = detail::relabeling_layer<flatten, In, shape<In::size>>;
};

}  // namespace ctnn
