// The numeric vocabulary every assignment shares: matrices, vectors, label vectors.
// Not the image tensors (those live in tensor.hpp, so that most files skip the Tensor module).
#pragma once

#include <Eigen/Core>

namespace pg {

// A data matrix: one example per row, row-major, so a row is one flattened image.
using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// A column of doubles (one value per example, or a bias).
using Vec = Eigen::VectorXd;
// Class labels 0..C-1, one per example.
using IVec = Eigen::VectorXi;

}  // namespace pg
