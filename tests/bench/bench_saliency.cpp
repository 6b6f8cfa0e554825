// Speed of the saliency reference on the lecture's nets (MLP 784-128-64-10, the CNN 1 -> 32 -> 64
// -> pool -> 128 -> 10) with random parameters and the first Fashion-MNIST test images: gradient
// saliency and Grad-CAM for a batch of images, and the learned mask (300 Adam steps, lr 0.1,
// preserve) for a batch, each in seconds per image, as the saliency demo runs them (batches of up
// to 250 images, side by side on OpenBLAS's threads). Prints "<name> <seconds per image>" lines, the fastest of the repeats; not a
// test: nothing is asserted. `--quick` runs a few images and steps once (CI smoke). Runs with the
// OpenBLAS kernels of this processor (common/blas.hpp), as the demos do.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>

#include "common/blas.hpp"
#include "common/memory.hpp"
#include "common/parallel.hpp"
#include "datasets/idx.hpp"
#include "saliency/saliency.hpp"

namespace {

using namespace pg;
using namespace pg::saliency;
using Clock = std::chrono::steady_clock;

double seconds_of(const std::function<void()>& run, int repeats) {
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto t = Clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t).count());
  }
  return best;
}

// PyTorch's default initialization of Linear and Conv2d: uniform in +-1/sqrt(fan_in)
Mat uniform(long rows, long cols, long fan_in, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  Mat m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = bound * u(rng);
  return m;
}

// f on the rows of X, at most 250 at a time and at least one batch per worker, the batches side
// by side on OpenBLAS's threads, as the saliency demo runs them
void in_batches(const Mat& X, const IVec& t, const std::function<void(const Mat&, const IVec&)>& f) {
  const long workers = parallel_workers();
  const Eigen::Index size =
      std::max<Eigen::Index>(1, std::min<Eigen::Index>(250, (X.rows() + workers - 1) / workers));
  parallel_for((X.rows() + size - 1) / size, [&](long b, int) {
    const Eigen::Index start = b * size, rows = std::min(size, X.rows() - start);
    f(X.middleRows(start, rows), t.segment(start, rows));
  });
}

}  // namespace

int main(int argc, char** argv) {
  // OpenBLAS's fastest kernels for this processor, as the demos run (it may run the program again)
  pg::use_this_processors_blas_kernels(argv);
  pg::reuse_freed_memory();
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const long images = quick ? 4 : 1000, cnn_masks = quick ? 2 : 20;
  const int iters = quick ? 3 : 300, repeats = quick ? 1 : 3;
  data::Dataset d = data::load_fashion_mnist(0, images);
  const Mat X = d.X_test / 255.0;
  const IVec& t = d.y_test;
  std::mt19937_64 rng(0);
  backprop::Params mp;
  mp["W1"] = uniform(784, 128, 784, rng);
  mp["b1"] = uniform(1, 128, 784, rng);
  mp["W2"] = uniform(128, 64, 128, rng);
  mp["b2"] = uniform(1, 64, 128, rng);
  mp["W3"] = uniform(64, 10, 64, rng);
  mp["b3"] = uniform(1, 10, 64, rng);
  const Mlp mlp(mp);
  conv::ConvNetConfig c;
  backprop::Params cp;
  cp["W1"] = uniform(32, 9, 9, rng);
  cp["b1"] = uniform(1, 32, 9, rng);
  cp["W2"] = uniform(64, 288, 288, rng);
  cp["b2"] = uniform(1, 64, 288, rng);
  cp["W3"] = uniform(64 * 14 * 14, 128, 64 * 14 * 14, rng);
  cp["b3"] = uniform(1, 128, 64 * 14 * 14, rng);
  cp["W4"] = uniform(128, 10, 128, rng);
  cp["b4"] = uniform(1, 10, 128, rng);
  const Cnn cnn(c, cp);
  const double n = static_cast<double>(X.rows());
  auto per_image = [&](const char* name, double seconds, double count) {
    std::printf("%-22s %.6f\n", name, seconds / count);
  };
  std::printf("seconds per image; %ld images (the CNN's masks: %ld), %d Adam steps per mask\n",
              static_cast<long>(X.rows()), cnn_masks, iters);
  per_image("mlp_gradient", seconds_of([&] { in_batches(X, t, [&](const Mat& x, const IVec& y) {
                                               gradient_saliency(mlp, x, y);
                                             }); },
                                       repeats),
            n);
  per_image("mlp_mask", seconds_of([&] { in_batches(X, t, [&](const Mat& x, const IVec& y) {
                                           optimize_mask(mlp, x, y, iters, 0.1);
                                         }); },
                                   repeats),
            n);
  per_image("cnn_gradient", seconds_of([&] { in_batches(X, t, [&](const Mat& x, const IVec& y) {
                                               gradient_saliency(cnn, x, y);
                                             }); },
                                       repeats),
            n);
  per_image("cnn_grad_cam", seconds_of([&] { in_batches(X, t, [&](const Mat& x, const IVec& y) {
                                               grad_cam(cnn, x, y);
                                             }); },
                                       repeats),
            n);
  const Mat Xm = X.topRows(cnn_masks);
  const IVec tm = t.head(cnn_masks);
  per_image("cnn_mask", seconds_of([&] { in_batches(Xm, tm, [&](const Mat& x, const IVec& y) {
                                           optimize_mask(cnn, x, y, iters, 0.1);
                                         }); },
                                   1),
            static_cast<double>(cnn_masks));
  return 0;
}
