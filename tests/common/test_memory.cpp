// reuse_freed_memory (common/memory.hpp): freed matrices are reused without page faults.
#include "common/memory.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstring>
#include <memory>

namespace pg {
namespace {

long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// faults taken while allocating and writing `bytes`, then freeing them
long faults_for_one_block(std::size_t bytes) {
  const long before = minor_faults();
  {
    std::unique_ptr<char[]> block(new char[bytes]);
    std::memset(block.get(), 1, bytes);
    volatile char sink = block[bytes / 2];
    (void)sink;
  }
  return minor_faults() - before;
}

TEST(memory, malloc_accepts_the_settings) { EXPECT_TRUE(reuse_freed_memory()); }

TEST(memory, a_freed_block_is_reused_without_faulting_its_pages_in_again) {
  ASSERT_TRUE(reuse_freed_memory());
  const std::size_t bytes = 8u << 20;  // 2048 pages: the (784, 128) weights of ten layers
  faults_for_one_block(bytes);         // the first time, the pages must come in
  const long again = faults_for_one_block(bytes);
  EXPECT_LT(again, 64) << "8 MiB allocated again faulted " << again << " pages in";
}

}  // namespace
}  // namespace pg
