// Speed of the conv reference's layers at the lecture CNN's shapes, batch 64 of 1 x 28 x 28 images:
//   conv1  (1 -> 32, 3 x 3, pad 1), conv2 (32 -> 64, 3 x 3, pad 1), max-pool 2 x 2 stride 2,
// each forward and backward, naive (on a few images, scaled to the batch) and fast; one training
// step of the whole CNN (conv-ReLU-conv-ReLU-pool-affine(12544 -> 128)-ReLU-affine(128 -> 10),
// softmax loss) built from the fast layers and a lean affine/ReLU/softmax written here, in place
// where it can be; the same step as the solver takes it, the reference's ConvNet::loss (cnn.cpp:
// the backprop layers, copies between tensors and matrices), and the float64 GEMM limit of OpenBLAS on this machine (a
// square dgemm of about conv2's size), against which the convolutions' GFLOP/s are a percentage.
// Each table is printed for 1 and for 2 OpenBLAS threads (PyTorch uses 2 in conv_vs_torch.sh),
// with the kernels OpenBLAS chose for this CPU (OPENBLAS_CORETYPE overrides its choice).
// Prints the fastest of the repeats. Not a test: nothing is asserted. `--quick` runs batch 2 once
// (CI smoke); `--step-only` prints "step_f64 <seconds>" for one thread count (conv_vs_torch.sh).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "common/memory.hpp"
#include "conv/cnn.hpp"
#include "conv/conv.hpp"

extern "C" void openblas_set_num_threads(int);
extern "C" int openblas_get_num_threads(void);
extern "C" char* openblas_get_corename(void);

namespace {

using namespace pg;
using namespace pg::conv;
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

Tensor4 random_tensor(long n, long c, long h, long w, double scale, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, scale);
  Tensor4 t(n, c, h, w);
  for (long i = 0; i < t.size(); ++i) t.data()[i] = normal(rng);
  return t;
}

Mat random_mat(long rows, long cols, double scale, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, scale);
  Mat m(rows, cols);
  for (long i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
  return m;
}

// a tensor's elements as one array, for the ReLU
Eigen::Map<Eigen::ArrayXd> elements(Tensor4& t) { return {t.data(), t.size()}; }

void relu_inplace(Tensor4& t) { elements(t) = elements(t).max(0.0); }
// dout where the layer's output a > 0, else 0 (in place on dout)
void relu_backward_inplace(Tensor4& dout, Tensor4& a) {
  elements(dout) *= (elements(a) > 0).cast<double>();  // select is not vectorized
}

// The lecture's CNN, its parameters and one training step (forward, loss, backward; no update).
struct Cnn {
  Tensor4 w1, w2;  // (32, 1, 3, 3), (64, 32, 3, 3)
  Vec b1, b2;      // (32), (64)
  Mat a1, a2;      // (64*14*14, 128), (128, 10)
  Vec c1, c2;      // (128), (10)
};

Cnn make_cnn(std::mt19937_64& rng) {
  Cnn net;
  net.w1 = random_tensor(32, 1, 3, 3, std::sqrt(2.0 / 9), rng);
  net.w2 = random_tensor(64, 32, 3, 3, std::sqrt(2.0 / 288), rng);
  net.b1 = Vec::Zero(32);
  net.b2 = Vec::Zero(64);
  net.a1 = random_mat(64 * 14 * 14, 128, std::sqrt(2.0 / 12544), rng);
  net.a2 = random_mat(128, 10, std::sqrt(2.0 / 128), rng);
  net.c1 = Vec::Zero(128);
  net.c2 = Vec::Zero(10);
  return net;
}

struct CnnGrads {
  ConvGrads conv1, conv2;
  Mat da1, da2;
  Vec dc1, dc2;
  double loss;
};

CnnGrads cnn_step(const Cnn& net, const Tensor4& x, const IVec& y) {
  const long N = x.dimension(0);
  // forward
  ConvForward conv1 = conv_forward_fast(x, net.w1, net.b1, 1, 1);
  relu_inplace(conv1.out);
  ConvForward conv2 = conv_forward_fast(conv1.out, net.w2, net.b2, 1, 1);
  relu_inplace(conv2.out);
  const MaxPoolForward pool = max_pool_forward_fast(conv2.out, 2, 2, 2);
  const Eigen::Map<const Mat> h0(pool.out.data(), N, 64 * 14 * 14);             // (N, 12544)
  const Mat h1 = ((h0 * net.a1).rowwise() + net.c1.transpose()).cwiseMax(0.0);  // (N, 128)
  const Mat scores = (h1 * net.a2).rowwise() + net.c2.transpose();              // (N, 10)
  // softmax loss: shift by the row max, then dscores = (p - onehot) / N
  Mat p = (scores.colwise() - scores.rowwise().maxCoeff()).array().exp().matrix();
  p.array().colwise() /= p.rowwise().sum().array();
  CnnGrads g;
  g.loss = 0;
  for (long n = 0; n < N; ++n) {
    g.loss -= std::log(p(n, y(n))) / static_cast<double>(N);
    p(n, y(n)) -= 1.0;
  }
  const Mat dscores = p / static_cast<double>(N);
  // backward
  g.da2.noalias() = h1.transpose() * dscores;
  g.dc2 = dscores.colwise().sum().transpose();
  const Mat dh1 = (h1.array() > 0).select(dscores * net.a2.transpose(), 0.0);
  g.da1.noalias() = h0.transpose() * dh1;
  g.dc1 = dh1.colwise().sum().transpose();
  Tensor4 dh0(N, 64, 14, 14);
  Eigen::Map<Mat>(dh0.data(), N, 64 * 14 * 14).noalias() = dh1 * net.a1.transpose();
  Tensor4 dpool = max_pool_backward_fast(dh0, pool.cache).dx;
  relu_backward_inplace(dpool, conv2.out);
  g.conv2 = conv_backward_fast(dpool, conv2.cache);
  relu_backward_inplace(g.conv2.dx, conv1.out);
  g.conv1 = conv_backward_fast(g.conv2.dx, conv1.cache);
  return g;
}

// The peak resident memory of `run` in MiB: the kernel's high-water mark reset first (writing 5
// to /proc/self/clear_refs), or the whole process's peak if that is not allowed (then marked "*").
std::string peak_mib_of(const std::function<void()>& run) {
  bool reset = false;
  {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    reset = static_cast<bool>(clear);
  }
  run();
  std::ifstream status("/proc/self/status");
  std::string line;
  long kib = -1;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) kib = std::stol(line.substr(6));
  }
  if (kib < 0 || !reset) {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    kib = u.ru_maxrss;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%s", static_cast<double>(kib) / 1024.0, reset ? "" : "*");
  return buf;
}

struct Shape {
  const char* name;
  long C, H, F;  // input channels, image side, filters (3 x 3, pad 1, stride 1)
};
const Shape kConvs[] = {{"conv1 1->32", 1, 28, 32}, {"conv2 32->64", 32, 28, 64}};

// forward flops of a conv layer on n images: 2 * N * F * C*3*3 * H*W (the backward pass: twice)
double conv_flops(const Shape& s, long n) {
  return 2.0 * static_cast<double>(n * s.F * s.C * 9 * s.H * s.H);
}

double dgemm_gflops(long size, int repeats) {
  std::mt19937_64 rng(3);
  const Mat a = random_mat(size, size, 1.0, rng), b = random_mat(size, size, 1.0, rng);
  Mat c(size, size);
  const double t = seconds_of([&] { c.noalias() = a * b; }, repeats);
  return 2.0 * std::pow(static_cast<double>(size), 3) / t / 1e9;
}

void print_row(const char* name, const std::string& detail, double fwd, double bwd, double flops,
               double limit) {
  std::printf("%-14s %-22s %9.2f %9.2f", name, detail.c_str(), fwd * 1e3, bwd * 1e3);
  if (flops > 0) {
    const double gf = flops / fwd / 1e9, gb = 2 * flops / bwd / 1e9;
    std::printf(" %7.1f %7.1f %6.0f%% %6.0f%%", gf, gb, 100 * gf / limit, 100 * gb / limit);
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, step_only = false;
  int repeats = 5;
  std::vector<int> thread_counts = {1, 2};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--step-only") {
      step_only = true;
    } else if (a == "--threads" && i + 1 < argc) {
      thread_counts = {std::atoi(argv[++i])};
    } else if (a == "--repeats" && i + 1 < argc) {
      repeats = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr,
                   "usage: bench_conv [--quick] [--step-only] [--threads T] [--repeats R]\n");
      return 2;
    }
  }
  if (std::getenv("PIXELGRAD_MALLOC_DEFAULTS") == nullptr) pg::reuse_freed_memory();
  const long N = quick ? 2 : 64;
  if (quick) repeats = 1;
  std::mt19937_64 rng(1);
  const Cnn net = make_cnn(rng);
  const Tensor4 x = random_tensor(N, 1, 28, 28, 1.0, rng);
  IVec y(N);
  for (long n = 0; n < N; ++n) y(n) = static_cast<int>(n % 10);

  if (step_only) {
    openblas_set_num_threads(thread_counts.front());
    cnn_step(net, x, y);  // warm-up: page faults, OpenBLAS's threads
    std::printf("step_f64 %.4f\n", seconds_of([&] { cnn_step(net, x, y); }, repeats));
    ConvNetConfig config;
    config.fast = true;
    const ConvNet model(config);
    const Mat X = flatten(x);
    model.loss(X, y);  // warm-up
    std::printf("model_step_f64 %.4f\n", seconds_of([&] { model.loss(X, y); }, repeats));
    return 0;
  }

  // the naive layers on a few images (no BLAS: the thread count does not matter), scaled to N
  const long naive_n = quick ? 1 : 2;
  struct Naive {
    double fwd, bwd;
  };
  std::vector<Naive> naive;
  for (const Shape& s : kConvs) {
    const Tensor4 xs = random_tensor(naive_n, s.C, s.H, s.H, 1.0, rng);
    const Tensor4 w = random_tensor(s.F, s.C, 3, 3, 0.1, rng);
    const Vec b = Vec::Zero(s.F);
    ConvForward f;
    const double fwd = seconds_of([&] { f = conv_forward_naive(xs, w, b, 1, 1); }, 1);
    const double bwd = seconds_of([&] { conv_backward_naive(f.out, f.cache); }, 1);
    const double scale = static_cast<double>(N) / static_cast<double>(naive_n);
    naive.push_back({fwd * scale, bwd * scale});
  }
  const Tensor4 pool_x = random_tensor(N, 64, 28, 28, 1.0, rng);
  MaxPoolForward pool_naive;
  const double pool_naive_fwd =
      seconds_of([&] { pool_naive = max_pool_forward_naive(pool_x, 2, 2, 2); }, repeats);
  const double pool_naive_bwd =
      seconds_of([&] { max_pool_backward_naive(pool_naive.out, pool_naive.cache); }, repeats);

  const long gemm_size = quick ? 256 : 1024;
  for (int threads : thread_counts) {
    openblas_set_num_threads(threads);
    const double limit = dgemm_gflops(gemm_size, repeats);
    std::printf(
        "\nbatch %ld, OpenBLAS threads %d (openblas_get_num_threads), kernels %s, fastest of %d\n",
        N, openblas_get_num_threads(), openblas_get_corename(), repeats);
    std::printf("dgemm %ld x %ld x %ld: %.1f GFLOP/s (the float64 GEMM limit)\n", gemm_size,
                gemm_size, gemm_size, limit);
    std::printf("%-14s %-22s %9s %9s %7s %7s %7s %7s\n", "layer", "path", "fwd ms", "bwd ms",
                "fwd GF", "bwd GF", "fwd %", "bwd %");
    for (std::size_t i = 0; i < std::size(kConvs); ++i) {
      const Shape& s = kConvs[i];
      const Tensor4 xs = random_tensor(N, s.C, s.H, s.H, 1.0, rng);
      const Tensor4 w = random_tensor(s.F, s.C, 3, 3, 0.1, rng);
      const Vec b = Vec::Zero(s.F);
      ConvForward f = conv_forward_fast(xs, w, b, 1, 1);  // warm-up
      const double fwd = seconds_of([&] { f = conv_forward_fast(xs, w, b, 1, 1); }, repeats);
      const double bwd = seconds_of([&] { conv_backward_fast(f.out, f.cache); }, repeats);
      print_row(s.name, "naive (" + std::to_string(naive_n) + " img, scaled)", naive[i].fwd,
                naive[i].bwd, conv_flops(s, N), limit);
      print_row(s.name, "fast", fwd, bwd, conv_flops(s, N), limit);
    }
    MaxPoolForward pool = max_pool_forward_fast(pool_x, 2, 2, 2);
    const double pool_fwd =
        seconds_of([&] { pool = max_pool_forward_fast(pool_x, 2, 2, 2); }, repeats);
    const double pool_bwd =
        seconds_of([&] { max_pool_backward_fast(pool.out, pool.cache); }, repeats);
    print_row("max-pool 2x2", "naive", pool_naive_fwd, pool_naive_bwd, 0, limit);
    print_row("max-pool 2x2", "fast", pool_fwd, pool_bwd, 0, limit);

    double loss = 0;
    const std::string peak = peak_mib_of([&] { loss = cnn_step(net, x, y).loss; });
    const double step = seconds_of([&] { cnn_step(net, x, y); }, repeats);
    const double step_flops = 3 * (conv_flops(kConvs[0], N) + conv_flops(kConvs[1], N)) +
                              3 * 2.0 * N * (12544.0 * 128 + 128 * 10);
    std::printf(
        "CNN step (forward + backward, fast layers): %.1f ms, %.1f GFLOP/s (%.0f%% of "
        "dgemm), peak RSS %s MiB, loss %.3f\n",
        step * 1e3, step_flops / step / 1e9, 100 * step_flops / step / 1e9 / limit, peak.c_str(),
        loss);
    ConvNetConfig config;
    config.fast = true;
    const ConvNet model(config);
    const Mat X = flatten(x);
    const std::string model_peak = peak_mib_of([&] { loss = model.loss(X, y).loss; });
    const double model_step = seconds_of([&] { model.loss(X, y); }, repeats);
    std::printf(
        "ConvNet::loss (the reference's CNN, fast layers): %.1f ms, %.1f GFLOP/s (%.0f%% of "
        "dgemm), peak RSS %s MiB, loss %.3f\n",
        model_step * 1e3, step_flops / model_step / 1e9,
        100 * step_flops / model_step / 1e9 / limit, model_peak.c_str(), loss);
  }
  return 0;
}
