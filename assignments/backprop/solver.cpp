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
  throw pg::NotImplemented(__func__);
  return h;
}

}  // namespace pg::backprop
