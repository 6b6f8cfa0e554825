// Elementwise comparison with the worst element reported; NaN and inf count as wrong unless equal.
// Not scoring: a difference here becomes a "failed" verdict in grade.cpp.
#include "compare.hpp"

#include <cmath>
#include <cstdio>

namespace pg::grader {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string seconds(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g s", v);
  return buf;
}

namespace {

std::string tolerance(const CompareSpec& tol) {
  return "allowed |got - expected| <= " + num(tol.atol) + " + " + num(tol.rtol) + " * |expected|";
}

std::optional<std::string> compare_matrix(const std::string& name, const Mat& want, const Mat& got,
                                          const CompareSpec& tol) {
  if (want.rows() != got.rows() || want.cols() != got.cols()) {
    return name + " has shape (" + std::to_string(got.rows()) + ", " + std::to_string(got.cols()) +
           "), expected (" + std::to_string(want.rows()) + ", " + std::to_string(want.cols()) + ")";
  }
  // the element that exceeds its tolerance by the largest margin, and how many do
  Eigen::Index worst = -1, bad = 0;
  double worst_excess = 0;
  for (Eigen::Index i = 0; i < want.size(); ++i) {
    double e = want.data()[i], g = got.data()[i];
    double err = std::abs(g - e);
    bool same_special = (std::isnan(e) && std::isnan(g)) || (std::isinf(e) && e == g);
    if (same_special) continue;
    // a NaN or infinity that is not matched exactly is as wrong as can be
    double excess = std::isnan(err) || std::isinf(err) || std::isinf(e)
                        ? INFINITY
                        : err - (tol.atol + tol.rtol * std::abs(e));
    if (excess > 0 || std::isnan(g)) {
      ++bad;
      if (worst < 0 || excess > worst_excess) {
        worst = i;
        worst_excess = excess;
      }
    }
  }
  if (worst < 0) return std::nullopt;
  const Eigen::Index r = worst / want.cols(), c = worst % want.cols();
  const double e = want.data()[worst], g = got.data()[worst];
  return name + " (" + std::to_string(want.rows()) + ", " + std::to_string(want.cols()) + "): " +
         std::to_string(bad) + " of " + std::to_string(want.size()) +
         " values are wrong; the worst is at (" + std::to_string(r) + ", " + std::to_string(c) +
         "): expected " + num(e) + ", got " + num(g) + " (error " + num(std::abs(g - e)) + "; " +
         tolerance(tol) + ")";
}

std::optional<std::string> compare_labels(const std::string& name, const IVec& want,
                                          const IVec& got) {
  if (want.size() != got.size()) {
    return name + " has " + std::to_string(got.size()) + " entries, expected " +
           std::to_string(want.size());
  }
  Eigen::Index first = -1, bad = 0;
  for (Eigen::Index i = 0; i < want.size(); ++i) {
    if (want(i) != got(i)) {
      ++bad;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return std::nullopt;
  return name + " (" + std::to_string(want.size()) + "): " + std::to_string(bad) + " of " +
         std::to_string(want.size()) + " differ; the first at [" + std::to_string(first) +
         "]: expected " + std::to_string(want(first)) + ", got " + std::to_string(got(first));
}

}  // namespace

std::optional<std::string> compare_outputs(const wire::Bundle& expected, const wire::Bundle& got,
                                           const CompareSpec& tol) {
  for (const auto& [name, want] : expected.entries()) {
    if (!got.has(name)) return "the output '" + name + "' is missing";
    const wire::Value& g = got.at(name);
    if (g.index() != want.index()) {
      return name + " is " + wire::describe(g) + ", expected " + wire::describe(want);
    }
    std::optional<std::string> diff;
    if (const auto* m = std::get_if<Mat>(&want)) {
      diff = compare_matrix(name, *m, std::get<Mat>(g), tol);
    } else if (const auto* v = std::get_if<IVec>(&want)) {
      diff = compare_labels(name, *v, std::get<IVec>(g));
    } else if (const auto* i = std::get_if<std::int64_t>(&want)) {
      if (*i != std::get<std::int64_t>(g)) {
        diff = name + ": expected " + std::to_string(*i) + ", got " +
               std::to_string(std::get<std::int64_t>(g));
      }
    } else if (const auto* d = std::get_if<double>(&want)) {
      diff = compare_matrix(name, Mat::Constant(1, 1, *d), Mat::Constant(1, 1, std::get<double>(g)),
                            tol);
      if (diff) {
        diff = name + ": expected " + num(*d) + ", got " + num(std::get<double>(g)) + " (" +
               tolerance(tol) + ")";
      }
    } else if (std::get<std::string>(want) != std::get<std::string>(g)) {
      diff = name + ": expected '" + std::get<std::string>(want) + "', got '" +
             std::get<std::string>(g) + "'";
    }
    if (diff) return diff;
  }
  return std::nullopt;
}

}  // namespace pg::grader
