#pragma once
// ctnn::isa(): the instruction set this program's kernels were compiled for, as xsimd names it
// ("avx512bw", "fma3+avx2", "sse2", ...): the build's -march / -m flags decide it, at compile
// time (there is no run-time dispatch yet: a program built with -march=native runs only on CPUs
// with that machine's instructions). ctnn::quantized's int8 kernel uses AVX2's byte
// multiply-adds where the build has AVX2 (isa_has_avx2_int8()) and plain integer loops elsewhere.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

namespace ctnn {

constexpr std::string_view isa() noexcept { return xsimd::default_arch::name(); }

constexpr bool isa_has_avx2_int8() noexcept {
#if defined(__AVX2__)
  return true;
#else
  return false;
#endif
}

}  // namespace ctnn
