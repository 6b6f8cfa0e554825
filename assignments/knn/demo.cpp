// The kNN demo: cross-validates k for L2 and L1 on a Fashion-MNIST subset, prints the table,
// plots mean accuracy ± std against k, and reports test accuracy. Built twice: knn_demo runs your
// knn.cpp, knn_demo_reference the reference. Not graded: the grader never runs this file.
//
//   knn_demo [--train N] [--test M] [--folds F] [--output DIR] [--full]   (knn_demo --help)
//   --full   also classify the whole 10000-image test set with the whole 60000-image training
//            set at k = 5, for both metrics (slow: L1 takes minutes)
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "common/blas.hpp"
#include "common/errors.hpp"
#include "common/memory.hpp"
#include "common/plot.hpp"
#include "datasets/idx.hpp"
#include "knn/knn.hpp"

namespace {

using namespace pg;

struct Options {
  long train = 5000, test = 500;
  int folds = 5;
  std::string output = "out/knn";
  bool full = false;
};

const std::vector<int> kKs = {1, 3, 5, 8, 10, 12, 15, 20, 50, 100};

void add_options(CLI::App& app, Options& o) {
  app.description(
      "The kNN demo: cross-validates k for L2 and L1 distances on a Fashion-MNIST subset, prints "
      "the tables and test accuracies, and plots mean validation accuracy +- 1 std against k "
      "(OUTPUT/knn_cross_validation.png).");
  app.add_option("--train", o.train, "training images to cross-validate on")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--test", o.test, "test images to report accuracy on")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--folds", o.folds, "cross-validation folds")
      ->check(CLI::Range(2, 100))
      ->capture_default_str();
  app.add_option("--output", o.output, "folder for the PNG (created if missing)")
      ->capture_default_str();
  app.add_flag("--full", o.full,
               "also classify the whole 10000-image test set with the whole 60000-image training "
               "set at k = 5, for both metrics (slow: L1 takes minutes)");
  app.footer(
      "Environment: PIXELGRAD_DATA, a folder holding Fashion-MNIST's four IDX files (else "
      "datasets/data/ or Debian's dataset-fashion-mnist).");
}

// test accuracy at k, classifying the test rows in chunks so that dists stays small
double test_accuracy(const Mat& X_train, const IVec& y_train, const Mat& X_test, const IVec& y_test,
                     knn::Metric metric, int k) {
  const Eigen::Index chunk = 500;
  Eigen::Index correct = 0;
  for (Eigen::Index start = 0; start < X_test.rows(); start += chunk) {
    Eigen::Index n = std::min(chunk, X_test.rows() - start);
    Mat dists = metric == knn::Metric::l2
                    ? knn::compute_distances_no_loops(X_train, X_test.middleRows(start, n))
                    : knn::compute_distances_l1(X_train, X_test.middleRows(start, n));
    IVec pred = knn::predict_labels(dists, y_train, k);
    correct += (pred.array() == y_test.segment(start, n).array()).count();
  }
  return static_cast<double>(correct) / static_cast<double>(X_test.rows());
}

void run(const Options& o) {
  namespace fs = std::filesystem;
  using Clock = std::chrono::steady_clock;
  auto data = data::load_fashion_mnist(o.train, o.test);
  std::printf("Fashion-MNIST: %ld training and %ld test images, raw pixels 0..255, %d folds\n\n",
              static_cast<long>(data.X_train.rows()), static_cast<long>(data.X_test.rows()),
              o.folds);
  fs::create_directories(o.output);

  std::vector<Series> series;
  for (auto [metric, name] : {std::pair{knn::Metric::l2, "L2"}, std::pair{knn::Metric::l1, "L1"}}) {
    auto start = Clock::now();
    knn::CrossValidation cv = knn::cross_validate(data.X_train, data.y_train, kKs, o.folds, metric);
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("%s distance: %d-fold cross-validation (%.1f s)\n", name, o.folds, secs);
    std::printf("    k   mean    std   folds\n");
    // the two metrics' error bars side by side at each k
    Series s{name + std::string(" distance"), {}, {}, {}, metric == knn::Metric::l2 ? -4 : 4};
    for (std::size_t a = 0; a < kKs.size(); ++a) {
      auto row = cv.accuracies.row(static_cast<Eigen::Index>(a));
      double mean = row.mean();
      double std = std::sqrt((row.array() - mean).square().mean());
      std::printf("  %3d  %.4f  %.4f  ", kKs[a], mean, std);
      for (Eigen::Index f = 0; f < row.size(); ++f) std::printf(" %.3f", row(f));
      std::printf("\n");
      s.x.push_back(kKs[a]);
      s.y.push_back(mean);
      s.yerr.push_back(std);
    }
    series.push_back(s);
    double best_test =
        test_accuracy(data.X_train, data.y_train, data.X_test, data.y_test, metric, cv.best_k);
    std::printf("  best k = %d; test accuracy at k = %d: %.4f\n", cv.best_k, cv.best_k, best_test);
    std::printf("  test accuracy by k:");
    for (int k : {1, 3, 5, 10, 20}) {
      std::printf("  k=%d %.3f", k,
                  test_accuracy(data.X_train, data.y_train, data.X_test, data.y_test, metric, k));
    }
    std::printf("\n\n");
  }
  PlotSpec spec;
  spec.title = "kNN on Fashion-MNIST: " + std::to_string(o.folds) + "-fold cross-validation";
  spec.subtitle = "points: mean accuracy over the " + std::to_string(o.folds) +
                  " folds; bars: \u00b1 1 std across the folds (" +
                  std::to_string(data.X_train.rows()) + " training images)";
  spec.xlabel = "k (log scale)";
  spec.ylabel = "validation accuracy";
  spec.log_x = true;
  const fs::path plot = fs::path(o.output) / "knn_cross_validation.png";
  write_plot_png(plot, spec, series);
  std::printf("wrote %s\n", plot.c_str());

  if (o.full) {
    auto all = data::load_fashion_mnist();
    for (auto [metric, name] :
         {std::pair{knn::Metric::l2, "L2"}, std::pair{knn::Metric::l1, "L1"}}) {
      auto start = Clock::now();
      double acc = test_accuracy(all.X_train, all.y_train, all.X_test, all.y_test, metric, 5);
      std::printf("full split (60000 / 10000), %s, k = 5: test accuracy %.4f (%.1f s)\n", name, acc,
                  std::chrono::duration<double>(Clock::now() - start).count());
    }
  }
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
    run(options);
  } catch (const pg::NotImplemented& e) {
    std::fprintf(stderr,
                 "knn_demo: %s.\nFill in the TODOs in assignments/knn/knn.cpp, then run `make "
                 "build` and this demo again (the handout's tables show what it should print).\n",
                 e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "knn_demo: %s\n", e.what());
    return 2;
  }
  return 0;
}
