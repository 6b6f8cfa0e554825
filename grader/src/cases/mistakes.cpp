// The usual mistakes of each case, recognised from the inputs: each explanation first computes
// the right answer the reference's way and checks it against the expected output (so that a
// convention it does not share never produces a wrong cause), then what each usual mistake
// would have returned, and names the one the submission's output matches.
// Not the generic shapes of a wrong value (compare.cpp) and not the inputs (knn.cpp, ...).
#include "cases/mistakes.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compare.hpp"

namespace pg::grader::mistakes {

namespace {

using wire::Bundle;

const Mat* mat_of(const Bundle& b, const std::string& name) {
  return b.has(name) ? std::get_if<Mat>(&b.at(name)) : nullptr;
}

// the expected and the submitted value of a matrix output, when both are there with one shape
bool both(const Bundle& expected, const Bundle& got, const std::string& output, const Mat*& e,
          const Mat*& g) {
  e = mat_of(expected, output);
  g = mat_of(got, output);
  return e && g && e->rows() == g->rows() && e->cols() == g->cols() && g->allFinite();
}

// one mistake: what it would have returned, and its cause in words
struct Candidate {
  Mat value;
  std::string cause;
};

// the submission's value is the candidate's: close to it, and a thousand times closer than to
// the expected value (so a mistake that changes nothing for these inputs, or next to nothing,
// explains nothing)
bool matches(const Mat& got, const Mat& expected, const Mat& candidate) {
  if (candidate.size() == 0 || !nearly_equal(got, candidate) || expected.rows() != got.rows() ||
      expected.cols() != got.cols()) {
    return false;
  }
  const double off = (got - expected).cwiseAbs().maxCoeff();
  return off > 0 && (got - candidate).cwiseAbs().maxCoeff() <= 1e-3 * off;
}

// the cause of the first candidate the submission's value matches, or ""
std::string first_match(const Mat& got, const Mat& expected,
                        const std::vector<Candidate>& candidates) {
  for (const auto& c : candidates) {
    if (matches(got, expected, c.value)) return c.cause;
  }
  return "";
}

// ---- kNN ------------------------------------------------------------------------------------

struct DistanceKinds {
  Mat squared, l2, plus_cross, signed_sum, l1;  // l1 only when small enough to loop over
};

DistanceKinds distance_kinds(const Bundle& in) {
  const Mat& train = in.mat("X_train");
  const Mat& test = in.mat("X_test");
  DistanceKinds k;
  const Vec a2 = test.rowwise().squaredNorm(), b2 = train.rowwise().squaredNorm();
  const Mat cross = test * train.transpose();
  // ‖a‖² + ‖b‖² ∓ 2a·b, clamped at 0
  const Mat sum = a2.replicate(1, train.rows()) + b2.transpose().replicate(test.rows(), 1);
  k.squared = (sum - 2.0 * cross).cwiseMax(0.0);
  k.l2 = k.squared.cwiseSqrt();
  k.plus_cross = (sum + 2.0 * cross).cwiseMax(0.0).cwiseSqrt();
  const Vec ra = test.rowwise().sum(), rb = train.rowwise().sum();
  k.signed_sum = ra.replicate(1, train.rows()) - rb.transpose().replicate(test.rows(), 1);
  if (static_cast<double>(test.rows()) * static_cast<double>(train.rows()) *
          static_cast<double>(train.cols()) <=
      5e7) {
    k.l1.resize(test.rows(), train.rows());
    for (Eigen::Index i = 0; i < test.rows(); ++i) {
      for (Eigen::Index j = 0; j < train.rows(); ++j) {
        k.l1(i, j) = (test.row(i) - train.row(j)).cwiseAbs().sum();
      }
    }
  }
  return k;
}

std::string distances(const Bundle& in, const std::string& output, const Bundle& expected,
                      const Bundle& got, bool l1) {
  const Mat *e, *g;
  if (output != "dists" || !both(expected, got, output, e, g)) return "";
  const DistanceKinds k = distance_kinds(in);
  const Mat& right = l1 ? k.l1 : k.l2;
  if (right.size() == 0 || !nearly_equal(*e, right)) return "";
  if (l1) {
    return first_match(
        *g, *e,
        {{k.l2,
          "your dists are Euclidean (L2) distances: L1 is Σ|a - b|, with no square and "
          "no root"},
         {k.signed_sum, "your dists are Σ(a - b), without the absolute value: L1 is Σ|a - b|"},
         {Mat(-k.signed_sum),
          "your dists are Σ(b - a), without the absolute value: L1 is Σ|a - b|"},
         {k.squared, "your dists are squared Euclidean distances: L1 is Σ|a - b|"}});
  }
  return first_match(
      *g, *e,
      {{k.squared, "your dists are squared distances: the square root is missing"},
       {k.plus_cross,
        "your dists are √(‖a‖² + ‖b‖² + 2a·b) = ‖a + b‖: the cross term must be subtracted, "
        "‖a - b‖² = ‖a‖² + ‖b‖² - 2a·b"},
       {k.l1, "your dists are Manhattan (L1) distances: L2 is √Σ(a - b)²"}});
}

// every accuracy of fold f is a whole number of its rows over sizes[f]
bool fits_folds(const Mat& acc, const std::vector<long>& sizes) {
  if (static_cast<Eigen::Index>(sizes.size()) != acc.cols()) return false;
  for (Eigen::Index f = 0; f < acc.cols(); ++f) {
    const double s = static_cast<double>(sizes[static_cast<std::size_t>(f)]);
    if (s < 1) return false;
    for (Eigen::Index a = 0; a < acc.rows(); ++a) {
      const double right = acc(a, f) * s;
      if (std::abs(right - std::round(right)) > 1e-9 * s || right < -1e-9 || right > s + 1e-9) {
        return false;
      }
    }
  }
  return true;
}

// Cross-validation the reference's way (numpy.array_split folds, the training split in row
// order, L2 or L1 distances, neighbours by distance then index, a tied vote to the smallest
// label), or with the training split rotated: the rows after the fold first.
Mat cv_accuracies(const Bundle& in, bool rotated) {
  const Mat& X = in.mat("X");
  const IVec& y = in.ivec("y");
  const IVec& ks = in.ivec("ks");
  const auto n = X.rows(), folds = static_cast<Eigen::Index>(in.integer("num_folds"));
  const bool l1 = in.text("metric") == "l1";
  Mat acc(ks.size(), folds);
  Eigen::Index lo = 0;
  for (Eigen::Index f = 0; f < folds; ++f) {
    const Eigen::Index m = n / folds + (f < n % folds ? 1 : 0), hi = lo + m;
    std::vector<Eigen::Index> train;
    for (Eigen::Index r = 0; r < n; ++r) {
      if (r < lo || r >= hi) train.push_back(r);
    }
    if (rotated) std::rotate(train.begin(), train.begin() + lo, train.end());
    for (Eigen::Index a = 0; a < ks.size(); ++a) {
      Eigen::Index right = 0;
      for (Eigen::Index t = lo; t < hi; ++t) {
        std::vector<std::pair<double, std::size_t>> d;
        for (std::size_t j = 0; j < train.size(); ++j) {
          const auto diff = (X.row(t) - X.row(train[j])).array();
          d.push_back({l1 ? diff.abs().sum() : std::sqrt(diff.square().sum()), j});
        }
        std::sort(d.begin(), d.end());
        std::map<int, int> votes;
        for (Eigen::Index r = 0; r < ks(a) && r < static_cast<Eigen::Index>(d.size()); ++r) {
          ++votes[y(train[d[static_cast<std::size_t>(r)].second])];
        }
        int best = -1, count = 0;
        for (const auto& [label, c] : votes) {
          if (c > count) best = label, count = c;
        }
        right += best == y(t);
      }
      acc(a, f) = m > 0 ? static_cast<double>(right) / static_cast<double>(m) : 0;
    }
    lo = hi;
  }
  return acc;
}

}  // namespace

std::string distances_l2(const Bundle& in, const std::string& output, const Bundle& expected,
                         const Bundle& got) {
  return distances(in, output, expected, got, false);
}

std::string distances_l1(const Bundle& in, const std::string& output, const Bundle& expected,
                         const Bundle& got) {
  return distances(in, output, expected, got, true);
}

std::string cross_validate(const Bundle& in, const std::string& output, const Bundle& expected,
                           const Bundle& got) {
  if (output == "accuracies") {
    const Mat *e, *g;
    if (!both(expected, got, output, e, g)) return "";
    const long n = static_cast<long>(in.mat("X").rows());
    const long folds = static_cast<long>(in.integer("num_folds"));
    if (folds < 1 || e->cols() != folds) return "";
    if (g->isZero(0) && !e->isZero(0)) {
      return "every accuracy is 0: no prediction matches its label; are the neighbours the "
             "farthest instead of the nearest (the distances, or their order)?";
    }
    const long q = n / folds, r = n % folds;
    std::vector<long> right, last(static_cast<std::size_t>(folds), q), chunks, dropped = last;
    for (long f = 0; f < folds; ++f) right.push_back(q + (f < r ? 1 : 0));
    last.back() = q + r;
    const long c = (n + folds - 1) / folds;
    for (long f = 0; f < folds; ++f) chunks.push_back(std::min(c, n - f * c));
    if (!fits_folds(*e, right)) return "";
    const bool sizes_right = fits_folds(*g, right);
    const std::vector<std::pair<std::vector<long>, std::string>> layouts = {
        {last, "the rows left over in the last fold"},
        {chunks, "folds of ⌈N/F⌉ rows, the last one shorter"},
        {dropped, "the rows left over dropped"}};
    for (const auto& [sizes, how] : layouts) {
      if (sizes_right || sizes == right || !fits_folds(*g, sizes)) continue;
      return fmt::format(
          "your accuracies fit folds of {} rows ({}), not {}: split as numpy.array_split does, "
          "the first N % F = {} folds one row longer",
          fmt::join(sizes, ", "), how, fmt::join(right, ", "), r);
    }
    // the folds right: the training split's order (it decides ties in distance), on small data
    const Mat& X = in.mat("X");
    if (static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(X.cols()) > 5e7 ||
        in.ivec("ks").size() != e->rows() || !nearly_equal(*e, cv_accuracies(in, false))) {
      return "";
    }
    return first_match(*g, *e,
                       {{cv_accuracies(in, true),
                         "your accuracies are what a training split with the rows after the fold "
                         "first gives: stack the rows before the fold, then those after it, in "
                         "order (equal distances go to the lower index)"}});
  }
  if (output == "best_k") {
    const Mat* acc = mat_of(expected, "accuracies");
    if (!acc || !got.has(output) || !std::holds_alternative<std::int64_t>(got.at(output)))
      return "";
    const IVec& ks = in.ivec("ks");
    const auto mine = got.integer(output), want = expected.integer(output);
    Eigen::Index a = -1, b = -1;
    for (Eigen::Index i = 0; i < ks.size(); ++i) {
      if (ks(i) == mine && a < 0) a = i;
      if (ks(i) == want && b < 0) b = i;
    }
    if (b < 0 || acc->rows() != ks.size() || !in.has("X") || !in.has("num_folds")) return "";
    if (a < 0) return "your best_k is not one of the k values tried";
    // the rows each k got right over all folds, back from the accuracies and the fold sizes
    const long n = static_cast<long>(in.mat("X").rows());
    const long folds = static_cast<long>(in.integer("num_folds"));
    if (folds < 1 || acc->cols() != folds) return "";
    auto right = [&](Eigen::Index row) {
      long total = 0;
      for (long f = 0; f < folds; ++f) {
        const long size = n / folds + (f < n % folds ? 1 : 0);
        total += std::lround((*acc)(row, f) * static_cast<double>(size));
      }
      return total;
    };
    if (right(a) == right(b)) {
      return fmt::format(
          "your best_k gets as many validation rows right over all folds ({}) as the expected "
          "one: on a tie the smallest k wins. Compare the integer counts, not mean accuracies, "
          "whose last bit depends on the order of the sum",
          right(b));
    }
    return "your best_k is not the k with the most validation rows predicted right over all "
           "folds (an accuracy times its fold's size, summed over the row)";
  }
  return "";
}

Ties knn_vote_ties(const Bundle& in) {
  const Mat& d = in.mat("dists");
  const IVec& y = in.ivec("y_train");
  const auto k = static_cast<Eigen::Index>(in.integer("k"));
  const Eigen::Index n = d.cols();
  if (k < 1 || k > n || y.size() != n) return {};
  std::vector<std::string> rules(static_cast<std::size_t>(d.rows()));
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < d.rows(); ++i) {
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](Eigen::Index a, Eigen::Index b) { return d(i, a) < d(i, b); });
    const auto at = [&](Eigen::Index r) { return order[static_cast<std::size_t>(r)]; };
    const bool boundary = k < n && d(i, at(k - 1)) == d(i, at(k));
    std::map<int, int> votes;
    for (Eigen::Index r = 0; r < k; ++r) ++votes[y(at(r))];
    int best = 0, tops = 0;
    for (const auto& [label, count] : votes) best = std::max(best, count);
    for (const auto& [label, count] : votes) tops += count == best;
    const std::string distance_rule =
        "among equal distances the lower training index comes first (a stable sort)";
    const std::string vote_rule = "a tied vote goes to the smallest label";
    if (boundary && tops > 1) {
      rules[static_cast<std::size_t>(i)] = distance_rule + "\n" + vote_rule;
    } else if (boundary) {
      rules[static_cast<std::size_t>(i)] = distance_rule;
    } else if (tops > 1) {
      rules[static_cast<std::size_t>(i)] = vote_rule;
    }
  }
  return {{"y_pred", rules}};
}

std::string predict_labels(const Bundle& in, const std::string& output, const Bundle& expected,
                           const Bundle& got) {
  if (output != "y_pred" || !got.has(output) || !std::holds_alternative<IVec>(got.at(output))) {
    return "";
  }
  const IVec& e = expected.ivec(output);
  const IVec& g = got.ivec(output);
  const Mat& d = in.mat("dists");
  const IVec& y = in.ivec("y_train");
  const auto k = static_cast<Eigen::Index>(in.integer("k"));
  const Eigen::Index n = d.cols();
  if (g.size() != e.size() || e.size() != d.rows() || y.size() != n || k < 1 || k > n ||
      y.minCoeff() < 0) {
    return "";
  }
  enum Rule { right, tolerance, below_ten, one_more, one_fewer, farthest };
  // the reference's vote, or one of the usual mistakes
  const auto vote = [&](Rule rule) {
    IVec p(d.rows());
    const Eigen::Index used = rule == one_more ? std::min(k + 1, n) : rule == one_fewer ? k - 1 : k;
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::vector<int> votes(static_cast<std::size_t>(y.maxCoeff()) + 1);
    for (Eigen::Index i = 0; i < d.rows(); ++i) {
      std::iota(order.begin(), order.end(), Eigen::Index{0});
      std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
        if (rule == tolerance) return d(i, a) < d(i, b) - 1e-9;
        return rule == farthest ? d(i, a) > d(i, b) : d(i, a) < d(i, b);
      });
      std::fill(votes.begin(), votes.end(), 0);
      for (Eigen::Index r = 0; r < used; ++r) {
        const int label = y(order[static_cast<std::size_t>(r)]);
        if (rule != below_ten || label < 10) ++votes[static_cast<std::size_t>(label)];
      }
      p(i) = static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin());
    }
    return p;
  };
  if (vote(right) != e) return "";
  const std::pair<Rule, const char*> mistakes[] = {
      {tolerance,
       "your y_pred orders neighbours with a tolerance: distances less than 1e-9 apart are not "
       "equal; compare them exactly, and only equal ones by training index"},
      {below_ten,
       "your vote never lets a label of 10 or more win: count votes for every label 0 … "
       "max(y_train), not for a fixed 10"},
      {one_more,
       "your y_pred is the vote of k + 1 neighbours: an off-by-one in the loop over the "
       "nearest?"},
      {one_fewer,
       "your y_pred is the vote of k - 1 neighbours: an off-by-one in the loop over the "
       "nearest?"},
      {farthest,
       "your y_pred is the vote of the k farthest neighbours: sort by increasing "
       "distance"}};
  for (const auto& [rule, cause] : mistakes) {
    if ((rule != one_fewer || k > 1) && vote(rule) == g && vote(rule) != e) return cause;
  }
  return "";
}

std::string upstream(const Bundle& in, const std::string& output, const Bundle& expected,
                     const Bundle& got) {
  if (!in.has("dout") || !std::holds_alternative<double>(in.at("dout")) || output.empty() ||
      output[0] != 'd' || !got.has(output) || !expected.has(output)) {
    return "";
  }
  const double dout = in.real("dout");
  if (dout == 0 || dout == 1) return "";
  const auto value = [](const Bundle& b, const std::string& name) {
    if (const auto* v = std::get_if<double>(&b.at(name))) return Mat(Mat::Constant(1, 1, *v));
    if (const auto* m = std::get_if<Mat>(&b.at(name))) return *m;
    return Mat();
  };
  // a backward pass is linear in dout: the local gradient is the expected one over dout
  const Mat e = value(expected, output), g = value(got, output);
  return first_match(
      g, e,
      {{Mat(e / dout), fmt::format("your {} leaves out the upstream gradient dout: multiply the "
                                   "local gradient by dout (the chain rule)",
                                   output)}});
}

std::string other_metric(Bundle& in) {
  const bool l1 = in.text("metric") == "l1";
  in.put("metric", std::string(l1 ? "l2" : "l1"));
  return fmt::format(
      "your accuracies are what the reference gets with metric = {}: is metric passed on to the "
      "distance function?",
      l1 ? "l2" : "l1");
}

std::string k_within_test_rows(Bundle& in) {
  const std::int64_t rows = in.mat("dists").rows(), k = in.integer("k");
  if (k <= rows) return "";
  in.put("k", rows);
  return fmt::format(
      "your labels are what the reference gives with k = {} (the number of test rows M) instead "
      "of k = {}: the neighbours come from the N training points, dists.cols(), not from "
      "dists.rows()",
      rows, k);
}

// ---- linear ---------------------------------------------------------------------------------

namespace {

// the correct class counted (its margin s_yᵢ - s_yᵢ + 1 is always 1): one more per example
std::string counts_correct_class(const std::string& output, const Bundle& expected,
                                 const Bundle& got) {
  if (output != "loss" || !got.has(output) || !std::holds_alternative<double>(got.at(output))) {
    return "";
  }
  const double e = expected.real(output), g = got.real(output);
  if (std::abs(g - e - 1.0) <= 1e-9 * std::max(1.0, std::abs(e))) {
    return "your loss is exactly 1 more than the expected: the sum over j ≠ yᵢ counts the correct "
           "class too (its margin s_yᵢ - s_yᵢ + 1 is always 1)";
  }
  return "";
}

}  // namespace

std::string svm_loss(const Bundle& in, const std::string& output, const Bundle& expected,
                     const Bundle& got) {
  if (std::string s = counts_correct_class(output, expected, got); !s.empty()) return s;
  if (!in.has("W") || !in.has("X") || !in.has("y") || !in.has("reg")) return "";
  const Mat& W = in.mat("W");
  const Mat& X = in.mat("X");
  const IVec& y = in.ivec("y");
  const double reg = in.real("reg");
  if (X.cols() != W.rows() || X.rows() != y.size() || X.rows() == 0) return "";
  enum Rule { right, at_zero, no_hinge };
  // loss (as a 1 x 1 matrix) or dW, with the reference's rule or a usual mistake
  const auto svm = [&](Rule rule) {
    const Mat scores = X * W;
    const auto n = static_cast<double>(X.rows());
    double loss = 0;
    Mat m = Mat::Zero(scores.rows(), scores.cols());
    for (Eigen::Index i = 0; i < scores.rows(); ++i) {
      for (Eigen::Index j = 0; j < scores.cols(); ++j) {
        if (j == y(i)) continue;
        const double margin = scores(i, j) - scores(i, y(i)) + 1.0;
        if (margin > 0 || (rule == at_zero && margin == 0) || rule == no_hinge) {
          loss += margin;
          m(i, j) += 1;
          m(i, y(i)) -= 1;
        }
      }
    }
    if (output == "loss") return Mat(Mat::Constant(1, 1, loss / n + reg * W.squaredNorm()));
    return Mat(X.transpose() * m / n + 2 * reg * W);
  };
  const auto value = [](const Bundle& b, const std::string& name) {
    if (!b.has(name)) return Mat();
    if (const auto* v = std::get_if<double>(&b.at(name))) return Mat(Mat::Constant(1, 1, *v));
    if (const auto* m = std::get_if<Mat>(&b.at(name))) return *m;
    return Mat();
  };
  if (output != "loss" && output != "dW") return "";
  const Mat e = value(expected, output), g = value(got, output);
  if (e.size() == 0 || g.size() != e.size() || !nearly_equal(e, svm(right))) return "";
  return first_match(
      g, e,
      {{svm(at_zero), fmt::format("your {} counts margins of exactly 0: a class adds to dW only "
                                  "where s_j - s_yᵢ + 1 > 0 (the loss has no slope at 0)",
                                  output)},
       {svm(no_hinge), fmt::format("your {} has no max(0, ·): every wrong class adds its margin, "
                                   "even a negative one; keep only s_j - s_yᵢ + 1 > 0",
                                   output)}});
}

std::string other_kind(Bundle& in) {
  const bool svm = in.text("kind") == "svm";
  in.put("kind", std::string(svm ? "softmax" : "svm"));
  return fmt::format(
      "your LinearClassifier::train trains what the reference trains for kind = {}: is the "
      "classifier's kind ignored? train must use the {} loss here",
      svm ? "softmax" : "svm", svm ? "SVM" : "softmax");
}

Ties score_ties(const Bundle& in) {
  const Mat scores = in.mat("X") * in.mat("W");
  std::vector<std::string> rules(static_cast<std::size_t>(scores.rows()));
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    const double top = scores.row(i).maxCoeff();
    const auto at_top =
        (scores.row(i).array() >= top - 1e-12 * std::max(1.0, std::abs(top))).count();
    if (at_top > 1) {
      rules[static_cast<std::size_t>(i)] = "a tie between classes goes to the smaller class";
    }
  }
  return {{"y_pred", rules}};
}

// ---- backprop -------------------------------------------------------------------------------

std::string relu(const Bundle& in, const std::string& output, const Bundle& expected,
                 const Bundle& got) {
  const Mat *e, *g;
  if (!both(expected, got, output, e, g)) return "";
  const Mat& x = in.mat("x");
  if (output == "out") {
    if (!nearly_equal(*e, Mat(x.cwiseMax(0.0)))) return "";
    return first_match(*g, *e,
                       {{x, "your out is x: max(0, x) is missing"},
                        {Mat(x.cwiseAbs()), "your out is |x|: max(0, x) is 0 where x < 0"}});
  }
  if (output != "dx") return "";
  const Mat& dout = in.mat("dout");
  const auto masked = [&](auto keep) {
    Mat m = dout;
    for (Eigen::Index i = 0; i < m.size(); ++i) {
      if (!keep(x.data()[i])) m.data()[i] = 0;
    }
    return m;
  };
  if (!nearly_equal(*e, masked([](double v) { return v > 0; }))) return "";
  return first_match(
      *g, *e,
      {{dout,
        "your dx is dout everywhere: the gradient must be 0 where x ≤ 0 (dx = dout where x "
        "> 0, else 0)"},
       {masked([](double v) { return v >= 0; }),
        "your dx passes the gradient where x = 0 too: ReLU passes none at exactly 0 (x > 0, not "
        "x ≥ 0)"},
       {masked([](double v) { return v < 0; }),
        "your dx is masked the wrong way round: pass dout where x > 0, 0 elsewhere"},
       {Mat(dout.cwiseProduct(x.cwiseMax(0.0))),
        "your dx multiplies dout by max(0, x): multiply by the mask (1 where x > 0, else 0), not "
        "by x"}});
}

std::string affine_relu(const Bundle& in, const std::string& output, const Bundle& expected,
                        const Bundle& got) {
  const Mat *e, *g;
  if (!both(expected, got, output, e, g)) return "";
  const Mat& x = in.mat("x");
  const Mat& w = in.mat("w");
  const Mat& dout = in.mat("dout");
  Mat a = x * w;
  a.rowwise() += in.mat("b").row(0);
  if (output == "out") {
    if (!nearly_equal(*e, Mat(a.cwiseMax(0.0)))) return "";
    return first_match(*g, *e, {{a, "your out is x·w + b: the ReLU is missing"}});
  }
  // the gradients with the ReLU's mask, without it, and with x·w + b = 0 let through
  const auto grads = [&](auto keep) {
    Mat da = dout;
    for (Eigen::Index i = 0; i < da.size(); ++i) {
      if (!keep(a.data()[i])) da.data()[i] = 0;
    }
    if (output == "dx") return Mat(da * w.transpose());
    if (output == "dw") return Mat(x.transpose() * da);
    if (output == "db") return Mat(da.colwise().sum());
    return Mat();
  };
  const Mat right = grads([](double v) { return v > 0; });
  if (right.size() == 0 || !nearly_equal(*e, right)) return "";
  return first_match(*g, *e,
                     {{grads([](double) { return true; }),
                       fmt::format("your {} is what it would be without the ReLU: the upstream "
                                   "gradient must be 0 where x·w + b ≤ 0 before the affine "
                                   "backward pass",
                                   output)},
                      {grads([](double v) { return v >= 0; }),
                       fmt::format("your {} lets the gradient through where x·w + b = 0: ReLU "
                                   "passes none at exactly 0",
                                   output)}});
}

std::string scores_svm_loss(const Bundle& in, const std::string& output, const Bundle& expected,
                            const Bundle& got) {
  if (output == "loss") return counts_correct_class(output, expected, got);
  const Mat *e, *g;
  if (output != "dscores" || !both(expected, got, output, e, g)) return "";
  const Mat& s = in.mat("scores");
  const IVec& y = in.ivec("y");
  const auto n = static_cast<double>(s.rows());
  const auto dscores = [&](bool at_zero) {
    Mat d = Mat::Zero(s.rows(), s.cols());
    for (Eigen::Index i = 0; i < s.rows(); ++i) {
      for (Eigen::Index j = 0; j < s.cols(); ++j) {
        if (j == y(i)) continue;
        const double margin = s(i, j) - s(i, y(i)) + 1.0;
        if (margin > 0 || (at_zero && margin == 0)) {
          d(i, j) += 1.0 / n;
          d(i, y(i)) -= 1.0 / n;
        }
      }
    }
    return d;
  };
  if (!nearly_equal(*e, dscores(false))) return "";
  return first_match(*g, *e,
                     {{dscores(true),
                       "your dscores counts margins of exactly 0: a class contributes only "
                       "where s_j - s_yᵢ + 1 > 0"}});
}

std::string update_rule(const std::string& rule, const Bundle& in, const std::string& output,
                        const Bundle& expected, const Bundle& got) {
  const Mat *e, *g;
  if (output != "w_after_each_step" || !both(expected, got, output, e, g)) return "";
  const Mat& w0 = in.mat("w");
  const Mat& grads = in.mat("grads");
  const Eigen::Index rows = w0.rows(), steps = in.integer("steps");
  const double lr = in.real("learning_rate");
  if (e->rows() != steps * rows || grads.rows() != steps * rows) return "";
  // the rule's path with a variant: 0 the handout's, others the usual mistakes
  const auto path = [&](int variant) {
    Mat w = w0, p(steps * rows, w0.cols());
    Mat s1 = Mat::Zero(w0.rows(), w0.cols()), s2 = s1;  // velocity or cache, or m and v
    for (Eigen::Index t = 1; t <= steps; ++t) {
      const Mat dw = grads.middleRows((t - 1) * rows, rows);
      if (rule == "sgd_momentum") {
        s1 = (variant == 1 ? 0.0 : 0.9) * s1 - lr * dw;
        w += s1;
      } else if (rule == "rmsprop") {
        if (variant == 2) s1.setZero();
        s1 = 0.99 * s1 + 0.01 * dw.cwiseProduct(dw);
        const Mat root =
            variant == 1 ? Mat((s1.array() + 1e-8).sqrt()) : Mat(s1.array().sqrt() + 1e-8);
        w = w.array() - lr * dw.array() / root.array();
      } else if (rule == "adam") {
        s1 = 0.9 * s1 + 0.1 * dw;
        s2 = 0.999 * s2 + 0.001 * dw.cwiseProduct(dw);
        const double c1 = variant == 1 || variant == 3 ? 1.0 : 1.0 - std::pow(0.9, double(t));
        const double c2 = variant == 1 || variant == 2 ? 1.0 : 1.0 - std::pow(0.999, double(t));
        const Mat v = s2 / c2;
        const Mat root =
            variant == 4 ? Mat((v.array() + 1e-8).sqrt()) : Mat(v.array().sqrt() + 1e-8);
        w = w.array() - lr * (s1.array() / c1) / root.array();
      } else {
        w -= lr * dw;
      }
      p.middleRows((t - 1) * rows, rows) = w;
    }
    return p;
  };
  if (!nearly_equal(*e, path(0), 1e-9)) return "";
  std::string known;
  if (rule == "sgd_momentum") {
    known = first_match(*g, *e,
                        {{path(1),
                          "your sgd_momentum takes plain SGD steps: keep the velocity "
                          "from step to step (v = momentum·v - learning_rate·dw)"}});
  } else if (rule == "rmsprop") {
    known =
        first_match(*g, *e,
                    {{path(1), "your rmsprop adds ε inside the square root: divide by √cache + ε"},
                     {path(2), "your rmsprop does not keep its cache from step to step"}});
  } else if (rule == "adam") {
    known = first_match(*g, *e,
                        {{path(1),
                          "your adam leaves out the bias correction: m̂ = m / (1 - β₁ᵗ) and v̂ = v / "
                          "(1 - β₂ᵗ), with t counted from 1"},
                         {path(2), "your adam corrects v but not m: m̂ = m / (1 - β₁ᵗ)"},
                         {path(3), "your adam corrects m but not v: v̂ = v / (1 - β₂ᵗ)"},
                         {path(4), "your adam adds ε inside the square root: divide by √v̂ + ε"}});
  }
  if (!known.empty()) return known;
  // each step as a difference of successive w's: a flipped or scaled step
  const auto steps_of = [&](const Mat& p) {
    Mat d(p.rows(), p.cols());
    for (Eigen::Index t = 0; t < steps; ++t) {
      d.middleRows(t * rows, rows) =
          p.middleRows(t * rows, rows) - (t == 0 ? w0 : Mat(p.middleRows((t - 1) * rows, rows)));
    }
    return d;
  };
  if (std::optional<double> k = common_factor(steps_of(*e), steps_of(*g))) {
    if (std::abs(*k + 1) <= 1e-6) {
      return fmt::format(
          "every step your {} takes goes the opposite way (-1 × the expected step): a sign error "
          "in the update",
          rule);
    }
    return fmt::format(
        "every step your {} takes is exactly {:.4g} × the expected step: is the learning rate "
        "applied as the handout says?",
        rule, *k);
  }
  if (nearly_equal(e->topRows(rows), g->topRows(rows), 1e-9) && steps > 1) {
    return fmt::format(
        "your {}'s first step is right and a later one is wrong: is its state (velocity, cache, "
        "m, v, t) kept from one step to the next as the handout says?",
        rule);
  }
  return "";
}

std::string no_lr_decay(Bundle& in) {
  if (in.real("lr_decay") == 1.0) return "";
  in.put("lr_decay", 1.0);
  return "your train (the solver) gives what the reference gives with lr_decay = 1: multiply "
         "the learning rate by lr_decay after each epoch";
}

std::string every_row_for_train_accuracy(Bundle& in) {
  const std::int64_t rows = in.mat("X").rows();
  if (in.integer("num_train_samples") >= rows) return "";
  in.put("num_train_samples", rows);
  return "your train (the solver) gives what the reference gives when num_train_samples covers "
         "every row: measure the training accuracy on the first num_train_samples rows only";
}

std::string solver(const Bundle& in, const std::string& output, const Bundle& expected,
                   const Bundle& got) {
  const Mat *e, *g;
  if (output != "loss_history" || !both(expected, got, output, e, g)) return "";
  Eigen::Index first = -1;
  for (Eigen::Index i = 0; i < e->size() && first < 0; ++i) {
    const double a = e->data()[i], b = g->data()[i];
    if (std::abs(a - b) > 1e-9 * std::abs(a) + 1e-12) first = i;
  }
  // entry 0 is the loss of the first batch at the initial parameters, before any update
  if (first == 0) {
    return "your first loss is already wrong, before any update: the net's loss, its "
           "initialization from the seed, or the first batch (the shuffle) differs";
  }
  if (first == 1) {
    return "your loss_history is right before the first update and wrong after it: the update "
           "(the rule, the learning rate, or the gradients it is given) differs";
  }
  const double decay = in.real("lr_decay");
  const long n = static_cast<long>(in.mat("X").rows()), batch = in.integer("batch_size");
  if (decay == 1.0 || batch < 1) return "";
  const long batches = (n + batch - 1) / batch;
  // the first step with the decayed rate is the first of epoch 2; its effect shows one later
  if (first != batches && first != batches + 1) return "";
  return fmt::format(
      "your loss_history is right through epoch 1 (its {} iterations) and wrong from epoch 2 on: "
      "is the learning rate multiplied by lr_decay after each epoch?",
      batches);
}

}  // namespace pg::grader::mistakes
