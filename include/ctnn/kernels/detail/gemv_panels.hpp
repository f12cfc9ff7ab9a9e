#pragma once
// Where the reduced-precision matrix-vector products (kernels/bf16_gemv.hpp, int8_gemv.hpp) keep
// a weight matrix: its columns in blocks, each block one load of Lanes 32-bit words per row of
// the matrix; blocks in panels of up to PanelBlocks, each panel all its rows in a row (so one
// panel is one contiguous stream, and its sums stay in registers over the whole stream); the last
// block padded with zero weights, the last panel with fewer blocks where fewer are left.
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn::kernels::detail {

template <std::size_t Rows, std::size_t Columns, std::size_t ColumnsPerBlock, std::size_t Lanes,
          std::size_t PanelBlocks>
struct gemv_panels {
  static constexpr std::size_t rows = Rows;
  static constexpr std::size_t lanes = Lanes;
  static constexpr std::size_t columns_per_block = ColumnsPerBlock;
  static constexpr std::size_t panel_blocks = PanelBlocks;
  static constexpr std::size_t blocks = (Columns + ColumnsPerBlock - 1) / ColumnsPerBlock;
  static constexpr std::size_t panels = (blocks + PanelBlocks - 1) / PanelBlocks;
  static constexpr std::size_t words = Rows * blocks * Lanes;  // 32-bit words in all

  // Blocks of panel p, and the word where its stream starts (every panel before it is full).
  static constexpr std::size_t blocks_of(std::size_t p) noexcept {
    return p + 1 < panels ? PanelBlocks : blocks - p * PanelBlocks;
  }
  static constexpr std::size_t panel_start(std::size_t p) noexcept { return Rows * p * PanelBlocks * Lanes; }
  // The word holding row r of block b (counted over the whole matrix), lane t.
  static constexpr std::size_t word(std::size_t r, std::size_t b, std::size_t t) noexcept {
    const std::size_t p = b / PanelBlocks;
    return panel_start(p) + (r * blocks_of(p) + b % PanelBlocks) * Lanes + t;
  }
};

// f(constant<NB>) for the runtime count nb in 1 .. Max: the panel kernels take their block count as
// a template argument, so that their sums are an array the compiler keeps in registers.
template <std::size_t Max, class F>
void with_block_count(std::size_t nb, F&& f) {
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    ((nb == K + 1 ? (f(std::integral_constant<std::size_t, K + 1>{}), 0) : 0), ...);
  }(std::make_index_sequence<Max>{});
}

}  // namespace ctnn::kernels::detail
