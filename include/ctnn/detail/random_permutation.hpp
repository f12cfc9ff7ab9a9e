#pragma once
// A seeded random permutation of [0, n) computed on demand in O(1) memory: an invertible mix
// of b-bit integers (2^b >= n), applied repeatedly until it lands inside [0, n) ("cycle
// walking"; fewer than two rounds on average). fit() shuffles with it, so shuffling a data set
// that streams from disk costs no memory per sample.
#include <cstdint>

namespace ctnn::detail {

class random_permutation {
 public:
  random_permutation(std::uint64_t n, std::uint64_t seed) : n_(n) {
    bits_ = 1;
    while ((std::uint64_t{1} << bits_) < n && bits_ < 63) ++bits_;
    mask_ = (std::uint64_t{1} << bits_) - 1;
    std::uint64_t s = seed;
    for (auto& k : keys_) k = splitmix(s);
  }

  std::uint64_t operator()(std::uint64_t i) const {
    std::uint64_t x = i;
    do x = mix(x); while (x >= n_);
    return x;
  }

 private:
  static std::uint64_t splitmix(std::uint64_t& s) {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Each step is a bijection on b-bit integers: adding a key, multiplying by an odd number,
  // and xor with a right shift of itself.
  std::uint64_t mix(std::uint64_t x) const {
    const unsigned half = bits_ / 2 + 1;
    for (const auto k : keys_) {
      x = (x + k) & mask_;
      x = (x * (k | 1)) & mask_;
      x ^= x >> half;
    }
    return x;
  }

  std::uint64_t n_;
  unsigned bits_;
  std::uint64_t mask_;
  std::uint64_t keys_[4];
};

}  // namespace ctnn::detail
