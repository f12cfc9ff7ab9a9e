// Writes the seed corpus of the fuzzers (tests/fuzz/corpus/): valid weight files for the fuzz
// network -- plain, with optimizer state after some training, with a test vector -- an .npz of
// it, and small IDX files, plain and gzip. The committed corpus was made with it; rerun it (target
// ctnn_make_seed_corpus, argument: the corpus directory) only when the formats change, since the
// valid files double as golden files of format version 1 (tests/io/weights.cpp loads them).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <zlib.h>

#include <ctnn/io/make_test_vector.hpp>
#include <ctnn/io/save.hpp>
#include <ctnn/io/save_npz.hpp>

#include "fuzz_network.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seed_corpus <corpus directory>\n");
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir / "weights");
  fs::create_directories(dir / "idx");

  ctnn_fuzz::model m({}, {}, {.seed = 1});
  ctnn::save(m, dir / "weights" / "fresh_no_optimizer.ctnn", {.optimizer_state = false});
  ctnn::samples<4> x(8);
  ctnn::samples<2> y(8);
  for (std::size_t i = 0; i < 8; ++i) {
    for (std::size_t j = 0; j < 4; ++j) x[i][j] = static_cast<float>((i * 4 + j) % 5) / 4.0f - 0.5f;
    y[i][i % 2] = 1;
  }
  m.fit(x, y, {.epochs = 2, .batch_size = 4, .verbose = 0});
  ctnn::save(m, dir / "weights" / "trained_adam.ctnn");
  ctnn::save(m, dir / "weights" / "trained_test_vector.ctnn",
             {.optimizer_state = false, .test = ctnn::make_test_vector(m, x.slice(0, 2))});
  ctnn::save_npz(m, dir / "weights" / "trained.npz");

  auto write = [](const fs::path& p, const std::vector<unsigned char>& bytes) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                             static_cast<std::streamsize>(bytes.size()));
  };
  // 3 images of 2x2 and their labels.
  std::vector<unsigned char> images = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2};
  for (int i = 0; i < 12; ++i) images.push_back(static_cast<unsigned char>(i * 20));
  const std::vector<unsigned char> labels = {0, 0, 8, 1, 0, 0, 0, 3, 1, 0, 2};
  write(dir / "idx" / "images_2x2.idx", images);
  write(dir / "idx" / "labels.idx", labels);
  gzFile gz = gzopen((dir / "idx" / "images_2x2.idx.gz").string().c_str(), "wb9");
  gzwrite(gz, images.data(), static_cast<unsigned>(images.size()));
  gzclose(gz);
  std::printf("wrote the seed corpus to %s\n", dir.string().c_str());
  return 0;
}
