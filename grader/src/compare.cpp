// Elementwise comparison with the worst element reported (NaN and inf count as wrong unless
// equal), and the diagnosis of a wrong value's shape. Pure functions of the values and the clues.
// Not scoring: a difference here becomes a "failed" verdict in grade.cpp.
#include "compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

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

std::string Difference::message() const {
  if (cause.empty()) return what;
  std::string c = cause;
  if (c[0] >= 'a' && c[0] <= 'z') c[0] = static_cast<char>(c[0] - 'a' + 'A');
  return what + ". " + c;
}

namespace {

using Index = Eigen::Index;

std::string tolerance(const CompareSpec& tol) {
  return "allowed |got - expected| <= " + num(tol.atol) + " + " + num(tol.rtol) + " * |expected|";
}

// four significant digits: for factors and offsets in words
std::string short_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string shape(Index rows, Index cols) {
  return "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
}

// "your F returned dW" or, without a function, "dW"
std::string subject(const std::string& function, const std::string& name) {
  return function.empty() ? name : "your " + function + " returned " + name;
}

// text a submission chose is shown cut short
std::string clipped(const std::string& s) { return s.size() <= 80 ? s : s.substr(0, 80) + "[...]"; }

// the element i is beyond the tolerance (or a NaN or infinity that is not matched exactly)
bool wrong_at(double e, double g, const CompareSpec& tol) {
  if ((std::isnan(e) && std::isnan(g)) || (std::isinf(e) && e == g)) return false;
  const double err = std::abs(g - e);
  if (std::isnan(err) || std::isinf(err) || std::isinf(e)) return true;
  return err > tol.atol + tol.rtol * std::abs(e);
}

std::optional<std::string> compare_matrix(const std::string& function, const std::string& name,
                                          const Mat& want, const Mat& got, const CompareSpec& tol) {
  if (want.rows() != got.rows() || want.cols() != got.cols()) {
    return subject(function, name) + (function.empty() ? " has shape " : " with shape ") +
           shape(got.rows(), got.cols()) + ", expected " + shape(want.rows(), want.cols());
  }
  // the element that exceeds its tolerance by the largest margin, and how many do
  Index worst = -1, bad = 0;
  double worst_excess = 0;
  for (Index i = 0; i < want.size(); ++i) {
    const double e = want.data()[i], g = got.data()[i];
    if (!wrong_at(e, g, tol)) continue;
    const double err = std::abs(g - e);
    // a NaN or infinity that is not matched exactly is as wrong as can be
    const double excess = std::isnan(err) || std::isinf(err) || std::isinf(e)
                              ? INFINITY
                              : err - (tol.atol + tol.rtol * std::abs(e));
    ++bad;
    if (worst < 0 || excess > worst_excess) {
      worst = i;
      worst_excess = excess;
    }
  }
  if (worst < 0) return std::nullopt;
  const Index r = worst / want.cols(), c = worst % want.cols();
  const double e = want.data()[worst], g = got.data()[worst];
  return subject(function, name) + " " + shape(want.rows(), want.cols()) + ": " +
         std::to_string(bad) + " of " + std::to_string(want.size()) +
         " values are wrong; the worst is at " + shape(r, c) + ": expected " + num(e) + ", got " +
         num(g) + " (error " + num(std::abs(g - e)) + "; " + tolerance(tol) + ")";
}

std::optional<std::string> compare_labels(const std::string& function, const std::string& name,
                                          const IVec& want, const IVec& got) {
  if (want.size() != got.size()) {
    return subject(function, name) + (function.empty() ? " has " : " with ") +
           std::to_string(got.size()) + " entries, expected " + std::to_string(want.size());
  }
  Index first = -1, bad = 0;
  for (Index i = 0; i < want.size(); ++i) {
    if (want(i) != got(i)) {
      ++bad;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return std::nullopt;
  return subject(function, name) + " (" + std::to_string(want.size()) +
         "): " + std::to_string(bad) + " of " + std::to_string(want.size()) +
         " differ; the first at [" + std::to_string(first) + "]: expected " +
         std::to_string(want(first)) + ", got " + std::to_string(got(first));
}

// ---- the diagnosis -------------------------------------------------------------------------

// a and b agree to rtol, relatively
bool near(double a, double b, double rtol = 1e-6) {
  return std::abs(a - b) <= rtol * std::max(std::abs(a), std::abs(b));
}

// "0–2, 5 and 9–31", at most six groups
std::string index_list(const std::vector<Index>& v) {
  std::vector<std::string> groups;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    groups.push_back(j == i
                         ? std::to_string(v[i])
                         : std::to_string(v[i]) + (j == i + 1 ? ", " : "–") + std::to_string(v[j]));
    i = j + 1;
  }
  std::string out;
  const std::size_t shown = std::min<std::size_t>(groups.size(), 6);
  for (std::size_t i = 0; i < shown; ++i) {
    out += (i == 0 ? "" : i + 1 == shown && shown == groups.size() ? " and " : ", ") + groups[i];
  }
  if (shown < groups.size()) out += " and " + std::to_string(groups.size() - shown) + " more";
  return out;
}

// "your dists are", "your loss is": an output whose name ends in a single s reads as a plural
bool plural(const std::string& name) {
  return name.size() > 1 && name.back() == 's' && name[name.size() - 2] != 's';
}
std::string verb(const std::string& name, const char* one, const char* many) {
  return plural(name) ? many : one;
}
std::string is(const std::string& you) { return verb(you, " is ", " are "); }
std::string has(const std::string& you) { return verb(you, " has ", " have "); }

// How a wrong value is named in the sentences below: "your dW", compared with "the expected
// value" (or, in a gradient check, "the numerical gradient of your own loss").
struct Wording {
  std::string name;      // the output
  std::string expected;  // what it is compared with
  bool grid = true;      // rows and columns mean something (not so for gradient-check directions)
  bool gradient_check = false;
  // how exactly a pattern must fit: values computed two ways agree to rounding, but a numerical
  // gradient only to its truncation error
  double fit = 1e-7;
};

std::string generic_nonfinite() {
  return "a division by 0, or exp, log or sqrt outside its range (exp of a large number, log of "
         "0, the square root of a negative number)?";
}

// k as a cause: the sign, N, 1/N, or any other factor when `any` (k is known from many values)
std::string factor_cause(double k, const Wording& w, long n, bool everywhere, bool any) {
  const std::string all = everywhere ? " everywhere" : "";
  const std::string you = "your " + w.name;
  const std::string ns = std::to_string(n);
  const auto near = [&](double a, double b) { return grader::near(a, b, 10 * w.fit); };
  if (near(k, 1.0) || k == 0) return "";
  if (near(k, -1.0)) {
    return you + is(you) + w.expected + " with its sign flipped" + all +
           " (-1 ×): a + where a - belongs, or the other way round?";
  }
  if (n > 1 && near(k, static_cast<double>(n))) {
    return you + is(you) + "N = " + ns + " times " + w.expected + all + ": is a 1/N missing?";
  }
  if (n > 1 && near(k, 1.0 / static_cast<double>(n))) {
    return you + is(you) + "1/N = 1/" + ns + " of " + w.expected + all +
           ": divided by N once too often, or a mean where a sum belongs?";
  }
  if (n > 1 && near(k, -static_cast<double>(n))) {
    return you + is(you) + "-N = -" + ns + " times " + w.expected + all +
           ": a flipped sign, and is a 1/N missing?";
  }
  if (!any && !near(k, 2.0) && !near(k, 0.5)) return "";
  return you + is(you) + "exactly " + short_num(k) + " × " + w.expected + all;
}

// places where got is NaN or infinite and expected is not: "nan", "inf", "-inf"
std::string nonfinite_cause(const Mat& e, const Mat& g, const Clues& clues) {
  std::set<std::string> kinds;
  for (Index i = 0; i < e.size(); ++i) {
    const double ev = e.data()[i], gv = g.data()[i];
    if (!std::isfinite(ev) || std::isfinite(gv)) continue;
    kinds.insert(std::isnan(gv) ? "nan" : gv > 0 ? "inf" : "-inf");
  }
  if (kinds.empty()) return "";
  std::string list;
  for (const auto& k : kinds) list += (list.empty() ? "" : " and ") + k;
  return "got " + list + ": " + (clues.nonfinite.empty() ? generic_nonfinite() : clues.nonfinite);
}

// A wrong shape: transposed, or a row or a column too many or too few.
std::string shape_cause(const Mat& e, const Mat& g, const Wording& w, const CompareSpec& tol) {
  const std::string you = "your " + w.name;
  if (e.size() == 0 || g.size() == 0) return "";
  if (g.rows() == e.cols() && g.cols() == e.rows()) {
    if (nearly_equal(g, Mat(e.transpose()))) {
      return you + is(you) + "the transpose of " + w.expected + " " + shape(e.rows(), e.cols()) +
             ": rows and columns swapped";
    }
    return you + has(you) + "the transposed shape: rows and columns swapped?";
  }
  const auto right_part = [&](Index rows, Index cols) {
    for (Index r = 0; r < rows; ++r) {
      for (Index c = 0; c < cols; ++c) {
        if (wrong_at(e(r, c), g(r, c), tol)) return false;
      }
    }
    return true;
  };
  const auto off_by_one = [&](Index mine, Index want, const char* what) -> std::string {
    const Index d = mine - want;
    if (d != 1 && d != -1) return "";
    std::string s = you + has(you) + "one " + what + (d > 0 ? " too many" : " too few") + " (" +
                    std::to_string(mine) + " instead of " + std::to_string(want) + ")";
    const Index common = std::min(mine, want);
    const bool rows = std::string(what) == "row";
    if (common > 0 && right_part(rows ? common : e.rows(), rows ? e.cols() : common)) {
      s += "; the first " + std::to_string(common) + " " + what + "s are right";
    }
    return s + ": an off-by-one in a loop bound or a size?";
  };
  if (g.cols() == e.cols()) return off_by_one(g.rows(), e.rows(), "row");
  if (g.rows() == e.rows()) return off_by_one(g.cols(), e.cols(), "column");
  return "";
}

// The L2 term wrong, and the rest right: got - expected is c times the expected term.
std::string term_cause(const Mat& e, const Mat& g, const Clues::Term& term, const Wording& w) {
  const Mat* t = std::get_if<Mat>(&term.value);
  if (!t || t->rows() != e.rows() || t->cols() != e.cols()) return "";
  const std::optional<double> c = common_factor(*t, Mat(g - e), w.fit);
  const auto near = [&](double a, double b) { return grader::near(a, b, 10 * w.fit); };
  if (!c) return "";
  const double k = 1 + *c;                   // the submission's term is k times the right one
  if (std::abs(*c) < 10 * w.fit) return "";  // the term is right (and so is the value)
  // from one value any k fits: then only the usual ones count (none, half, twice, its negative)
  const double scale = t->cwiseAbs().maxCoeff();
  const bool many = (t->array().abs() > 1e-9 * scale).count() >= 2;
  if (!many && !(std::abs(k) < 10 * w.fit || near(k, 0.5) || near(k, 2.0) || near(k, -1.0))) {
    return "";
  }
  if (w.gradient_check) {
    if (near(*c, -1.0)) {
      return "your " + w.name + verb(w.name, " lacks", " lack") + " the regularization term " +
             term.text + ", which the gradient of your own loss has";
    }
    return "your " + w.name + verb(w.name, " differs", " differ") + " from " + w.expected +
           " by exactly " + short_num(*c) + " × " + term.text +
           ": the regularization terms of your loss and of your " + w.name +
           " disagree (loss += reg·ΣW² goes with dW += 2·reg·W)";
  }
  if (std::abs(k) < 10 * w.fit) {
    return "your " + w.name + verb(w.name, " lacks", " lack") + " the regularization term " +
           term.text;
  }
  return "the regularization term of your " + w.name + " is " + short_num(k) + " × " + term.text +
         ", not " + term.text;
}

// Which rows or columns hold the wrong values, when the others are right.
std::string rows_cause(const Mat& e, const Mat& g, const Wording& w, const CompareSpec& tol) {
  std::set<Index> rows, cols;
  Index bad = 0;
  for (Index r = 0; r < e.rows(); ++r) {
    for (Index c = 0; c < e.cols(); ++c) {
      if (!wrong_at(e(r, c), g(r, c), tol)) continue;
      ++bad;
      rows.insert(r);
      cols.insert(c);
    }
  }
  if (bad < 2) return "";
  const std::string you = "your " + w.name;
  const auto listed = [](const std::set<Index>& s) {
    return index_list(std::vector<Index>(s.begin(), s.end()));
  };
  // a vector (a history, say): right up to an entry and wrong from there on, or wrong in a few
  if (e.rows() == 1 || e.cols() == 1) {
    const std::set<Index>& wrong = e.rows() == 1 ? cols : rows;
    const Index n = e.size(), first = *wrong.begin();
    if (first > 0 && static_cast<Index>(wrong.size()) == n - first) {
      return you + is(you) + "right in " +
             (first == 1 ? std::string("entry 0") : "entries 0–" + std::to_string(first - 1)) +
             " and wrong from entry " + std::to_string(first) + " on";
    }
    if (2 * static_cast<Index>(wrong.size()) <= n) {
      return you + is(you) + "wrong only in entries " + listed(wrong) + " (of " +
             std::to_string(n) + ")";
    }
    return "";
  }
  // a few whole rows, a few whole columns, or one block wrong, the rest right: at most half of
  // the rows (columns) wrong, and the wrong values filling at least half of them
  const auto n_rows = static_cast<Index>(rows.size()), n_cols = static_cast<Index>(cols.size());
  const bool few_rows = 2 * n_rows <= e.rows() && 2 * bad >= n_rows * e.cols();
  const bool few_cols = 2 * n_cols <= e.cols() && 2 * bad >= n_cols * e.rows();
  if (few_rows && !few_cols) {
    return you + is(you) + "wrong only in rows " + listed(rows) + " (of " +
           std::to_string(e.rows()) + "), right in the others";
  }
  if (few_cols && !few_rows) {
    return you + is(you) + "wrong only in columns " + listed(cols) + " (of " +
           std::to_string(e.cols()) + "), right in the others";
  }
  if (n_rows >= 2 && n_cols >= 2 && n_rows < e.rows() && n_cols < e.cols() &&
      bad == n_rows * n_cols) {
    return you + is(you) + "wrong only in rows " + listed(rows) + " and columns " + listed(cols) +
           ", right everywhere else";
  }
  return "";
}

// Shapes of a matrix (or a real, as 1 x 1) of the right size, in the order of the header.
std::string value_cause(const Mat& e, const Mat& g, const Wording& w, const CompareSpec& tol,
                        const Clues& clues) {
  const bool many = e.size() > 1;
  const std::string you = "your " + w.name;
  if (std::string s = nonfinite_cause(e, g, clues); !s.empty()) return s;
  if (!e.allFinite() || !g.allFinite()) return "";
  if (auto it = clues.regularization.find(w.name); it != clues.regularization.end()) {
    if (std::string s = term_cause(e, g, it->second, w); !s.empty()) return s;
    // the rest of the value, without the term, may have a shape of its own
    if (const Mat* t = std::get_if<Mat>(&it->second.value);
        t && t->rows() == e.rows() && t->cols() == e.cols()) {
      if (std::optional<double> k = common_factor(Mat(e - *t), Mat(g - *t), w.fit)) {
        const std::string s = factor_cause(*k, w, clues.examples, many, many);
        if (!s.empty()) return "leaving out the regularization term " + it->second.text + ", " + s;
      }
    }
  }
  const double scale = std::max(e.cwiseAbs().maxCoeff(), g.cwiseAbs().maxCoeff());
  if (g.isZero(0) && e.cwiseAbs().maxCoeff() > tol.atol) {
    return you + is(you) + "0" + (many ? " everywhere" : "") +
           ": never computed, or overwritten with zeros?";
  }
  Index nonzero = 0;
  for (Index i = 0; i < e.size(); ++i) nonzero += std::abs(e.data()[i]) > 1e-9 * scale;
  if (std::optional<double> k = common_factor(e, g, w.fit)) {
    if (std::string s = factor_cause(*k, w, clues.examples, many, nonzero >= 2); !s.empty()) {
      return s;
    }
  }
  // a constant offset: the same difference everywhere
  const Mat d = g - e;
  const double c = d.mean();
  if (c != 0 && ((d.array() - c).abs() <= 1e-9 * scale + 1e-7 * std::abs(c)).all() &&
      std::abs(c) > 1e-7 * scale) {
    // one value: only an offset of exactly 1 (a term counted once too often, or left out)
    const bool one = std::abs(std::abs(c) - 1) <= 1e-9 * std::max(1.0, scale);
    if (many || one) {
      return you + is(you) + "exactly " + short_num(std::abs(c)) + (c > 0 ? " more" : " less") +
             " than " + w.expected + (many ? " everywhere" : "") +
             (c > 0 ? ": a constant term too many?" : ": a constant term missing?");
    }
  }
  if (many) {
    const bool squares_differ = ((e.array().abs() - 1).abs() > 1e-9 && e.array() != 0).any();
    if (squares_differ && nearly_equal(g, Mat(e.array().square()))) {
      return you + is(you) + "the square of " + w.expected + " everywhere: a square root missing?";
    }
    if ((e.array() >= 0).all() && squares_differ && nearly_equal(g, Mat(e.array().sqrt()))) {
      return you + is(you) + "the square root of " + w.expected +
             " everywhere: a square root too many?";
    }
    if ((e.array() < -1e-9 * scale).any() && nearly_equal(g, Mat(e.cwiseAbs()))) {
      return you + is(you) + "the absolute value of " + w.expected +
             " everywhere: the sign is lost (an abs or a square too many?)";
    }
  }
  if (w.grid && e.rows() == e.cols() && e.rows() > 1 && nearly_equal(g, Mat(e.transpose())) &&
      !nearly_equal(e, Mat(e.transpose()))) {
    return you + is(you) + "the transpose of " + w.expected + ": rows and columns swapped?";
  }
  // wrong exactly where 0 is expected, or exactly where 0 was returned
  Index bad = 0, at_zero = 0, zero_given = 0, right_nonzero = 0;
  for (Index i = 0; i < e.size(); ++i) {
    const double ev = e.data()[i], gv = g.data()[i];
    if (!wrong_at(ev, gv, tol)) {
      right_nonzero += ev != 0;
      continue;
    }
    ++bad;
    at_zero += ev == 0;
    zero_given += gv == 0;
  }
  if (many && bad > 0 && at_zero == bad && right_nonzero > 0) {
    return you + is(you) + "right wherever " + w.expected + " is not 0, and not 0 at the " +
           std::to_string(bad) +
           " places where 0 is expected: is something that should be zeroed there (a mask, a "
           "max(0, ·)) left out?";
  }
  if (many && bad > 1 && zero_given == bad) {
    return you + is(you) + "0 at each of the " + std::to_string(bad) +
           " wrong places: are those entries never filled in?";
  }
  if (w.grid) return rows_cause(e, g, w, tol);
  return "";
}

std::string labels_cause(const std::string& output, const IVec& e, const IVec& g,
                         const Clues& clues) {
  const std::string you = "your " + output;
  if (e.size() != g.size()) {
    const Index d = g.size() - e.size();
    if (d != 1 && d != -1) return "";
    return you + has(you) + "one entry too " + (d > 0 ? "many" : "few") +
           ": an off-by-one in a loop bound or a size?";
  }
  auto it = clues.ties.find(output);
  if (it == clues.ties.end() || static_cast<Index>(it->second.size()) != e.size()) return "";
  // each rule, and at how many wrong entries it decided the answer (an entry may rest on
  // several rules, one a line)
  std::vector<std::pair<std::string, Index>> rules;
  Index wrong = 0;
  for (Index i = 0; i < e.size(); ++i) {
    if (e(i) == g(i)) continue;
    ++wrong;
    const std::string& entry = it->second[static_cast<std::size_t>(i)];
    if (entry.empty()) return "";
    for (std::size_t at = 0; at <= entry.size();) {
      const std::size_t end = std::min(entry.find('\n', at), entry.size());
      const std::string rule = entry.substr(at, end - at);
      if (!rule.empty()) {
        auto r = std::find_if(rules.begin(), rules.end(),
                              [&](const auto& p) { return p.first == rule; });
        if (r == rules.end()) {
          rules.push_back({rule, 1});
        } else {
          ++r->second;
        }
      }
      at = end + 1;
    }
  }
  if (wrong == 0) return "";
  // a rule behind every wrong entry is the one to name; without one, all of them
  const bool one_explains_all =
      std::any_of(rules.begin(), rules.end(), [&](const auto& p) { return p.second == wrong; });
  std::string list;
  for (const auto& [rule, count] : rules) {
    if (one_explains_all && count < wrong) continue;
    list += (list.empty() ? "" : "; and ") + rule;
  }
  return you + is(you) + "wrong only where the reference broke a tie (all " +
         std::to_string(wrong) + " wrong entries): " + list;
}

Mat as_matrix(double v) { return Mat::Constant(1, 1, v); }

}  // namespace

std::optional<double> common_factor(const Mat& e, const Mat& g, double rtol) {
  if (e.rows() != g.rows() || e.cols() != g.cols() || e.size() == 0 || !e.allFinite() ||
      !g.allFinite()) {
    return std::nullopt;
  }
  const double ee = e.squaredNorm();
  if (!(ee > 0)) return std::nullopt;
  const double k = (e.array() * g.array()).sum() / ee;
  const double scale = std::max(g.cwiseAbs().maxCoeff(), std::abs(k) * e.cwiseAbs().maxCoeff());
  for (Index i = 0; i < e.size(); ++i) {
    const double gi = g.data()[i], ki = k * e.data()[i];
    if (std::abs(gi - ki) > rtol * (std::abs(gi) + std::abs(ki)) + rtol / 100 * scale) {
      return std::nullopt;
    }
  }
  return k;
}

bool nearly_equal(const Mat& a, const Mat& b, double rtol) {
  if (a.rows() != b.rows() || a.cols() != b.cols() || !a.allFinite() || !b.allFinite()) {
    return false;
  }
  if (a.size() == 0) return true;
  const double scale = a.cwiseAbs().maxCoeff();
  return ((a - b).array().abs() <= rtol * (a.array().abs() + b.array().abs()) + rtol * scale).all();
}

std::optional<Difference> find_difference(const wire::Bundle& expected, const wire::Bundle& got,
                                          const CompareSpec& tol, const std::string& function) {
  for (const auto& [name, want] : expected.entries()) {
    if (!got.has(name)) {
      return Difference{name,
                        function.empty()
                            ? "the output '" + name + "' is missing"
                            : "your " + function + " returned no output '" + name + "'",
                        ""};
    }
    const wire::Value& g = got.at(name);
    if (g.index() != want.index()) {
      return Difference{name,
                        subject(function, name) + (function.empty() ? " is " : " as ") +
                            wire::describe(g) + ", expected " + wire::describe(want),
                        ""};
    }
    std::optional<std::string> diff;
    if (const auto* m = std::get_if<Mat>(&want)) {
      diff = compare_matrix(function, name, *m, std::get<Mat>(g), tol);
    } else if (const auto* v = std::get_if<IVec>(&want)) {
      diff = compare_labels(function, name, *v, std::get<IVec>(g));
    } else if (const auto* i = std::get_if<std::int64_t>(&want)) {
      if (*i != std::get<std::int64_t>(g)) {
        diff = subject(function, name) + ": expected " + std::to_string(*i) + ", got " +
               std::to_string(std::get<std::int64_t>(g));
      }
    } else if (const auto* d = std::get_if<double>(&want)) {
      if (wrong_at(*d, std::get<double>(g), tol)) {
        diff = subject(function, name) + ": expected " + num(*d) + ", got " +
               num(std::get<double>(g)) + " (" + tolerance(tol) + ")";
      }
    } else if (std::get<std::string>(want) != std::get<std::string>(g)) {
      diff = subject(function, name) + ": expected '" + std::get<std::string>(want) + "', got '" +
             clipped(std::get<std::string>(g)) + "'";
    }
    if (diff) return Difference{name, *diff, ""};
  }
  return std::nullopt;
}

std::string diagnose(const std::string& output, const wire::Value& expected, const wire::Value& got,
                     const CompareSpec& tol, const Clues& clues) {
  if (clues.explain) {
    if (std::string s = clues.explain(output, expected, got); !s.empty()) return s;
  }
  if (expected.index() != got.index()) return "";
  const Wording w{output, "the expected value"};
  if (const auto* e = std::get_if<Mat>(&expected)) {
    const Mat& g = std::get<Mat>(got);
    if (e->rows() != g.rows() || e->cols() != g.cols()) return shape_cause(*e, g, w, tol);
    return value_cause(*e, g, w, tol, clues);
  }
  if (const auto* e = std::get_if<double>(&expected)) {
    Clues scalar = clues;
    // a real's term is a real: the same arithmetic on 1 x 1 matrices
    if (auto it = clues.regularization.find(output); it != clues.regularization.end()) {
      if (const auto* t = std::get_if<double>(&it->second.value)) {
        scalar.regularization[output] = Clues::Term{as_matrix(*t), it->second.text};
      }
    }
    return value_cause(as_matrix(*e), as_matrix(std::get<double>(got)), w, tol, scalar);
  }
  if (const auto* e = std::get_if<IVec>(&expected)) {
    return labels_cause(output, *e, std::get<IVec>(got), clues);
  }
  return "";
}

std::optional<std::string> compare_outputs(const wire::Bundle& expected, const wire::Bundle& got,
                                           const CompareSpec& tol, const Clues& clues) {
  std::optional<Difference> d = find_difference(expected, got, tol, clues.function);
  if (!d) return std::nullopt;
  if (got.has(d->output)) {
    d->cause = diagnose(d->output, expected.at(d->output), got.at(d->output), tol, clues);
  }
  return d->message();
}

std::string regularization_cause(const std::string& output, const wire::Value& expected,
                                 const wire::Value& got, const Clues::Term& term) {
  const Wording w{output, "the expected value"};
  const auto* e = std::get_if<Mat>(&expected);
  const auto* g = std::get_if<Mat>(&got);
  if (e && g && e->rows() == g->rows() && e->cols() == g->cols() && e->allFinite() &&
      g->allFinite()) {
    return term_cause(*e, *g, term, w);
  }
  const auto* ev = std::get_if<double>(&expected);
  const auto* gv = std::get_if<double>(&got);
  const auto* tv = std::get_if<double>(&term.value);
  if (ev && gv && tv && std::isfinite(*ev) && std::isfinite(*gv)) {
    return term_cause(as_matrix(*ev), as_matrix(*gv), Clues::Term{as_matrix(*tv), term.text}, w);
  }
  return "";
}

std::string diagnose_gradient(const std::string& gradient, const std::vector<double>& numerical,
                              const std::vector<double>& analytic, const Clues& clues) {
  if (numerical.empty() || numerical.size() != analytic.size()) return "";
  const auto n = static_cast<Index>(numerical.size());
  const Mat e = Eigen::Map<const Mat>(numerical.data(), 1, n);
  const Mat g = Eigen::Map<const Mat>(analytic.data(), 1, n);
  const Wording w{gradient, "the numerical gradient of your own loss", false, true, 1e-4};
  // agreement as the check has it, roughly: the tolerance only decides which directions are wrong
  const double scale = std::max(e.cwiseAbs().maxCoeff(), g.cwiseAbs().maxCoeff());
  const CompareSpec tol{1e-6, 1e-8 * std::max(1.0, scale)};
  return value_cause(e, g, w, tol, clues);
}

}  // namespace pg::grader
