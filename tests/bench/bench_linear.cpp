// Linear-classifier loss benchmark: the reference's vectorized SVM and softmax loss + gradient on
// 60000 x 785 x 10 (Fashion-MNIST's training set with the bias trick), fastest of a few runs.
// Prints one "name seconds" line per loss, for linear_vs_numpy.sh to set beside numpy's times.
// Not a test: nothing is asserted. `--quick` runs a small size once (CI smoke).
#include <chrono>
#include <cstdio>
#include <cmath>
#include <cstring>
#include <random>

#include "linear/linear.hpp"

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const long n = quick ? 600 : 60000, d = 785, c = 10;
  const int repeats = quick ? 1 : 5;
  std::mt19937_64 rng(0);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  std::uniform_int_distribution<int> label(0, static_cast<int>(c) - 1);
  pg::Mat X(n, d), W(d, c);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = u(rng);
  for (Eigen::Index i = 0; i < W.size(); ++i) W.data()[i] = 0.001 * u(rng);
  pg::IVec y(n);
  for (long i = 0; i < n; ++i) y(i) = label(rng);
  for (auto [name, f] : {std::pair{"svm_loss_vectorized", &pg::linear::svm_loss_vectorized},
                         std::pair{"softmax_loss_vectorized", &pg::linear::softmax_loss_vectorized}}) {
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      pg::linear::LossGrad lg = f(W, X, y, 1e-3);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      if (!std::isfinite(lg.loss)) return 1;
    }
    std::printf("%s %.6f\n", name, best);
  }
  return 0;
}
