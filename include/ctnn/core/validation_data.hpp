#pragma once
// ctnn::validation_data: Keras' validation_data=(x_val, y_val), passed to fit after its
// options: model.fit(x, y, {.epochs = 10}, ctnn::validation_data{x_val, y_val}).
// It holds a dataset: a view of in-memory samples (which must outlive fit) or any streaming
// ctnn::dataset.
#include <cstddef>
#include <type_traits>

#include "../data/dataset.hpp"
#include "../data/memory_dataset.hpp"
#include "samples.hpp"

namespace ctnn {

template <dataset D>
struct validation_data {
  D data;

  validation_data(D d) : data(std::move(d)) {}
  template <std::size_t... XD, std::size_t... YD>
    requires std::is_same_v<D, memory_dataset<samples<XD...>, samples<YD...>>>
  validation_data(const samples<XD...>& x, const samples<YD...>& y) : data(x, y) {}
};

template <std::size_t... XD, std::size_t... YD>
validation_data(const samples<XD...>&, const samples<YD...>&)
    -> validation_data<memory_dataset<samples<XD...>, samples<YD...>>>;

namespace detail {
template <class T> struct is_validation_data : std::false_type {};
template <class D> struct is_validation_data<validation_data<D>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
