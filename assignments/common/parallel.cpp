// Work spread over OpenBLAS's threads (parallel.hpp).
#include "common/parallel.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

extern "C" void openblas_set_num_threads(int);
extern "C" int openblas_get_num_threads(void);

namespace pg {

int parallel_workers(long pieces) {
  return static_cast<int>(std::max(1L, std::min<long>(openblas_get_num_threads(), pieces)));
}

void parallel_for(long n, const std::function<void(long i, int worker)>& body) {
  const int workers = parallel_workers(n);
  if (workers == 1) {
    for (long i = 0; i < n; ++i) body(i, 0);
    return;
  }
  const int blas_threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
  std::exception_ptr failure;
  std::mutex failure_lock;
  auto run = [&](int worker) {
    try {
      for (long i = worker; i < n; i += workers) body(i, worker);
    } catch (...) {
      const std::lock_guard<std::mutex> hold(failure_lock);
      if (!failure) failure = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  try {
    for (int worker = 1; worker < workers; ++worker) threads.emplace_back(run, worker);
  } catch (...) {  // no thread to be had (a limit on processes): the rest run here
    for (int worker = static_cast<int>(threads.size()) + 1; worker < workers; ++worker) run(worker);
  }
  run(0);
  for (std::thread& t : threads) t.join();
  openblas_set_num_threads(blas_threads);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace pg
