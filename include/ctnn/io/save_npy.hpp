#pragma once
// ctnn::save_npy(path, values, shape) and ctnn::save_npy(path, expression): one tensor as a
// NumPy .npy file (format 1.0, '<f4', C order), readable by numpy.load and xt::load_npy. The
// model's tensors are flat spans (model.parameter<I, P>()), so the shape is given with them.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>
#include <xtensor/xexpression.hpp>

#include "detail/byte_io.hpp"
#include "detail/npy_format.hpp"
#include "io_error.hpp"

namespace ctnn {

inline void save_npy(const std::filesystem::path& path, std::span<const float> values,
                     std::span<const std::size_t> shape) {
  const std::size_t count = std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>{});
  if (count != values.size()) {
    std::vector<std::uint64_t> dims(shape.begin(), shape.end());
    throw io_error(io_error::reason::invalid_argument, path.string(), "ctnn::save_npy(path, values, shape)",
                   std::to_string(count) + " values for shape " + detail::npy_shape_text(dims),
                   std::to_string(values.size()) + " values");
  }
  detail::byte_writer w;
  const std::vector<std::uint64_t> dims(shape.begin(), shape.end());
  detail::write_npy(w, dims, values);
  detail::write_whole_file(path, w.view());
}

inline void save_npy(const std::filesystem::path& path, std::span<const float> values,
                     std::initializer_list<std::size_t> shape) {
  save_npy(path, values, std::span<const std::size_t>(shape.begin(), shape.size()));
}

template <class E>
void save_npy(const std::filesystem::path& path, const xt::xexpression<E>& e) {
  const xt::xarray<float, xt::layout_type::row_major> a = e.derived_cast();
  const std::vector<std::size_t> shape(a.shape().begin(), a.shape().end());
  save_npy(path, std::span<const float>(a.data(), a.size()), std::span<const std::size_t>(shape));
}

}  // namespace ctnn
