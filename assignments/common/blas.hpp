// Which OpenBLAS kernels a program runs. The OpenBLAS of Debian 12 (0.3.21) takes a processor
// newer than itself, such as an Emerald Rapids or Sapphire Rapids Xeon, for a Prescott and runs
// its SSE3 kernels: there a matrix product is 3 to 5 times slower than with the AVX-512 kernels
// the processor has (one epoch of the conv demo's CNN: 386 s instead of about 100 s).
#pragma once

#include <string>

namespace pg {

// The kernels to ask OpenBLAS for on this processor: "SkylakeX" with AVX-512, "Haswell" with AVX2
// and FMA, when OpenBLAS chose kernels older than those itself; "" when its choice is good or
// $OPENBLAS_CORETYPE is set already.
std::string blas_kernels_for_this_processor();

// For the start of a demo's main(): when blas_kernels_for_this_processor() names kernels, sets
// $OPENBLAS_CORETYPE to them and runs the program again with the same arguments (OpenBLAS reads
// the variable once, when it loads), so it does not return then. Returns when nothing needs
// changing, or when the program cannot be run again (it then keeps OpenBLAS's kernels).
void use_this_processors_blas_kernels(char** argv);

}  // namespace pg
