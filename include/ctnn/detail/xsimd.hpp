#pragma once
// xsimd, as every ctnn header includes it: first, and with GCC 12's false -Wuninitialized and
// -Wmaybe-uninitialized off for the lines it pulls in. GCC 12 reports the deliberately undefined
// operand of its own AVX-512 intrinsics (`__m512 __Y = __Y;` in _mm512_undefined_ps) as
// uninitialized (GCC bug 105593) wherever xsimd's math functions (exp, nearbyint) are compiled
// out of line, which breaks -Werror builds with -march=native on AVX-512 machines. The pragmas
// cover the intrinsics headers' own lines, so the warning stays on for everyone else's code.
// (A program that includes <immintrin.h> before ctnn keeps GCC's warning in those lines.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// The same warning for code that *inlines* xsimd's math (the activations' *_simd forms, the
// epilogues, the GEMM, the optimizers' updates): GCC checks it against the pragmas at each
// inlining site, so these bracket every such definition. With the include above they also keep
// a program quiet that included <immintrin.h> before ctnn.
#if defined(__GNUC__) && !defined(__clang__)
#define CTNN_DETAIL_SIMD_BEGIN                          \
  _Pragma("GCC diagnostic push")                        \
  _Pragma("GCC diagnostic ignored \"-Wuninitialized\"") \
  _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
#define CTNN_DETAIL_SIMD_END _Pragma("GCC diagnostic pop")
#else
#define CTNN_DETAIL_SIMD_BEGIN
#define CTNN_DETAIL_SIMD_END
#endif
