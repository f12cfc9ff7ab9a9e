#pragma once
// ctnn::memory_dataset: the dataset view of samples already in memory (what fit(x, y) uses).
// It refers to x and y, which must outlive it.
#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

#include "../core/samples.hpp"
#include "../kernels/parallel.hpp"
#include "dataset.hpp"

namespace ctnn {

template <class X, class Y>
class memory_dataset;

template <std::size_t... XD, std::size_t... YD>
class memory_dataset<samples<XD...>, samples<YD...>> {
 public:
  using input_shape = shape<XD...>;
  using label_shape = shape<YD...>;

  memory_dataset(const samples<XD...>& x, const samples<YD...>& y) : x_(&x), y_(&y) {
    if (x.size() != y.size())
      throw std::invalid_argument(std::to_string(x.size()) + " input samples but " +
                                  std::to_string(y.size()) + " labels; they must be equally many");
  }

  std::size_t size() const noexcept { return x_->size(); }

  // A shuffled batch gathers rows from all over x, each a separate trip to memory, so the rows
  // two ahead are prefetched while one is copied, and a batch is split into chunks of 32 rows
  // shared by the threads kernels::max_threads() allows (fit's threads; 1 elsewhere). Plain
  // copies: the same bytes whatever the split. Both together made bench/'s W3 epoch 2 % faster
  // at 1 thread and 4 % at 2 (bench/README.md).
  void read(std::span<const std::size_t> rows, float* x, float* y) const {
    constexpr std::size_t chunk = 32;
    const std::size_t chunks = (rows.size() + chunk - 1) / chunk;
    kernels::detail::parallel_for(kernels::max_threads(), chunks, [&](std::size_t c) {
      const std::size_t first = c * chunk, last = std::min(rows.size(), first + chunk);
      for (std::size_t r = first; r < last; ++r) {
        if (r + prefetch_ahead < last) prefetch_row(rows[r + prefetch_ahead]);
        std::copy_n(x_->data() + rows[r] * input_shape::size, input_shape::size, x + r * input_shape::size);
        std::copy_n(y_->data() + rows[r] * label_shape::size, label_shape::size, y + r * label_shape::size);
      }
    });
  }

  const samples<XD...>& x() const noexcept { return *x_; }
  const samples<YD...>& y() const noexcept { return *y_; }

 private:
  static constexpr std::size_t prefetch_ahead = 2;

  void prefetch_row(std::size_t row) const noexcept {
    const auto* bytes = reinterpret_cast<const char*>(x_->data() + row * input_shape::size);
    for (std::size_t b = 0; b < input_shape::size * sizeof(float); b += 64) __builtin_prefetch(bytes + b);
    __builtin_prefetch(y_->data() + row * label_shape::size);
  }

  const samples<XD...>* x_;
  const samples<YD...>* y_;
};

template <std::size_t... XD, std::size_t... YD>
memory_dataset(const samples<XD...>&, const samples<YD...>&) -> memory_dataset<samples<XD...>, samples<YD...>>;

static_assert(dataset<memory_dataset<samples<2>, samples<1>>>);

}  // namespace ctnn
