#pragma once
// ctnn::samples<Dims...>: a run-time number of samples, each of compile-time shape Dims...,
// stored contiguously (row-major, channels last). This is what fit/evaluate/predict take and
// return, so a network and its data are checked against each other at compile time.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include <xtensor/xadapt.hpp>

#include "../detail/aligned_buffer.hpp"
#include "shape.hpp"

namespace ctnn {

template <std::size_t... Dims>
class samples {
 public:
  using sample_shape = shape<Dims...>;
  static constexpr std::size_t sample_size = sample_shape::size;
  static_assert(sizeof...(Dims) > 0 && !sample_shape::has_zero_dimension,
                "ctnn::samples<Dims...> needs at least one dimension and no zero dimension");

  samples() = default;
  explicit samples(std::size_t count) : data_(count * sample_size, 0.0f), count_(count) {}

  // Copies count samples from a flat row-major array of count * sample_size values.
  static samples from(std::span<const float> values) {
    if (values.size() % sample_size != 0)
      throw std::invalid_argument("ctnn::samples::from: " + std::to_string(values.size()) +
                                  " values is not a whole number of samples of " +
                                  std::to_string(sample_size) + " values " +
                                  sample_shape::to_string(false));
    samples s(values.size() / sample_size);
    std::copy(values.begin(), values.end(), s.data_.begin());
    return s;
  }

  // Copies an xtensor expression whose shape is (count, Dims...).
  template <class E>
  static samples from_expression(const E& e) {
    const auto& sh = e.shape();
    bool ok = sh.size() == sizeof...(Dims) + 1;
    for (std::size_t d = 0; ok && d < sizeof...(Dims); ++d) ok = sh[d + 1] == sample_shape::dims[d];
    if (!ok) throw std::invalid_argument("ctnn::samples::from_expression: expected shape (N, " +
                                         sample_shape::to_string(false).substr(1) + ", got rank " +
                                         std::to_string(sh.size()));
    samples s(sh[0]);
    std::copy(e.begin(), e.end(), s.data_.begin());
    return s;
  }

  std::size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  float* data() noexcept { return data_.data(); }
  const float* data() const noexcept { return data_.data(); }
  std::span<float> values() noexcept { return {data_.data(), data_.size()}; }
  std::span<const float> values() const noexcept { return {data_.data(), data_.size()}; }

  std::span<float, sample_size> operator[](std::size_t i) noexcept {
    return std::span<float, sample_size>(data_.data() + i * sample_size, sample_size);
  }
  std::span<const float, sample_size> operator[](std::size_t i) const noexcept {
    return std::span<const float, sample_size>(data_.data() + i * sample_size, sample_size);
  }

  // An xtensor view of shape (size(), Dims...) over the same memory (no copy).
  auto tensor() noexcept {
    return xt::adapt(data_.data(), data_.size(), xt::no_ownership(),
                     std::array<std::size_t, sizeof...(Dims) + 1>{count_, Dims...});
  }
  auto tensor() const noexcept {
    return xt::adapt(data_.data(), data_.size(), xt::no_ownership(),
                     std::array<std::size_t, sizeof...(Dims) + 1>{count_, Dims...});
  }

  // The same values seen with another per-sample shape of the same size (Keras' Reshape).
  template <std::size_t... NewDims>
  samples<NewDims...> reshape() && {
    static_assert(shape<NewDims...>::size == sample_size,
                  "ctnn::samples::reshape<NewDims...>() must keep the number of values per sample");
    samples<NewDims...> out;
    out.adopt(std::move(data_), count_);
    count_ = 0;
    return out;
  }
  template <std::size_t... NewDims>
  samples<NewDims...> reshape() const& {
    return samples(*this).template reshape<NewDims...>();
  }

  // Samples [first, first + count) as a new container.
  samples slice(std::size_t first, std::size_t count) const {
    if (first > count_ || count > count_ - first)
      throw std::out_of_range("ctnn::samples::slice: [" + std::to_string(first) + ", " +
                              std::to_string(first + count) + ") is outside the " +
                              std::to_string(count_) + " samples");
    samples s(count);
    std::copy_n(data_.data() + first * sample_size, count * sample_size, s.data_.data());
    return s;
  }

 private:
  template <std::size_t...> friend class samples;
  void adopt(detail::aligned_vector&& d, std::size_t count) { data_ = std::move(d); count_ = count; }

  detail::aligned_vector data_;
  std::size_t count_ = 0;
};

namespace detail {
template <class T> struct is_samples : std::false_type {};
template <std::size_t... D> struct is_samples<samples<D...>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
