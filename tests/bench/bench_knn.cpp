// kNN distance benchmark: the two-loop, one-loop and no-loop reference distances on the graded
// size (500 test x 5000 train x 784), in one process, reported with ratios to the no-loop time.
// Not a test: timings are reported, never asserted. `--quick` runs a small size once (CI smoke).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>

#include "knn/knn.hpp"

extern "C" char* openblas_get_config();

namespace {

using pg::Mat;

long g_train = 5000, g_test = 500, g_dim = 784;

Mat pixels(long n, long d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> px(0, 255);
  Mat X(n, d);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = px(rng);
  return X;
}

template <Mat (*F)(const Mat&, const Mat&)>
void distances(benchmark::State& state) {
  const Mat X_train = pixels(g_train, g_dim, 1), X_test = pixels(g_test, g_dim, 2);
  for (auto _ : state) {
    Mat d = F(X_train, X_test);
    benchmark::DoNotOptimize(d.data());
  }
}

// collects each run's real time per iteration, then prints the ratios
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(::isatty(1) ? OO_Defaults : OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) seconds_[r.run_name.function_name] = r.GetAdjustedRealTime() * 1e-3;
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const double base = seconds_["no_loops"];
    std::printf("\n%ld test x %ld train x %ld dims; BLAS: %s\n", g_test, g_train, g_dim,
                openblas_get_config());
    std::printf("%-12s %12s %10s\n", "version", "seconds", "x no-loop");
    for (const char* name : {"two_loops", "one_loop", "no_loops", "l1"}) {
      if (!seconds_.count(name)) continue;
      std::printf("%-12s %12.4f %10.1f\n", name, seconds_[name], seconds_[name] / base);
    }
  }

 private:
  std::map<std::string, double> seconds_;
};

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
  }
  if (quick) {
    g_train = 500;
    g_test = 50;
    g_dim = 64;
  }
  const int iterations = quick ? 1 : 3;
  benchmark::RegisterBenchmark("two_loops", distances<pg::knn::compute_distances_two_loops>)
      ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("one_loop", distances<pg::knn::compute_distances_one_loop>)
      ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("no_loops", distances<pg::knn::compute_distances_no_loops>)
      ->Iterations(iterations)->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("l1", distances<pg::knn::compute_distances_l1>)
      ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
  // our own flag is not benchmark's: hide it
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") != 0) args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
