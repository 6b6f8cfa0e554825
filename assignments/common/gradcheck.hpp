// The gradient-check kit: centered differences, a sparse variant, and the one rel_error.
// Shared by students (in their own tests), the reference tests and the grader. Not a derivative
// engine: it only evaluates the function you give it.
#pragma once

#include <cstdint>
#include <functional>

#include "common/types.hpp"

namespace pg {

// max over elements of |a - b| / max(1e-8, |a| + |b|); a and b must have the same shape.
// Below ~1e-7 for smooth functions means the gradients agree; 1e-2 or above means a bug.
double rel_error(const Mat& a, const Mat& b);
double rel_error(double a, double b);

// Numerical gradient of a scalar function f at x by centered differences:
//   df/dx_i ≈ (f(x + h e_i) - f(x - h e_i)) / (2h)        (one pair of calls per element)
// x is perturbed in place and restored, so f may read it by reference.
Mat eval_numerical_gradient(const std::function<double(const Mat&)>& f, Mat x, double h = 1e-5);

// Numerical vector-Jacobian product of an array function f at x, with upstream gradient dout:
//   d(sum(f(x) * dout))/dx_i ≈ sum((f(x + h e_i) - f(x - h e_i)) * dout) / (2h)
Mat eval_numerical_gradient_array(const std::function<Mat(const Mat&)>& f, Mat x, const Mat& dout,
                                  double h = 1e-5);

// One coordinate of a sparse check.
struct SparseCheck {
  long row, col;     // the coordinate checked
  double numerical;  // centered difference there
  double analytic;   // the gradient you computed there
  double rel_error;  // rel_error(numerical, analytic)
};

// Checks `num_checks` coordinates of `analytic` (same shape as x) drawn uniformly with `seed`.
// Returns the checks in the order drawn; the worst is the one with the largest rel_error.
std::vector<SparseCheck> grad_check_sparse(const std::function<double(const Mat&)>& f, Mat x,
                                           const Mat& analytic, int num_checks,
                                           std::uint64_t seed, double h = 1e-5);

// One random-direction check: for a unit-norm random u (drawn with `seed`), the directional
// derivative (f(x + h u) - f(x - h u)) / (2h) against <analytic, u>. Cheap for a big x: two calls
// of f whatever its size. Returns {numerical, analytic, rel_error}.
struct ProjectionCheck {
  double numerical;
  double analytic;
  double rel_error;
};
ProjectionCheck grad_check_projection(const std::function<double(const Mat&)>& f, const Mat& x,
                                      const Mat& analytic, std::uint64_t seed, double h = 1e-5);

}  // namespace pg
