// glibc malloc settings (memory.hpp).
#include "common/memory.hpp"

#include <malloc.h>

namespace pg {

bool reuse_freed_memory() {
  // 32 MiB is the largest mmap threshold glibc accepts on 64-bit systems
  const bool mmap_ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1;
  const bool trim_ok = mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024) == 1;
  return mmap_ok && trim_ok;
}

}  // namespace pg
