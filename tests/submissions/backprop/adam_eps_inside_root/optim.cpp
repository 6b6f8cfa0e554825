// Sample submission 'adam_eps_inside_root': adam adds epsilon inside the square root, sqrt(v_hat + eps), instead of after it.
// Update rules: SGD, SGD with momentum, RMSprop and Adam, one step each (assignment 3).
// Not the solver that applies them to a net.
#include "backprop/optim.hpp"

#include <cmath>

#include "common/errors.hpp"

namespace pg::backprop {

namespace {

void check_same(const char* function, const Mat& w, const Mat& dw) {
  check_shape(function, "dw", dw, w.rows(), w.cols());
}

// state matrices start empty: zeros of the parameter's shape on the first step
void zeros_like(Mat& state, const Mat& w) {
  if (state.rows() != w.rows() || state.cols() != w.cols()) state = Mat::Zero(w.rows(), w.cols());
}

}  // namespace

Mat sgd(const Mat& w, const Mat& dw, const SgdConfig& config) {
  check_same("sgd", w, dw);
  Mat next;
  // TODO: next = w - learning_rate * dw.
  next = w - config.learning_rate * dw;
  return next;
}

Mat sgd_momentum(const Mat& w, const Mat& dw, MomentumState& state) {
  check_same("sgd_momentum", w, dw);
  zeros_like(state.velocity, w);
  Mat next;
  // TODO: velocity = momentum * velocity - learning_rate * dw; next = w + velocity.
  state.velocity = state.momentum * state.velocity - state.learning_rate * dw;
  next = w + state.velocity;
  return next;
}

Mat rmsprop(const Mat& w, const Mat& dw, RmspropState& state) {
  check_same("rmsprop", w, dw);
  zeros_like(state.cache, w);
  Mat next;
  // TODO: cache = decay * cache + (1 - decay) * dw^2 (elementwise);
  //       next = w - learning_rate * dw / (sqrt(cache) + epsilon).
  state.cache = state.decay * state.cache + (1.0 - state.decay) * dw.cwiseProduct(dw);
  next = w.array() - state.learning_rate * dw.array() / (state.cache.array().sqrt() + state.epsilon);
  return next;
}

Mat adam(const Mat& w, const Mat& dw, AdamState& state) {
  check_same("adam", w, dw);
  zeros_like(state.m, w);
  zeros_like(state.v, w);
  Mat next;
  // TODO: t += 1; m = beta1 m + (1 - beta1) dw; v = beta2 v + (1 - beta2) dw^2;
  //       m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t);
  //       next = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon).
  state.t += 1;
  state.m = state.beta1 * state.m + (1.0 - state.beta1) * dw;
  state.v = state.beta2 * state.v + (1.0 - state.beta2) * dw.cwiseProduct(dw);
  const double c1 = 1.0 - std::pow(state.beta1, state.t);
  const double c2 = 1.0 - std::pow(state.beta2, state.t);
  next = w.array() -
         state.learning_rate * (state.m.array() / c1) / ((state.v.array() / c2 + state.epsilon).sqrt());
  return next;
}

}  // namespace pg::backprop
