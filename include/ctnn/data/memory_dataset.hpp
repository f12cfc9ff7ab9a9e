#pragma once
// ctnn::memory_dataset: the dataset view of samples already in memory (what fit(x, y) uses).
// It refers to x and y, which must outlive it.
#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

#include "../core/samples.hpp"
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

  void read(std::span<const std::size_t> rows, float* x, float* y) const {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::copy_n(x_->data() + rows[r] * input_shape::size, input_shape::size, x + r * input_shape::size);
      std::copy_n(y_->data() + rows[r] * label_shape::size, label_shape::size, y + r * label_shape::size);
    }
  }

  const samples<XD...>& x() const noexcept { return *x_; }
  const samples<YD...>& y() const noexcept { return *y_; }

 private:
  const samples<XD...>* x_;
  const samples<YD...>* y_;
};

template <std::size_t... XD, std::size_t... YD>
memory_dataset(const samples<XD...>&, const samples<YD...>&) -> memory_dataset<samples<XD...>, samples<YD...>>;

static_assert(dataset<memory_dataset<samples<2>, samples<1>>>);

}  // namespace ctnn
