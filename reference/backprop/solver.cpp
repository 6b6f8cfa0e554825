// The solver: shuffled minibatch epochs with any update rule, learning-rate decay, histories and
// the best parameters, for any Model (assignment 3). Not the rules (optim.cpp) nor the models.
#include "backprop/solver.hpp"

#include <unistd.h>

#include <cstdio>
#include <map>
#include <numeric>
#include <random>

#include "backprop/optim.hpp"
#include "common/errors.hpp"

namespace pg::backprop {

namespace {

// one update rule's state for each parameter
class Updater {
 public:
  Updater(const std::string& rule, double learning_rate) : rule_(rule), lr_(learning_rate) {
    require(rule == "sgd" || rule == "sgd_momentum" || rule == "rmsprop" || rule == "adam",
            "train", "update_rule '" + rule + "' must be sgd, sgd_momentum, rmsprop or adam");
  }
  void decay(double factor) { lr_ *= factor; }
  Mat step(const std::string& name, const Mat& w, const Mat& dw) {
    if (rule_ == "sgd") return sgd(w, dw, {lr_});
    if (rule_ == "sgd_momentum") {
      MomentumState& s = momentum_[name];
      s.learning_rate = lr_;
      return sgd_momentum(w, dw, s);
    }
    if (rule_ == "rmsprop") {
      RmspropState& s = rmsprop_[name];
      s.learning_rate = lr_;
      return rmsprop(w, dw, s);
    }
    AdamState& s = adam_[name];
    s.learning_rate = lr_;
    return adam(w, dw, s);
  }

 private:
  std::string rule_;
  double lr_;
  std::map<std::string, MomentumState> momentum_;
  std::map<std::string, RmspropState> rmsprop_;
  std::map<std::string, AdamState> adam_;
};

void progress_bar(int epoch, int epochs, long done, long total, double loss) {
  const int width = 30;
  const int filled = static_cast<int>(width * done / std::max(total, 1L));
  std::fprintf(stderr, "\repoch %d/%d [%.*s%*s] %ld/%ld loss %.4f", epoch, epochs, filled,
               "==============================", width - filled, "", done, total, loss);
  if (done == total) std::fprintf(stderr, "\n");
}

}  // namespace

double accuracy(const Model& net, const Mat& X, const IVec& y) {
  require(X.rows() == y.size() && X.rows() >= 1, "accuracy",
          "X has shape " + shape_of(X) + " and y has " + std::to_string(y.size()) + " labels");
  const Mat s = net.scores(X);
  Eigen::Index correct = 0;
  for (Eigen::Index i = 0; i < s.rows(); ++i) {
    Eigen::Index best = 0;
    for (Eigen::Index j = 1; j < s.cols(); ++j) {
      if (s(i, j) > s(i, best)) best = j;
    }
    correct += best == y(i);
  }
  return static_cast<double>(correct) / static_cast<double>(s.rows());
}

TrainingHistory train(Model& net, const Mat& X_train, const IVec& y_train, const Mat& X_val,
                      const IVec& y_val, const SolverConfig& config) {
  require(X_train.rows() == y_train.size() && X_train.rows() >= 1, "train",
          "X_train has shape " + shape_of(X_train) + " and y_train has " +
              std::to_string(y_train.size()) + " labels");
  require(config.batch_size >= 1 && config.num_epochs >= 1, "train",
          "batch_size and num_epochs must be at least 1");
  Updater updater(config.update_rule, config.learning_rate);
  TrainingHistory h;
  const bool bar = config.progress && ::isatty(2);
  const long n = X_train.rows();
  const long train_rows = std::min(n, config.num_train_samples);
  // TODO: the epochs, as the header describes: shuffle, batches, loss and update of every
  //       parameter (net.params[name] = updater.step(name, value, grads.at(name))), the histories,
  //       the best parameters, the decay. Call progress_bar(epoch, epochs, batch, batches, loss)
  //       after each batch when `bar` is true. At the end, put the best parameters in the net.
  // BEGIN SOLUTION
  std::mt19937_64 rng(config.seed);
  std::vector<long> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0L);
  const long batches = (n + config.batch_size - 1) / config.batch_size;
  for (int epoch = 1; epoch <= config.num_epochs; ++epoch) {
    for (long i = n - 1; i >= 1; --i) {
      const long j = std::uniform_int_distribution<long>(0, i)(rng);
      std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
    }
    for (long b = 0; b < batches; ++b) {
      const long start = b * config.batch_size, size = std::min<long>(config.batch_size, n - start);
      Mat X_batch(size, X_train.cols());
      IVec y_batch(size);
      for (long k = 0; k < size; ++k) {
        const long row = order[static_cast<std::size_t>(start + k)];
        X_batch.row(k) = X_train.row(row);
        y_batch(k) = y_train(row);
      }
      NetLossGrads lg = net.loss(X_batch, y_batch);
      h.loss_history.push_back(lg.loss);
      for (auto& [name, value] : net.params) value = updater.step(name, value, lg.grads.at(name));
      if (bar) progress_bar(epoch, config.num_epochs, b + 1, batches, lg.loss);
    }
    h.train_acc_history.push_back(
        accuracy(net, X_train.topRows(train_rows), y_train.head(train_rows)));
    h.val_acc_history.push_back(accuracy(net, X_val, y_val));
    if (epoch == 1 || h.val_acc_history.back() > h.best_val_acc) {
      h.best_val_acc = h.val_acc_history.back();
      h.best_params = net.params;
    }
    updater.decay(config.lr_decay);
  }
  net.params = h.best_params;
  // END SOLUTION
  return h;
}

}  // namespace pg::backprop
