// The linear-classifier demo: searches learning rate x regularization for the SVM and the softmax
// classifier on Fashion-MNIST, prints the validation tables and test accuracies, plots the loss
// curves and draws the learned weight templates. Built twice: linear_demo runs your linear.cpp,
// linear_demo_reference the reference. Not graded: the grader never runs this file.
//
//   linear_demo [--train N] [--val N] [--test N] [--iters N] [--output DIR]   (linear_demo --help)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/blas.hpp"
#include "common/errors.hpp"
#include "common/image.hpp"
#include "common/memory.hpp"
#include "common/plot.hpp"
#include "datasets/idx.hpp"
#include "datasets/preprocess.hpp"
#include "linear/linear.hpp"

namespace {

using namespace pg;
using Clock = std::chrono::steady_clock;

struct Options {
  long train = 49000, val = 1000, test = 10000;
  int iters = 1500;
  std::string output = "out/linear";
};

constexpr int kBatch = 200;
constexpr std::uint64_t kSeed = 0;
// a decade apart around what works for pixels in [0, 1]: too slow, about right, too fast; weaker
// regularization than 1e-3 gains little accuracy here and leaves the templates noisy
const std::vector<double> kLearningRates = {3e-2, 3e-1, 3.0};
const std::vector<double> kRegs = {1e-3, 1e-2, 1e-1};
// the loss plot's y range: the SVM starts near 9 (C - 1), which would flatten every other point
constexpr double kLossPlotTop = 3.0;

void add_options(CLI::App& app, Options& o) {
  app.description(
      "The linear-classifier demo: searches learning rate x regularization for the SVM and the "
      "softmax classifier on Fashion-MNIST, prints the validation tables and test accuracies, and "
      "writes OUTPUT/linear_loss_curves.png and the learned weight templates "
      "OUTPUT/linear_templates_svm.png and OUTPUT/linear_templates_softmax.png.");
  app.add_option("--train", o.train, "training images")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--val", o.val, "validation images (taken from the training set)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--test", o.test, "test images")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--iters", o.iters, "training iterations per (learning rate, reg) pair")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--output", o.output, "folder for the PNGs (created if missing)")
      ->capture_default_str();
  app.footer(
      "Environment: PIXELGRAD_DATA, a folder holding Fashion-MNIST's four IDX files (else "
      "datasets/data/ or Debian's dataset-fashion-mnist).");
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double accuracy(const IVec& pred, const IVec& y) {
  return static_cast<double>((pred.array() == y.array()).count()) / static_cast<double>(y.size());
}

// The preprocessed splits, each (n, 785): pixels / 255, minus the training mean, then a 1 column.
struct Splits {
  data::Labeled train, val, test;
  std::vector<std::string> class_names;
  int height = 0, width = 0;
};

Splits load(const Options& o) {
  auto data = data::load_fashion_mnist(o.train + o.val, o.test);
  if (data.X_train.rows() < o.train + o.val) {
    throw std::invalid_argument("--train + --val = " + std::to_string(o.train + o.val) +
                                " but the training set holds only " +
                                std::to_string(data.X_train.rows()) + " images");
  }
  data::scale_in_place(data.X_train, 1.0 / 255.0);
  data::scale_in_place(data.X_test, 1.0 / 255.0);
  auto split = data::train_val_split(data.X_train, data.y_train, o.val);
  const Mat mean = data::mean_image(split.train.X);
  data::subtract_mean_in_place(split.train.X, mean);
  data::subtract_mean_in_place(split.val.X, mean);
  data::subtract_mean_in_place(data.X_test, mean);
  return {{data::append_bias_column(split.train.X), split.train.y},
          {data::append_bias_column(split.val.X), split.val.y},
          {data::append_bias_column(data.X_test), data.y_test},
          data.class_names,
          data.height,
          data.width};
}

const char* name_of(linear::LossKind kind) {
  return kind == linear::LossKind::svm ? "SVM" : "softmax";
}

// One classifier's search, printed as a table; returns the best (learning rate, reg).
linear::SearchRow search(linear::LossKind kind, const Splits& s, int iters) {
  auto start = Clock::now();
  auto result = linear::search_hyperparameters(kind, s.train.X, s.train.y, s.val.X, s.val.y,
                                               kLearningRates, kRegs, iters, kBatch, kSeed);
  std::printf("%s: %zu x %zu grid, %d iterations of batch %d each (%.1f s)\n", name_of(kind),
              kLearningRates.size(), kRegs.size(), iters, kBatch, seconds_since(start));
  std::printf("       lr       reg   train acc   val acc\n");
  for (std::size_t i = 0; i < result.rows.size(); ++i) {
    const auto& r = result.rows[i];
    std::printf("  %7.0e  %8.0e     %.4f     %.4f%s\n", r.learning_rate, r.reg, r.train_accuracy,
                r.val_accuracy, i == result.best ? "  <- best" : "");
  }
  return result.rows[result.best];
}

// Column c of W without the bias row, as an (H, W) matrix.
Mat weight_template(const Mat& W, Eigen::Index c, int height, int width) {
  Mat t(height, width);
  for (int r = 0; r < height; ++r) {
    for (int k = 0; k < width; ++k) t(r, k) = W(r * width + k, c);
  }
  return t;
}

// Every class's template on one gray scale, -m (black) .. 0 (mid-gray) .. +m (white), so that the
// colour bar reads the same for each; m is the 99th percentile of |weight| (the few larger ones
// are drawn as black or white), which keeps a handful of extreme pixels from graying out the rest.
void write_templates(const std::filesystem::path& path, const Mat& W, const Splits& s,
                     linear::LossKind kind, const linear::SearchRow& best, double test_acc) {
  const Mat pixels = W.topRows(static_cast<Eigen::Index>(s.height) * s.width);
  std::vector<double> magnitudes(pixels.size());
  for (Eigen::Index i = 0; i < pixels.size(); ++i) magnitudes[i] = std::abs(pixels.data()[i]);
  auto at = magnitudes.begin() + static_cast<std::ptrdiff_t>(0.99 * (magnitudes.size() - 1));
  std::nth_element(magnitudes.begin(), at, magnitudes.end());
  double m = *at;
  if (!(m > 0)) m = 1.0;
  std::vector<Image> cells;
  for (Eigen::Index c = 0; c < W.cols(); ++c) {
    cells.push_back(from_grayscale(weight_template(W, c, s.height, s.width), -m, m, 5));
  }
  Image grid = tile(cells, 5, 8, s.class_names, 15);
  ColorBar bar;
  bar.lo = -m;
  bar.hi = m;
  bar.label = "weight";
  char title[128], subtitle[160];
  std::snprintf(title, sizeof title, "%s weight templates", name_of(kind));
  std::snprintf(subtitle, sizeof subtitle,
                "one column of W per class, 28 x 28, on one scale (1%% of weights beyond it); lr "
                "%g, reg %g; validation accuracy %.3f, test %.3f",
                best.learning_rate, best.reg, best.val_accuracy, test_acc);
  write_png(path, add_title(add_colorbar(grid, bar), title, subtitle));
}

void run(const Options& o) {
  namespace fs = std::filesystem;
  auto start = Clock::now();
  const Splits s = load(o);
  std::printf(
      "Fashion-MNIST: %ld train, %ld validation, %ld test images; pixels / 255, minus the "
      "training mean, bias column appended (D = %ld) (%.1f s)\n\n",
      static_cast<long>(s.train.X.rows()), static_cast<long>(s.val.X.rows()),
      static_cast<long>(s.test.X.rows()), static_cast<long>(s.train.X.cols()),
      seconds_since(start));
  fs::create_directories(o.output);

  std::vector<Series> curves;
  for (auto kind : {linear::LossKind::svm, linear::LossKind::softmax}) {
    const linear::SearchRow best = search(kind, s, o.iters);
    // the same pair and seed again give the same W, now with its loss history
    start = Clock::now();
    linear::LinearClassifier clf(kind);
    std::vector<double> history =
        clf.train(s.train.X, s.train.y, best.learning_rate, best.reg, o.iters, kBatch, kSeed);
    double test_acc = accuracy(clf.predict(s.test.X), s.test.y);
    std::printf(
        "  best lr %.0e, reg %.0e: val accuracy %.4f, test accuracy %.4f "
        "(retrained and tested in %.1f s)\n",
        best.learning_rate, best.reg, best.val_accuracy, test_acc, seconds_since(start));
    std::printf("  loss: first iteration %.4f, last iteration %.4f\n\n", history.front(),
                history.back());

    char label[96];
    std::snprintf(label, sizeof label, "%s (lr %g, reg %g)", name_of(kind), best.learning_rate,
                  best.reg);
    Series curve{label, {}, {}, {}};
    for (std::size_t i = 0; i < history.size(); ++i) {
      curve.x.push_back(static_cast<double>(i));
      curve.y.push_back(history[i]);
    }
    curves.push_back(curve);

    const fs::path templates =
        fs::path(o.output) / (std::string("linear_templates_") +
                              (kind == linear::LossKind::svm ? "svm" : "softmax") + ".png");
    write_templates(templates, clf.W(), s, kind, best, test_acc);
    std::printf("  wrote %s\n\n", templates.c_str());
  }

  PlotSpec spec;
  spec.title = "Linear classifiers on Fashion-MNIST: training loss";
  spec.xlabel = "iteration";
  spec.ylabel = "minibatch loss (cut at 3)";
  spec.ymin = 0.0;
  spec.ymax = kLossPlotTop;
  const fs::path plot = fs::path(o.output) / "linear_loss_curves.png";
  write_plot_png(plot, spec, curves);
  std::printf("wrote %s\n", plot.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  // OpenBLAS's fastest kernels for this processor (it may run the program again for them)
  pg::use_this_processors_blas_kernels(argv);
  pg::reuse_freed_memory();
  Options options;
  CLI::App app;
  app.name(std::filesystem::path(argv[0]).filename().string());
  add_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    auto start = Clock::now();
    run(options);
    std::printf("total %.1f s\n", seconds_since(start));
  } catch (const pg::NotImplemented& e) {
    std::fprintf(stderr,
                 "linear_demo: %s.\nFill in the TODOs in assignments/linear/linear.cpp, then run "
                 "`make build` and this demo again (the handout's tables show what it should "
                 "print).\n",
                 e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "linear_demo: %s\n", e.what());
    return 2;
  }
  return 0;
}
