// The numeric vocabulary every assignment shares: matrices, vectors, label vectors.
// Not the image tensors (those live in tensor.hpp, so that most files skip the Tensor module).
#pragma once

// g++ 12 warns "'__Y' may be used uninitialized" inside its own AVX-512 intrinsics wherever
// Eigen's matrix products are inlined (a false positive of the compiler): silenced for Eigen's
// headers only, so that a build shows the warnings about your code and nothing else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <Eigen/Core>
#pragma GCC diagnostic pop

namespace pg {

// A data matrix: one example per row, row-major, so a row is one flattened image.
using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// A column of doubles (one value per example, or a bias).
using Vec = Eigen::VectorXd;
// Class labels 0..C-1, one per example.
using IVec = Eigen::VectorXi;

}  // namespace pg
