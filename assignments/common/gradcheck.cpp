// Centered-difference gradients and the relative error used to compare them.
// Not the grader's gradcheck tests: those call the student's code through the runner.
#include "common/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "common/errors.hpp"

namespace pg {

double rel_error(double a, double b) {
  return std::abs(a - b) / std::max(1e-8, std::abs(a) + std::abs(b));
}

double rel_error(const Mat& a, const Mat& b) {
  check_shape("rel_error", "b", b, a.rows(), a.cols());
  double worst = 0.0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    worst = std::max(worst, rel_error(a.data()[i], b.data()[i]));
  }
  return worst;
}

Mat eval_numerical_gradient(const std::function<double(const Mat&)>& f, Mat x, double h) {
  Mat grad(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    double old = x.data()[i];
    x.data()[i] = old + h;
    double fp = f(x);
    x.data()[i] = old - h;
    double fm = f(x);
    x.data()[i] = old;
    grad.data()[i] = (fp - fm) / (2 * h);
  }
  return grad;
}

Mat eval_numerical_gradient_array(const std::function<Mat(const Mat&)>& f, Mat x, const Mat& dout,
                                  double h) {
  Mat grad(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    double old = x.data()[i];
    x.data()[i] = old + h;
    Mat fp = f(x);
    x.data()[i] = old - h;
    Mat fm = f(x);
    x.data()[i] = old;
    check_shape("eval_numerical_gradient_array", "dout", dout, fp.rows(), fp.cols());
    grad.data()[i] = ((fp - fm).array() * dout.array()).sum() / (2 * h);
  }
  return grad;
}

std::vector<SparseCheck> grad_check_sparse(const std::function<double(const Mat&)>& f, Mat x,
                                           const Mat& analytic, int num_checks,
                                           std::uint64_t seed, double h) {
  check_shape("grad_check_sparse", "analytic", analytic, x.rows(), x.cols());
  require(x.size() > 0, "grad_check_sparse", "x is empty");
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<Eigen::Index> pick(0, x.size() - 1);
  std::vector<SparseCheck> checks;
  for (int n = 0; n < num_checks; ++n) {
    Eigen::Index i = pick(rng);
    double old = x.data()[i];
    x.data()[i] = old + h;
    double fp = f(x);
    x.data()[i] = old - h;
    double fm = f(x);
    x.data()[i] = old;
    double num = (fp - fm) / (2 * h);
    double ana = analytic.data()[i];
    checks.push_back({i / x.cols(), i % x.cols(), num, ana, rel_error(num, ana)});
  }
  return checks;
}

ProjectionCheck grad_check_projection(const std::function<double(const Mat&)>& f, const Mat& x,
                                      const Mat& analytic, std::uint64_t seed, double h) {
  check_shape("grad_check_projection", "analytic", analytic, x.rows(), x.cols());
  require(x.size() > 0, "grad_check_projection", "x is empty");
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Mat u(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < u.size(); ++i) u.data()[i] = normal(rng);
  u /= u.norm();
  const double num = (f(x + h * u) - f(x - h * u)) / (2 * h);
  const double ana = (analytic.array() * u.array()).sum();
  return {num, ana, rel_error(num, ana)};
}

}  // namespace pg
