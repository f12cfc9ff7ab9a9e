#pragma once
// ctnn::load_npy(path) and ctnn::load_npy(path, expected_shape): one tensor from a NumPy .npy
// file as an xt::xarray<float>. float32 and float64 (NumPy's default; rounded to float) of
// either byte order and C or Fortran order are read; other dtypes, a truncated file or -- with
// expected_shape -- another shape give a ctnn::io_error naming what was expected and found.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

#include "detail/byte_io.hpp"
#include "detail/npy_format.hpp"
#include "io_error.hpp"

namespace ctnn {

inline xt::xarray<float> load_npy(const std::filesystem::path& path) {
  const std::string source = path.string();
  const auto bytes = detail::read_whole_file(path);
  const auto a = detail::parse_npy(bytes, source, "file");
  detail::require_float_npy(a, source, "file");
  std::vector<std::size_t> shape(a.shape.begin(), a.shape.end());
  xt::xarray<float> out(shape);
  detail::npy_to_floats(a, out.data());
  return out;
}

inline xt::xarray<float> load_npy(const std::filesystem::path& path, std::span<const std::size_t> expected_shape) {
  auto out = load_npy(path);
  if (!std::equal(out.shape().begin(), out.shape().end(), expected_shape.begin(), expected_shape.end()))
    throw io_error(io_error::reason::shape_mismatch, path.string(), "shape",
                   detail::npy_shape_text(std::vector<std::uint64_t>(expected_shape.begin(), expected_shape.end())),
                   detail::npy_shape_text(std::vector<std::uint64_t>(out.shape().begin(), out.shape().end())));
  return out;
}

inline xt::xarray<float> load_npy(const std::filesystem::path& path, std::initializer_list<std::size_t> expected_shape) {
  return load_npy(path, std::span<const std::size_t>(expected_shape.begin(), expected_shape.size()));
}

}  // namespace ctnn
