// The lecture's CNN as a backprop::Model, and the shift test (assignment 4). Not the layers it is
// built from (conv.cpp, backprop/layers.cpp) nor its training (backprop/solver.cpp).
#include "conv/cnn.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <utility>

#include "backprop/layers.hpp"
#include "common/errors.hpp"
#include "common/parallel.hpp"
#include "common/tensor.hpp"
#include "conv/conv.hpp"

namespace pg::conv {

namespace {

using backprop::NetLossGrads;
using Index = Eigen::Index;

// rows of X that evaluate_on_shift scores at once
constexpr Index kBatch = 250;

// a (1, n) bias row as the Vec the layers take
Vec bias(const Mat& b) { return Vec(Eigen::Map<const Vec>(b.data(), b.size())); }

// a bank of 3 x 3 filters, one per row (F, channels*9), as the (F, channels, 3, 3) tensor
Tensor4 filters(const Mat& bank, long channels) { return unflatten(bank, channels, 3, 3); }

// The ReLU of a conv layer's output a, image by image side by side (pg::parallel_for).
Tensor4 relu(const Tensor4& a) {
  Tensor4 out(a.dimensions());
  const Index size = a.size() / a.dimension(0);  // one image's elements
  parallel_for(a.dimension(0), [&](Index n, int) {
    Eigen::Map<Eigen::ArrayXd>(out.data() + n * size, size) =
        Eigen::Map<const Eigen::ArrayXd>(a.data() + n * size, size).max(0.0);
  });
  return out;
}

// Its backward pass: dout where a > 0, else 0, image by image side by side. Written as dout times
// (a > 0) taken as 1 or 0, which Eigen turns into vector instructions (its select, it does not);
// the same numbers for any finite dout.
Tensor4 relu_backward(const Tensor4& dout, const Tensor4& a) {
  Tensor4 da(dout.dimensions());
  const Index size = a.size() / a.dimension(0);  // one image's elements
  parallel_for(a.dimension(0), [&](Index n, int) {
    const Eigen::Map<const Eigen::ArrayXd> a_n(a.data() + n * size, size);
    Eigen::Map<Eigen::ArrayXd>(da.data() + n * size, size) =
        Eigen::Map<const Eigen::ArrayXd>(dout.data() + n * size, size) * (a_n > 0).cast<double>();
  });
  return da;
}

// The net's conv (3 x 3, stride 1, pad 1) - ReLU: conv_relu_forward with the naive layer, or the
// same with the fast one.
ConvReluForward conv_relu(const Tensor4& x, const Tensor4& w, const Vec& b, bool fast) {
  if (!fast) return conv_relu_forward(x, w, b, 1, 1);
  ConvForward conv = conv_forward_fast(x, w, b, 1, 1);
  Tensor4 out = relu(conv.out);
  return {std::move(out), {std::move(conv.cache), std::move(conv.out)}};
}

// Its backward pass: conv_relu_backward, or the same with the fast conv layer.
ConvGrads conv_relu_back(const Tensor4& dout, const ConvReluCache& cache, bool fast) {
  if (!fast) return conv_relu_backward(dout, cache);
  return conv_backward_fast(relu_backward(dout, cache.relu), cache.conv);
}

// The net's 2 x 2 max pool with stride 2, naive or fast, and its backward pass.
MaxPoolForward max_pool(const Tensor4& x, bool fast) {
  return fast ? max_pool_forward_fast(x, 2, 2, 2) : max_pool_forward_naive(x, 2, 2, 2);
}
MaxPoolGrads max_pool_back(const Tensor4& dout, const MaxPoolCache& cache, bool fast) {
  return fast ? max_pool_backward_fast(dout, cache) : max_pool_backward_naive(dout, cache);
}

void check_images(const char* function, const Mat& X, const ConvNetConfig& c) {
  const long columns = static_cast<long>(c.channels) * c.height * c.width;
  require(X.cols() == columns, function,
          "X has shape " + shape_of(X) + " but the net takes images of C x H x W = " +
              std::to_string(c.channels) + " x " + std::to_string(c.height) + " x " +
              std::to_string(c.width) + " = " + std::to_string(columns) + " columns");
}

}  // namespace

ConvNet::ConvNet(const ConvNetConfig& config) : config_(config) {
  const ConvNetConfig& c = config_;
  const std::pair<const char*, int> sizes[] = {
      {"channels", c.channels},      {"height", c.height},     {"width", c.width},
      {"filters1", c.filters1},      {"filters2", c.filters2}, {"hidden", c.hidden},
      {"num_classes", c.num_classes}};
  for (const auto& [name, value] : sizes) {
    require(value >= 1, "ConvNet",
            std::string(name) + " must be at least 1, got " + std::to_string(value));
  }
  require(c.height % 2 == 0 && c.width % 2 == 0, "ConvNet",
          "height and width must be even (the 2 x 2 pool halves them), got " +
              std::to_string(c.height) + " x " + std::to_string(c.width));
  require(c.reg >= 0, "ConvNet", "reg must be >= 0");
  const long pooled = static_cast<long>(c.filters2) * (c.height / 2) * (c.width / 2);
  // each layer's W (rows, cols), its fan_in and its number of outputs (b's length)
  struct Layer {
    long rows, cols, fan_in, out;
  };
  const Layer layers[] = {{c.filters1, c.channels * 9L, c.channels * 9L, c.filters1},
                          {c.filters2, c.filters1 * 9L, c.filters1 * 9L, c.filters2},
                          {pooled, c.hidden, pooled, c.hidden},
                          {c.hidden, c.num_classes, c.hidden, c.num_classes}};
  std::mt19937_64 rng(c.seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int i = 0; i < 4; ++i) {
    const Layer& l = layers[i];
    const double bound = 1.0 / std::sqrt(static_cast<double>(l.fan_in));
    Mat W(l.rows, l.cols), b(1, l.out);
    for (Index k = 0; k < W.size(); ++k) W.data()[k] = bound * u(rng);
    for (Index k = 0; k < b.size(); ++k) b.data()[k] = bound * u(rng);
    params["W" + std::to_string(i + 1)] = std::move(W);
    params["b" + std::to_string(i + 1)] = std::move(b);
  }
}

Mat ConvNet::scores(const Mat& X) const {
  const ConvNetConfig& c = config_;
  check_images("scores", X, c);
  Mat s;
  // TODO: x = unflatten(X, C, H, W); conv_relu(x, filters(W1, C), b1), then conv_relu with
  //       filters(W2, F1) and b2; max_pool; flatten; backprop::affine_relu_forward with W3, b3;
  //       then backprop::affine_forward with W4, b4: s is its out (N, K). The helpers above take
  //       the naive layers, or the fast ones when c.fast; bias() turns a (1, n) row into a Vec.
  // BEGIN SOLUTION
  const Tensor4 x = unflatten(X, c.channels, c.height, c.width);
  // each layer's cache is dropped as soon as its output is kept: scores keeps only activations
  const Tensor4 a1 =
      conv_relu(x, filters(params.at("W1"), c.channels), bias(params.at("b1")), c.fast).out;
  const Tensor4 a2 =
      conv_relu(a1, filters(params.at("W2"), c.filters1), bias(params.at("b2")), c.fast).out;
  const Mat pooled = flatten(max_pool(a2, c.fast).out);
  const Mat h = backprop::affine_relu_forward(pooled, params.at("W3"), bias(params.at("b3"))).out;
  s = backprop::affine_forward(h, params.at("W4"), bias(params.at("b4"))).out;
  // END SOLUTION
  return s;
}

NetLossGrads ConvNet::loss(const Mat& X, const IVec& y) const {
  const ConvNetConfig& c = config_;
  check_images("loss", X, c);
  NetLossGrads r{0.0, {}};
  // TODO: forward as in scores, keeping every layer's cache;
  //       loss = softmax_loss(scores, y).loss + reg * (sum(W1^2) + ... + sum(W4^2)).
  //       backward, last layer first: affine_backward, affine_relu_backward, its dx unflattened
  //       to (N, F2, H/2, W/2), max_pool_back, conv_relu_back for conv2 and then for conv1.
  //       grads["W_i"] = dw + 2 * reg * W_i, a conv layer's dw flattened to its (F, channels*9)
  //       bank; grads["b_i"] = db as a (1, out) row.
  // BEGIN SOLUTION
  const Tensor4 x = unflatten(X, c.channels, c.height, c.width);
  const ConvReluForward conv1 =
      conv_relu(x, filters(params.at("W1"), c.channels), bias(params.at("b1")), c.fast);
  const ConvReluForward conv2 =
      conv_relu(conv1.out, filters(params.at("W2"), c.filters1), bias(params.at("b2")), c.fast);
  const MaxPoolForward pool = max_pool(conv2.out, c.fast);
  const backprop::AffineReluForward hidden =
      backprop::affine_relu_forward(flatten(pool.out), params.at("W3"), bias(params.at("b3")));
  const backprop::AffineForward top =
      backprop::affine_forward(hidden.out, params.at("W4"), bias(params.at("b4")));
  const backprop::LossResult data = backprop::softmax_loss(top.out, y);
  r.loss = data.loss;
  for (const char* w : {"W1", "W2", "W3", "W4"}) r.loss += c.reg * params.at(w).squaredNorm();

  const backprop::AffineGrads g4 = backprop::affine_backward(data.dscores, top.cache);
  const backprop::AffineGrads g3 = backprop::affine_relu_backward(g4.dx, hidden.cache);
  const Tensor4 dpool = unflatten(g3.dx, c.filters2, c.height / 2, c.width / 2);
  const ConvGrads g2 =
      conv_relu_back(max_pool_back(dpool, pool.cache, c.fast).dx, conv2.cache, c.fast);
  const ConvGrads g1 = conv_relu_back(g2.dx, conv1.cache, c.fast);  // its dx (the image's) unused
  auto put = [&](int i, const Mat& dw, const Vec& db) {
    const std::string layer = std::to_string(i);
    r.grads["W" + layer] = dw + 2.0 * c.reg * params.at("W" + layer);
    r.grads["b" + layer] = db.transpose();
  };
  put(1, flatten(g1.dw), g1.db);
  put(2, flatten(g2.dw), g2.db);
  put(3, g3.dw, g3.db);
  put(4, g4.dw, g4.db);
  // END SOLUTION
  return r;
}

double evaluate_on_shift(const backprop::Model& model, const Mat& X, const IVec& y, int s,
                         int height, int width) {
  require(height >= 1 && width >= 1, "evaluate_on_shift",
          "height and width must be at least 1, got " + std::to_string(height) + " x " +
              std::to_string(width));
  const long pixels = static_cast<long>(height) * width;
  require(X.cols() == pixels, "evaluate_on_shift",
          "X has shape " + shape_of(X) + " but images of " + std::to_string(height) + " x " +
              std::to_string(width) + " need " + std::to_string(pixels) + " columns");
  require(X.rows() >= 1 && X.rows() == y.size(), "evaluate_on_shift",
          "X has shape " + shape_of(X) + " and y has " + std::to_string(y.size()) + " labels");
  Index correct = 0;
  // TODO: for each batch of up to kBatch rows: copy the rows, each seen as a (height, width)
  //       image (Eigen::Map<const Mat>(pointer to the row, height, width)) and moved by
  //       shift_image(image, s); score the batch with model.scores; count the rows whose highest
  //       score (the first highest on a tie) is at the label.
  // BEGIN SOLUTION
  for (Index start = 0; start < X.rows(); start += kBatch) {
    const Index rows = std::min(kBatch, X.rows() - start);
    Mat shifted(rows, pixels);
    for (Index k = 0; k < rows; ++k) {
      const Eigen::Map<const Mat> image(X.data() + (start + k) * pixels, height, width);
      Eigen::Map<Mat>(shifted.data() + k * pixels, height, width) = shift_image(image, s);
    }
    const Mat scores = model.scores(shifted);
    for (Index k = 0; k < rows; ++k) {
      Index best = 0;
      for (Index j = 1; j < scores.cols(); ++j) {
        if (scores(k, j) > scores(k, best)) best = j;
      }
      correct += best == y(start + k);
    }
  }
  // END SOLUTION
  return static_cast<double>(correct) / static_cast<double>(X.rows());
}

}  // namespace pg::conv
