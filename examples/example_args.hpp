#pragma once
// Command-line options shared by the examples: --data DIR, --epochs N, --seed N.
#include <cstdint>
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
    } else if (a == "--help" || a == "-h") {
      std::cout << "usage: " << argv[0] << " [--data DIR] [--epochs N]\n"
                << "  --data DIR   an MNIST-layout dataset (train-images-idx3-ubyte[.gz], ...);\n"
                << "               default " << ctnn::default_fashion_mnist_dir() << "\n"
                << "  --epochs N   default " << default_epochs << "\n"
                << "  --seed N     initial weights and shuffling; default 1\n";
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
