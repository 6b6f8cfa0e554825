// Trusted inputs for the backprop cases: layer inputs with an upstream gradient (so that gradient
// checks are vector-Jacobian products), class scores for the losses, the lecture's circuits, and
// gradient sequences for the update rules. Not the calls (grader/harness/backprop.cpp).
#include <random>
#include <stdexcept>
#include <string>

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
using inputs::derive_vjp;

std::map<std::string, ArgDef> layer_args() {
  return {
      {"num_examples", {std::int64_t{4}, "rows N"}},
      {"input_dim", {std::int64_t{5}, "D"}},
      {"output_dim", {std::int64_t{3}, "M (affine layers)"}},
      {"scale", {1.0, "inputs are scale * N(0, 1)"}},
      {"integers", {false, "x rounded to whole numbers: many entries exactly 0 (ReLU's kink)"}},
  };
}

// rounded to whole numbers when the case asks: exact zeros and exact ties, where a convention
// (ReLU passes no gradient at 0, a hinge margin of exactly 0 counts as inactive) decides
Mat maybe_integers(Mat m, const Args& a) {
  if (arg_bool(a, "integers")) m = m.array().round().matrix();
  return m;
}

Bundle affine_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long n = arg_int(a, "num_examples"), d = arg_int(a, "input_dim"),
             m = arg_int(a, "output_dim");
  require_arg(n >= 1 && d >= 1 && m >= 1, "num_examples, input_dim, output_dim >= 1");
  const double s = arg_real(a, "scale");
  std::mt19937_64 rng(seed);
  Bundle in;
  in.put("x", maybe_integers(gaussian(n, d, s, rng), a));
  in.put("w", gaussian(d, m, s, rng));
  in.put("b", gaussian(1, m, s, rng));
  in.put("dout", gaussian(n, m, 1.0, rng));
  return in;
}

Bundle elementwise_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long n = arg_int(a, "num_examples"), d = arg_int(a, "input_dim");
  require_arg(n >= 1 && d >= 1, "num_examples, input_dim >= 1");
  std::mt19937_64 rng(seed);
  Bundle in;
  in.put("x", maybe_integers(gaussian(n, d, arg_real(a, "scale"), rng), a));
  in.put("dout", gaussian(n, d, 1.0, rng));
  return in;
}

Bundle loss_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long n = arg_int(a, "num_examples"), c = arg_int(a, "num_classes");
  require_arg(n >= 1 && c >= 2, "num_examples >= 1, num_classes >= 2");
  std::mt19937_64 rng(seed);
  Bundle in;
  in.put("scores", maybe_integers(gaussian(n, c, arg_real(a, "scale"), rng), a));
  std::uniform_int_distribution<int> label(0, static_cast<int>(c) - 1);
  IVec y(n);
  for (long i = 0; i < n; ++i) y(i) = label(rng);
  in.put("y", std::move(y));
  return in;
}

Bundle circuit_inputs(const Args& a, std::uint64_t, DataSource&) {
  Bundle in;
  for (const char* name : {"x", "y", "z", "dout"}) in.put(name, arg_real(a, name));
  return in;
}

Bundle neuron_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  Bundle in;
  if (arg_bool(a, "lecture")) {
    // the lecture's neuron: w = (2, -3), b = -3, x = (-1, -2)
    in.put("w", Mat{{2.0, -3.0}});
    in.put("x", Mat{{-1.0, -2.0}});
    in.put("b", -3.0);
  } else {
    const long d = arg_int(a, "input_dim");
    require_arg(d >= 1, "input_dim >= 1");
    std::mt19937_64 rng(seed);
    in.put("w", gaussian(1, d, 1.0, rng));
    in.put("x", gaussian(1, d, 1.0, rng));
    in.put("b", gaussian(1, 1, 1.0, rng)(0, 0));
  }
  in.put("dout", arg_real(a, "dout"));
  return in;
}

Bundle optim_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long r = arg_int(a, "rows"), c = arg_int(a, "cols"), steps = arg_int(a, "steps");
  require_arg(r >= 1 && c >= 1 && steps >= 1, "rows, cols, steps >= 1");
  std::mt19937_64 rng(seed);
  Bundle in;
  in.put("w", gaussian(r, c, 1.0, rng));
  in.put("grads", gaussian(steps * r, c, arg_real(a, "grad_scale"), rng));
  in.put("steps", std::int64_t{steps});
  in.put("learning_rate", arg_real(a, "learning_rate"));
  return in;
}

std::map<std::string, ArgDef> optim_args(double learning_rate) {
  return {
      {"rows", {std::int64_t{3}, "parameter rows"}},
      {"cols", {std::int64_t{4}, "parameter columns"}},
      {"steps", {std::int64_t{5}, "updates, each with its own gradient"}},
      {"learning_rate", {learning_rate, "the rule's learning rate"}},
      {"grad_scale", {1.0, "gradients are grad_scale * N(0, 1); near 1e-8, sqrt(v) is about eps"}},
  };
}

IVec hidden_of(const Args& a) {
  const auto& h = arg_ints(a, "hidden_dims");
  IVec v(static_cast<Eigen::Index>(h.size()));
  for (std::size_t i = 0; i < h.size(); ++i) {
    require_arg(h[i] >= 1, "every hidden dimension must be at least 1");
    v(static_cast<Eigen::Index>(i)) = static_cast<int>(h[i]);
  }
  require_arg(h.size() <= 4, "at most 4 hidden layers");
  return v;
}

Bundle fc_init_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  Bundle in;
  in.put("hidden_dims", hidden_of(a));
  in.put("input_dim", arg_int(a, "input_dim"));
  in.put("num_classes", arg_int(a, "num_classes"));
  in.put("weight_scale", arg_real(a, "weight_scale"));
  in.put("seed", static_cast<std::int64_t>(seed));
  return in;
}

Bundle fc_loss_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long n = arg_int(a, "num_examples"), d = arg_int(a, "input_dim"),
             c = arg_int(a, "num_classes");
  require_arg(n >= 1 && d >= 1 && c >= 2, "num_examples, input_dim >= 1, num_classes >= 2");
  IVec hidden = hidden_of(a);
  std::mt19937_64 rng(seed);
  Bundle in;
  in.put("X", gaussian(n, d, 1.0, rng));
  std::uniform_int_distribution<int> label(0, static_cast<int>(c) - 1);
  IVec y(n);
  for (long i = 0; i < n; ++i) y(i) = label(rng);
  in.put("y", std::move(y));
  in.put("hidden_dims", hidden);
  in.put("num_classes", std::int64_t{c});
  in.put("reg", arg_real(a, "reg"));
  // the parameters, W_i = weight_scale * N(0, 1) and b_i = 0.1 * N(0, 1)
  long in_dim = d;
  for (Eigen::Index i = 0; i <= hidden.size(); ++i) {
    const long out_dim = i < hidden.size() ? hidden(i) : c;
    const std::string k = std::to_string(i + 1);
    in.put(std::string("W") + k, gaussian(in_dim, out_dim, arg_real(a, "weight_scale"), rng));
    in.put(std::string("b") + k, gaussian(1, out_dim, 0.1, rng));
    in_dim = out_dim;
  }
  return in;
}

// labelled clusters (one centre per class, spread `spread`) in `d` dimensions
void clusters(long n, long d, long c, double spread, std::mt19937_64& rng, Mat& X, IVec& y) {
  const Mat centres = gaussian(c, d, 1.0, rng);
  X = gaussian(n, d, spread, rng);
  std::uniform_int_distribution<int> label(0, static_cast<int>(c) - 1);
  y.resize(n);
  for (long i = 0; i < n; ++i) {
    y(i) = label(rng);
    X.row(i) += centres.row(y(i));
  }
}

Bundle solver_inputs(const Args& a, std::uint64_t seed, DataSource& data) {
  const long n = arg_int(a, "num_examples"), v = arg_int(a, "num_val"),
             t = arg_int(a, "num_test");
  long d = arg_int(a, "input_dim"), c = arg_int(a, "num_classes");
  require_arg(n >= 1 && v >= 1 && t >= 0 && d >= 1 && c >= 2,
              "num_examples, num_val, input_dim >= 1, num_test >= 0 and num_classes >= 2");
  require_arg(arg_int(a, "num_train_samples") >= 1, "num_train_samples must be at least 1");
  const std::string& rule = arg_text(a, "update_rule");
  require_arg(rule == "sgd" || rule == "sgd_momentum" || rule == "rmsprop" || rule == "adam",
              "update_rule must be sgd, sgd_momentum, rmsprop or adam");
  const std::string& kind = arg_text(a, "data");
  require_arg(kind == "clusters" || kind == "fashion_mnist",
              fmt::format("data must be clusters or fashion_mnist, not '{}'", kind));
  std::mt19937_64 rng(seed);
  Mat X, Xt;
  IVec y, yt;
  if (kind == "fashion_mnist") {
    // pixels in [0, 1]: training rows, then validation rows; the test rows from the test set
    data.fashion_mnist(n + v, t, X, y, Xt, yt);
    X /= 255.0;
    Xt /= 255.0;
    d = X.cols();
    c = 10;
  } else {
    require_arg(t == 0, "num_test needs data: fashion_mnist");
    clusters(n + v, d, c, arg_real(a, "spread"), rng, X, y);
  }
  Bundle in;
  in.put("X", Mat(X.topRows(n)));
  in.put("y", IVec(y.head(n)));
  in.put("X_val", Mat(X.bottomRows(v)));
  in.put("y_val", IVec(y.tail(v)));
  if (t > 0) {
    // kept by the grader (CaseDef::private_inputs): the runner never sees the test rows
    in.put("X_test", std::move(Xt));
    in.put("y_test", std::move(yt));
  }
  in.put("hidden_dims", hidden_of(a));
  in.put("num_classes", std::int64_t{c});
  in.put("reg", arg_real(a, "reg"));
  in.put("weight_scale", arg_real(a, "weight_scale"));
  in.put("update_rule", rule);
  in.put("learning_rate", arg_real(a, "learning_rate"));
  in.put("lr_decay", arg_real(a, "lr_decay"));
  in.put("num_epochs", arg_int(a, "num_epochs"));
  in.put("batch_size", arg_int(a, "batch_size"));
  in.put("num_train_samples", arg_int(a, "num_train_samples"));
  in.put("seed", static_cast<std::int64_t>(seed));
  return in;
}

// test_accuracy: the parameters the runner returned ("W1", "b1", ... as (in, out) and (1, out)),
// run here as {affine - ReLU} x L, affine on the grader's test rows; argmax, ties to the smaller
// class. Nothing is derived when the parameters are missing or do not chain up.
void derive_test_accuracy(const Bundle& inputs, Bundle& outputs) {
  if (!inputs.has("X_test")) return;
  Mat h = inputs.mat("X_test");
  int layers = 0;
  while (outputs.has("W" + std::to_string(layers + 1))) ++layers;
  if (layers == 0) return;
  for (int i = 1; i <= layers; ++i) {
    const std::string w = "W" + std::to_string(i), b = "b" + std::to_string(i);
    if (!outputs.has(b) || !std::holds_alternative<Mat>(outputs.at(w)) ||
        !std::holds_alternative<Mat>(outputs.at(b))) {
      return;
    }
    const Mat& W = outputs.mat(w);
    const Mat& B = outputs.mat(b);
    if (W.rows() != h.cols() || B.rows() != 1 || B.cols() != W.cols()) return;
    Mat next = h * W;
    next.rowwise() += B.row(0);
    h = i < layers ? Mat(next.cwiseMax(0.0)) : next;
  }
  const IVec& y = inputs.ivec("y_test");
  if (h.cols() < 1 || !h.allFinite()) {
    outputs.put("test_accuracy", 0.0);
    return;
  }
  outputs.put("test_accuracy", argmax_accuracy(h, y));
}

std::map<std::string, GradientOf> fc_gradients() {
  std::map<std::string, GradientOf> g;
  for (int i = 1; i <= 5; ++i) {
    for (const char* kind : {"W", "b"}) {
      const std::string name = std::string(kind) + std::to_string(i);
      g[name] = {"loss", "d" + name};
    }
  }
  return g;
}

}  // namespace

void add_backprop_cases(CaseCatalog& c) {
  c.add({"backprop.fc_net_init", "FullyConnectedNet::FullyConnectedNet",
         {{"hidden_dims", {std::vector<std::int64_t>{6, 5}, "hidden layer sizes"}},
          {"input_dim", {std::int64_t{4}, "D"}},
          {"num_classes", {std::int64_t{3}, "C"}},
          {"weight_scale", {0.01, "W_i = weight_scale * N(0, 1)"}}},
         fc_init_inputs});
  CaseDef solver{"backprop.solver_train", "train (the solver)",
         {{"hidden_dims", {std::vector<std::int64_t>{20}, "hidden layer sizes (at most 4)"}},
          {"data", {std::string("clusters"), "clusters (random) or fashion_mnist (pixels / 255)"}},
          {"num_examples", {std::int64_t{50}, "training rows"}},
          {"num_val", {std::int64_t{20}, "validation rows (fashion_mnist: the training rows after them)"}},
          {"num_test", {std::int64_t{0}, "fashion_mnist test rows kept by the grader (test_accuracy)"}},
          {"input_dim", {std::int64_t{10}, "D (clusters; 784 for fashion_mnist)"}},
          {"num_classes", {std::int64_t{3}, "C (clusters; 10 for fashion_mnist)"}},
          {"spread", {1.0, "noise around each class centre (small: separable)"}},
          {"reg", {0.0, "L2 strength"}},
          {"weight_scale", {0.1, "initial W_i = weight_scale * N(0, 1)"}},
          {"update_rule", {std::string("adam"), "sgd, sgd_momentum, rmsprop or adam"}},
          {"learning_rate", {1e-2, "at epoch 1"}},
          {"lr_decay", {1.0, "factor per epoch"}},
          {"num_epochs", {std::int64_t{3}, "epochs"}},
          {"batch_size", {std::int64_t{10}, "rows per step"}},
          {"num_train_samples",
           {std::int64_t{1000}, "training accuracy on the first this many rows"}}},
         solver_inputs};
  solver.private_inputs = {"X_test", "y_test"};
  solver.derive = derive_test_accuracy;
  solver.reg_input = "reg";
  // BEGIN COURSE ONLY
  solver.explain = mistakes::solver;
  solver.variants = {mistakes::no_lr_decay, mistakes::every_row_for_train_accuracy};
  // END COURSE ONLY
  c.add(std::move(solver));
  CaseDef net{"backprop.fc_net_loss", "FullyConnectedNet::loss",
         {{"hidden_dims", {std::vector<std::int64_t>{6, 5}, "hidden layer sizes (at most 4)"}},
          {"num_examples", {std::int64_t{5}, "N"}},
          {"input_dim", {std::int64_t{4}, "D"}},
          {"num_classes", {std::int64_t{3}, "C"}},
          {"reg", {0.0, "L2 strength"}},
          {"weight_scale", {0.5, "W_i = weight_scale * N(0, 1)"}}},
         fc_loss_inputs, fc_gradients()};
  net.examples_input = "X";
  net.reg_input = "reg";
  net.regularized = {"W1", "W2", "W3", "W4", "W5"};
  net.nonfinite = mistakes::kSoftmaxOverflow;
  c.add(std::move(net));
  const std::map<std::string, GradientOf> affine_grads = {
      {"x", {"vjp", "dx"}}, {"w", {"vjp", "dw"}}, {"b", {"vjp", "db"}}};
  CaseDef affine{"backprop.affine", "affine_forward/affine_backward", layer_args(), affine_inputs,
                 affine_grads};
  affine.derive = derive_vjp;
  affine.examples_input = "x";
  c.add(affine);
  CaseDef sandwich{"backprop.affine_relu", "affine_relu_forward/affine_relu_backward",
                   layer_args(), affine_inputs, affine_grads};
  sandwich.derive = derive_vjp;
  sandwich.examples_input = "x";
  // BEGIN COURSE ONLY
  sandwich.explain = mistakes::affine_relu;
  // END COURSE ONLY
  c.add(sandwich);
  for (const auto& [name, function] :
       {std::pair{"backprop.relu", "relu_forward/relu_backward"},
        std::pair{"backprop.sigmoid", "sigmoid_forward/sigmoid_backward"}}) {
    CaseDef layer{name, function, layer_args(), elementwise_inputs, {{"x", {"vjp", "dx"}}}};
    layer.derive = derive_vjp;
    // BEGIN COURSE ONLY
    if (std::string(name) == "backprop.relu") layer.explain = mistakes::relu;
    // END COURSE ONLY
    if (std::string(name) == "backprop.sigmoid") layer.nonfinite = mistakes::kSigmoidOverflow;
    c.add(layer);
  }
  const std::map<std::string, ArgDef> loss_args = {
      {"num_examples", {std::int64_t{6}, "rows N"}},
      {"num_classes", {std::int64_t{4}, "C"}},
      {"scale", {1.0, "scores are scale * N(0, 1); large scales overflow a naive softmax"}},
      {"integers", {false, "scores rounded to whole numbers: SVM margins of exactly 0"}},
  };
  CaseDef softmax{"backprop.softmax_loss", "softmax_loss", loss_args, loss_inputs,
                  {{"scores", {"loss", "dscores"}}}};
  softmax.examples_input = "scores";
  softmax.nonfinite = mistakes::kSoftmaxOverflow;
  c.add(std::move(softmax));
  CaseDef svm{"backprop.svm_loss", "svm_loss", loss_args, loss_inputs,
              {{"scores", {"loss", "dscores"}}}};
  svm.examples_input = "scores";
  // BEGIN COURSE ONLY
  svm.explain = mistakes::scores_svm_loss;
  // END COURSE ONLY
  c.add(std::move(svm));
  CaseDef add_mul{"backprop.add_mul", "add_mul_forward/add_mul_backward",
         {{"x", {3.0, "x"}}, {"y", {5.0, "y"}}, {"z", {-2.0, "z"}}, {"dout", {1.0, "upstream"}}},
         circuit_inputs};
  // BEGIN COURSE ONLY
  add_mul.explain = mistakes::upstream;
  // END COURSE ONLY
  c.add(std::move(add_mul));
  CaseDef neuron{"backprop.neuron", "neuron_forward/neuron_backward",
         {{"lecture", {false, "the lecture's w = (2, -3), b = -3, x = (-1, -2)"}},
          {"input_dim", {std::int64_t{3}, "D"}},
          {"dout", {1.0, "upstream gradient"}}},
         neuron_inputs};
  // BEGIN COURSE ONLY
  neuron.explain = mistakes::upstream;
  // END COURSE ONLY
  c.add(std::move(neuron));
  for (const auto& [rule, learning_rate] : {std::pair{"sgd", 1e-2}, std::pair{"sgd_momentum", 1e-2},
                                            std::pair{"rmsprop", 1e-2}, std::pair{"adam", 1e-3}}) {
    CaseDef update{std::string("backprop.") + rule, rule, optim_args(learning_rate), optim_inputs};
    // BEGIN COURSE ONLY
    update.explain = [rule = std::string(rule)](const Bundle& in, const std::string& output,
                                                const Bundle& expected, const Bundle& got) {
      return mistakes::update_rule(rule, in, output, expected, got);
    };
    // END COURSE ONLY
    c.add(std::move(update));
  }
}

}  // namespace pg::grader
