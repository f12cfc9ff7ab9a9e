#pragma once
// ctnn::isa(): the instruction set the calling code's kernels were compiled for, as xsimd names
// it ("avx512bw", "fma3+avx2", "sse2", ...): the -march / -m flags of its translation unit decide
// it, at compile time. A program built with -march=native runs only on CPUs with that machine's
// instructions; one that must run on any x86-64 compiles its ctnn code once per level with
// ctnn_add_dispatched and calls it through ctnn::dispatched (core/dispatched.hpp), where each
// variant's isa() is its level's.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "../kernels/int8_gemv.hpp"

namespace ctnn {

constexpr std::string_view isa() noexcept { return xsimd::default_arch::name(); }

// The int8 product's form (kernels/int8_gemv.hpp): "avx512_vnni", "avx_vnni", "avx2" or "integer";
// every form gives the same (exact) sums.
constexpr std::string_view isa_int8_kernel() noexcept { return kernels::int8_gemv_form; }

}  // namespace ctnn
