// One training epoch of the lecture's MLP (784-128-64-10, ReLU, softmax, Adam 1e-3, batch 64) on
// 55000 rows of 784 pixels in [0, 1], three ways in the same process:
//   reference   backprop::train from the reference (one epoch, both accuracies included);
//   layerwise   the reference's layers and Adam driven batch by batch, without the solver;
//   baseline    a straightforward version: each example of a batch forward and backward on its
//               own (matrix-vector products), gradients summed over the batch, Adam as a loop.
// Prints "name seconds-per-epoch ratio-to-reference" lines (fastest of the repeats).
// The data are random pixels and labels: the speed does not depend on them.
// The process keeps freed memory for reuse (pg::reuse_freed_memory), as the demos and runners do;
// with PIXELGRAD_MALLOC_DEFAULTS set it keeps glibc's defaults, to measure what that saves.
// Not a test: nothing is asserted. `--quick` runs 1000 rows once (CI smoke).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "backprop/layers.hpp"
#include "backprop/optim.hpp"
#include "backprop/solver.hpp"
#include "common/memory.hpp"

namespace {

using namespace pg;
using Clock = std::chrono::steady_clock;

constexpr int kBatch = 64;
const std::vector<int> kSizes = {784, 128, 64, 10};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::vector<long> shuffled(long n, std::mt19937_64& rng) {
  std::vector<long> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0L);
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

// the solver, as a student calls it
double epoch_reference(const Mat& X, const IVec& y) {
  backprop::FullyConnectedNet net({128, 64}, 784, 10, 0.0, 0.05, 0);
  backprop::SolverConfig c;
  c.update_rule = "adam";
  c.learning_rate = 1e-3;
  c.num_epochs = 1;
  c.batch_size = kBatch;
  c.num_train_samples = 5000;
  c.progress = false;
  const long val = std::min<long>(5000, X.rows());
  auto t = Clock::now();
  backprop::train(net, X, y, X.topRows(val), y.head(val), c);
  return seconds_since(t);
}

// the net's loss and the Adam steps without the solver: what the solver adds is the difference
double epoch_layerwise(const Mat& X, const IVec& y) {
  backprop::FullyConnectedNet net({128, 64}, 784, 10, 0.0, 0.05, 0);
  std::map<std::string, backprop::AdamState> state;
  std::mt19937_64 rng(0);
  auto t = Clock::now();
  const std::vector<long> order = shuffled(X.rows(), rng);
  for (long start = 0; start < X.rows(); start += kBatch) {
    const long size = std::min<long>(kBatch, X.rows() - start);
    Mat xb(size, X.cols());
    IVec yb(size);
    for (long k = 0; k < size; ++k) {
      xb.row(k) = X.row(order[static_cast<std::size_t>(start + k)]);
      yb(k) = y(order[static_cast<std::size_t>(start + k)]);
    }
    backprop::NetLossGrads lg = net.loss(xb, yb);
    for (auto& [name, w] : net.params) w = backprop::adam(w, lg.grads.at(name), state[name]);
  }
  return seconds_since(t);
}

// The straightforward baseline: one example at a time.
struct Layer {
  Mat W;  // (in, out), row-major as everywhere
  Vec b;
  Mat dW, m_W, v_W;
  Vec db, m_b, v_b;
};

void adam_loop(double* w, const double* g, double* m, double* v, long n, int t) {
  const double b1 = 0.9, b2 = 0.999, lr = 1e-3, eps = 1e-8;
  const double c1 = 1 - std::pow(b1, t), c2 = 1 - std::pow(b2, t);
  for (long i = 0; i < n; ++i) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    w[i] -= lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + eps);
  }
}

double epoch_baseline(const Mat& X, const IVec& y) {
  std::mt19937_64 rng(0);
  std::normal_distribution<double> normal(0, 1);
  std::vector<Layer> layers;
  for (std::size_t i = 0; i + 1 < kSizes.size(); ++i) {
    Layer l;
    l.W = Mat(kSizes[i], kSizes[i + 1]);
    for (Eigen::Index k = 0; k < l.W.size(); ++k) l.W.data()[k] = 0.05 * normal(rng);
    l.b = l.m_b = l.v_b = Vec::Zero(kSizes[i + 1]);
    l.m_W = l.v_W = Mat::Zero(kSizes[i], kSizes[i + 1]);
    layers.push_back(std::move(l));
  }
  auto t = Clock::now();
  const std::vector<long> order = shuffled(X.rows(), rng);
  int step = 0;
  std::vector<Vec> a(kSizes.size());  // activations of one example
  for (long start = 0; start < X.rows(); start += kBatch) {
    const long size = std::min<long>(kBatch, X.rows() - start);
    for (Layer& l : layers) {
      l.dW = Mat::Zero(l.W.rows(), l.W.cols());
      l.db = Vec::Zero(l.b.size());
    }
    for (long k = 0; k < size; ++k) {
      const long row = order[static_cast<std::size_t>(start + k)];
      a[0] = X.row(row).transpose();
      for (std::size_t i = 0; i < layers.size(); ++i) {
        a[i + 1] = layers[i].W.transpose() * a[i] + layers[i].b;
        if (i + 1 < layers.size()) a[i + 1] = a[i + 1].cwiseMax(0.0);
      }
      Vec p = (a.back().array() - a.back().maxCoeff()).exp();
      p /= p.sum();
      p(y(row)) -= 1.0;
      Vec delta = p / static_cast<double>(size);
      for (std::size_t i = layers.size(); i-- > 0;) {
        layers[i].dW += a[i] * delta.transpose();
        layers[i].db += delta;
        if (i > 0) delta = (layers[i].W * delta).cwiseProduct((a[i].array() > 0).cast<double>().matrix());
      }
    }
    ++step;
    for (Layer& l : layers) {
      adam_loop(l.W.data(), l.dW.data(), l.m_W.data(), l.v_W.data(), l.W.size(), step);
      adam_loop(l.b.data(), l.db.data(), l.m_b.data(), l.v_b.data(), l.b.size(), step);
    }
  }
  return seconds_since(t);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  long n = 55000;
  std::string only;  // run one entry (for a profiler)
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
      n = 1000;
    } else if (a == "--rows" && i + 1 < argc) {
      n = std::stol(argv[++i]);
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::fprintf(stderr, "usage: bench_backprop [--quick] [--rows N] [--only reference|layerwise|baseline]\n");
      return 2;
    }
  }
  const int repeats = quick || !only.empty() ? 1 : 3;
  if (std::getenv("PIXELGRAD_MALLOC_DEFAULTS") == nullptr) pg::reuse_freed_memory();
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> pixel(0.0, 1.0);
  std::uniform_int_distribution<int> label(0, 9);
  Mat X(n, 784);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = pixel(rng);
  IVec y(n);
  for (long i = 0; i < n; ++i) y(i) = label(rng);

  struct Entry {
    const char* name;
    double (*run)(const Mat&, const IVec&);
    double best;
  };
  std::vector<Entry> entries = {{"reference", epoch_reference, 1e30},
                                {"layerwise", epoch_layerwise, 1e30},
                                {"baseline", epoch_baseline, 1e30}};
  for (int r = 0; r < repeats; ++r) {  // interleaved, so that a busy moment hits all of them
    for (Entry& e : entries) {
      if (only.empty() || only == e.name) e.best = std::min(e.best, e.run(X, y));
    }
  }
  std::printf("MLP 784-128-64-10, Adam, batch %d, %ld rows per epoch (fastest of %d)\n", kBatch, n,
              repeats);
  for (const Entry& e : entries) {
    if (e.best == 1e30) continue;
    std::printf("%-10s %8.3f s per epoch  %6.2fx reference\n", e.name, e.best,
                e.best / entries[0].best);
  }
  return 0;
}
