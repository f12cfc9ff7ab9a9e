#pragma once
// The bound layers of the global pools (global_average_pool2d/1d, global_max_pool1d): a
// channels-last sample of any rank -> (channels), each channel reduced over every position. One
// implementation per reduction, whatever the number of spatial axes; the specs add their kind
// and the rank they accept.
#include <algorithm>
#include <cstddef>

#include "../../core/layer.hpp"
#include "../../core/shape.hpp"
#include "no_parameters.hpp"

namespace ctnn::detail {

template <class In>
class global_pooling : public no_parameters {
 public:
  using input_shape = In;
  static constexpr std::size_t channels = In::dims[In::rank - 1];
  static constexpr std::size_t positions = In::size / channels;
  using output_shape = shape<channels>;
};

// The mean of each channel; every position of a channel receives its gradient / positions.
template <class In>
class global_average : public global_pooling<In> {
  using base = global_pooling<In>;

 public:
  template <class T>
  void forward(const forward_io<T>& io, pass_context&) const {
    const T scale = T(1) / static_cast<T>(base::positions);
    for (std::size_t s = 0; s < io.n; ++s) {
      const T* src = io.x + s * In::size;
      T* out = io.y + s * base::channels;
      std::fill(out, out + base::channels, T(0));
      for (std::size_t p = 0; p < base::positions; ++p, src += base::channels)
        for (std::size_t c = 0; c < base::channels; ++c) out[c] += src[c];
      for (std::size_t c = 0; c < base::channels; ++c) out[c] *= scale;
    }
  }

  template <class T>
  void backward(const backward_io<T>& io, pass_context&) const {
    if (!io.dx) return;
    const T scale = T(1) / static_cast<T>(base::positions);
    for (std::size_t s = 0; s < io.n; ++s) {
      const T* dy = io.dy + s * base::channels;
      T* dst = io.dx + s * In::size;
      for (std::size_t p = 0; p < base::positions; ++p, dst += base::channels)
        for (std::size_t c = 0; c < base::channels; ++c) dst[c] = scale * dy[c];
    }
  }
};

// The largest value of each channel (Keras: ops.max over the positions). Its gradient is that of
// a reduce-max: a channel's gradient is shared equally by the positions that hold the maximum
// (one, unless values tie), as TensorFlow's gradient of reduce_max shares it. Backward finds the
// maxima again in x, so the layer needs no workspace.
template <class In>
class global_max : public global_pooling<In> {
  using base = global_pooling<In>;
  static constexpr std::size_t channels = base::channels, positions = base::positions;

 public:
  template <class T>
  void forward(const forward_io<T>& io, pass_context&) const {
    for (std::size_t s = 0; s < io.n; ++s) maxima(io.x + s * In::size, io.y + s * channels);
  }

  template <class T>
  void backward(const backward_io<T>& io, pass_context&) const {
    if (!io.dx) return;
    for (std::size_t s = 0; s < io.n; ++s) {
      const T* x = io.x + s * In::size;
      const T* dy = io.dy + s * channels;
      T* dx = io.dx + s * In::size;
      // The maxima, then how many positions hold each, then the shares (all on the stack).
      T top[channels];
      std::size_t ties[channels] = {};
      maxima(x, top);
      for (std::size_t p = 0; p < positions; ++p)
        for (std::size_t c = 0; c < channels; ++c) ties[c] += x[p * channels + c] == top[c];
      for (std::size_t p = 0; p < positions; ++p)
        for (std::size_t c = 0; c < channels; ++c)
          dx[p * channels + c] = x[p * channels + c] == top[c] ? dy[c] / static_cast<T>(ties[c]) : T(0);
    }
  }

 private:
  template <class T>
  static void maxima(const T* x, T* top) {
    std::copy(x, x + channels, top);
    for (std::size_t p = 1; p < positions; ++p)
      for (std::size_t c = 0; c < channels; ++c) top[c] = std::max(top[c], x[p * channels + c]);
  }
};

}  // namespace ctnn::detail
