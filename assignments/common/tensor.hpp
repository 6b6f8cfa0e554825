// The image tensors: batches of images N x C x H x W and banks of filters F x C x HH x WW.
// Not the matrices (types.hpp): only the files that handle images pay for Eigen's Tensor module.
#pragma once

#include <string>

// the same g++ 12 false positives as in types.hpp, silenced for Eigen's headers only
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <unsupported/Eigen/CXX11/Tensor>
#pragma GCC diagnostic pop

#include "common/errors.hpp"
#include "common/types.hpp"

namespace pg {

// Four indices, the last fastest: x(n, c, i, j) is pixel (i, j) of channel c of image n, and the
// elements of one image, or of one channel, are contiguous in memory.
using Tensor4 = Eigen::Tensor<double, 4, Eigen::RowMajor>;

// "(N, C, H, W)" for messages.
inline std::string shape_of(const Tensor4& t) {
  return "(" + std::to_string(t.dimension(0)) + ", " + std::to_string(t.dimension(1)) + ", " +
         std::to_string(t.dimension(2)) + ", " + std::to_string(t.dimension(3)) + ")";
}

// The rows of a data matrix, one image per row: (N, C, H, W) -> (N, C*H*W), row-major, so that
// a conv layer's output is the input of an affine layer.
inline Mat flatten(const Tensor4& t) {
  return Eigen::Map<const Mat>(t.data(), t.dimension(0),
                               t.dimension(1) * t.dimension(2) * t.dimension(3));
}

// The inverse of flatten: (N, C*H*W) -> (N, C, H, W).
inline Tensor4 unflatten(const Mat& m, long C, long H, long W) {
  require(C >= 0 && H >= 0 && W >= 0 && m.cols() == C * H * W, "unflatten",
          "m has shape " + shape_of(m) + " but C x H x W = " + std::to_string(C) + " x " +
              std::to_string(H) + " x " + std::to_string(W));
  Tensor4 t(m.rows(), C, H, W);
  Eigen::Map<Mat>(t.data(), m.rows(), m.cols()) = m;
  return t;
}

}  // namespace pg
