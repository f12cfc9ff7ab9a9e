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

// The value of a numeric option such as --epochs: a whole number of at least 1.
inline std::size_t positive_number(std::string_view option, const std::string& v) {
  char* end = nullptr;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < 1)
    throw std::invalid_argument(std::string(option) + " needs a positive whole number, got '" + v + "'");
  return static_cast<std::size_t>(n);
}

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
      args.epochs = positive_number(a, value());
    } else if (a == "--seed") {
      const std::string v = value();
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') throw std::invalid_argument("--seed needs a whole number, got '" + v + "'");
      args.seed = n;
    } else if (a == "--samples") {
      args.samples = positive_number(a, value());
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

// What every example does with its model: fit it on the training set (its first --samples rows),
// write the curves, evaluate on the test set and print. Returns the exit status: 3 with
// --require-progress when training did not lower the training loss, else 0. after_fit(model,
// x_test, y_test) reports more, once the test accuracy is printed.
struct nothing_after_fit {
  void operator()(const auto&...) const {}
};
template <class Model, class Data, class AfterFit = nothing_after_fit>
int fit_and_report(Model& model, const Data& data, const example_args& args, std::size_t batch_size,
                   const char* argv0, const std::string& name, AfterFit after_fit = {}) {
  const auto x_train = first_samples(data.x_train, args);
  const auto y_train = first_samples(data.y_train, args);
  const auto x_test = first_samples(data.x_test, args);
  const auto y_test = first_samples(data.y_test, args);
  const double before = model.evaluate(x_train, y_train).loss;
  const ctnn::history history = model.fit(x_train, y_train, {.epochs = args.epochs, .batch_size = batch_size});
  const double after = model.evaluate(x_train, y_train).loss;
  std::printf("training loss before %.4f, after %.4f\n", before, after);
  write_history(history, argv0, name);
  const auto [loss, accuracy] = model.evaluate(x_test, y_test);
  std::printf("test_loss=%.4f\n", loss);
  std::printf("test_accuracy=%.4f\n", accuracy);
  after_fit(model, x_test, y_test);
  if (args.require_progress && !(after < before)) {
    std::fprintf(stderr, "%s: the training loss did not fall (%.4f -> %.4f)\n", name.c_str(), before, after);
    return 3;
  }
  return 0;
}
