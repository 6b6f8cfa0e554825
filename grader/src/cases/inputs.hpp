// Small helpers every assignment's case file uses to build inputs: argument checks and random
// matrices from the case's generator. Not a case itself.
#pragma once

#include <random>
#include <stdexcept>
#include <string>

#include "common/types.hpp"

namespace pg::grader::inputs {

// A rubric argument value the case refuses: a configuration error naming the argument.
inline void require_arg(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

// rows x cols of scale * N(0, 1), drawn in row-major order from rng
inline Mat gaussian(long rows, long cols, double scale, std::mt19937_64& rng) {
  std::normal_distribution<double> g(0.0, 1.0);
  Mat M(rows, cols);
  for (Eigen::Index i = 0; i < M.size(); ++i) M.data()[i] = scale * g(rng);
  return M;
}

}  // namespace pg::grader::inputs
