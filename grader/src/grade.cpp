// The grading pipeline for one submission. Every stage that can fail because of the submission
// turns the failure into verdicts; only configuration problems throw (UsageError).
// Not the report formats (report.cpp) and not the sandbox mechanics (sandbox.cpp, session.cpp).
#include "grade.hpp"

#include <cxxabi.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <csignal>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>

#include <fmt/format.h>

#include "build.hpp"
#include "common/errors.hpp"
#include "common/gradcheck.hpp"
#include "compare.hpp"
#include "datasets/idx.hpp"
#include "sanitizer.hpp"
#include "session.hpp"
#include "submission.hpp"
#include "timing.hpp"

namespace pg::grader {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// the longest message a test gets (what a submission threw is cut to fit)
constexpr std::size_t kMaxMessage = 2000;

// The rubric's hint is for a wrong answer or a misbehaving run, not for a test that passed, is
// not written yet, did not build, or could not be graded.
bool shows_rubric_hint(Verdict v) {
  return v != Verdict::passed && v != Verdict::not_implemented && v != Verdict::compile_error &&
         v != Verdict::grader_error;
}

// A private folder for one grading, removed afterwards.
// Copies the kit to `to`, readable (and, where it was executable, runnable) by other users.
std::string stage_kit(const std::string& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive);
  const auto open = fs::perms::others_read | fs::perms::group_read;
  const auto run = fs::perms::others_exec | fs::perms::group_exec;
  fs::permissions(to, open | run, fs::perm_options::add);
  for (const auto& e : fs::recursive_directory_iterator(to)) {
    const bool runnable = e.is_directory() ||
                          (e.status().permissions() & fs::perms::owner_exec) != fs::perms::none;
    fs::permissions(e.path(), runnable ? open | run : open, fs::perm_options::add);
  }
  return to.string();
}

// The first folder on the way to `path` that other users cannot search (or `path` itself when
// they cannot read it), or "" when a sandbox uid can reach it. As root the runners and the
// compiler run under a uid of their own, which sees the kit only through those permissions.
std::string closed_to_others(const fs::path& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  if (ec) return "";
  fs::path walked = p.root_path();
  for (const auto& part : p.relative_path()) {
    walked /= part;
    struct stat st {};
    if (::stat(walked.c_str(), &st) != 0) return "";  // missing: reported elsewhere
    const bool dir = S_ISDIR(st.st_mode);
    if (dir && !(st.st_mode & S_IXOTH)) return walked.string();
    if (!dir && walked == p && !(st.st_mode & S_IROTH)) return walked.string();
  }
  return "";
}

class WorkDir {
 public:
  WorkDir() {
    std::string tmpl = (fs::temp_directory_path() / "pixelgrad-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a work folder in /tmp");
    path_ = tmpl;
    // the sandbox's uid must reach the folders mounted from here
    ::chmod(path_.c_str(), 0755);
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string demangle(const std::string& name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> d(abi::__cxa_demangle(name.c_str(), nullptr, nullptr,
                                                               &status),
                                           std::free);
  return status == 0 && d ? std::string(d.get()) : name;
}

// The first n lines of `text`, then "[...]" on a line of its own when more follow.
std::string first_lines(const std::string& text, int n) {
  std::size_t end = 0;
  for (int i = 0; i < n; ++i) {
    end = text.find('\n', end);
    if (end == std::string::npos) return text;
    ++end;
  }
  return end >= text.size() ? text : text.substr(0, end) + "[...]";
}

SandboxConfig runner_config(const std::string& runner, const Limits& limits) {
  SandboxConfig c;
  c.argv = {"/runner/runner"};
  c.mounts = {{runner, "/runner/runner", false}};
  c.workdir = "/tmp";
  c.limits = limits;
  return c;
}

// A test's inputs; a missing data set or an argument the case refuses is a configuration error.
wire::Bundle make_test_inputs(const Rubric& rubric, const TestSpec& t, const CaseDef& def,
                              std::uint64_t seed, DataSource& data) {
  try {
    return def.make_inputs(t.args, seed, data);
  } catch (const DatasetError& e) {
    throw UsageError(std::string(e.what()));
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("{}:{}: test '{}': {}", rubric.path, t.line, t.name, e.what()));
  }
}

// The inputs a runner gets: all but the case's private ones.
wire::Bundle sendable(const CaseDef& def, const wire::Bundle& all) {
  wire::Bundle out;
  for (const auto& [name, value] : all.entries()) {
    if (std::find(def.private_inputs.begin(), def.private_inputs.end(), name) ==
        def.private_inputs.end()) {
      out.put(name, value);
    }
  }
  return out;
}

// Adds the outputs the grader computes itself (CaseDef::derive) to a runner's outputs.
wire::Bundle with_derived(const CaseDef& def, const wire::Bundle& all_inputs, wire::Bundle outputs) {
  if (def.derive) def.derive(all_inputs, outputs);
  return outputs;
}

// The L2 strength of these inputs (0 when the case has none).
double reg_of(const CaseDef& def, const wire::Bundle& inputs) {
  if (def.reg_input.empty() || !inputs.has(def.reg_input)) return 0;
  const auto* reg = std::get_if<double>(&inputs.at(def.reg_input));
  return reg ? *reg : 0;
}

// What the diagnosis of a difference may know (compare.hpp): the function, N, the L2 terms the
// expected outputs hold, the ties, and the case's own explanation bound to these inputs and
// outputs (when both are given; they must outlive the clues).
Clues clues_for(const CaseDef& def, const wire::Bundle& inputs, const wire::Bundle* expected,
                const wire::Bundle* got) {
  Clues c;
  c.function = def.function;
  if (!def.examples_input.empty() && inputs.has(def.examples_input)) {
    if (const auto* m = std::get_if<Mat>(&inputs.at(def.examples_input))) c.examples = m->rows();
  }
  c.nonfinite = def.nonfinite;
  if (def.ties) c.ties = def.ties(inputs);
  if (const double reg = reg_of(def, inputs); reg > 0) {
    double sum = 0;
    std::vector<std::string> names;
    std::string loss;
    for (const std::string& p : def.regularized) {
      if (!inputs.has(p) || !std::holds_alternative<Mat>(inputs.at(p))) continue;
      const Mat& w = inputs.mat(p);
      sum += w.squaredNorm();
      names.push_back(p);
      if (auto g = def.gradients.find(p); g != def.gradients.end()) {
        c.regularization[g->second.gradient] = {Mat(2 * reg * w), "2·reg·" + p};
        loss = g->second.loss;
      }
    }
    if (!loss.empty()) {
      std::string text = "reg·Σ" + names[0] + "²";
      if (names.size() > 1) {
        text = "reg·(";
        for (std::size_t i = 0; i < names.size(); ++i) {
          text += (i ? " + Σ" : "Σ") + names[i] + "²";
        }
        text += ")";
      }
      c.regularization[loss] = {reg * sum, text};
    }
  }
  if (def.explain && expected && got) {
    c.explain = [&def, &inputs, expected, got](const std::string& output, const wire::Value&,
                                               const wire::Value&) {
      return def.explain(inputs, output, *expected, *got);
    };
  }
  return c;
}

// The first difference between the outputs, with its likely cause; nullopt when none.
std::optional<Difference> difference(const CaseDef& def, const CompareSpec& tol,
                                     const wire::Bundle& inputs, const wire::Bundle& expected,
                                     const wire::Bundle& got) {
  std::optional<Difference> d = find_difference(expected, got, tol, def.function);
  if (d && got.has(d->output)) {
    d->cause = diagnose(d->output, expected.at(d->output), got.at(d->output), tol,
                        clues_for(def, inputs, &expected, &got));
  }
  return d;
}

// A message is shown whole in reports: cut at a character boundary after `max` bytes.
std::string capped(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return fmt::format("{} [cut: {} more bytes]", s.substr(0, end), s.size() - end);
}

// "your F is …" as the first sentence after a message
std::string sentence(const std::string& s) {
  if (s.empty()) return s;
  std::string c = s;
  if (c[0] >= 'a' && c[0] <= 'z') c[0] = static_cast<char>(c[0] - 'a' + 'A');
  return ". " + c;
}

TestResult result_for(const TestSpec& t, Verdict v) {
  TestResult r;
  r.name = t.name;
  r.case_name = t.case_name;
  r.verdict = v;
  r.max_score = t.points;
  r.extra_credit = t.extra_credit;
  r.visibility = t.visibility;
  return r;
}

// A verdict for an exchange that did not end in an answer.
void verdict_from_failure(const Exchange& ex, const Limits& limits, const CaseDef& def,
                          const std::string& assignment,
                          TestResult& r) {
  const std::string who = fmt::format("your {}", def.function);
  const ExitStatus& s = ex.exit;
  const long limit_kb = limits.memory_mb * 1024;
  // the peak memory counts only where a memory cgroup measured the whole sandbox
  const bool near_memory = s.max_rss_kb >= limit_kb * 9 / 10;
  const std::string peak = fmt::format("{} MiB", s.max_rss_kb / 1024);
  switch (ex.status) {
    case Exchange::Status::timeout:
      if (s.killed_for_memory || (s.memory_cgroup && near_memory)) {
        // still filling memory when the clock ran out (on a busy machine that takes longer)
        r.verdict = Verdict::memory_limit;
        r.message = fmt::format("{} used {}, at the memory limit of {} MiB, and had not finished "
                                "within {} s: look for a container that grows without end",
                                who, peak, limits.memory_mb, num(limits.wall_s));
        return;
      }
      r.verdict = Verdict::timeout;
      r.message = fmt::format("{} did not finish within the time limit of {} s", who,
                              num(limits.wall_s));
      if (s.cpu_s > 0) r.message += fmt::format(" (it used {:.1f} s of CPU time)", s.cpu_s);
      r.message += ": an endless loop, or far too slow for this input";
      return;
    case Exchange::Status::output_limit:
      r.verdict = Verdict::output_limit;
      r.message = fmt::format("{} printed more than {} KiB; remove debugging output from loops",
                              who, limits.output_kb);
      return;
    case Exchange::Status::bad_answer:
      r.verdict = Verdict::error;
      r.message = fmt::format("the runner's answer to your {} was garbled ({}); does your code "
                              "write to file descriptors it does not own?",
                              def.function, ex.detail);
      return;
    case Exchange::Status::answered:
    case Exchange::Status::died: break;
  }
  const double cpu_limit = limits.cpu_s > 0 ? limits.cpu_s : limits.wall_s + 1;
  if (!s.exited && (s.signal == SIGXCPU || (s.signal == SIGKILL && s.cpu_s >= cpu_limit - 0.05))) {
    r.verdict = Verdict::timeout;
    r.message = fmt::format("{} used more than the CPU time limit of {} s (an endless loop, or "
                            "far too slow for this input)",
                            who, num(cpu_limit));
  } else if (!s.exited && s.killed_for_memory) {
    r.verdict = Verdict::memory_limit;
    r.message = fmt::format("{} used more than the memory limit of {} MiB and was ended by the "
                            "kernel (what it holds in memory and the files it writes to /tmp "
                            "both count)",
                            who, limits.memory_mb);
  } else if (!s.exited && s.signal == SIGXFSZ) {
    r.verdict = Verdict::output_limit;
    r.message = fmt::format("{} wrote a file larger than {} MiB", who, limits.file_mb);
  } else if (!s.exited && near_memory) {
    r.verdict = Verdict::memory_limit;
    r.message = fmt::format("{} used {}, at the memory limit of {} MiB, and was ended by {} (an "
                            "allocation that failed and was used anyway)",
                            who, peak, limits.memory_mb, signal_name(s.signal));
  } else if (!s.exited) {
    r.verdict = Verdict::crashed;
    r.message = fmt::format("{} crashed with {}; look for an index out of range: `pixelgrad "
                            "check {} --debug` names the line where it happened",
                            who, signal_name(s.signal), assignment);
  } else {
    r.verdict = Verdict::crashed;
    r.message = fmt::format("the runner exited with status {} before your {} answered; does "
                            "your code call exit() or abort()?",
                            s.code, def.function);
  }
}

// A verdict for the runner's answer to a call; true if the outputs are there to compare.
bool verdict_from_answer(const wire::Message& reply, const CaseDef& def, TestResult& r) {
  const auto text = [&](const char* key) {
    return reply.fields.has(key) && std::holds_alternative<std::string>(reply.fields.at(key))
               ? reply.fields.text(key)
               : std::string();
  };
  if (reply.kind == "ok") return true;
  if (reply.kind == "not_implemented") {
    r.verdict = Verdict::not_implemented;
    // the function that threw, as pg::NotImplemented names it, when the case's label does not
    // name it already ("ConvNet trained by your solver: loss is not implemented yet")
    static const std::regex thrown("^([A-Za-z_][A-Za-z_0-9:]*) is not implemented yet");
    const std::string said = text("message");
    std::smatch m;
    std::string function = def.function;
    if (std::regex_search(said, m, thrown) && def.function.find(m[1].str()) == std::string::npos) {
      function = fmt::format("{}: {}", def.function, m[1].str());
    }
    r.message =
        fmt::format("{} is not implemented yet (it still throws pg::NotImplemented)", function);
  } else if (reply.kind == "memory_limit") {
    r.verdict = Verdict::memory_limit;
    r.message = fmt::format("your {} ran out of memory ({})", def.function, text("message"));
  } else if (reply.kind == "stack_overflow") {
    r.verdict = Verdict::crashed;
    const double kb = reply.fields.has("limit_kb") &&
                              std::holds_alternative<double>(reply.fields.at("limit_kb"))
                          ? reply.fields.real("limit_kb")
                          : 0;
    r.message = fmt::format("stack overflow: your {} overflowed the stack{} and crashed with "
                            "SIGSEGV: a recursion that never ends or goes too deep, or a very "
                            "large array declared inside a function (use a std::vector or an "
                            "Eigen matrix instead)",
                            def.function, kb > 0 ? fmt::format(" ({} MiB)", num(kb / 1024)) : "");
  } else if (reply.kind == "error") {
    r.verdict = Verdict::error;
    r.message =
        fmt::format("your {} threw {}: {}", def.function, demangle(text("type")), text("message"));
  } else {
    r.verdict = Verdict::error;
    r.message = fmt::format("the runner answered '{}' for your {}, which the grader does not know",
                            reply.kind, def.function);
  }
  return false;
}

// Adds the wall time from its making to its end to `into` (laps may end on two threads).
class Lap {
 public:
  explicit Lap(double& into) : into_(into), start_(Clock::now()) {}
  ~Lap() {
    static std::mutex adding;
    const double s = std::chrono::duration<double>(Clock::now() - start_).count();
    std::lock_guard<std::mutex> lock(adding);
    into_ += s;
  }
  Lap(const Lap&) = delete;
  Lap& operator=(const Lap&) = delete;

 private:
  double& into_;
  Clock::time_point start_;
};

class Grader {
  struct Ahead;

 public:
  Grader(const Rubric& rubric, const SandboxPolicy& policy, const std::string& reference_runner,
         DataSource& data, Profile& profile)
      : rubric_(rubric),
        policy_(policy),
        reference_runner_(reference_runner),
        data_(data),
        profile_(profile) {}

  // The reference's answers come from `recorded` instead of a runner; a timed answer's CPU time
  // is scaled by a calibration run here, right before the submission's, over the one recorded
  // with it (RecordedAnswer::calibration_s).
  void use_recorded(const Recording* recorded) {
    recorded_ = recorded;
    if (recorded_) start_calibration_ = calibration_seconds();
  }
  // Every answer the reference runner gives is also kept in `into`.
  void record_into(Recording* into) {
    record_into_ = into;
    if (record_into_) start_calibration_ = calibration_seconds();
  }

  // `debug`: the runner was built with the sanitizers (check --debug); `view` names the files.
  void set_student_runner(const std::string& runner, bool debug, const BuildView& view) {
    student_runner_ = runner;
    debug_ = debug;
    shown_dir_ = view.shown_dir;
  }

  // The inputs of a test's graded run, made once already when the tests were checked.
  void keep_inputs(const std::string& test, wire::Bundle inputs) {
    first_inputs_[test] = std::move(inputs);
  }

  // The reference's answer to an untimed test's graded run, ahead of the student's (while the
  // submission compiles). A timed test's rounds alternate with the student's, and a gradient
  // check uses no reference: those are left as they are.
  void answer_ahead(const TestSpec& t) {
    if (t.timing || t.gradcheck) return;
    const CaseDef& def = *all_cases().find(t.case_name);
    auto a = std::make_unique<Ahead>();
    a->all_inputs = inputs_for(t, def, t.seed);
    a->inputs.emplace(seal(def, a->all_inputs));
    TestResult r = result_for(t, Verdict::grader_error);
    RunCost cost;
    a->expected = reference(*a->inputs, call_for(t), r, cost);
    a->failure = r.message;
    ahead_[t.name] = std::move(a);
  }

  // A threshold test (a whole training run) whose reference answer is ready can run beside the
  // other tests: its student runner is in a lane of its own (the slot's third uid, so that the
  // sweeps after the other tests leave it alone), and it touches nothing the main lane uses.
  bool can_run_beside(const TestSpec& t) const {
    auto a = ahead_.find(t.name);
    return t.threshold && !t.timing && a != ahead_.end() && a->second->expected.has_value();
  }

  // Starts can_run_beside() tests one after the other on a thread of their own; the results come
  // in the order given. Timed tests must wait for them (beside_done()).
  void run_beside(const std::vector<const TestSpec*>& beside) {
    if (beside.empty()) return;
    std::vector<std::pair<const TestSpec*, std::unique_ptr<Ahead>>> work;
    for (const TestSpec* t : beside) {
      auto a = ahead_.find(t->name);
      work.emplace_back(t, std::move(a->second));
      ahead_.erase(a);
    }
    beside_.clear();
    std::vector<std::shared_ptr<std::promise<TestResult>>> promises;
    for (const TestSpec* t : beside) {
      promises.push_back(std::make_shared<std::promise<TestResult>>());
      beside_[t->name] = promises.back()->get_future();
    }
    beside_thread_ = std::async(std::launch::async, [this, work = std::move(work), promises] {
      SandboxPolicy lane = policy_;
      if (lane.uid >= 0) lane.uid += 2;
      for (std::size_t i = 0; i < work.size(); ++i) {
        const TestSpec& t = *work[i].first;
        TestResult r = result_for(t, Verdict::grader_error);
        const auto start = Clock::now();
        try {
          threshold_beside(t, *work[i].second, lane, r);
        } catch (const std::exception& e) {
          r.verdict = Verdict::grader_error;
          r.message = std::string("autograder error: ") + e.what();
        }
        r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        promises[i]->set_value(finish(t, std::move(r)));
      }
    });
  }

  // Waits until the tests running beside are done (before a timed test, which runs alone).
  void beside_done() {
    if (beside_thread_.valid()) beside_thread_.get();
  }

  TestResult run(const TestSpec& t) {
    if (auto b = beside_.find(t.name); b != beside_.end()) {
      TestResult r = b->second.get();
      beside_.erase(b);
      return r;
    }
    if (t.timing) beside_done();
    TestResult r = result_for(t, Verdict::grader_error);
    const auto start = Clock::now();
    run_into(t, r);
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return finish(t, std::move(r));
  }

  ~Grader() { beside_done(); }

 private:
  TestResult finish(const TestSpec& t, TestResult r) const {
    if (debug_ && r.verdict != Verdict::passed) {
      // a sanitizer's report, or a failed bounds check, names the line: that is the message
      if (auto found = find_sanitizer_report(r.output, rubric_.files, shown_dir_)) {
        r.verdict = Verdict::crashed;
        r.message = fmt::format("your {} crashed: {}", all_cases().find(t.case_name)->function,
                                found->sentence());
        r.cause.clear();
      }
    }
    r.score = r.verdict == Verdict::passed ? t.points : 0;
    r.message = capped(std::move(r.message), kMaxMessage);
    if (shows_rubric_hint(r.verdict)) r.rubric_hint = t.hint;
    return r;
  }

  // Ahead's reference answer against the student's, in the beside lane.
  void threshold_beside(const TestSpec& t, Ahead& ahead, const SandboxPolicy& lane,
                        TestResult& r) {
    const CaseDef& def = *all_cases().find(t.case_name);
    const wire::Bundle expected = with_derived(def, ahead.all_inputs, std::move(*ahead.expected));
    RunnerSession student(lane, student_config(t.limits));
    RunCost cost;
    std::optional<wire::Message> reply = ask(student, *ahead.inputs, call_for(t), t, def, r, cost);
    if (reply && verdict_from_answer(*reply, def, r)) {
      check_threshold(*t.threshold, def, expected,
                      with_derived(def, ahead.all_inputs, reply->fields), cost, t.limits, r);
    }
    r.output = student.output();
    if (student.output_truncated()) r.output += "\n[output truncated]";
  }

 public:

 private:
  wire::Bundle inputs_for(const TestSpec& t, const CaseDef& def, std::uint64_t seed) {
    if (seed == t.seed) {
      auto kept = first_inputs_.find(t.name);
      if (kept != first_inputs_.end()) {
        wire::Bundle b = std::move(kept->second);
        first_inputs_.erase(kept);
        return b;
      }
    }
    Lap lap(profile_.inputs);
    return make_test_inputs(rubric_, t, def, seed, data_);
  }

  // The inputs the runners get (all but the case's private ones), in a sealed memfd.
  SealedPayload seal(const CaseDef& def, const wire::Bundle& all_inputs) {
    Lap lap(profile_.inputs);
    return SealedPayload({"inputs", sendable(def, all_inputs)});
  }

  static wire::Message call_for(const TestSpec& t) {
    wire::Message call{"call", {}};
    call.fields.put("case", t.case_name);
    return call;
  }

  // The reference's outputs for `inputs`, or nullopt (r then says why). `cost` gets the CPU
  // time of its load and of its call.
  std::optional<wire::Bundle> reference(const SealedPayload& inputs, const wire::Message& call,
                                        TestResult& r, RunCost& cost, bool timed = false) {
    Lap lap(profile_.reference);
    std::string key;
    if (recorded_ || record_into_) {
      key = Recording::key(call.fields.text("case"), inputs.bytes(), inputs.crc32());
    }
    if (recorded_) {
      const RecordedAnswer* a = recorded_->find(key);
      if (!a) {
        r.message = fmt::format(
            "there is no recorded reference answer for this test's inputs ({}): the rubric or the "
            "data set differs from the one the release was made with. Use the release's own "
            "grader/rubrics folder and Debian's dataset-fashion-mnist files, or ask the course "
            "staff for the current release",
            key);
        return std::nullopt;
      }
      cost = a->cost;
      if (timed && a->calibration_s > 0) {
        const double speed = calibration() / a->calibration_s;
        cost = {cost.load * speed, cost.call * speed};
        speeds_.push_back(speed);
      }
      return a->outputs;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!ref_ || !ref_->alive()) {
        Limits generous;
        generous.wall_s = 3600;
        generous.memory_mb = 16384;
        generous.output_kb = 1024;
        // the reference runs under the next uid, so sweeping the student's leaves it alone
        SandboxPolicy reference_policy = policy_;
        if (reference_policy.uid >= 0) reference_policy.uid += 1;
        ref_.emplace(reference_policy, runner_config(reference_runner_, generous));
      }
      ref_->set_deadline_from_now(600);
      Exchange l = ref_->load(inputs);
      if (l.status != Exchange::Status::answered) continue;
      Exchange c = ref_->request(call);
      if (c.status != Exchange::Status::answered) continue;
      if (c.reply.kind != "ok") {
        r.message = fmt::format(
            "the reference failed on this test ({}: {}); the rubric's arguments may be invalid "
            "for this case",
            c.reply.kind, c.reply.fields.has("message") ? c.reply.fields.text("message") : "");
        return std::nullopt;
      }
      cost = {l.cpu_seconds, c.cpu_seconds};
      if (record_into_) {
        record_into_->put(key, c.reply.fields, cost, timed ? calibration() : 0.0);
      }
      return c.reply.fields;
    }
    r.message = "the reference runner did not answer; is the kit built (make build)?";
    return std::nullopt;
  }

  // The submission's answer to `call` after loading `inputs`, or nullopt with the verdict in r.
  std::optional<wire::Message> ask(RunnerSession& s, const SealedPayload& inputs,
                                   const wire::Message& call, const TestSpec& t,
                                   const CaseDef& def, TestResult& r, RunCost& cost) {
    Lap lap(profile_.student);
    Exchange l = s.load(inputs);
    if (l.status != Exchange::Status::answered) {
      verdict_from_failure(l, student_config(t.limits).limits, def, rubric_.assignment, r);
      return std::nullopt;
    }
    Exchange c = s.request(call);
    if (c.status != Exchange::Status::answered) {
      verdict_from_failure(c, student_config(t.limits).limits, def, rubric_.assignment, r);
      return std::nullopt;
    }
    cost = {l.cpu_seconds, c.cpu_seconds};
    return std::move(c.reply);
  }

  void run_into(const TestSpec& t, TestResult& r) {
    const CaseDef& def = *all_cases().find(t.case_name);
    std::unique_ptr<Ahead> ahead;
    if (auto a = ahead_.find(t.name); a != ahead_.end()) {
      ahead = std::move(a->second);
      ahead_.erase(a);
    }
    const wire::Bundle all_inputs = ahead ? std::move(ahead->all_inputs) : inputs_for(t, def, t.seed);
    const wire::Message call = call_for(t);
    if (t.gradcheck) {
      RunnerSession student(policy_, student_config(t.limits));
      gradcheck(t, def, sendable(def, all_inputs), call, student, r);
      r.output = student.output();
      return;
    }
    std::optional<SealedPayload> own;
    if (!ahead) own.emplace(seal(def, all_inputs));
    const SealedPayload& inputs = ahead ? *ahead->inputs : *own;
    RunCost ref_cost, student_cost;
    std::optional<wire::Bundle> expected;
    if (ahead) {
      expected = std::move(ahead->expected);
      if (!expected) r.message = ahead->failure;
    } else {
      expected = reference(inputs, call, r, ref_cost, t.timing.has_value());
    }
    if (!expected) return;
    *expected = with_derived(def, all_inputs, std::move(*expected));

    RunnerSession student(policy_, student_config(t.limits));
    std::optional<wire::Message> reply = ask(student, inputs, call, t, def, r, student_cost);
    if (reply && verdict_from_answer(*reply, def, r)) {
      const wire::Bundle got = with_derived(def, all_inputs, reply->fields);
      if (t.threshold) {
        check_threshold(*t.threshold, def, *expected, got, student_cost, t.limits, r);
      } else if (auto diff = difference(def, t.compare, all_inputs, *expected, got)) {
        r.verdict = Verdict::failed;
        if (t.timing) {
          r.message = not_timed(t, def, *diff);
        } else {
          if (reg_of(def, all_inputs) > 0) {
            diff->cause = without_regularization(t, def, all_inputs, call, student, *expected,
                                                 got, diff->cause);
          }
          if (diff->cause.empty()) {
            diff->cause = answer_for_other_inputs(t, def, all_inputs, call, got);
          }
          r.message = diff->message();
        }
        r.cause = diff->cause;
      } else {
        r.verdict = Verdict::passed;
        if (t.timing) time_it(t, def, call, student, {ref_cost}, {student_cost}, r);
      }
    }
    r.output = student.output();
    if (student.output_truncated()) r.output += "\n[output truncated]";
  }

  // A speed test whose answer is wrong is not timed. The message names the test that reports the
  // wrong values (a test of the same case without timing), so that the speed test does not repeat
  // the difference under its own title; without such a test, the difference is given here.
  std::string not_timed(const TestSpec& t, const CaseDef& def, const Difference& diff) const {
    const std::string head = fmt::format(
        "not timed: your {} returned wrong values for this test's inputs, and only a right "
        "answer is timed",
        def.function);
    for (const TestSpec& other : rubric_.tests) {
      if (other.case_name != t.case_name || other.timing || other.gradcheck || other.threshold) {
        continue;
      }
      // a visible test never points to a hidden one
      if (t.visibility == Visibility::visible && other.visibility != Visibility::visible) continue;
      return fmt::format("{}; the test '{}' shows where they differ (fix that first){}", head,
                         other.name, sentence(diff.cause));
    }
    return fmt::format("{}: {}", head, diff.message());
  }

  // A comparison test with reg > 0 that failed, asked again with reg = 0 of the reference and of
  // the same student runner. Right then: the regularization term is what is wrong, and which
  // output's term is off is said when it can be. Wrong then too: the cause found before, or else
  // the shape of the difference at reg = 0. A runner that fails the second time changes nothing.
  std::string without_regularization(const TestSpec& t, const CaseDef& def,
                                     const wire::Bundle& all_inputs, const wire::Message& call,
                                     RunnerSession& student, const wire::Bundle& expected,
                                     const wire::Bundle& got, const std::string& cause) {
    wire::Bundle zero = all_inputs;
    zero.put(def.reg_input, 0.0);
    const SealedPayload inputs = seal(def, zero);
    TestResult scratch;
    RunCost cost;
    std::optional<wire::Bundle> expected0 = reference(inputs, call, scratch, cost);
    if (!expected0) return cause;
    *expected0 = with_derived(def, zero, std::move(*expected0));
    std::optional<wire::Message> reply = ask(student, inputs, call, t, def, scratch, cost);
    if (!reply || !verdict_from_answer(*reply, def, scratch)) return cause;
    const wire::Bundle got0 = with_derived(def, zero, reply->fields);
    std::optional<Difference> d0 = difference(def, t.compare, zero, *expected0, got0);
    if (d0) {
      if (!cause.empty() || d0->cause.empty()) return cause;
      return "with reg = 0 too: " + d0->cause;
    }
    // which outputs' terms are off, at most two
    const Clues clues = clues_for(def, all_inputs, nullptr, nullptr);
    std::string which;
    int named = 0;
    for (const auto& [name, want] : expected.entries()) {
      auto term = clues.regularization.find(name);
      if (term == clues.regularization.end() || !got.has(name) || named == 2) continue;
      wire::Bundle one_want, one_got;
      one_want.put(name, want);
      one_got.put(name, got.at(name));
      if (!find_difference(one_want, one_got, t.compare)) continue;
      const std::string s = regularization_cause(name, want, got.at(name), term->second);
      if (s.empty()) continue;
      which += (named++ ? "; " : ": ") + s;
    }
    return fmt::format("with reg = 0 your {} is right, so the regularization is what is wrong "
                       "(loss += reg·ΣW², dW += 2·reg·W){}",
                       def.function, which);
  }

  // The cause of the first variant of the inputs (CaseDef::variants) for which the reference
  // answers what the submission answered, or "". Only the reference runs again.
  std::string answer_for_other_inputs(const TestSpec& t, const CaseDef& def,
                                      const wire::Bundle& all_inputs, const wire::Message& call,
                                      const wire::Bundle& got) {
    for (std::size_t i = 0; i < def.variants.size() && i < 3; ++i) {
      wire::Bundle changed = all_inputs;
      const std::string cause = def.variants[i](changed);
      if (cause.empty()) continue;
      TestResult scratch;
      RunCost cost;
      std::optional<wire::Bundle> expected =
          reference(seal(def, changed), call, scratch, cost);
      if (!expected) continue;
      if (!find_difference(with_derived(def, changed, std::move(*expected)), got, t.compare)) {
        return cause;
      }
    }
    return "";
  }

  // Interleaved rounds, reference then student, each round on inputs of its own (the seed plus
  // the round's number), so that nothing can be cached between rounds; except when the
  // reference's answers are recorded or come from a recording (a student release), where every
  // round runs on the graded run's inputs, so that a speed test needs one recorded answer. Each
  // exchange's CPU time is measured by the kernel for every process and thread of the runner;
  // compare_times() says how a run's load and call count (timing.hpp).
  void time_it(const TestSpec& t, const CaseDef& def, const wire::Message& call,
               RunnerSession& student, std::vector<RunCost> ref_costs,
               std::vector<RunCost> student_costs, TestResult& r) {
    // the next round's inputs are made on another thread while this round runs (the runners'
    // CPU time is counted by the kernel per runner, so the grader's work beside them is not)
    struct Round {
      wire::Bundle all_inputs;
      SealedPayload inputs;
    };
    const bool one_input = recorded_ || record_into_;
    auto seed_of = [&](int rep) {
      return one_input ? t.seed : t.seed + static_cast<std::uint64_t>(rep);
    };
    auto make_round = [&](int rep) {
      wire::Bundle all_inputs = inputs_for(t, def, seed_of(rep));
      SealedPayload inputs = seal(def, all_inputs);
      return Round{std::move(all_inputs), std::move(inputs)};
    };
    std::future<Round> next;
    if (t.timing->repeats > 1) next = std::async(std::launch::async, make_round, 1);
    for (int rep = 1; rep < t.timing->repeats; ++rep) {
      const std::uint64_t seed = seed_of(rep);
      const Round round = next.get();
      if (rep + 1 < t.timing->repeats) next = std::async(std::launch::async, make_round, rep + 1);
      const wire::Bundle& all_inputs = round.all_inputs;
      const SealedPayload& inputs = round.inputs;
      RunCost ref_cost, student_cost;
      std::optional<wire::Bundle> expected = reference(inputs, call, r, ref_cost, true);
      if (!expected) {
        r.verdict = Verdict::grader_error;
        return;
      }
      *expected = with_derived(def, all_inputs, std::move(*expected));
      std::optional<wire::Message> reply = ask(student, inputs, call, t, def, r, student_cost);
      if (!reply || !verdict_from_answer(*reply, def, r)) return;
      if (auto diff = difference(def, t.compare, all_inputs, *expected,
                                 with_derived(def, all_inputs, reply->fields))) {
        r.verdict = Verdict::failed;
        r.message = fmt::format("on timed run {} (seed {}): {}", rep + 1, seed, diff->message());
        r.cause = diff->cause;
        return;
      }
      ref_costs.push_back(ref_cost);
      student_costs.push_back(student_cost);
    }
    const TimeComparison times = compare_times(ref_costs, student_costs);
    const double ratio = times.ratio;
    r.ratio = ratio;
    r.student_cpu_s = times.student;
    r.reference_cpu_s = times.reference;
    r.load_cpu_s = times.allowance;
    const std::string said = fmt::format(
        "your {} used {} of CPU time in its fastest of {} runs, the reference {}: {:.2f} times "
        "as much",
        def.function, seconds(times.student), t.timing->repeats, seconds(times.reference), ratio);
    const std::string limit = num(t.timing->max_ratio_to_reference);
    if (ratio > t.timing->max_ratio_to_reference) {
      r.verdict = Verdict::failed;
      r.cause = slow_hint(def);
      r.message = fmt::format("correct but too slow: {}, at most {} allowed{}", said, limit,
                              r.cause.empty() ? "" : "; " + r.cause);
    } else {
      r.message = fmt::format("{} (at most {} allowed)", said, limit);
    }
    if (recorded_ && !speeds_.empty()) {
      std::sort(speeds_.begin(), speeds_.end());
      r.message += fmt::format(
          ". The reference's time here is an estimate: its time recorded with this release, "
          "scaled by {:.2f}, this machine's time for a fixed piece of work over the recording "
          "machine's (the median of {} runs between yours; below 1: this machine is faster); the "
          "grader times the reference itself",
          speeds_[speeds_.size() / 2], speeds_.size());
    }
    speeds_.clear();
  }

  // What usually makes a vectorized function slow, by case.
  static std::string slow_hint(const CaseDef& def) {
    if (def.name == "knn.distances_no_loops") {
      return "a loop over test rows (or any loop) in the no-loop version is the usual cause: "
             "compute all the cross products as one matrix product X_test * X_train^T";
    }
    if (def.name == "linear.svm_loss_vectorized" || def.name == "linear.softmax_loss_vectorized") {
      return "a loop over the examples is the usual cause: compute the scores as one matrix "
             "product X * W and the gradient as one product X^T * (N x C matrix)";
    }
    return "";
  }

  // An output that must reach a bound; the reference's value is given for comparison, and the
  // CPU time the student's call took beside the test's limit (a whole training run: how close to
  // the limit it came).
  static void check_threshold(const ThresholdSpec& th, const CaseDef& def,
                              const wire::Bundle& expected, const wire::Bundle& got,
                              const RunCost& cost, const Limits& limits, TestResult& r) {
    if (!got.has(th.output) || !std::holds_alternative<double>(got.at(th.output))) {
      r.verdict = Verdict::failed;
      r.message = fmt::format("the output '{}' of your {} is missing or not a number", th.output,
                              def.function);
      return;
    }
    const double v = got.real(th.output);
    const std::string ref = expected.has(th.output) && std::holds_alternative<double>(
                                                           expected.at(th.output))
                                ? fmt::format(" (the reference reaches {})",
                                              num(expected.real(th.output)))
                                : "";
    const bool ok = std::isfinite(v) && (!th.min || v >= *th.min) && (!th.max || v <= *th.max);
    r.verdict = ok ? Verdict::passed : Verdict::failed;
    r.message = fmt::format("{}{} = {}{}{} required{}; your run took {:.1f} s of CPU time, "
                            "{} s of wall time allowed",
                            ok ? "" : fmt::format("with your {}, ", def.function), th.output,
                            num(v), th.min ? ", at least " + num(*th.min) : "",
                            th.max ? ", at most " + num(*th.max) : "", ref, cost.call,
                            num(limits.wall_s));
  }

  // The submission's loss (and gradient, when `grad` is given) at `inputs`; false (with the
  // verdict in r) when the runner did not answer with them.
  bool evaluate(RunnerSession& s, const TestSpec& t, const CaseDef& def, const GradientOf& g,
                const wire::Bundle& inputs, const wire::Message& call, double& loss, Mat* grad,
                TestResult& r) {
    RunCost cost;
    std::optional<wire::Message> reply =
        ask(s, seal(def, inputs), call, t, def, r, cost);
    if (!reply || !verdict_from_answer(*reply, def, r)) return false;
    const wire::Bundle out = with_derived(def, inputs, reply->fields);
    if (!out.has(g.loss) || !std::holds_alternative<double>(out.at(g.loss))) {
      r.verdict = Verdict::failed;
      r.message = fmt::format("the output '{}' of your {} is missing or not a number", g.loss,
                              def.function);
      return false;
    }
    loss = out.real(g.loss);
    if (grad) {
      if (!out.has(g.gradient) || !std::holds_alternative<Mat>(out.at(g.gradient))) {
        r.verdict = Verdict::failed;
        r.message = fmt::format("the output '{}' of your {} is missing or not a matrix",
                                g.gradient, def.function);
        return false;
      }
      *grad = out.mat(g.gradient);
    }
    return true;
  }

  // The clues of a gradient check's diagnosis: N, and the L2 term 2·reg·P along each counted
  // direction when the input checked is regularized.
  static Clues gradient_clues(const CaseDef& def, const wire::Bundle& inputs,
                              const std::string& wrt, const std::string& gradient,
                              const std::vector<Mat>& dirs,
                              const std::vector<std::size_t>& skipped) {
    Clues c = clues_for(def, inputs, nullptr, nullptr);
    c.regularization.clear();
    c.ties.clear();
    const double reg = reg_of(def, inputs);
    if (reg > 0 && std::find(def.regularized.begin(), def.regularized.end(), wrt) !=
                       def.regularized.end()) {
      const Mat& p = inputs.mat(wrt);
      std::vector<double> along;
      for (std::size_t k = 0; k < dirs.size(); ++k) {
        if (std::find(skipped.begin(), skipped.end(), k) != skipped.end()) continue;
        along.push_back(2 * reg * (p.array() * dirs[k].array()).sum());
      }
      c.regularization[gradient] = {
          Mat(Eigen::Map<const Mat>(along.data(), 1, static_cast<Eigen::Index>(along.size()))),
          "2·reg·" + wrt};
    }
    return c;
  }

  // Centered differences of the submission's own loss against its analytic gradient. A coordinate
  // that disagrees is retried with steps h/10 and h/100 (a hinge kink within h of the point makes
  // the centered difference wrong; a smaller step leaves the kink outside); one whose one-sided
  // slopes still differ at h/100 sits on a kink and is skipped. More than a tenth skipped fails.
  // Agreement: |num - ana| <= max_rel_error * (|num| + |ana|) + 10 eps max(1, |f|) / h, the last
  // term being the rounding error of the difference itself.
  void gradcheck(const TestSpec& t, const CaseDef& def, const wire::Bundle& inputs,
                 const wire::Message& call, RunnerSession& s, TestResult& r) {
    const GradCheckSpec& gc = *t.gradcheck;
    const GradientOf& g = def.gradients.at(gc.wrt);
    double f0 = 0;
    Mat analytic;
    if (!evaluate(s, t, def, g, inputs, call, f0, &analytic, r)) return;
    const Mat x0 = inputs.mat(gc.wrt);
    if (analytic.rows() != x0.rows() || analytic.cols() != x0.cols()) {
      r.verdict = Verdict::failed;
      r.message = fmt::format("your {} returned {} with shape {}, expected {} (the shape of {})",
                              def.function, g.gradient, pg::shape_of(analytic), pg::shape_of(x0),
                              gc.wrt);
      return;
    }
    // the directions: unit coordinates, or random unit-norm matrices
    std::vector<Mat> dirs;
    std::vector<std::string> where;
    std::mt19937_64 rng(t.seed * 0x9E3779B97F4A7C15ULL + 17);
    const Eigen::Index n = x0.size();
    auto coordinate = [&](Eigen::Index i) {
      Mat e = Mat::Zero(x0.rows(), x0.cols());
      e.data()[i] = 1.0;
      dirs.push_back(std::move(e));
      where.push_back(fmt::format("({}, {})", i / x0.cols(), i % x0.cols()));
    };
    if (gc.mode == GradCheckSpec::Mode::full) {
      for (Eigen::Index i = 0; i < n; ++i) coordinate(i);
    } else if (gc.mode == GradCheckSpec::Mode::sparse) {
      std::uniform_int_distribution<Eigen::Index> pick(0, n - 1);
      for (int k = 0; k < gc.samples; ++k) coordinate(pick(rng));
    } else {
      std::normal_distribution<double> normal(0.0, 1.0);
      for (int k = 0; k < gc.samples; ++k) {
        Mat u(x0.rows(), x0.cols());
        for (Eigen::Index i = 0; i < n; ++i) u.data()[i] = normal(rng);
        dirs.push_back(u / u.norm());
        where.push_back(fmt::format("random direction {}", k + 1));
      }
    }
    const double eps = std::numeric_limits<double>::epsilon();
    auto agree = [&](double num_v, double ana_v, double h) {
      return std::abs(num_v - ana_v) <=
             gc.max_rel_error * (std::abs(num_v) + std::abs(ana_v)) +
                 10 * eps * std::max(1.0, std::abs(f0)) / h;
    };
    int bad = 0, retried = 0, skipped = 0;
    std::vector<double> numerical, analytic_along;  // of the directions counted, for the diagnosis
    std::vector<std::size_t> skipped_at;
    double worst = -1, worst_num = 0, worst_ana = 0;
    std::string worst_where;
    for (std::size_t k = 0; k < dirs.size(); ++k) {
      const double ana_v = (analytic.array() * dirs[k].array()).sum();
      double num_v = 0, fp = 0, fm = 0, h = gc.step;
      bool ok = false;
      for (int attempt = 0; attempt < 3 && !ok; ++attempt, h /= 10) {
        wire::Bundle plus = inputs, minus = inputs;
        plus.put(gc.wrt, Mat(x0 + h * dirs[k]));
        minus.put(gc.wrt, Mat(x0 - h * dirs[k]));
        if (!evaluate(s, t, def, g, plus, call, fp, nullptr, r) ||
            !evaluate(s, t, def, g, minus, call, fm, nullptr, r)) {
          return;
        }
        num_v = (fp - fm) / (2 * h);
        ok = agree(num_v, ana_v, h);
        if (ok && attempt > 0) ++retried;
      }
      h *= 10;  // the last step tried
      if (!ok) {
        // on a kink the two one-sided slopes differ however small the step
        const double right = (fp - f0) / h, left = (f0 - fm) / h;
        if (!agree(right, left, h)) {
          ++skipped;
          skipped_at.push_back(k);
          continue;
        }
        ++bad;
      }
      numerical.push_back(num_v);
      analytic_along.push_back(ana_v);
      const double rel = rel_error(num_v, ana_v);
      if (rel > worst) {
        worst = rel;
        worst_num = num_v;
        worst_ana = ana_v;
        worst_where = where[k];
      }
    }
    const char* what = gc.mode == GradCheckSpec::Mode::projection ? "random directions"
                       : gc.mode == GradCheckSpec::Mode::full         ? "coordinates (all)"
                                                                      : "random coordinates";
    const std::string checked = fmt::format("{} {} of {}", dirs.size(), what, gc.wrt);
    std::string kinks;
    if (retried) kinks += fmt::format("; {} near a kink agreed with a smaller step", retried);
    if (skipped) kinks += fmt::format("; {} on a kink not counted", skipped);
    const std::string worst_text = fmt::format(
        "{}: numerical {}, your {} {}, relative error {:.2e} (at most {}, step {})", worst_where,
        num(worst_num), g.gradient, num(worst_ana), std::max(worst, 0.0), num(gc.max_rel_error),
        num(gc.step));
    if (skipped * 10 > static_cast<int>(dirs.size())) {
      r.verdict = Verdict::failed;
      r.message = fmt::format(
          "in your {}, {} of {} sit where your loss has a kink or a jump in every step tried; a "
          "loss that is not continuous there cannot be checked (is it computed the same way each "
          "call?)",
          def.function, skipped, checked);
    } else if (bad > 0) {
      r.verdict = Verdict::failed;
      const Clues clues = gradient_clues(def, inputs, gc.wrt, g.gradient, dirs, skipped_at);
      r.cause = diagnose_gradient(g.gradient, numerical, analytic_along, clues);
      r.message = fmt::format(
          "in your {}, {} disagrees with the numerical gradient of your own loss at {} of {}; "
          "the worst at {}{}{}",
          def.function, g.gradient, bad, checked, worst_text, kinks, sentence(r.cause));
    } else {
      r.verdict = Verdict::passed;
      r.message = fmt::format("checked {}; the worst at {}{}", checked, worst_text, kinks);
    }
  }

  // A student runner's sandbox. A --debug runner gets four times the time (the sanitizers slow
  // code down two to four times at -O1), twice the memory and no address-space limit (ASan
  // reserves terabytes it never touches), and the sanitizers' settings.
  SandboxConfig student_config(const Limits& limits) const {
    if (!debug_) return runner_config(student_runner_, limits);
    Limits l = limits;
    l.wall_s = limits.wall_s * 4 + 5;
    if (l.cpu_s > 0) l.cpu_s = limits.cpu_s * 4 + 5;
    l.memory_mb = limits.memory_mb * 2 + 512;
    l.output_kb = std::max<long>(limits.output_kb, 256);  // room for the report
    SandboxConfig c = runner_config(student_runner_, l);
    c.limit_address_space = false;
    // leak checks need ptrace, which the sandbox denies; an assert's abort gets a stack trace
    c.env = {"ASAN_OPTIONS=detect_leaks=0:handle_abort=1:quarantine_size_mb=64:"
             "malloc_context_size=5:detect_stack_use_after_return=0",
             "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"};
    return c;
  }

  const Rubric& rubric_;
  const SandboxPolicy& policy_;
  bool debug_ = false;
  std::string shown_dir_;
  std::string reference_runner_, student_runner_;
  DataSource& data_;
  Profile& profile_;
  std::map<std::string, wire::Bundle> first_inputs_;
  // a test's inputs and the reference's answer, made ahead (answer_ahead)
  struct Ahead {
    wire::Bundle all_inputs;
    std::optional<SealedPayload> inputs;
    std::optional<wire::Bundle> expected;
    std::string failure;  // why the reference did not answer, when it did not
  };
  std::map<std::string, std::unique_ptr<Ahead>> ahead_;
  std::optional<RunnerSession> ref_;
  const Recording* recorded_ = nullptr;
  Recording* record_into_ = nullptr;
  // a speed test's replayed rounds: this machine's calibration time over the recorded one
  std::vector<double> speeds_;
  // calibration_seconds() before any runner started
  double start_calibration_ = 0;

  // calibration_seconds() now, or at the start if that was faster: right after a runner's
  // call, its BLAS threads still spin on the other cores for a while and slow the calibration
  // down; a machine that stays busy slows both
  double calibration() const { return std::min(start_calibration_, calibration_seconds()); }
  std::map<std::string, std::future<TestResult>> beside_;  // results of the tests run beside
  std::future<void> beside_thread_;
};

}  // namespace

std::string default_rubric_dir() {
  if (const char* env = std::getenv("PIXELGRAD_RUBRICS")) return env;
  return PIXELGRAD_DEFAULT_RUBRIC_DIR;
}

void DatasetSource::fashion_mnist(long n_train, long n_test, Mat& X_train, IVec& y_train,
                                  Mat& X_test, IVec& y_test) {
  if (n_train > loaded_train_ || n_test > loaded_test_) {
    long want_train = std::max(n_train, loaded_train_), want_test = std::max(n_test, loaded_test_);
    data::Dataset d = data::load_fashion_mnist(want_train, std::max(want_test, 1L));
    require(d.X_train.rows() >= n_train && d.X_test.rows() >= n_test, "fashion_mnist",
            "the data set has fewer images than a test asks for");
    X_train_ = std::move(d.X_train);
    y_train_ = std::move(d.y_train);
    X_test_ = std::move(d.X_test);
    y_test_ = std::move(d.y_test);
    loaded_train_ = X_train_.rows();
    loaded_test_ = X_test_.rows();
  }
  X_train = X_train_.topRows(n_train);
  y_train = y_train_.head(n_train);
  X_test = X_test_.topRows(n_test);
  y_test = y_test_.head(n_test);
}

// The net test fails because of the ReLU, say. A test that is not implemented yet already says
// why, so it gets no hint.
void point_to_prerequisites(const TestSpec& t, const std::vector<TestSpec>& specs,
                            std::vector<TestResult>& results) {
  TestResult& r = results.back();
  if (r.verdict == Verdict::passed || r.verdict == Verdict::not_implemented ||
      t.builds_on.empty()) {
    return;
  }
  std::vector<std::string> failed;
  for (const std::string& name : t.builds_on) {
    for (std::size_t i = 0; i + 1 < results.size(); ++i) {
      const TestResult& p = results[i];
      if (p.name != name || p.verdict == Verdict::passed) continue;
      if (specs[i].visibility != Visibility::visible && t.visibility == Visibility::visible) continue;
      failed.push_back("'" + p.name + "'");
    }
  }
  if (failed.empty()) return;
  std::string list;
  for (std::size_t i = 0; i < failed.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == failed.size() ? " and " : ", ") + failed[i];
  }
  r.hint = fmt::format(
      "This test also runs the code tested by {}, which did not pass: fix {} first, and this "
      "test may pass too.",
      list, failed.size() == 1 ? "that" : "those");
  // the rubric's usual cause assumes the code underneath works: it would point the wrong way
  r.rubric_hint.clear();
}

namespace {

// The recorded answers beside the rubric's folder, for a kit without the assignment's reference
// runner (a student release); UsageError when there are none or they are of another assignment.
std::unique_ptr<Recording> release_recording(const Kit& kit, const Rubric& rubric,
                                             const std::string& rubric_path) {
  const std::string path =
      recording_path(fs::path(rubric_path).parent_path().string(), rubric.assignment);
  if (!fs::exists(path)) {
    throw UsageError(fmt::format(
        "there is neither a reference runner for {} ({}) nor recorded reference answers ({}): "
        "build the kit with make build, or in a student release, check that the release "
        "includes this assignment",
        rubric.assignment, kit.reference_runner(rubric.assignment), path));
  }
  std::unique_ptr<Recording> loaded;
  try {
    loaded = Recording::load(path);
  } catch (const RecordingError& e) {
    throw UsageError(e.what());
  }
  if (loaded->assignment != rubric.assignment) {
    throw UsageError(fmt::format("{} holds the answers of '{}', not of '{}'", path,
                                 loaded->assignment, rubric.assignment));
  }
  return loaded;
}

}  // namespace

// OpenBLAS (linked for the grader's own matrix products) with one thread. Its fork handler stops
// its worker threads, and waits forever for one that is busy with a product another thread of the
// grader asked for (the build thread, the reference ahead, a test run beside and the next timed
// inputs all run beside the thread that forks); the grader's products are small anyway.
extern "C" void openblas_set_num_threads(int);

void grade(const GradeOptions& options, DataSource& data, GradeReport& report) {
  openblas_set_num_threads(1);
  const auto start = Clock::now();
  report.assignment = options.assignment;
  report.submission = options.submission;

  const std::string rubric_path = options.rubric_path.empty()
                                      ? default_rubric_dir() + "/" + options.assignment + ".yaml"
                                      : options.rubric_path;
  Rubric rubric;
  try {
    rubric = load_rubric(rubric_path, all_cases());
  } catch (const RubricError& e) {
    throw UsageError(e.what());
  }
  if (rubric.assignment != options.assignment) {
    throw UsageError(fmt::format("{} is the rubric of '{}', not of '{}'", rubric_path,
                                 rubric.assignment, options.assignment));
  }
  report.title = rubric.title;
  report.gradescope = rubric.gradescope;
  std::vector<TestSpec> tests;
  report.hidden_not_run = rubric.hidden_tests;  // a release's public rubric left them out
  report.hidden_not_run_points = rubric.hidden_points;
  for (const auto& t : rubric.tests) {
    if (options.debug && t.timing && (!options.public_only || t.visibility == Visibility::visible)) {
      report.timed_not_run += 1;  // a sanitizer build's speed says nothing
    } else if (!options.public_only || t.visibility == Visibility::visible) {
      tests.push_back(t);
    } else {
      report.hidden_not_run += 1;
      report.hidden_not_run_points += t.points;
    }
  }
  // every test's inputs once, before anything is built: an argument a case refuses, or a missing
  // data set, stops grading before any test has a score; the graded runs use them
  std::map<std::string, wire::Bundle> first_inputs;
  for (const auto& t : tests) {
    first_inputs[t.name] = make_test_inputs(rubric, t, *all_cases().find(t.case_name), t.seed, data);
  }

  Kit kit;
  try {
    kit = load_kit(options.kit_dir.empty() ? default_kit_dir() : options.kit_dir);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  // a release has no reference runner: its recorded answers stand in
  const Recording* recorded = options.recorded;
  std::unique_ptr<Recording> loaded;
  if (!recorded && !fs::exists(kit.reference_runner(rubric.assignment))) {
    loaded = release_recording(kit, rubric, rubric_path);
    recorded = loaded.get();
  }
  std::optional<SlotLock> slot;
  if (options.slot < 0) slot.emplace(SlotLock::acquire());
  const SandboxPolicy policy = detect_sandbox(slot ? slot->slot() : options.slot);
  report.sandbox = policy.describe();
  WorkDir work;
  if (policy.uid >= 0 && (!closed_to_others(kit.dir).empty() ||
                          !closed_to_others(kit.reference_runner(rubric.assignment)).empty())) {
    // the sandbox uids cannot reach the kit where it is (a checkout in a 0700 folder): grade with
    // a copy in the work folder, which they can (the kit is about a megabyte)
    kit.dir = stage_kit(kit.dir, work.path() / "kit");
  }
  const fs::path src = work.path() / "src", out = work.path() / "out";
  fs::create_directories(src);
  fs::create_directories(out);
  try {
    collect_submission(options.submission, rubric.files, src.string(), {}, rubric.assignment);
  } catch (const SubmissionError& e) {
    throw UsageError(e.what());
  }

  report.profile.prepare = std::chrono::duration<double>(Clock::now() - start).count();
  Grader grader(rubric, policy, kit.reference_runner(rubric.assignment), data, report.profile);
  grader.use_recorded(recorded);
  grader.record_into(options.record_into);
  for (auto& [name, inputs] : first_inputs) grader.keep_inputs(name, std::move(inputs));
  first_inputs.clear();
  // the reference answers the untimed tests while the submission compiles (one file keeps one
  // core busy; the reference takes the other); whatever is left when the build is done waits
  const BuildView view{options.contract_dir, options.shown_dir, options.debug};
  std::future<BuildResult> building = std::async(std::launch::async, [&] {
    return build_submission(kit, rubric, src.string(), out.string(), policy, view);
  });
  for (const auto& t : tests) {
    if (building.wait_for(std::chrono::seconds(0)) == std::future_status::ready) break;
    grader.answer_ahead(t);
  }
  BuildResult build = building.get();
  report.profile.compile = build.compile_seconds;
  report.profile.link = build.link_seconds;
  report.built = build.ok;
  report.build_log = build.log;
  if (!build.ok) {
    // the reason first (why a step stopped, the compiler's first errors): a report shows later
    // tests' messages by their first line; then the log's start, for the context
    const std::string reason = failure_reason(build);
    const std::string context = first_lines(readable_log(build.log), 12);
    const std::string message =
        capped("the submission did not build: " + reason +
                   (context.empty() || context == reason ? "" : "\n\n" + context),
               kMaxMessage);
    for (const auto& t : tests) {
      TestResult r = result_for(t, Verdict::compile_error);
      r.message = message;
      report.tests.push_back(r);
      if (options.on_test) options.on_test(r);
    }
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return;
  }

  grader.set_student_runner(build.runner, options.debug, view);
  std::vector<const TestSpec*> beside;
  for (const auto& t : tests) {
    if (grader.can_run_beside(t)) beside.push_back(&t);
  }
  grader.run_beside(beside);
  for (const auto& t : tests) {
    report.tests.push_back(grader.run(t));
    point_to_prerequisites(t, tests, report.tests);
    if (options.on_test) options.on_test(report.tests.back());
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const Profile& p = report.profile;
  report.profile.other = std::max(0.0, report.seconds - p.prepare - p.compile - p.link - p.inputs -
                                           p.reference - p.student);
}

}  // namespace pg::grader
