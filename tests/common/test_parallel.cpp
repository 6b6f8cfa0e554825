// parallel_for (common/parallel.hpp): each piece once, a worker's calls one at a time, OpenBLAS
// held to one thread inside and given its threads back, an exception carried to the caller.
#include "common/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/blas_threads.hpp"

namespace pg {
namespace {

using testing::BlasThreads;

TEST(parallel_for, has_as_many_workers_as_openblas_has_threads) {
  for (int threads : {1, 2, 3}) {
    const BlasThreads hold(threads);
    EXPECT_EQ(parallel_workers(), threads);
  }
}

TEST(parallel_for, calls_each_piece_once_in_turns_and_gives_openblas_its_threads_back) {
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(threads);
    const BlasThreads hold(threads);
    const long n = 101;
    std::vector<std::atomic<int>> calls(n);
    std::vector<int> worker_of(n, -1);
    std::atomic<int> blas_inside{0};
    parallel_for(n, [&](long i, int worker) {
      ++calls[i];
      worker_of[i] = worker;
      blas_inside = std::max(blas_inside.load(), openblas_get_num_threads());
    });
    for (long i = 0; i < n; ++i) {
      EXPECT_EQ(calls[i], 1) << i;
      EXPECT_EQ(worker_of[i], i % threads) << i;  // i = worker, worker + workers, ...
    }
    EXPECT_EQ(blas_inside, 1);
    EXPECT_EQ(openblas_get_num_threads(), threads);
  }
}

TEST(parallel_for, runs_one_worker_on_the_calling_thread_in_order) {
  const BlasThreads hold(1);
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<long> order;
  parallel_for(5, [&](long i, int worker) {
    EXPECT_EQ(worker, 0);
    EXPECT_EQ(std::this_thread::get_id(), caller);
    order.push_back(i);
  });
  EXPECT_EQ(order, (std::vector<long>{0, 1, 2, 3, 4}));
}

TEST(parallel_for, uses_no_more_workers_than_pieces) {
  const BlasThreads hold(3);
  std::atomic<int> highest{-1};
  parallel_for(2, [&](long, int worker) { highest = std::max(highest.load(), worker); });
  EXPECT_EQ(highest, 1);
  parallel_for(0, [&](long, int) { ADD_FAILURE() << "no piece to run"; });
}

TEST(parallel_for, rethrows_a_pieces_exception_after_every_worker_stopped) {
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    const BlasThreads hold(threads);
    std::atomic<int> running{0}, finished{0};
    EXPECT_THROW(parallel_for(20,
                              [&](long i, int) {
                                ++running;
                                if (i == 3) {
                                  --running;
                                  throw std::runtime_error("piece 3");
                                }
                                --running;
                                ++finished;
                              }),
                 std::runtime_error);
    EXPECT_EQ(running, 0);  // nothing still running once the exception arrives
    EXPECT_GE(finished, 1);
    EXPECT_EQ(openblas_get_num_threads(), threads);
  }
}

}  // namespace
}  // namespace pg
