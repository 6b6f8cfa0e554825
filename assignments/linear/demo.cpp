// The linear-classifier demo: searches learning rate x regularization for the SVM and the softmax
// classifier on Fashion-MNIST, prints the validation tables and test accuracies, plots the loss
// curves and draws the learned weight templates. Built twice: linear_demo runs your linear.cpp,
// linear_demo_reference the reference. Not graded: the grader never runs this file.
//
//   linear_demo [--train N] [--val N] [--test N] [--iters N] [--output DIR]
#include <cstdint>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

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

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--train") o.train = std::stol(value());
    else if (a == "--val") o.val = std::stol(value());
    else if (a == "--test") o.test = std::stol(value());
    else if (a == "--iters") o.iters = std::stoi(value());
    else if (a == "--output") o.output = value();
    else throw std::invalid_argument("unknown option " + a +
                                     " (use --train N --val N --test N --iters N --output DIR)");
  }
  if (o.train < 1 || o.val < 1 || o.test < 1 || o.iters < 1) {
    throw std::invalid_argument("--train, --val, --test and --iters must each be at least 1");
  }
  return o;
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

// Column c of W without the bias row, as an (H, W) image, scaled to its own min..max.
Image weight_template(const Mat& W, Eigen::Index c, int height, int width, int upscale) {
  Mat t(height, width);
  for (int r = 0; r < height; ++r) {
    for (int k = 0; k < width; ++k) t(r, k) = W(r * width + k, c);
  }
  double lo = t.minCoeff(), hi = t.maxCoeff();
  if (!(lo < hi)) hi = lo + 1.0;
  return from_grayscale(t, lo, hi, upscale);
}

void write_templates(const std::filesystem::path& path, const Mat& W, const Splits& s) {
  std::vector<Image> cells;
  for (Eigen::Index c = 0; c < W.cols(); ++c) {
    cells.push_back(weight_template(W, c, s.height, s.width, 5));
  }
  write_png(path, tile(cells, 5, 8, s.class_names, 2));
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
    std::printf("  best lr %.0e, reg %.0e: val accuracy %.4f, test accuracy %.4f "
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
    write_templates(templates, clf.W(), s);
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
  pg::reuse_freed_memory();
  try {
    auto start = Clock::now();
    run(parse(argc, argv));
    std::printf("total %.1f s\n", seconds_since(start));
  } catch (const pg::NotImplemented& e) {
    std::fprintf(stderr,
                 "linear_demo: %s.\nFill in the TODOs in assignments/linear/linear.cpp, then run "
                 "`make build` and this demo again (or run "
                 "build/assignments/linear/linear_demo_reference to see what it should print).\n",
                 e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "linear_demo: %s\n", e.what());
    return 2;
  }
  return 0;
}
