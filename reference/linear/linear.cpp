// Linear classifiers: SVM and softmax losses (naive and vectorized), SGD training, prediction and
// a hyper-parameter search (assignment 2). Not the demo (demo.cpp) and not the grader's calls.
#include "linear/linear.hpp"

#include <cmath>
#include <random>
#include <string>

#include "common/errors.hpp"

namespace pg::linear {

namespace {

void check_loss_args(const char* function, const Mat& W, const Mat& X, const IVec& y, double reg) {
  require(X.cols() == W.rows(), function,
          "X has shape " + shape_of(X) + " and W has shape " + shape_of(W) +
              "; X.cols() must equal W.rows() (D)");
  require(y.size() == X.rows(), function,
          "X has " + std::to_string(X.rows()) + " rows but y has " + std::to_string(y.size()) +
              " labels");
  require(X.rows() >= 1, function, "X has no rows");
  require(y.minCoeff() >= 0 && y.maxCoeff() < W.cols(), function,
          "labels must be in 0.." + std::to_string(W.cols() - 1) + " (W has " +
              std::to_string(W.cols()) + " columns)");
  require(reg >= 0, function, "reg = " + std::to_string(reg) + " must be >= 0");
}

// (N, C) with a 1 at (i, y(i)) and 0 elsewhere
Mat one_hot(const IVec& y, Eigen::Index C) {
  Mat Y = Mat::Zero(y.size(), C);
  for (Eigen::Index i = 0; i < y.size(); ++i) Y(i, y(i)) = 1.0;
  return Y;
}

}  // namespace

LossGrad svm_loss_naive(const Mat& W, const Mat& X, const IVec& y, double reg) {
  check_loss_args(__func__, W, X, y, reg);
  const Eigen::Index N = X.rows(), C = W.cols();
  double loss = 0.0;
  Mat dW = Mat::Zero(W.rows(), C);
  // TODO: for each example i: scores s = X.row(i) * W (C values); for each class j != y(i):
  //       margin = s(j) - s(y(i)) + 1; if margin > 0, add it to the loss, add X.row(i) to column
  //       j of dW and subtract it from column y(i). Then divide loss and dW by N, and add the
  //       regularization: loss += reg * sum(W^2), dW += 2 * reg * W.
  // BEGIN SOLUTION
  for (Eigen::Index i = 0; i < N; ++i) {
    const Eigen::RowVectorXd s = X.row(i) * W;
    const double correct = s(y(i));
    for (Eigen::Index j = 0; j < C; ++j) {
      if (j == y(i)) continue;
      const double margin = s(j) - correct + 1.0;
      if (margin > 0) {
        loss += margin;
        dW.col(j) += X.row(i).transpose();
        dW.col(y(i)) -= X.row(i).transpose();
      }
    }
  }
  loss /= static_cast<double>(N);
  dW /= static_cast<double>(N);
  loss += reg * W.squaredNorm();
  dW += 2.0 * reg * W;
  // END SOLUTION
  return {loss, dW};
}

LossGrad svm_loss_vectorized(const Mat& W, const Mat& X, const IVec& y, double reg) {
  check_loss_args(__func__, W, X, y, reg);
  const Eigen::Index N = X.rows(), C = W.cols();
  double loss = 0.0;
  Mat dW;
  // TODO: without loops over examples or classes (building the (N, C) one-hot matrix of y may use
  //       one loop): scores = X * W (N, C); correct(i) = scores(i, y(i));
  //       margins = max(0, scores - correct + 1) with the correct class set to 0;
  //       loss = sum(margins) / N + reg * sum(W^2).
  //       For the gradient, let M (N, C) be 1 where margins > 0, and M(i, y(i)) = -(the number of
  //       positive margins in row i); then dW = X^T * M / N + 2 * reg * W.
  // BEGIN SOLUTION
  const Mat Y = one_hot(y, C);
  const Mat scores = X * W;
  const Vec correct = scores.cwiseProduct(Y).rowwise().sum();
  // margins of the wrong classes; the correct class would add exactly 1, so mask it out
  const Mat margins =
      ((scores.colwise() - correct).array() + 1.0).cwiseMax(0.0).matrix().cwiseProduct(
          (1.0 - Y.array()).matrix());
  loss = margins.sum() / static_cast<double>(N) + reg * W.squaredNorm();
  Mat M = (margins.array() > 0).cast<double>().matrix();
  const Vec positives = M.rowwise().sum();
  M -= Y.cwiseProduct(positives.replicate(1, C));
  dW = X.transpose() * M / static_cast<double>(N) + 2.0 * reg * W;
  // END SOLUTION
  return {loss, dW};
}

LossGrad softmax_loss_naive(const Mat& W, const Mat& X, const IVec& y, double reg) {
  check_loss_args(__func__, W, X, y, reg);
  const Eigen::Index N = X.rows(), C = W.cols();
  double loss = 0.0;
  Mat dW = Mat::Zero(W.rows(), C);
  // TODO: for each example i: s = X.row(i) * W (C values); subtract max(s) from every entry
  //       (stability); sum = sum_k exp(s_k); loss += log(sum) - s(y(i)) (the shifted correct
  //       score; not -log(p_{y(i)}), which is log(0) = -inf when p_{y(i)} underflows);
  //       for each class j: p_j = exp(s_j) / sum, column j of dW += (p_j - [j == y(i)]) * X.row(i).
  //       Then divide by N and add reg * sum(W^2) to the loss and 2 * reg * W to dW.
  // BEGIN SOLUTION
  for (Eigen::Index i = 0; i < N; ++i) {
    Eigen::RowVectorXd s = X.row(i) * W;
    s.array() -= s.maxCoeff();
    double sum = 0.0;
    for (Eigen::Index j = 0; j < C; ++j) sum += std::exp(s(j));
    loss += std::log(sum) - s(y(i));
    for (Eigen::Index j = 0; j < C; ++j) {
      const double p = std::exp(s(j)) / sum;
      dW.col(j) += (p - (j == y(i) ? 1.0 : 0.0)) * X.row(i).transpose();
    }
  }
  loss /= static_cast<double>(N);
  dW /= static_cast<double>(N);
  loss += reg * W.squaredNorm();
  dW += 2.0 * reg * W;
  // END SOLUTION
  return {loss, dW};
}

LossGrad softmax_loss_vectorized(const Mat& W, const Mat& X, const IVec& y, double reg) {
  check_loss_args(__func__, W, X, y, reg);
  const Eigen::Index N = X.rows(), C = W.cols();
  double loss = 0.0;
  Mat dW;
  // TODO: without loops over examples or classes (the one-hot matrix Y of y may use one loop):
  //       scores = X * W (N, C), minus each row's maximum; sums (N) = row sums of exp(scores);
  //       loss = (sum_i log(sums(i)) - sum_i scores(i, y(i))) / N + reg * sum(W^2)
  //       (the shifted scores; not -log of P, which is log(0) = -inf where P underflows);
  //       P = exp(scores) / sums, row by row (N, C); dW = X^T * (P - Y) / N + 2 * reg * W.
  // BEGIN SOLUTION
  const Mat Y = one_hot(y, C);
  Mat scores = X * W;
  scores.colwise() -= scores.rowwise().maxCoeff();
  Mat P = scores.array().exp().matrix();
  const Vec sums = P.rowwise().sum();
  // log p of the correct class = shifted score - log(row sum)
  loss = (sums.array().log().sum() - scores.cwiseProduct(Y).sum()) / static_cast<double>(N) +
         reg * W.squaredNorm();
  P.array().colwise() /= sums.array();
  dW = X.transpose() * (P - Y) / static_cast<double>(N) + 2.0 * reg * W;
  // END SOLUTION
  return {loss, dW};
}

std::vector<double> LinearClassifier::train(const Mat& X, const IVec& y, double learning_rate,
                                            double reg, int num_iters, int batch_size,
                                            std::uint64_t seed) {
  require(y.size() == X.rows() && X.rows() >= 1, "train",
          "X has shape " + shape_of(X) + " and y has " + std::to_string(y.size()) +
              " labels; they must match and N >= 1");
  require(learning_rate > 0 && reg >= 0 && num_iters >= 1 && batch_size >= 1, "train",
          "need learning_rate > 0, reg >= 0, num_iters >= 1 and batch_size >= 1");
  std::mt19937_64 rng(seed);
  if (W_.size() == 0) {
    const Eigen::Index C = y.maxCoeff() + 1;
    std::normal_distribution<double> normal(0.0, 1.0);
    W_.resize(X.cols(), C);
    for (Eigen::Index i = 0; i < W_.size(); ++i) W_.data()[i] = 0.001 * normal(rng);
  }
  require(W_.rows() == X.cols(), "train",
          "X has " + std::to_string(X.cols()) + " columns but W has " + std::to_string(W_.rows()) +
              " rows");
  std::vector<double> history;
  history.reserve(static_cast<std::size_t>(num_iters));
  // TODO: for each iteration: draw batch_size indices with
  //       std::uniform_int_distribution<long>(0, N - 1) from rng (with replacement), gather
  //       X_batch (batch_size, D) and y_batch; compute the vectorized loss of kind_ (svm or
  //       softmax) and its gradient; record the loss; step W_ -= learning_rate * dW.
  // BEGIN SOLUTION
  std::uniform_int_distribution<long> pick(0, static_cast<long>(X.rows()) - 1);
  Mat X_batch(batch_size, X.cols());
  IVec y_batch(batch_size);
  for (int it = 0; it < num_iters; ++it) {
    for (int b = 0; b < batch_size; ++b) {
      const long i = pick(rng);
      X_batch.row(b) = X.row(i);
      y_batch(b) = y(i);
    }
    LossGrad lg = kind_ == LossKind::svm ? svm_loss_vectorized(W_, X_batch, y_batch, reg)
                                         : softmax_loss_vectorized(W_, X_batch, y_batch, reg);
    history.push_back(lg.loss);
    W_ -= learning_rate * lg.dW;
  }
  // END SOLUTION
  return history;
}

IVec LinearClassifier::predict(const Mat& X) const {
  require(W_.size() > 0, "predict", "the classifier is not trained yet (W is empty)");
  require(X.cols() == W_.rows(), "predict",
          "X has shape " + shape_of(X) + " but W has shape " + shape_of(W_));
  IVec y_pred(X.rows());
  // TODO: scores = X * W; y_pred(i) = the column of the largest score in row i (on a tie, the
  //       smaller column).
  // BEGIN SOLUTION
  const Mat scores = X * W_;
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    Eigen::Index best = 0;
    for (Eigen::Index j = 1; j < scores.cols(); ++j) {
      if (scores(i, j) > scores(i, best)) best = j;
    }
    y_pred(i) = static_cast<int>(best);
  }
  // END SOLUTION
  return y_pred;
}

SearchResult search_hyperparameters(LossKind kind, const Mat& X_train, const IVec& y_train,
                                    const Mat& X_val, const IVec& y_val,
                                    const std::vector<double>& learning_rates,
                                    const std::vector<double>& regs, int num_iters,
                                    int batch_size, std::uint64_t seed) {
  require(!learning_rates.empty() && !regs.empty(), __func__,
          "learning_rates and regs must each hold at least one value");
  require(y_val.size() == X_val.rows() && X_val.rows() >= 1, __func__,
          "X_val has shape " + shape_of(X_val) + " and y_val has " +
              std::to_string(y_val.size()) + " labels; they must match and not be empty");
  SearchResult result{{}, 0, Mat()};
  // TODO: for each learning rate (outer loop), for each reg (inner loop): a fresh
  //       LinearClassifier(kind) trained with (learning rate, reg, num_iters, batch_size, seed);
  //       append {lr, reg, training accuracy, validation accuracy}. Keep the index and W of the
  //       best validation accuracy (the first one on a tie).
  // BEGIN SOLUTION
  auto accuracy = [](const IVec& pred, const IVec& y) {
    return static_cast<double>((pred.array() == y.array()).count()) /
           static_cast<double>(y.size());
  };
  for (double lr : learning_rates) {
    for (double reg : regs) {
      LinearClassifier clf(kind);
      clf.train(X_train, y_train, lr, reg, num_iters, batch_size, seed);
      SearchRow row{lr, reg, accuracy(clf.predict(X_train), y_train),
                    accuracy(clf.predict(X_val), y_val)};
      if (result.rows.empty() || row.val_accuracy > result.rows[result.best].val_accuracy) {
        result.best = result.rows.size();
        result.best_W = clf.W();
      }
      result.rows.push_back(row);
    }
  }
  // END SOLUTION
  return result;
}

}  // namespace pg::linear
