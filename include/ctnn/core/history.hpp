#pragma once
// What fit() returns, as Keras' History.history: one entry per epoch trained. The validation
// columns are filled when fit had validation data (validation_split or validation_data).
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctnn {

struct history {
  std::vector<std::size_t> epoch;  // 0-based, as Keras
  std::vector<double> loss;
  std::vector<double> accuracy;
  std::vector<double> val_loss;      // empty without validation data
  std::vector<double> val_accuracy;
  std::vector<double> learning_rate;  // the rate each epoch trained with (Keras' logs["lr"])
  // Why training ended before the last epoch (early stopping, a non-finite loss); empty if it
  // did not.
  std::string stop_reason;

  bool has_validation() const noexcept { return !val_loss.empty(); }

  // Keras' CSVLogger layout: "epoch,accuracy,loss[,val_accuracy,val_loss]".
  std::string to_csv() const {
    std::ostringstream os;
    os << "epoch,accuracy,loss" << (has_validation() ? ",val_accuracy,val_loss" : "") << "\n";
    for (std::size_t i = 0; i < epoch.size(); ++i) {
      os << epoch[i] << "," << number(accuracy[i]) << "," << number(loss[i]);
      if (has_validation()) os << "," << number(val_accuracy[i]) << "," << number(val_loss[i]);
      os << "\n";
    }
    return os.str();
  }
  void write_csv(const std::filesystem::path& path) const { write(path, to_csv()); }

  // Training curves as a standalone SVG: loss (left) and accuracy (right), training solid,
  // validation dashed.
  std::string to_svg() const {
    std::ostringstream os;
    os << R"(<svg xmlns="http://www.w3.org/2000/svg" width="860" height="340" font-family="sans-serif" font-size="12">)"
       << "\n<rect width=\"860\" height=\"340\" fill=\"white\"/>\n";
    panel(os, 20, "loss", loss, val_loss, false);
    panel(os, 450, "accuracy", accuracy, val_accuracy, true);
    os << "</svg>\n";
    return os.str();
  }
  void write_svg(const std::filesystem::path& path) const { write(path, to_svg()); }

 private:
  static std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
  }
  static std::string tick(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
  }
  static void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    if (!(f << text))
      throw std::runtime_error("ctnn::history: cannot write " + path.string());
  }

  void panel(std::ostringstream& os, double left, const char* title, const std::vector<double>& train,
             const std::vector<double>& val, bool unit_range) const {
    const double w = 390, h = 250, top = 50;
    // Scaled to the data with a margin; accuracy never beyond [0, 1].
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto* series : {&train, &val})
      for (double v : *series)
        if (std::isfinite(v)) { lo = std::min(lo, v); hi = std::max(hi, v); }
    if (!(lo <= hi)) { lo = 0; hi = 1; }
    const double margin = std::max(0.05 * (hi - lo), 1e-3);
    lo -= margin;
    hi += margin;
    if (unit_range) { lo = std::max(lo, 0.0); hi = std::min(hi, 1.0); }
    const std::size_t n = std::max<std::size_t>(train.size(), 1);
    auto x = [&](std::size_t i) { return left + 40 + (n == 1 ? w / 2 : (w - 40) * static_cast<double>(i) / static_cast<double>(n - 1)); };
    auto y = [&](double v) { return top + h - h * (v - lo) / (hi - lo); };
    os << "<text x=\"" << left + 40 << "\" y=\"30\" font-size=\"15\">" << title << "</text>\n"
       << "<rect x=\"" << left + 40 << "\" y=\"" << top << "\" width=\"" << w - 40 << "\" height=\"" << h
       << "\" fill=\"none\" stroke=\"#999\"/>\n";
    for (int k = 0; k <= 4; ++k) {
      const double v = lo + (hi - lo) * k / 4.0;
      os << "<text x=\"" << left + 35 << "\" y=\"" << y(v) + 4 << "\" text-anchor=\"end\">" << tick(v) << "</text>\n";
    }
    for (std::size_t i = 0; i < train.size(); ++i)
      os << "<text x=\"" << x(i) << "\" y=\"" << top + h + 16 << "\" text-anchor=\"middle\">" << epoch[i] + 1 << "</text>\n";
    os << "<text x=\"" << left + w / 2 + 20 << "\" y=\"" << top + h + 34 << "\" text-anchor=\"middle\">epoch</text>\n";
    auto line = [&](const std::vector<double>& s, const char* colour, const char* dash, const char* label, double ly) {
      if (s.empty()) return;
      os << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\"" << dash << " points=\"";
      for (std::size_t i = 0; i < s.size(); ++i)
        if (std::isfinite(s[i])) os << x(i) << "," << y(s[i]) << " ";
      os << "\"/>\n<text x=\"" << left + w - 120 << "\" y=\"" << ly << "\" fill=\"" << colour << "\">" << label << "</text>\n";
    };
    line(train, "#1f77b4", "", "training", 30);
    line(val, "#ff7f0e", " stroke-dasharray=\"6,4\"", "validation", 44);
  }
};

}  // namespace ctnn
