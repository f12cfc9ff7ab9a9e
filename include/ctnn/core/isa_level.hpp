#pragma once
// ctnn::isa_level: the x86-64 instruction-set levels a dispatched program is built for
// (ctnn_add_dispatched, cmake/ctnnDispatch.cmake; ctnn::dispatched picks one at start-up):
//   sse2         x86-64, the baseline every x86-64 CPU has        (-march=x86-64)
//   avx2         x86-64-v3: AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE  (-march=x86-64-v3)
//   avx512       x86-64-v4: v3 and AVX-512 F, BW, CD, DQ, VL       (-march=x86-64-v4)
//   avx512_vnni  v4 and AVX-512 VNNI (int8 dot products: Intel     (-march=x86-64-v4 -mavx512vnni)
//                since Cascade Lake, AMD since Zen 4)
// compiled_isa_level() is the level the calling translation unit was compiled for (its -march);
// cpu_isa_level() is the highest level the running CPU and its operating system support.
#include <cstdint>
#include <string_view>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace ctnn {

enum class isa_level : std::uint8_t { sse2, avx2, avx512, avx512_vnni };

constexpr std::string_view name(isa_level level) noexcept {
  switch (level) {
    case isa_level::avx2: return "avx2";
    case isa_level::avx512: return "avx512";
    case isa_level::avx512_vnni: return "avx512_vnni";
    case isa_level::sse2: break;
  }
  return "sse2";
}

constexpr isa_level compiled_isa_level() noexcept {
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512CD__) && defined(__AVX512DQ__) && \
    defined(__AVX512VL__)
#if defined(__AVX512VNNI__)
  return isa_level::avx512_vnni;
#else
  return isa_level::avx512;
#endif
#elif defined(__AVX2__) && defined(__FMA__)
  return isa_level::avx2;
#else
  return isa_level::sse2;
#endif
}

namespace detail {

// Written here rather than taken from xsimd 8.1's available_architectures(), which reads AVX
// from the wrong CPUID leaf, never asks the operating system (XGETBV) whether it saves the
// vector registers, and does not know the rest of x86-64-v3 (BMI, LZCNT, MOVBE, F16C) that code
// compiled for it may use; GCC's __builtin_cpu_supports("x86-64-v3") has no clang equivalent.
inline isa_level detect_cpu_isa_level() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return isa_level::sse2;
  const auto bit = [](unsigned reg, unsigned i) { return ((reg >> i) & 1u) != 0; };
  const bool fma = bit(c, 12), movbe = bit(c, 22), osxsave = bit(c, 27), avx = bit(c, 28), f16c = bit(c, 29);
  if (!(fma && movbe && osxsave && avx && f16c)) return isa_level::sse2;
  unsigned xcr0_lo = 0, xcr0_hi = 0;
  __asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  if ((xcr0_lo & 0x6u) != 0x6u) return isa_level::sse2;  // the OS saves XMM and YMM state
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return isa_level::sse2;
  const unsigned leaf7_b = b, leaf7_c = c;
  if (!__get_cpuid(0x80000001u, &a, &b, &c, &d) || !bit(c, 5)) return isa_level::sse2;  // LZCNT
  if (!(bit(leaf7_b, 3) && bit(leaf7_b, 5) && bit(leaf7_b, 8))) return isa_level::sse2;  // BMI1, AVX2, BMI2
  const bool avx512 = bit(leaf7_b, 16) && bit(leaf7_b, 17) && bit(leaf7_b, 28) && bit(leaf7_b, 30) &&
                      bit(leaf7_b, 31);                           // F, DQ, CD, BW, VL
  const bool os_saves_zmm = (xcr0_lo & 0xE0u) == 0xE0u;           // opmask, ZMM0-15 high, ZMM16-31
  if (!(avx512 && os_saves_zmm)) return isa_level::avx2;
  return bit(leaf7_c, 11) ? isa_level::avx512_vnni : isa_level::avx512;  // AVX512_VNNI
#else
  return isa_level::sse2;
#endif
}

}  // namespace detail

// Asked once: a CPU does not change under a running program.
inline isa_level cpu_isa_level() noexcept {
  static const isa_level level = detail::detect_cpu_isa_level();
  return level;
}

}  // namespace ctnn
