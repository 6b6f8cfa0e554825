// YAML rubric → Rubric, validated key by key with positions in every message.
// Not the case definitions (cases/*.cpp): the loader asks the catalog what a case accepts.
#include "rubric.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "cases.hpp"

namespace pg::grader {

namespace {

// a hint is a sentence or two under a failing test, not a handout
constexpr std::size_t kMaxHint = 500;

class Parser {
 public:
  Parser(std::string path, const CaseCatalog& catalog) : path_(std::move(path)), catalog_(catalog) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
    const YAML::Mark m = at.Mark();
    if (m.is_null()) throw RubricError(fmt::format("{}: {}", path_, what));
    throw RubricError(fmt::format("{}:{}:{}: {}", path_, m.line + 1, m.column + 1, what));
  }

  // A mapping whose keys are all in `allowed`, none twice.
  void check_map(const YAML::Node& node, const std::set<std::string>& allowed,
                 const std::string& what) const {
    if (!node.IsMap()) fail(node, what + " must be a mapping (key: value lines)");
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        fail(kv.first, fmt::format("duplicate key '{}' in {}", key, what));
      }
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(kv.first, fmt::format("unknown key '{}' in {}; expected one of: {}", key, what, list));
      }
    }
  }

  template <class T>
  T scalar(const YAML::Node& node, const std::string& what, const char* type) const {
    if (!node.IsScalar()) fail(node, fmt::format("{} must be {}", what, type));
    try {
      return node.as<T>();
    } catch (const YAML::Exception&) {
      fail(node, fmt::format("{} must be {}, found '{}'", what, type, node.Scalar()));
    }
  }

  double positive(const YAML::Node& node, const std::string& what) const {
    double v = scalar<double>(node, what, "a number");
    if (!(v > 0) || !std::isfinite(v)) {
      fail(node, fmt::format("{} must be positive, found {}", what, node.Scalar()));
    }
    return v;
  }

  long whole(const YAML::Node& node, const std::string& what) const {
    auto v = scalar<std::int64_t>(node, what, "a whole number");
    if (v < 1) fail(node, fmt::format("{} must be at least 1, found {}", what, node.Scalar()));
    return static_cast<long>(v);
  }

  Limits limits(const YAML::Node& node, Limits base, const std::string& what) const {
    check_map(node, {"wall_s", "cpu_s", "memory_mb", "output_kb", "file_mb", "max_procs"}, what);
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const std::string label = what + "." + key;
      if (key == "wall_s") base.wall_s = positive(kv.second, label);
      if (key == "cpu_s") base.cpu_s = positive(kv.second, label);
      if (key == "memory_mb") base.memory_mb = whole(kv.second, label);
      if (key == "output_kb") base.output_kb = whole(kv.second, label);
      if (key == "file_mb") base.file_mb = whole(kv.second, label);
      if (key == "max_procs") base.max_procs = whole(kv.second, label);
    }
    return base;
  }

  ArgValue arg(const YAML::Node& node, const ArgValue& like, const std::string& what) const {
    return std::visit(
        [&](const auto& d) -> ArgValue {
          using T = std::decay_t<decltype(d)>;
          if constexpr (std::is_same_v<T, std::int64_t>) {
            return scalar<std::int64_t>(node, what, "a whole number");
          } else if constexpr (std::is_same_v<T, double>) {
            return scalar<double>(node, what, "a number");
          } else if constexpr (std::is_same_v<T, bool>) {
            return scalar<bool>(node, what, "true or false");
          } else if constexpr (std::is_same_v<T, std::string>) {
            return scalar<std::string>(node, what, "text");
          } else {
            if (!node.IsSequence()) fail(node, what + " must be a list of whole numbers");
            std::vector<std::int64_t> v;
            for (const auto& item : node) {
              v.push_back(scalar<std::int64_t>(item, what + " item", "a whole number"));
            }
            return v;
          }
        },
        like);
  }

  TestSpec test(const YAML::Node& node, const Rubric& r) const {
    check_map(node, {"name", "case", "args", "seed", "points", "compare", "timing", "gradcheck",
                     "threshold", "limits", "visibility", "builds_on", "hint", "extra_credit"},
              "a test");
    TestSpec t;
    t.line = node.Mark().line + 1;
    if (!node["name"]) fail(node, "a test needs a name");
    t.name = scalar<std::string>(node["name"], "name", "text");
    const std::string ctx = fmt::format("test '{}'", t.name);
    if (!node["case"]) fail(node, ctx + " needs a case");
    if (!node["points"]) fail(node, ctx + " needs points");
    t.case_name = scalar<std::string>(node["case"], "case", "text");
    const CaseDef* def = catalog_.find(t.case_name);
    if (!def) {
      std::string known;
      for (const auto& n : catalog_.names()) {
        if (n.starts_with(r.assignment + ".")) known += (known.empty() ? "" : ", ") + n;
      }
      fail(node["case"], fmt::format("unknown case '{}' in {}; the cases of {} are: {}",
                                     t.case_name, ctx, r.assignment, known));
    }
    for (const auto& [name, a] : def->args) t.args[name] = a.default_value;
    if (node["args"]) {
      std::set<std::string> allowed;
      for (const auto& [name, a] : def->args) allowed.insert(name);
      check_map(node["args"], allowed, fmt::format("args of {} (case {})", ctx, t.case_name));
      for (const auto& kv : node["args"]) {
        const std::string key = kv.first.Scalar();
        t.args[key] =
            arg(kv.second, def->args.at(key).default_value, fmt::format("{} args.{}", ctx, key));
      }
    }
    if (node["seed"]) t.seed = scalar<std::uint64_t>(node["seed"], ctx + " seed", "a whole number");
    t.points = positive(node["points"], ctx + " points");
    if (node["compare"]) {
      check_map(node["compare"], {"rtol", "atol"}, ctx + " compare");
      if (node["compare"]["rtol"]) {
        t.compare.rtol = scalar<double>(node["compare"]["rtol"], ctx + " rtol", "a number");
      }
      if (node["compare"]["atol"]) {
        t.compare.atol = scalar<double>(node["compare"]["atol"], ctx + " atol", "a number");
      }
      if (!(t.compare.rtol >= 0) || !(t.compare.atol >= 0) || !std::isfinite(t.compare.rtol) ||
          !std::isfinite(t.compare.atol)) {
        fail(node["compare"], ctx + " tolerances must be finite numbers >= 0");
      }
    }
    if (node["timing"]) {
      check_map(node["timing"], {"max_ratio_to_reference", "repeats"}, ctx + " timing");
      TimingSpec ts;
      if (node["timing"]["max_ratio_to_reference"]) {
        ts.max_ratio_to_reference =
            positive(node["timing"]["max_ratio_to_reference"], ctx + " max_ratio_to_reference");
      }
      if (node["timing"]["repeats"]) {
        ts.repeats = static_cast<int>(whole(node["timing"]["repeats"], ctx + " repeats"));
      }
      t.timing = ts;
    }
    if (node["gradcheck"]) t.gradcheck = gradcheck(node["gradcheck"], *def, ctx);
    if (node["threshold"]) {
      const YAML::Node th = node["threshold"];
      check_map(th, {"output", "min", "max"}, ctx + " threshold");
      if (!th["output"] || (!th["min"] && !th["max"])) {
        fail(th, ctx + " threshold needs an output and a min or a max");
      }
      ThresholdSpec spec;
      spec.output = scalar<std::string>(th["output"], ctx + " threshold.output", "an output name");
      if (th["min"]) spec.min = scalar<double>(th["min"], ctx + " threshold.min", "a number");
      if (th["max"]) spec.max = scalar<double>(th["max"], ctx + " threshold.max", "a number");
      t.threshold = spec;
    }
    if (t.gradcheck && (t.timing || t.threshold)) {
      fail(node["gradcheck"], ctx + " is a gradcheck; it cannot also have timing or threshold");
    }
    if (t.threshold && t.timing) {
      fail(node["timing"], ctx + " has a threshold; it cannot also be timed");
    }
    t.limits = node["limits"] ? limits(node["limits"], r.limits, ctx + " limits") : r.limits;
    if (node["visibility"]) {
      std::string v = scalar<std::string>(node["visibility"], ctx + " visibility", "text");
      if (auto parsed = parse_visibility(v)) t.visibility = *parsed;
      else
        fail(node["visibility"], fmt::format("{} visibility must be visible, hidden, "
                                             "after_due_date or after_published, found '{}'",
                                             ctx, v));
    }
    if (node["builds_on"]) {
      const YAML::Node b = node["builds_on"];
      if (!b.IsSequence()) fail(b, ctx + " builds_on must be a list of names of tests above it");
      for (const auto& item : b) {
        t.builds_on.push_back(scalar<std::string>(item, ctx + " builds_on item", "a test name"));
      }
    }
    if (node["extra_credit"]) {
      t.extra_credit = scalar<bool>(node["extra_credit"], ctx + " extra_credit", "true or false");
    }
    if (node["hint"]) {
      t.hint = scalar<std::string>(node["hint"], ctx + " hint", "text");
      if (t.hint.find_first_not_of(" \t\n") == std::string::npos) {
        fail(node["hint"], ctx + " hint must not be empty");
      }
      if (t.hint.size() > kMaxHint) {
        fail(node["hint"], fmt::format("{} hint is {} bytes long; at most {} are shown", ctx,
                                       t.hint.size(), kMaxHint));
      }
    }
    return t;
  }

  GradCheckSpec gradcheck(const YAML::Node& node, const CaseDef& def, const std::string& ctx) const {
    const std::string what = ctx + " gradcheck";
    check_map(node, {"wrt", "mode", "samples", "step", "max_rel_error"}, what);
    GradCheckSpec g;
    if (node["wrt"]) g.wrt = scalar<std::string>(node["wrt"], what + ".wrt", "an input name");
    if (!def.gradients.count(g.wrt)) {
      std::string known;
      for (const auto& [name, outputs] : def.gradients) known += (known.empty() ? "" : ", ") + name;
      fail(node["wrt"] ? node["wrt"] : node,
           fmt::format("{}: case {} has no gradient with respect to '{}'{}", what, def.name, g.wrt,
                       known.empty()
                           ? std::string(" (it has no gradient outputs)")
                           : fmt::format("; it has gradients with respect to: {}", known)));
    }
    if (node["mode"]) {
      const std::string m = scalar<std::string>(node["mode"], what + ".mode", "text");
      if (m == "full") g.mode = GradCheckSpec::Mode::full;
      else if (m == "sparse") g.mode = GradCheckSpec::Mode::sparse;
      else if (m == "projection") g.mode = GradCheckSpec::Mode::projection;
      else
        fail(node["mode"],
             fmt::format("{}.mode must be full, sparse or projection, found '{}'", what, m));
    }
    if (node["samples"]) g.samples = static_cast<int>(whole(node["samples"], what + ".samples"));
    if (node["step"]) g.step = positive(node["step"], what + ".step");
    if (node["max_rel_error"]) {
      g.max_rel_error = positive(node["max_rel_error"], what + ".max_rel_error");
    }
    return g;
  }

  // the top-level `gradescope:` mapping: results.json's own visibility settings
  GradescopeSpec gradescope(const YAML::Node& node) const {
    check_map(node, {"visibility", "stdout_visibility"}, "gradescope");
    GradescopeSpec g;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const std::string what = fmt::format("gradescope.{}", key);
      const std::string v = scalar<std::string>(kv.second, what, "text");
      const std::optional<Visibility> parsed = parse_visibility(v);
      if (!parsed) {
        fail(kv.second, fmt::format("{} must be one of hidden, after_due_date, after_published, "
                                    "visible; found '{}'",
                                    what, v));
      }
      (key == "visibility" ? g.visibility : g.stdout_visibility) = *parsed;
    }
    return g;
  }

  Rubric rubric(const YAML::Node& root) const {
    check_map(root,
              {"assignment", "title", "submission", "limits", "build", "tests", "gradescope",
               "hidden"},
              "the rubric");
    for (const char* key : {"assignment", "submission", "tests"}) {
      if (!root[key]) fail(root, fmt::format("the rubric needs '{}'", key));
    }
    Rubric r;
    r.path = path_;
    r.assignment = scalar<std::string>(root["assignment"], "assignment", "text");
    r.title = root["title"] ? scalar<std::string>(root["title"], "title", "text") : r.assignment;
    check_map(root["submission"], {"files"}, "submission");
    const YAML::Node files = root["submission"]["files"];
    if (!files || !files.IsSequence() || files.size() == 0) {
      fail(root["submission"], "submission.files must list at least one file");
    }
    for (const auto& f : files) {
      std::string name = scalar<std::string>(f, "submission.files item", "a file name");
      // "conv.cpp" of this assignment, or "backprop/layers.cpp" of an earlier one
      const auto slash = name.find('/');
      const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
      const std::string folder = slash == std::string::npos ? "" : name.substr(0, slash);
      const auto plain = [](const std::string& s) {
        return !s.empty() && !s.starts_with(".") && s.find('/') == std::string::npos;
      };
      if (!plain(base) || (slash != std::string::npos && !plain(folder))) {
        fail(f, fmt::format("submission file '{}' must be a file name ('layers.cpp'), or an "
                            "assignment's folder and a file name ('backprop/layers.cpp')",
                            name));
      }
      if (!folder.empty()) {
        std::set<std::string> assignments;  // the assignments the grader has cases of
        for (const auto& n : catalog_.names()) assignments.insert(n.substr(0, n.find('.')));
        if (folder == r.assignment) {
          fail(f, fmt::format("submission file '{}' is this assignment's own: name it '{}'", name,
                              base));
        }
        if (!assignments.contains(folder)) {
          std::string known;
          for (const auto& a : assignments) known += (known.empty() ? "" : ", ") + a;
          fail(f, fmt::format("submission file '{}' names a folder that is not an assignment "
                              "(the assignments are {})",
                              name, known));
        }
      }
      for (const auto& other : r.files) {
        if (submission_file_name(other) == base) {
          fail(f, fmt::format("submission files '{}' and '{}' have the same name: a submission "
                              "is one folder, so every file needs a name of its own",
                              other, name));
        }
      }
      r.files.push_back(name);
    }
    r.build.wall_s = 60;
    r.build.memory_mb = 2048;
    r.build.output_kb = 64;
    r.build.file_mb = 64;
    if (root["limits"]) r.limits = limits(root["limits"], r.limits, "limits");
    if (root["build"]) r.build = limits(root["build"], r.build, "build");
    if (root["gradescope"]) r.gradescope = gradescope(root["gradescope"]);
    if (root["hidden"]) {
      // written by `pixelgrad release`: the hidden tests it left out of a public rubric
      check_map(root["hidden"], {"tests", "points"}, "hidden");
      for (const char* key : {"tests", "points"}) {
        if (!root["hidden"][key]) fail(root["hidden"], fmt::format("hidden needs '{}'", key));
      }
      const auto count = scalar<std::int64_t>(root["hidden"]["tests"], "hidden.tests",
                                              "a whole number");
      const double worth = scalar<double>(root["hidden"]["points"], "hidden.points", "a number");
      if (count < 0 || worth < 0) {
        fail(root["hidden"], "hidden.tests and hidden.points cannot be negative");
      }
      r.hidden_tests = static_cast<int>(count);
      r.hidden_points = worth;
    }
    if (!root["tests"].IsSequence() || root["tests"].size() == 0) {
      fail(root["tests"], "tests must be a list with at least one test");
    }
    std::set<std::string> names;
    for (const auto& node : root["tests"]) {
      TestSpec t = test(node, r);
      for (std::size_t i = 0; i < t.builds_on.size(); ++i) {
        if (!names.count(t.builds_on[i])) {
          fail(node["builds_on"][i],
               fmt::format("test '{}' builds_on '{}', which is not the name of a test above it",
                           t.name, t.builds_on[i]));
        }
      }
      if (!names.insert(t.name).second) {
        fail(node["name"], fmt::format("duplicate test name '{}'", t.name));
      }
      if (!t.case_name.starts_with(r.assignment + ".")) {
        fail(node["case"], fmt::format("case '{}' belongs to another assignment than '{}'",
                                       t.case_name, r.assignment));
      }
      r.tests.push_back(std::move(t));
    }
    return r;
  }

 private:
  std::string path_;
  const CaseCatalog& catalog_;
};

// Line `index` of `text` (from 0), or "" past its end.
std::string line_of(const std::string& text, int index) {
  std::istringstream in(text);
  std::string line;
  for (int i = 0; std::getline(in, line); ++i) {
    if (i == index) return line;
  }
  return "";
}

// The message for YAML that does not parse, "path:line:column: not valid YAML: what". yaml-cpp
// calls a tab in the indentation "end of map not found", "illegal map value" and more, at the
// tab's line: that line's indentation (with the dashes of list items) is looked at for one.
std::string yaml_error(const std::string& text, const std::string& path, const YAML::Mark& mark,
                       const std::string& what) {
  const std::string line = line_of(text, mark.line);
  std::size_t end = 0;  // where the indentation ends
  while (end < line.size() && (line[end] == ' ' || line[end] == '\t' ||
                               (line[end] == '-' && end + 1 < line.size() &&
                                (line[end + 1] == ' ' || line[end + 1] == '\t')))) {
    ++end;
  }
  const std::size_t tab = line.find('\t');
  if (tab < end) {
    return fmt::format(
        "{}:{}:{}: not valid YAML: tabs are not allowed in the indentation; indent with spaces",
        path, mark.line + 1, tab + 1);
  }
  return fmt::format("{}:{}:{}: not valid YAML: {}", path, mark.line + 1, mark.column + 1, what);
}

}  // namespace

const char* to_string(GradCheckSpec::Mode m) {
  switch (m) {
    case GradCheckSpec::Mode::full: return "full";
    case GradCheckSpec::Mode::sparse: return "sparse";
    case GradCheckSpec::Mode::projection: return "projection";
  }
  return "sparse";
}

const char* to_string(Visibility v) {
  switch (v) {
    case Visibility::visible: return "visible";
    case Visibility::hidden: return "hidden";
    case Visibility::after_due_date: return "after_due_date";
    case Visibility::after_published: return "after_published";
  }
  return "visible";
}

std::optional<Visibility> parse_visibility(std::string_view name) {
  for (Visibility v : {Visibility::hidden, Visibility::after_due_date, Visibility::after_published,
                       Visibility::visible}) {
    if (name == to_string(v)) return v;
  }
  return std::nullopt;
}

double Rubric::total_points() const {
  double sum = 0;
  for (const auto& t : tests) {
    if (!t.extra_credit) sum += t.points;
  }
  return sum;
}

Rubric parse_rubric(const std::string& yaml_text, const std::string& path,
                    const CaseCatalog& catalog) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw RubricError(yaml_error(yaml_text, path, e.mark, e.msg));
  }
  return Parser(path, catalog).rubric(root);
}

Rubric load_rubric(const std::string& path, const CaseCatalog& catalog) {
  std::ifstream in(path);
  if (!in) {
    throw RubricError(path + ": cannot read the rubric (does the file exist? pass --rubric FILE)");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_rubric(ss.str(), path, catalog);
}

std::string submission_file_name(const std::string& entry) {
  const auto slash = entry.rfind('/');
  return slash == std::string::npos ? entry : entry.substr(slash + 1);
}

std::string shown_submission_file(const std::string& shown_dir, const std::string& entry) {
  if (entry.find('/') == std::string::npos) return shown_dir + entry;
  if (shown_dir.empty()) return submission_file_name(entry);
  return (std::filesystem::path(shown_dir) / ".." / entry).lexically_normal().string();
}

std::string submission_file_assignment(const std::string& entry, const std::string& own) {
  const auto slash = entry.find('/');
  return slash == std::string::npos ? own : entry.substr(0, slash);
}

}  // namespace pg::grader
