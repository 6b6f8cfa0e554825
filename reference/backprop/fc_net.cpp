// A fully-connected net of any depth built from the layers of layers.hpp (assignment 3).
// Not the training loop (the solver) and not the layers themselves (layers.cpp).
#include "backprop/fc_net.hpp"

#include <random>
#include <string>

#include "backprop/layers.hpp"
#include "common/errors.hpp"

namespace pg::backprop {

namespace {

Vec bias(const Mat& b) { return Vec(Eigen::Map<const Vec>(b.data(), b.size())); }

// "W3", "b3": a parameter's name
std::string param(char kind, int layer) {
  std::string name(1, kind);
  name += std::to_string(layer);
  return name;
}

}  // namespace

FullyConnectedNet::FullyConnectedNet(std::vector<int> hidden_dims, int input_dim,
                                     int num_classes, double reg, double weight_scale,
                                     std::uint64_t seed)
    : hidden_dims_(std::move(hidden_dims)), reg_(reg) {
  require(input_dim >= 1 && num_classes >= 1, "FullyConnectedNet",
          "input_dim and num_classes must be at least 1");
  require(reg >= 0 && weight_scale > 0, "FullyConnectedNet",
          "need reg >= 0 and weight_scale > 0");
  std::vector<int> sizes = {input_dim};
  for (int h : hidden_dims_) {
    require(h >= 1, "FullyConnectedNet", "every hidden dimension must be at least 1");
    sizes.push_back(h);
  }
  sizes.push_back(num_classes);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    Mat W(sizes[i], sizes[i + 1]);
    for (Eigen::Index k = 0; k < W.size(); ++k) W.data()[k] = weight_scale * normal(rng);
    params[param('W', static_cast<int>(i) + 1)] = std::move(W);
    params[param('b', static_cast<int>(i) + 1)] = Mat::Zero(1, sizes[i + 1]);
  }
}

Mat FullyConnectedNet::scores(const Mat& X) const {
  const int L = num_layers();
  require(X.cols() == params.at("W1").rows(), "scores",
          "X has shape " + shape_of(X) + " but W1 has shape " + shape_of(params.at("W1")));
  Mat h = X;
  // TODO: L - 1 times h = affine_relu_forward(h, W_i, b_i).out, then the last affine layer.
  // BEGIN SOLUTION
  for (int i = 1; i < L; ++i) {
    h = affine_relu_forward(h, params.at(param('W', i)), bias(params.at(param('b', i)))).out;
  }
  h = affine_forward(h, params.at(param('W', L)), bias(params.at(param('b', L)))).out;
  // END SOLUTION
  return h;
}

NetLossGrads FullyConnectedNet::loss(const Mat& X, const IVec& y) const {
  const int L = num_layers();
  require(X.cols() == params.at("W1").rows(), "loss",
          "X has shape " + shape_of(X) + " but W1 has shape " + shape_of(params.at("W1")));
  NetLossGrads r{0.0, {}};
  // TODO: forward: keep the cache of each affine-ReLU layer and of the last affine layer;
  //       loss = softmax_loss(scores, y).loss + reg * sum over i of sum(W_i^2).
  //       backward: from dscores through the last affine layer, then each affine-ReLU layer in
  //       reverse; grads["W_i"] = dw + 2 * reg * W_i, grads["b_i"] = db as a (1, out) row.
  // BEGIN SOLUTION
  std::vector<AffineReluCache> hidden;
  Mat h = X;
  for (int i = 1; i < L; ++i) {
    AffineReluForward f =
        affine_relu_forward(h, params.at(param('W', i)), bias(params.at(param('b', i))));
    h = std::move(f.out);
    hidden.push_back(std::move(f.cache));
  }
  AffineForward top = affine_forward(h, params.at(param('W', L)), bias(params.at(param('b', L))));
  LossResult data = softmax_loss(top.out, y);
  r.loss = data.loss;
  for (int i = 1; i <= L; ++i) r.loss += reg_ * params.at(param('W', i)).squaredNorm();

  AffineGrads g = affine_backward(data.dscores, top.cache);
  r.grads[param('W', L)] = g.dw + 2.0 * reg_ * params.at(param('W', L));
  r.grads[param('b', L)] = g.db.transpose();
  Mat dh = std::move(g.dx);
  for (int i = L - 1; i >= 2; --i) {
    AffineGrads gi = affine_relu_backward(dh, hidden[static_cast<std::size_t>(i - 1)]);
    r.grads[param('W', i)] = gi.dw + 2.0 * reg_ * params.at(param('W', i));
    r.grads[param('b', i)] = gi.db.transpose();
    dh = std::move(gi.dx);
  }
  if (L >= 2) {
    // Layer 1 the same way, except that nothing needs dL/dX: skipping that product (N x H_1
    // times H_1 x D) saves a third of the work of the largest layer.
    const AffineReluCache& c = hidden.front();
    const Mat da = relu_backward(dh, c.relu).dx;
    Mat dw(c.affine.x.cols(), da.cols());
    dw.noalias() = c.affine.x.transpose() * da;
    r.grads["W1"] = dw + 2.0 * reg_ * params.at("W1");
    r.grads["b1"] = da.colwise().sum();
  }
  // END SOLUTION
  return r;
}

}  // namespace pg::backprop
