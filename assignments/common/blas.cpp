// OpenBLAS's kernels for this processor (blas.hpp).
#include "common/blas.hpp"

#include <unistd.h>

#include <cstdlib>
#include <set>

extern "C" char* openblas_get_corename(void);

namespace pg {

std::string blas_kernels_for_this_processor() {
  if (std::getenv("OPENBLAS_CORETYPE")) return "";
  // OpenBLAS's x86-64 kernels without AVX2: its fallbacks for a processor it does not know
  static const std::set<std::string> older = {
      "Prescott", "Katmai", "Coppermine", "Northwood", "Banias", "Core2", "Penryn",
      "Dunnington", "Nehalem", "Atom", "Sandybridge", "Unknown"};
  if (!older.contains(openblas_get_corename())) return "";
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
    return "SkylakeX";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return "";
}

void use_this_processors_blas_kernels(char** argv) {
  const std::string kernels = blas_kernels_for_this_processor();
  if (kernels.empty()) return;
  if (::setenv("OPENBLAS_CORETYPE", kernels.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("OPENBLAS_CORETYPE");  // not run again: carry on with OpenBLAS's own kernels
}

}  // namespace pg
