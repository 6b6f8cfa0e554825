// Runner-side calls for assignment 3 (backprop): layers forward and backward with an upstream
// gradient, the losses, the circuits, and update rules over several steps.
// Not the inputs or the checks (grader/src/cases/backprop.cpp).
#include "backprop/fc_net.hpp"
#include "backprop/layers.hpp"
#include "backprop/solver.hpp"
#include "backprop/optim.hpp"
#include "calls.hpp"

namespace pg::harness {

namespace {

using namespace pg::backprop;
using wire::Bundle;

// vectors travel as one-row matrices
Vec vec(const Mat& row) { return Vec(Eigen::Map<const Vec>(row.data(), row.size())); }
Mat row(const Vec& v) { return Mat(v.transpose()); }

Bundle loss(LossResult (*f)(const Mat&, const IVec&), const Bundle& in) {
  LossResult r = f(in.mat("scores"), in.ivec("y"));
  Bundle out;
  out.put("loss", r.loss);
  out.put("dscores", std::move(r.dscores));
  return out;
}

// runs `steps` updates; grads stacks one gradient per step (steps * rows, cols); the output
// stacks w after each step the same way
template <class Step>
Bundle trajectory(const Bundle& in, Step step) {
  const Mat& w0 = in.mat("w");
  const Mat& grads = in.mat("grads");
  const auto steps = static_cast<Eigen::Index>(in.integer("steps"));
  Mat w = w0, path(steps * w0.rows(), w0.cols());
  for (Eigen::Index s = 0; s < steps; ++s) {
    w = step(w, Mat(grads.middleRows(s * w0.rows(), w0.rows())));
    path.middleRows(s * w0.rows(), w0.rows()) = w;
  }
  Bundle out;
  out.put("w_after_each_step", std::move(path));
  return out;
}

// the outputs of an affine layer's case: out, and its gradients with db as a (1, M) row
Bundle affine_outputs(Mat out, AffineGrads g) {
  Bundle o;
  o.put("out", std::move(out));
  o.put("dx", std::move(g.dx));
  o.put("dw", std::move(g.dw));
  o.put("db", row(g.db));
  return o;
}

std::vector<int> dims(const IVec& v) { return std::vector<int>(v.data(), v.data() + v.size()); }

}  // namespace

void register_calls(CallTable& t) {
  t.add("backprop.fc_net_init", [](const Bundle& in) {
    FullyConnectedNet net(dims(in.ivec("hidden_dims")), static_cast<int>(in.integer("input_dim")),
                          static_cast<int>(in.integer("num_classes")), 0.0,
                          in.real("weight_scale"), static_cast<std::uint64_t>(in.integer("seed")));
    Bundle o;
    for (auto& [name, value] : net.params) o.put(name, value);
    return o;
  });
  t.add("backprop.solver_train", [](const Bundle& in) {
    const Mat& X = in.mat("X");
    FullyConnectedNet net(dims(in.ivec("hidden_dims")), static_cast<int>(X.cols()),
                          static_cast<int>(in.integer("num_classes")), in.real("reg"),
                          in.real("weight_scale"), static_cast<std::uint64_t>(in.integer("seed")));
    SolverConfig c;
    c.update_rule = in.text("update_rule");
    c.learning_rate = in.real("learning_rate");
    c.lr_decay = in.real("lr_decay");
    c.num_epochs = static_cast<int>(in.integer("num_epochs"));
    c.batch_size = static_cast<int>(in.integer("batch_size"));
    c.num_train_samples = in.integer("num_train_samples");
    c.seed = static_cast<std::uint64_t>(in.integer("seed"));
    c.progress = false;
    TrainingHistory h = train(net, X, in.ivec("y"), in.mat("X_val"), in.ivec("y_val"), c);
    auto as_row = [](const std::vector<double>& v) {
      return Mat(Eigen::Map<const Mat>(v.data(), 1, static_cast<Eigen::Index>(v.size())));
    };
    Bundle o;
    o.put("loss_history", as_row(h.loss_history));
    o.put("train_acc_history", as_row(h.train_acc_history));
    o.put("val_acc_history", as_row(h.val_acc_history));
    for (auto& [name, value] : net.params) o.put(name, value);
    return o;
  });
  t.add("backprop.fc_net_loss", [](const Bundle& in) {
    const Mat& X = in.mat("X");
    FullyConnectedNet net(dims(in.ivec("hidden_dims")), static_cast<int>(X.cols()),
                          static_cast<int>(in.integer("num_classes")), in.real("reg"), 1.0, 0);
    // the parameters come from the grader, so that it can perturb them
    for (auto& [name, value] : net.params) value = in.mat(name);
    NetLossGrads lg = net.loss(X, in.ivec("y"));
    Bundle o;
    o.put("loss", lg.loss);
    for (auto& [name, grad] : lg.grads) o.put("d" + name, std::move(grad));
    o.put("scores", net.scores(X));
    return o;
  });
  t.add("backprop.add_mul", [](const Bundle& in) {
    auto [out, cache] = add_mul_forward(in.real("x"), in.real("y"), in.real("z"));
    AddMulGrads g = add_mul_backward(in.real("dout"), cache);
    Bundle o;
    o.put("out", out);
    o.put("dx", g.dx);
    o.put("dy", g.dy);
    o.put("dz", g.dz);
    return o;
  });
  t.add("backprop.neuron", [](const Bundle& in) {
    auto [out, cache] = neuron_forward(vec(in.mat("w")), vec(in.mat("x")), in.real("b"));
    NeuronGrads g = neuron_backward(in.real("dout"), cache);
    Bundle o;
    o.put("out", out);
    o.put("dw", row(g.dw));
    o.put("dx", row(g.dx));
    o.put("db", g.db);
    return o;
  });
  t.add("backprop.affine", [](const Bundle& in) {
    auto [out, cache] = affine_forward(in.mat("x"), in.mat("w"), vec(in.mat("b")));
    return affine_outputs(std::move(out), affine_backward(in.mat("dout"), cache));
  });
  t.add("backprop.affine_relu", [](const Bundle& in) {
    auto [out, cache] = affine_relu_forward(in.mat("x"), in.mat("w"), vec(in.mat("b")));
    return affine_outputs(std::move(out), affine_relu_backward(in.mat("dout"), cache));
  });
  t.add("backprop.relu", [](const Bundle& in) {
    auto [out, cache] = relu_forward(in.mat("x"));
    Bundle o;
    o.put("dx", relu_backward(in.mat("dout"), cache).dx);
    o.put("out", std::move(out));
    return o;
  });
  t.add("backprop.sigmoid", [](const Bundle& in) {
    auto [out, cache] = sigmoid_forward(in.mat("x"));
    Bundle o;
    o.put("dx", sigmoid_backward(in.mat("dout"), cache).dx);
    o.put("out", std::move(out));
    return o;
  });
  t.add("backprop.softmax_loss", [](const Bundle& in) { return loss(softmax_loss, in); });
  t.add("backprop.svm_loss", [](const Bundle& in) { return loss(svm_loss, in); });
  t.add("backprop.sgd", [](const Bundle& in) {
    SgdConfig c{in.real("learning_rate")};
    return trajectory(in, [&](const Mat& w, const Mat& g) { return sgd(w, g, c); });
  });
  t.add("backprop.sgd_momentum", [](const Bundle& in) {
    MomentumState s;
    s.learning_rate = in.real("learning_rate");
    return trajectory(in, [&](const Mat& w, const Mat& g) { return sgd_momentum(w, g, s); });
  });
  t.add("backprop.rmsprop", [](const Bundle& in) {
    RmspropState s;
    s.learning_rate = in.real("learning_rate");
    return trajectory(in, [&](const Mat& w, const Mat& g) { return rmsprop(w, g, s); });
  });
  t.add("backprop.adam", [](const Bundle& in) {
    AdamState s;
    s.learning_rate = in.real("learning_rate");
    return trajectory(in, [&](const Mat& w, const Mat& g) { return adam(w, g, s); });
  });
}

}  // namespace pg::harness
