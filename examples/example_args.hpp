#pragma once
// Command-line options shared by the examples: --data DIR, --epochs N, --seed N, --samples N,
// --require-progress (the last two let CTest run an example on a small slice of the data).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <ctnn/core/history.hpp>
#include <ctnn/data/load_dataset.hpp>

struct example_args {
  std::filesystem::path data = ctnn::default_fashion_mnist_dir();
  std::size_t epochs = 5;
  std::uint64_t seed = 1;
  std::size_t samples = 0;        // 0: all; else the first N training and the first N test samples
  bool require_progress = false;  // exit 3 unless training lowered the training loss
};

inline example_args parse_example_args(int argc, char** argv, std::size_t default_epochs) {
  example_args args;
  args.epochs = default_epochs;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(a) + " needs a value");
      return argv[++i];
    };
    if (a == "--data") {
      args.data = value();
    } else if (a == "--epochs") {
      const std::string v = value();
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (*end != '\0' || n < 1) throw std::invalid_argument("--epochs needs a positive whole number, got '" + v + "'");
      args.epochs = static_cast<std::size_t>(n);
    } else if (a == "--seed") {
      const std::string v = value();
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') throw std::invalid_argument("--seed needs a whole number, got '" + v + "'");
      args.seed = n;
    } else if (a == "--samples") {
      const std::string v = value();
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (*end != '\0' || n < 1) throw std::invalid_argument("--samples needs a positive whole number, got '" + v + "'");
      args.samples = static_cast<std::size_t>(n);
    } else if (a == "--require-progress") {
      args.require_progress = true;
    } else if (a == "--help" || a == "-h") {
      std::cout << "usage: " << argv[0] << " [--data DIR] [--epochs N]\n"
                << "  --data DIR   an MNIST-layout dataset (train-images-idx3-ubyte[.gz], ...);\n"
                << "               default " << ctnn::default_fashion_mnist_dir() << "\n"
                << "  --epochs N   default " << default_epochs << "\n"
                << "  --seed N     initial weights and shuffling; default 1\n"
                << "  --samples N  train and test on the first N samples of each set only\n"
                << "  --require-progress  exit with status 3 unless training lowered the training loss\n";
      std::exit(0);
    } else {
      throw std::invalid_argument("unknown option '" + std::string(a) + "' (try --help)");
    }
  }
  return args;
}

// Writes the training curves next to the executable (NAME_history.svg, NAME_history.csv) and
// says where; a browser shows the SVG.
inline void write_history(const ctnn::history& h, const char* argv0, const std::string& name) {
  const auto dir = std::filesystem::absolute(argv0).parent_path();
  const auto svg = dir / (name + "_history.svg"), csv = dir / (name + "_history.csv");
  h.write_svg(svg);
  h.write_csv(csv);
  std::cout << "training curves: " << svg.string() << " (and " << csv.filename().string() << ")\n";
}

// The first args.samples rows of a data split (all of it without --samples).
template <class Samples>
Samples first_samples(const Samples& s, const example_args& args) {
  return args.samples == 0 || args.samples >= s.size() ? s : s.slice(0, args.samples);
}

// Trains `model` on (x, y) as `train` does and reports; with --require-progress, returns 3 unless
// the training loss after training is below the loss before it.
template <class Model, class X, class Y, class Train>
int train_and_check(Model& model, const X& x, const Y& y, const example_args& args, Train&& train) {
  const double before = model.evaluate(x, y).loss;
  train();
  const double after = model.evaluate(x, y).loss;
  std::printf("training loss before %.4f, after %.4f\n", before, after);
  if (args.require_progress && !(after < before)) {
    std::fprintf(stderr, "the training loss did not fall (%.4f -> %.4f)\n", before, after);
    return 3;
  }
  return 0;
}
