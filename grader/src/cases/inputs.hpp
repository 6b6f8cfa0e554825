// Small helpers every assignment's case file uses: argument checks, random matrices from the
// case's generator, the accuracy a derived output reports, and a layer's vector-Jacobian product.
// Not a case itself.
#pragma once

#include <boost/random/normal_distribution.hpp>
#include <random>
#include <stdexcept>
#include <string>

#include "common/types.hpp"
#include "wire.hpp"

namespace pg::grader::inputs {

// A rubric argument value the case refuses: a configuration error naming the argument.
inline void require_arg(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

// rows x cols of scale * N(0, 1), drawn in row-major order from rng (Boost's ziggurat: a timed
// test draws millions of these every round, three times as fast as std::normal_distribution)
inline Mat gaussian(long rows, long cols, double scale, std::mt19937_64& rng) {
  boost::random::normal_distribution<double> g(0.0, 1.0);
  Mat M(rows, cols);
  for (Eigen::Index i = 0; i < M.size(); ++i) M.data()[i] = scale * g(rng);
  return M;
}

// The fraction of rows whose highest score is the label (argmax, ties to the smaller class), as
// the grader computes it for a threshold test. Requires scores.rows() == y.size() >= 1.
inline double argmax_accuracy(const Mat& scores, const IVec& y) {
  Eigen::Index correct = 0;
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    Eigen::Index best = 0;
    scores.row(i).maxCoeff(&best);  // the first of equal maxima
    correct += best == y(i);
  }
  return static_cast<double>(correct) / static_cast<double>(scores.rows());
}

// vjp = sum(out .* dout): the scalar whose gradient with respect to each input is what a backward
// pass returns, computed here from the runner's out and the grader's dout (a CaseDef::derive of
// the layer cases); no vjp when out is missing or not dout's shape
inline void derive_vjp(const wire::Bundle& inputs, wire::Bundle& outputs) {
  if (!outputs.has("out") || !std::holds_alternative<Mat>(outputs.at("out"))) return;
  const Mat& out = outputs.mat("out");
  const Mat& dout = inputs.mat("dout");
  if (out.rows() != dout.rows() || out.cols() != dout.cols()) return;
  outputs.put("vjp", (out.array() * dout.array()).sum());
}

}  // namespace pg::grader::inputs
