// The kNN demo: cross-validates k for L2 and L1 on a Fashion-MNIST subset, prints the table,
// plots mean accuracy ± std against k, and reports test accuracy. Built twice: knn_demo runs your
// knn.cpp, knn_demo_reference the reference. Not graded: the grader never runs this file.
//
//   knn_demo [--train N] [--test M] [--folds F] [--output DIR] [--full]
//   --full   also classify the whole 10000-image test set with the whole 60000-image training
//            set at k = 5, for both metrics (slow: L1 takes minutes)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

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

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--train") o.train = std::stol(value());
    else if (a == "--test") o.test = std::stol(value());
    else if (a == "--folds") o.folds = std::stoi(value());
    else if (a == "--output") o.output = value();
    else if (a == "--full") o.full = true;
    else throw std::invalid_argument("unknown option " + a +
                                     " (use --train N --test M --folds F --output DIR --full)");
  }
  return o;
}

// test accuracy at k, classifying the test rows in chunks so that dists stays small
double test_accuracy(const Mat& X_train, const IVec& y_train, const Mat& X_test,
                     const IVec& y_test, knn::Metric metric, int k) {
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
    Series s{name + std::string(" distance"), {}, {}, {}};
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
    double best_test = test_accuracy(data.X_train, data.y_train, data.X_test, data.y_test, metric,
                                     cv.best_k);
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
  spec.xlabel = "k (log scale)";
  spec.ylabel = "mean validation accuracy";
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
      std::printf("full split (60000 / 10000), %s, k = 5: test accuracy %.4f (%.1f s)\n", name,
                  acc, std::chrono::duration<double>(Clock::now() - start).count());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  pg::reuse_freed_memory();
  try {
    run(parse(argc, argv));
  } catch (const pg::NotImplemented& e) {
    std::fprintf(stderr,
                 "knn_demo: %s.\nFill in the TODOs in assignments/knn/knn.cpp, then run `make "
                 "build` and this demo again (or run build/assignments/knn/knn_demo_reference to "
                 "see what it should print).\n",
                 e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "knn_demo: %s\n", e.what());
    return 2;
  }
  return 0;
}
