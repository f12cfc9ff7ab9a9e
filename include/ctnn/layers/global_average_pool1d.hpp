#pragma once
// ctnn::global_average_pool1d: Keras' GlobalAveragePooling1D: (steps, channels) -> (channels),
// the mean of each channel over all steps (layers/detail/global_pooling.hpp). It needs the whole
// sequence, so it does not stream.
#include <string_view>

#include "../detail/check_link.hpp"
#include "detail/global_pooling.hpp"
#include "detail/window1d.hpp"

namespace ctnn {

struct global_average_pool1d {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "global_average_pooling1d";

  template <class In>
  static constexpr auto validate() {
    if constexpr (In::rank == 2) return detail::link_ok{};
    else return detail::needs_rank_2{};
  }

  template <class In>
  class layer : public detail::global_average<In> {
   public:
    static constexpr std::string_view kind = global_average_pool1d::kind;
  };
};

}  // namespace ctnn
