// Trusted inputs for the linear-classifier cases: random or Fashion-MNIST data, weights at a chosen
// scale (large scales make a naive softmax overflow), one dominating class, minibatch training.
// Not the calls (grader/harness/linear.cpp).
#include <cmath>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "cases.hpp"
#include "cases/inputs.hpp"
#include "cases/causes.hpp"
// BEGIN COURSE ONLY
#include "cases/mistakes.hpp"
// END COURSE ONLY

namespace pg::grader {

namespace {

using wire::Bundle;
using inputs::require_arg;
using inputs::gaussian;
using inputs::argmax_accuracy;

// (N, D) data and labels: "random" N(0,1) with a bias column of ones, or Fashion-MNIST training
// images scaled to [0, 1], mean image of these rows subtracted, bias column appended (D = 785)
void make_data(const Args& a, long n, std::mt19937_64& rng, DataSource& data, Mat& X, IVec& y,
               long& classes) {
  const std::string& kind = arg_text(a, "data");
  require_arg(kind == "random" || kind == "fashion_mnist",
              fmt::format("data must be random or fashion_mnist, not '{}'", kind));
  if (kind == "fashion_mnist") {
    Mat X_test;
    IVec y_test;
    Mat raw;
    data.fashion_mnist(n, 0, raw, y, X_test, y_test);
    raw /= 255.0;
    raw.rowwise() -= raw.colwise().mean();
    X.resize(n, raw.cols() + 1);
    X << raw, Mat::Ones(n, 1);
    classes = 10;
    return;
  }
  const long d = arg_int(a, "dim");
  require_arg(d >= 2, "dim must be at least 2 (the last column is the bias)");
  X = gaussian(n, d, 1.0, rng);
  X.col(d - 1).setOnes();
  std::uniform_int_distribution<int> label(0, static_cast<int>(classes) - 1);
  y.resize(n);
  for (long i = 0; i < n; ++i) y(i) = arg_bool(a, "one_class") ? 0 : label(rng);
}

Bundle loss_inputs(const Args& a, std::uint64_t seed, DataSource& data) {
  const long n = arg_int(a, "num_examples");
  long classes = arg_int(a, "num_classes");
  require_arg(n >= 1 && classes >= 2, "num_examples >= 1 and num_classes >= 2");
  std::mt19937_64 rng(seed);
  Mat X;
  IVec y;
  make_data(a, n, rng, data, X, y, classes);
  Mat W = gaussian(X.cols(), classes, arg_real(a, "weight_scale"), rng);
  if (arg_bool(a, "integers")) {
    // whole-number X and W give whole-number scores: SVM margins of exactly 0, and below 0
    X = X.array().round().matrix();
    W = W.array().round().matrix();
  }
  Bundle in;
  in.put("W", std::move(W));
  in.put("X", std::move(X));
  in.put("y", std::move(y));
  in.put("reg", arg_real(a, "reg"));
  return in;
}

std::map<std::string, ArgDef> loss_args() {
  return {
      {"num_examples", {std::int64_t{50}, "rows N"}},
      {"dim", {std::int64_t{20}, "columns D, the last one the bias (random data)"}},
      {"num_classes", {std::int64_t{5}, "classes C (10 for fashion_mnist)"}},
      {"reg", {0.0, "regularization strength"}},
      {"weight_scale", {0.01, "W = weight_scale * N(0, 1); around 100 the scores overflow exp"}},
      {"one_class", {false, "every label 0 (random data)"}},
      {"data", {std::string("random"), "random or fashion_mnist (first num_examples images)"}},
      {"integers", {false, "X and W rounded to whole numbers: SVM margins of exactly 0"}},
  };
}

Bundle train_inputs(const Args& a, std::uint64_t seed, DataSource& data) {
  const long n = arg_int(a, "num_examples"), val = arg_int(a, "num_val");
  long classes = arg_int(a, "num_classes");
  const std::string& kind = arg_text(a, "kind");
  require_arg(kind == "svm" || kind == "softmax", "kind must be svm or softmax");
  require_arg(n >= 1 && val >= 0 && classes >= 2, "num_examples >= 1, num_val >= 0, C >= 2");
  std::mt19937_64 rng(seed);
  Mat X;
  IVec y;
  make_data(a, n + val, rng, data, X, y, classes);
  Bundle in;
  in.put("X", Mat(X.topRows(n)));
  in.put("y", IVec(y.head(n)));
  if (val > 0) {
    // kept by the grader (see CaseDef::private_inputs): the runner never sees the validation set
    in.put("X_val", Mat(X.bottomRows(val)));
    in.put("y_val", IVec(y.tail(val)));
  }
  in.put("kind", kind);
  in.put("learning_rate", arg_real(a, "learning_rate"));
  in.put("reg", arg_real(a, "reg"));
  in.put("num_iters", arg_int(a, "num_iters"));
  in.put("batch_size", arg_int(a, "batch_size"));
  in.put("seed", static_cast<std::int64_t>(seed));
  return in;
}

Bundle predict_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long n = arg_int(a, "num_examples"), d = arg_int(a, "dim");
  const long classes = arg_int(a, "num_classes");
  require_arg(n >= 1 && d >= 1 && classes >= 1, "num_examples, dim, num_classes >= 1");
  require_arg(!arg_bool(a, "ties") || classes >= 2, "ties needs num_classes >= 2");
  std::mt19937_64 rng(seed);
  Mat X = gaussian(n, d, 1.0, rng);
  Mat W = gaussian(d, classes, 1.0, rng);
  if (arg_bool(a, "ties")) {
    // two identical columns: every score ties between classes 1 and 2 (or 0 and 1)
    W.col(classes > 2 ? 2 : 1) = W.col(classes > 2 ? 1 : 0);
  }
  Bundle in;
  in.put("W", std::move(W));
  in.put("X", std::move(X));
  return in;
}

Bundle search_inputs(const Args& a, std::uint64_t seed, DataSource& data) {
  Args train_args = a;
  Bundle base = train_inputs(train_args, seed, data);
  require_arg(base.has("X_val"), "num_val must be at least 1 for a search");
  Bundle in;
  in.put("X_train", base.mat("X"));
  in.put("y_train", base.ivec("y"));
  in.put("X_val", base.mat("X_val"));
  in.put("y_val", base.ivec("y_val"));
  in.put("kind", base.text("kind"));
  const auto& lrs = arg_ints(a, "learning_rate_exponents");
  const auto& regs = arg_ints(a, "reg_exponents");
  Mat lr(1, static_cast<Eigen::Index>(lrs.size())), rg(1, static_cast<Eigen::Index>(regs.size()));
  for (std::size_t i = 0; i < lrs.size(); ++i) lr(0, static_cast<Eigen::Index>(i)) = std::pow(10.0, lrs[i]);
  for (std::size_t i = 0; i < regs.size(); ++i) rg(0, static_cast<Eigen::Index>(i)) = std::pow(10.0, regs[i]);
  in.put("learning_rates", std::move(lr));
  in.put("regs", std::move(rg));
  in.put("num_iters", base.integer("num_iters"));
  in.put("batch_size", base.integer("batch_size"));
  in.put("seed", static_cast<std::int64_t>(seed));
  return in;
}

std::map<std::string, ArgDef> train_args() {
  return {
      {"num_examples", {std::int64_t{200}, "training rows N"}},
      {"num_val", {std::int64_t{0}, "validation rows after them (val_accuracy is then an output)"}},
      {"dim", {std::int64_t{20}, "columns D, the last one the bias (random data)"}},
      {"num_classes", {std::int64_t{5}, "classes C (10 for fashion_mnist)"}},
      {"one_class", {false, "every label 0 (random data)"}},
      {"data", {std::string("random"), "random or fashion_mnist"}},
      {"kind", {std::string("softmax"), "svm or softmax"}},
      {"learning_rate", {1e-2, "SGD step"}},
      {"reg", {1e-3, "regularization strength"}},
      {"num_iters", {std::int64_t{50}, "iterations"}},
      {"batch_size", {std::int64_t{32}, "rows per minibatch, drawn with replacement"}},
  };
}

}  // namespace

void add_linear_cases(CaseCatalog& c) {
  const std::pair<const char*, const char*> losses[] = {
      {"linear.svm_loss_naive", "svm_loss_naive"},
      {"linear.svm_loss_vectorized", "svm_loss_vectorized"},
      {"linear.softmax_loss_naive", "softmax_loss_naive"},
      {"linear.softmax_loss_vectorized", "softmax_loss_vectorized"},
  };
  for (const auto& [name, function] : losses) {
    CaseDef loss{name, function, loss_args(), loss_inputs, {{"W", {"loss", "dW"}}}};
    loss.examples_input = "X";
    loss.reg_input = "reg";
    loss.regularized = {"W"};
    // BEGIN COURSE ONLY
    if (std::string(name).starts_with("linear.svm")) loss.explain = mistakes::svm_loss;
    // END COURSE ONLY
    if (std::string(name).starts_with("linear.softmax")) {
      loss.nonfinite = mistakes::kSoftmaxOverflow;
    }
    c.add(std::move(loss));
  }
  CaseDef train{"linear.train", "LinearClassifier::train", train_args(), train_inputs};
  train.private_inputs = {"X_val", "y_val"};
  train.reg_input = "reg";
  // BEGIN COURSE ONLY
  train.variants = {mistakes::other_kind};
  // END COURSE ONLY
  // val_accuracy: argmax of X_val W against y_val, computed here from the W the runner returned
  train.derive = [](const Bundle& inputs, Bundle& outputs) {
    if (!inputs.has("X_val") || !outputs.has("W") || !std::holds_alternative<Mat>(outputs.at("W"))) {
      return;
    }
    const Mat& W = outputs.mat("W");
    const Mat& X_val = inputs.mat("X_val");
    if (W.rows() != X_val.cols() || W.cols() < 1) return;
    const Mat scores = X_val * W;
    outputs.put("val_accuracy", argmax_accuracy(scores, inputs.ivec("y_val")));
  };
  c.add(std::move(train));
  CaseDef predict{"linear.predict", "LinearClassifier::predict",
         {
             {"num_examples", {std::int64_t{30}, "rows"}},
             {"dim", {std::int64_t{8}, "columns D"}},
             {"num_classes", {std::int64_t{4}, "classes C"}},
             {"ties", {false, "two classes with identical weight columns"}},
         },
         predict_inputs};
  // BEGIN COURSE ONLY
  predict.ties = mistakes::score_ties;
  // END COURSE ONLY
  c.add(std::move(predict));
  auto search = train_args();
  search["num_val"] = {std::int64_t{100}, "validation rows"};
  search["learning_rate_exponents"] = {std::vector<std::int64_t>{-3, -2}, "learning rates 10^e"};
  search["reg_exponents"] = {std::vector<std::int64_t>{-4, -2}, "regularization strengths 10^e"};
  c.add({"linear.search_hyperparameters", "search_hyperparameters", search, search_inputs});
}

}  // namespace pg::grader
