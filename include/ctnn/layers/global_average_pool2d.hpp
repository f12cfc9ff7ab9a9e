#pragma once
// ctnn::global_average_pool2d: Keras' GlobalAveragePooling2D: (height, width, channels) ->
// (channels), the mean of each channel over all positions (layers/detail/global_pooling.hpp).
#include <string_view>

#include "../detail/check_link.hpp"
#include "detail/global_pooling.hpp"
#include "detail/window2d.hpp"

namespace ctnn {

struct global_average_pool2d {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "global_average_pooling2d";

  template <class In>
  static constexpr auto validate() {
    if constexpr (In::rank == 3) return detail::link_ok{};
    else return detail::needs_rank_3{};
  }

  template <class In>
  class layer : public detail::global_average<In> {
   public:
    static constexpr std::string_view kind = global_average_pool2d::kind;
  };
};

}  // namespace ctnn
