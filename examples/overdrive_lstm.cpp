// Learns a real audio effect that no one here wrote, sox's `overdrive`, with an LSTM 1 -> 32 ->
// dense 1 trained in ctnn, then streams held-out audio through it one sample at a time
// (model::step, as an audio callback would) and prints the error-to-signal ratio and the
// real-time factor at 48 kHz.
//
//   examples/overdrive/make_audio.sh DIR        # speech and a sweep, dry and through overdrive
//   overdrive_lstm --data DIR [--epochs N] [--seconds S] [--seed N] [--require-progress]
//
// Training: the training audio cut into sequences of 128 samples, lstm 32 (return_sequences) ->
// dense 1 on every step, mean squared error, Adam (lr 5e-3), batch 32. Streaming: the same model,
// reset_states() once, then step() on every sample of the held-out audio.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <ctnn/ctnn.hpp>

namespace {

constexpr std::size_t window = 128;  // time steps of a training sequence
constexpr double sample_rate = 48000;

using effect = ctnn::sequential<ctnn::input<window, 1>,
                                ctnn::lstm<32, ctnn::return_sequences<true>>,
                                ctnn::dense<1>>;

struct options {
  std::filesystem::path data;
  std::size_t epochs = 30;
  double seconds = 0;  // 0: all of each file
  std::uint64_t seed = 1;
  bool require_progress = false;
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(a) + " needs a value");
      return argv[++i];
    };
    auto number = [&](std::string_view name, const std::string& v) {
      char* end = nullptr;
      const double x = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(x > 0))
        throw std::invalid_argument(std::string(name) + " needs a positive number, got '" + v + "'");
      return x;
    };
    if (a == "--data") o.data = value();
    else if (a == "--epochs") o.epochs = static_cast<std::size_t>(number(a, value()));
    else if (a == "--seconds") o.seconds = number(a, value());
    else if (a == "--seed") o.seed = static_cast<std::uint64_t>(number(a, value()));
    else if (a == "--require-progress") o.require_progress = true;
    else if (a == "--help" || a == "-h") {
      std::cout << "usage: " << argv[0] << " --data DIR [--epochs N] [--seconds S] [--seed N] [--require-progress]\n"
                << "  --data DIR   what examples/overdrive/make_audio.sh DIR wrote\n"
                << "  --epochs N   default 30\n"
                << "  --seconds S  use only the first S seconds of each file\n"
                << "  --require-progress  exit with status 3 unless streaming beats the dry signal\n";
      std::exit(0);
    } else {
      throw std::invalid_argument("unknown option '" + std::string(a) + "' (try --help)");
    }
  }
  if (o.data.empty()) throw std::invalid_argument("--data DIR is required (make it with examples/overdrive/make_audio.sh DIR)");
  return o;
}

// A raw little-endian float32 file, whole (or its first max_samples): sized from the file, so
// nothing is allocated beyond what the file holds.
std::vector<float> read_f32(const std::filesystem::path& path, std::size_t max_samples) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (ec) throw std::runtime_error(path.string() + ": " + ec.message());
  if (bytes % sizeof(float) != 0 || bytes == 0)
    throw std::runtime_error(path.string() + ": " + std::to_string(bytes) + " bytes is not a whole number of float32 samples");
  const std::size_t n = std::min<std::size_t>(bytes / sizeof(float), max_samples);
  std::vector<float> v(n);
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(float))))
    throw std::runtime_error(path.string() + ": could not read " + std::to_string(n) + " samples");
  return v;
}

struct audio {
  std::vector<float> dry, wet;  // the input, and the effect's output
};
audio read_pair(const options& o, const std::string& name) {
  const std::size_t limit = o.seconds > 0 ? static_cast<std::size_t>(o.seconds * sample_rate) : SIZE_MAX;
  audio a{read_f32(o.data / (name + "_in.f32"), limit), read_f32(o.data / (name + "_out.f32"), limit)};
  if (a.dry.size() != a.wet.size())
    throw std::runtime_error(name + "_in.f32 and " + name + "_out.f32 differ in length (" +
                             std::to_string(a.dry.size()) + " vs " + std::to_string(a.wet.size()) + " samples)");
  if (a.dry.size() < window)
    throw std::runtime_error(name + ": fewer than " + std::to_string(window) + " samples");
  return a;
}

// Error-to-signal ratio of a prediction of `wet`: sum (wet - p)^2 / sum wet^2.
double esr(std::span<const float> wet, std::span<const float> p) {
  double e = 0, s = 0;
  for (std::size_t i = 0; i < wet.size(); ++i) {
    e += (double(wet[i]) - p[i]) * (double(wet[i]) - p[i]);
    s += double(wet[i]) * wet[i];
  }
  return e / s;
}

}  // namespace

int main(int argc, char** argv) try {
  const options o = parse(argc, argv);
  const audio train = read_pair(o, "train"), test = read_pair(o, "test");

  // Training sequences: consecutive windows of the training audio.
  const std::size_t sequences = train.dry.size() / window;
  ctnn::samples<window, 1> x(sequences), y(sequences);
  std::copy_n(train.dry.begin(), sequences * window, x.data());
  std::copy_n(train.wet.begin(), sequences * window, y.data());

  ctnn::model<effect, ctnn::loss::mean_squared_error, ctnn::optim::adam> model{
      {.learning_rate = 5e-3f}, {}, {.seed = o.seed}};
  model.summary();
  const auto start = std::chrono::steady_clock::now();
  model.fit(x, y, {.epochs = o.epochs, .batch_size = 32, .verbose = 2});
  const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Streaming: one sample in, one sample out, the state carried by the model.
  std::vector<float> streamed(test.dry.size());
  model.warm_up();
  model.reset_states();
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < test.dry.size(); ++i)
    streamed[i] = model.step(std::span<const float, 1>(&test.dry[i], 1))[0];
  const double stream_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const double learned = esr(test.wet, streamed), dry = esr(test.wet, test.dry);
  const double audio_seconds = static_cast<double>(test.dry.size()) / sample_rate;
  std::printf("trained on %.1f s of audio (%zu sequences of %zu samples), %zu epochs in %.1f s\n",
              static_cast<double>(train.dry.size()) / sample_rate, sequences, window, o.epochs, train_seconds);
  std::printf("held-out audio: %.1f s, streamed one sample at a time\n", audio_seconds);
  std::printf("esr_dry=%.4f (the unprocessed input as the prediction)\n", dry);
  std::printf("esr=%.4f\n", learned);
  std::printf("real_time_factor=%.4f (%.1f ns a sample; 1 = all of one core at %.0f kHz)\n",
              stream_seconds / audio_seconds, stream_seconds / static_cast<double>(test.dry.size()) * 1e9,
              sample_rate / 1000);
  if (o.require_progress && !(learned < dry)) {
    std::fprintf(stderr, "overdrive_lstm: the model does not beat the dry signal (esr %.4f vs %.4f)\n", learned, dry);
    return 3;
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "overdrive_lstm: " << e.what() << "\n";
  return 1;
}
