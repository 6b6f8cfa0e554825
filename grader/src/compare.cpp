// Elementwise comparison with the worst element reported (NaN and inf count as wrong unless
// equal), and the diagnosis of a wrong value's shape. Pure functions of the values and the clues.
// Not scoring: a difference here becomes a "failed" verdict in grade.cpp.
#include "compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

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
  return fmt::format("allowed |got - expected| <= {} + {} * |expected|", num(tol.atol),
                     num(tol.rtol));
}

// four significant digits: for factors and offsets in words
std::string short_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string shape(Index rows, Index cols) { return fmt::format("({}, {})", rows, cols); }

// "your F returned dW" or, without a function, "dW"
std::string subject(const std::string& function, const std::string& name) {
  return function.empty() ? name : fmt::format("your {} returned {}", function, name);
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
    return fmt::format("{} {} {}, expected {}", subject(function, name),
                       function.empty() ? "has shape" : "with shape", shape(got.rows(), got.cols()),
                       shape(want.rows(), want.cols()));
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
  return fmt::format(
      "{} {}: {} of {} values are wrong; the worst is at {}: expected {}, got {} (error {}; {})",
      subject(function, name), shape(want.rows(), want.cols()), bad, want.size(), shape(r, c),
      num(e), num(g), num(std::abs(g - e)), tolerance(tol));
}

std::optional<std::string> compare_labels(const std::string& function, const std::string& name,
                                          const IVec& want, const IVec& got) {
  if (want.size() != got.size()) {
    return fmt::format("{} {} {} entries, expected {}", subject(function, name),
                       function.empty() ? "has" : "with", got.size(), want.size());
  }
  Index first = -1, bad = 0;
  for (Index i = 0; i < want.size(); ++i) {
    if (want(i) != got(i)) {
      ++bad;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return std::nullopt;
  return fmt::format("{} ({}): {} of {} differ; the first at [{}]: expected {}, got {}",
                     subject(function, name), want.size(), bad, want.size(), first, want(first),
                     got(first));
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
  if (shown < groups.size()) out += fmt::format(" and {} more", groups.size() - shown);
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
  const auto near = [&](double a, double b) { return grader::near(a, b, 10 * w.fit); };
  if (near(k, 1.0) || k == 0) return "";
  if (near(k, -1.0)) {
    return fmt::format(
        "{}{}{} with its sign flipped{} (-1 ×): a + where a - belongs, or the other way round?",
        you, is(you), w.expected, all);
  }
  if (n > 1 && near(k, static_cast<double>(n))) {
    return fmt::format("{}{}N = {} times {}{}: is a 1/N missing?", you, is(you), n, w.expected,
                       all);
  }
  if (n > 1 && near(k, 1.0 / static_cast<double>(n))) {
    return fmt::format(
        "{}{}1/N = 1/{} of {}{}: divided by N once too often, or a mean where a sum belongs?", you,
        is(you), n, w.expected, all);
  }
  if (n > 1 && near(k, -static_cast<double>(n))) {
    return fmt::format("{}{}-N = -{} times {}{}: a flipped sign, and is a 1/N missing?", you,
                       is(you), n, w.expected, all);
  }
  if (!any && !near(k, 2.0) && !near(k, 0.5)) return "";
  return fmt::format("{}{}exactly {} × {}{}", you, is(you), short_num(k), w.expected, all);
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
  return fmt::format("got {}: {}", fmt::join(kinds, " and "),
                     clues.nonfinite.empty() ? generic_nonfinite() : clues.nonfinite);
}

// A wrong shape: transposed, or a row or a column too many or too few.
std::string shape_cause(const Mat& e, const Mat& g, const Wording& w, const CompareSpec& tol) {
  const std::string you = "your " + w.name;
  if (e.size() == 0 || g.size() == 0) return "";
  if (g.rows() == e.cols() && g.cols() == e.rows()) {
    if (nearly_equal(g, Mat(e.transpose()))) {
      return fmt::format("{}{}the transpose of {} {}: rows and columns swapped", you, is(you),
                         w.expected, shape(e.rows(), e.cols()));
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
    std::string s = fmt::format("{}{}one {} {} ({} instead of {})", you, has(you), what,
                                d > 0 ? "too many" : "too few", mine, want);
    const Index common = std::min(mine, want);
    const bool rows = std::string(what) == "row";
    if (common > 0 && right_part(rows ? common : e.rows(), rows ? e.cols() : common)) {
      s += fmt::format("; the first {} {}s are right", common, what);
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
      return fmt::format(
          "your {}{} the regularization term {}, which the gradient of your own loss has", w.name,
          verb(w.name, " lacks", " lack"), term.text);
    }
    return fmt::format(
        "your {}{} from {} by exactly {} × {}: the regularization terms of your loss and of your "
        "{} disagree (loss += reg·ΣW² goes with dW += 2·reg·W)",
        w.name, verb(w.name, " differs", " differ"), w.expected, short_num(*c), term.text, w.name);
  }
  if (std::abs(k) < 10 * w.fit) {
    return fmt::format("your {}{} the regularization term {}", w.name,
                       verb(w.name, " lacks", " lack"), term.text);
  }
  return fmt::format("the regularization term of your {} is {} × {}, not {}", w.name, short_num(k),
                     term.text, term.text);
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
      return fmt::format(
          "{}{}right in {} and wrong from entry {} on", you, is(you),
          first == 1 ? std::string("entry 0") : fmt::format("entries 0–{}", first - 1), first);
    }
    if (2 * static_cast<Index>(wrong.size()) <= n) {
      return fmt::format("{}{}wrong only in entries {} (of {})", you, is(you), listed(wrong), n);
    }
    return "";
  }
  // a few whole rows, a few whole columns, or one block wrong, the rest right: at most half of
  // the rows (columns) wrong, and the wrong values filling at least half of them
  const auto n_rows = static_cast<Index>(rows.size()), n_cols = static_cast<Index>(cols.size());
  const bool few_rows = 2 * n_rows <= e.rows() && 2 * bad >= n_rows * e.cols();
  const bool few_cols = 2 * n_cols <= e.cols() && 2 * bad >= n_cols * e.rows();
  if (few_rows && !few_cols) {
    return fmt::format("{}{}wrong only in rows {} (of {}), right in the others", you, is(you),
                       listed(rows), e.rows());
  }
  if (few_cols && !few_rows) {
    return fmt::format("{}{}wrong only in columns {} (of {}), right in the others", you, is(you),
                       listed(cols), e.cols());
  }
  if (n_rows >= 2 && n_cols >= 2 && n_rows < e.rows() && n_cols < e.cols() &&
      bad == n_rows * n_cols) {
    return fmt::format("{}{}wrong only in rows {} and columns {}, right everywhere else", you,
                       is(you), listed(rows), listed(cols));
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
        if (!s.empty()) {
          return fmt::format("leaving out the regularization term {}, {}", it->second.text, s);
        }
      }
    }
  }
  const double scale = std::max(e.cwiseAbs().maxCoeff(), g.cwiseAbs().maxCoeff());
  if (g.isZero(0) && e.cwiseAbs().maxCoeff() > tol.atol) {
    return fmt::format("{}{}0{}: never computed, or overwritten with zeros?", you, is(you),
                       many ? " everywhere" : "");
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
      return fmt::format("{}{}exactly {} {} than {}{}: a constant term {}?", you, is(you),
                         short_num(std::abs(c)), c > 0 ? "more" : "less", w.expected,
                         many ? " everywhere" : "", c > 0 ? "too many" : "missing");
    }
  }
  if (many) {
    const bool squares_differ = ((e.array().abs() - 1).abs() > 1e-9 && e.array() != 0).any();
    if (squares_differ && nearly_equal(g, Mat(e.array().square()))) {
      return fmt::format("{}{}the square of {} everywhere: a square root missing?", you, is(you),
                         w.expected);
    }
    if ((e.array() >= 0).all() && squares_differ && nearly_equal(g, Mat(e.array().sqrt()))) {
      return fmt::format("{}{}the square root of {} everywhere: a square root too many?", you,
                         is(you), w.expected);
    }
    if ((e.array() < -1e-9 * scale).any() && nearly_equal(g, Mat(e.cwiseAbs()))) {
      return fmt::format(
          "{}{}the absolute value of {} everywhere: the sign is lost (an abs or a square "
          "too many?)",
          you, is(you), w.expected);
    }
  }
  if (w.grid && e.rows() == e.cols() && e.rows() > 1 && nearly_equal(g, Mat(e.transpose())) &&
      !nearly_equal(e, Mat(e.transpose()))) {
    return fmt::format("{}{}the transpose of {}: rows and columns swapped?", you, is(you),
                       w.expected);
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
    return fmt::format(
        "{}{}right wherever {} is not 0, and not 0 at the {} places where 0 is expected: is "
        "something that should be zeroed there (a mask, a max(0, ·)) left out?",
        you, is(you), w.expected, bad);
  }
  if (many && bad > 1 && zero_given == bad) {
    return fmt::format("{}{}0 at each of the {} wrong places: are those entries never filled in?",
                       you, is(you), bad);
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
    return fmt::format("{}{}one entry too {}: an off-by-one in a loop bound or a size?", you,
                       has(you), d > 0 ? "many" : "few");
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
  return fmt::format("{}{}wrong only where the reference broke a tie (all {} wrong entries): {}",
                     you, is(you), wrong, list);
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
                            ? fmt::format("the output '{}' is missing", name)
                            : fmt::format("your {} returned no output '{}'", function, name),
                        ""};
    }
    const wire::Value& g = got.at(name);
    if (g.index() != want.index()) {
      return Difference{
          name,
          fmt::format("{} {} {}, expected {}", subject(function, name),
                      function.empty() ? "is" : "as", wire::describe(g), wire::describe(want)),
          ""};
    }
    std::optional<std::string> diff;
    if (const auto* m = std::get_if<Mat>(&want)) {
      diff = compare_matrix(function, name, *m, std::get<Mat>(g), tol);
    } else if (const auto* v = std::get_if<IVec>(&want)) {
      diff = compare_labels(function, name, *v, std::get<IVec>(g));
    } else if (const auto* i = std::get_if<std::int64_t>(&want)) {
      if (*i != std::get<std::int64_t>(g)) {
        diff = fmt::format("{}: expected {}, got {}", subject(function, name), *i,
                           std::get<std::int64_t>(g));
      }
    } else if (const auto* d = std::get_if<double>(&want)) {
      if (wrong_at(*d, std::get<double>(g), tol)) {
        diff = fmt::format("{}: expected {}, got {} ({})", subject(function, name), num(*d),
                           num(std::get<double>(g)), tolerance(tol));
      }
    } else if (std::get<std::string>(want) != std::get<std::string>(g)) {
      diff = fmt::format("{}: expected '{}', got '{}'", subject(function, name),
                         std::get<std::string>(want), clipped(std::get<std::string>(g)));
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
