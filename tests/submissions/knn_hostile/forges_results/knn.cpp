// Hostile sample 'forges_results': the reference's kNN, except that compute_distances_two_loops
// first tries to write Gradescope's /autograder/results/results.json (score 1000) and a file in
// the autograder's source. The sandbox must stop every write: results.json is the grader's.
// k-nearest neighbours: distances, the vote, and cross-validation (assignment 1).
// Not the demo (demo.cpp) and not the grader's view of these functions (grader/harness/knn.cpp).
#include "knn/knn.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

#include "common/errors.hpp"

namespace pg::knn {

namespace {

void check_same_dim(const char* function, const Mat& X_train, const Mat& X_test) {
  require(X_train.cols() == X_test.cols(), function,
          "X_train has shape " + shape_of(X_train) + " and X_test has shape " + shape_of(X_test) +
              "; both need the same number of columns D");
}

}  // namespace

Mat compute_distances_two_loops(const Mat& X_train, const Mat& X_test) {
  check_same_dim(__func__, X_train, X_test);
  // hostile: forge Gradescope's results file with full marks, wherever it might be reached
  for (const char* path : {"/autograder/results/results.json", "../results/results.json",
                           "../../results/results.json", "/autograder/results/forged",
                           "/autograder/source/build/forged"}) {
    if (std::FILE* f = std::fopen(path, "w")) {
      std::fputs("{\"score\": 1000, \"tests\": []}", f);
      std::fclose(f);
    }
  }
  Mat dists(X_test.rows(), X_train.rows());
  for (Eigen::Index i = 0; i < X_test.rows(); ++i) {
    for (Eigen::Index j = 0; j < X_train.rows(); ++j) {
      // TODO: dists(i, j) = L2 distance between test row i and training row j.
      //       No loop over the D columns: use X_test.row(i) and X_train.row(j).
      // BEGIN SOLUTION
      dists(i, j) = (X_test.row(i) - X_train.row(j)).norm();
      // END SOLUTION
    }
  }
  return dists;
}

Mat compute_distances_one_loop(const Mat& X_train, const Mat& X_test) {
  check_same_dim(__func__, X_train, X_test);
  Mat dists(X_test.rows(), X_train.rows());
  for (Eigen::Index i = 0; i < X_test.rows(); ++i) {
    // TODO: fill the whole row dists.row(i) (N values) in one expression, without a loop over
    //       training rows: subtract X_test.row(i) from every row of X_train (rowwise()), then take
    //       the norm of each row.
    // BEGIN SOLUTION
    dists.row(i) = (X_train.rowwise() - X_test.row(i)).rowwise().norm().transpose();
    // END SOLUTION
  }
  return dists;
}

Mat compute_distances_no_loops(const Mat& X_train, const Mat& X_test) {
  check_same_dim(__func__, X_train, X_test);
  Mat dists(X_test.rows(), X_train.rows());
  // TODO: no loops at all. Expand ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b:
  //       test_sq (M) = squared norms of the test rows, train_sq (N) = of the training rows,
  //       cross (M, N) = X_test * X_train^T (one matrix product: this is where the speed is).
  //       dists(i, j) = sqrt(max(0, test_sq(i) + train_sq(j) - 2 cross(i, j))).
  // BEGIN SOLUTION
  Vec test_sq = X_test.rowwise().squaredNorm();
  Vec train_sq = X_train.rowwise().squaredNorm();
  dists.noalias() = -2.0 * X_test * X_train.transpose();
  // add the norms, clamp the rounding below zero, take the root, in one pass over dists
  dists = ((dists.colwise() + test_sq).rowwise() + train_sq.transpose()).cwiseMax(0.0).cwiseSqrt();
  // END SOLUTION
  return dists;
}

Mat compute_distances_l1(const Mat& X_train, const Mat& X_test) {
  check_same_dim(__func__, X_train, X_test);
  Mat dists(X_test.rows(), X_train.rows());
  // TODO: dists(i, j) = sum over d of |X_test(i, d) - X_train(j, d)|.
  //       There is no matrix-product trick for L1: loop over test and training rows, with one
  //       vector expression over the D columns inside (a (N, D) temporary per test row is slower).
  // BEGIN SOLUTION
  for (Eigen::Index i = 0; i < X_test.rows(); ++i) {
    const auto x = X_test.row(i);
    for (Eigen::Index j = 0; j < X_train.rows(); ++j) {
      dists(i, j) = (X_train.row(j) - x).cwiseAbs().sum();
    }
  }
  // END SOLUTION
  return dists;
}

IVec predict_labels(const Mat& dists, const IVec& y_train, int k) {
  const Eigen::Index num_train = dists.cols();
  require(y_train.size() == num_train, __func__,
          "dists has shape " + shape_of(dists) + " but y_train has " +
              std::to_string(y_train.size()) + " labels; they must match N = dists.cols()");
  require(k >= 1 && k <= num_train, __func__,
          "k = " + std::to_string(k) + " must be between 1 and N = " + std::to_string(num_train));
  require(num_train == 0 || y_train.minCoeff() >= 0, __func__, "y_train has a negative label");
  IVec y_pred(dists.rows());
  // TODO: for each test row i:
  //       1. find the indices of the k smallest dists(i, j); on equal distances the lower j first
  //          (sort indices by the pair (dists(i, j), j));
  //       2. count the labels y_train(j) of those k neighbours;
  //       3. y_pred(i) = the most frequent label; on a tie in the counts, the smallest label.
  // BEGIN SOLUTION
  const int num_labels = y_train.maxCoeff() + 1;
  std::vector<Eigen::Index> order(num_train);
  std::vector<int> votes(num_labels);
  for (Eigen::Index i = 0; i < dists.rows(); ++i) {
    // the k nearest by (distance, index): a total order, so the result is unique
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    auto closer = [&](Eigen::Index a, Eigen::Index b) {
      double da = dists(i, a), db = dists(i, b);
      return da < db || (da == db && a < b);
    };
    std::partial_sort(order.begin(), order.begin() + k, order.end(), closer);
    std::fill(votes.begin(), votes.end(), 0);
    for (int n = 0; n < k; ++n) ++votes[y_train(order[n])];
    // max_element returns the first maximum, which is the smallest label
    y_pred(i) = static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin());
  }
  // END SOLUTION
  return y_pred;
}

CrossValidation cross_validate(const Mat& X, const IVec& y, const std::vector<int>& ks,
                               int num_folds, Metric metric) {
  const Eigen::Index n = X.rows();
  require(y.size() == n, __func__,
          "X has shape " + shape_of(X) + " but y has " + std::to_string(y.size()) + " labels");
  require(num_folds >= 2 && num_folds <= n, __func__,
          "num_folds = " + std::to_string(num_folds) + " must be between 2 and N = " +
              std::to_string(n));
  require(!ks.empty(), __func__, "ks is empty; give at least one k");
  require(metric == Metric::l2 || metric == Metric::l1, __func__, "metric must be l2 or l1");
  // the smallest training split leaves out the largest fold, of ceil(N / F) rows
  const Eigen::Index smallest_train = n - (n + num_folds - 1) / num_folds;
  for (int k : ks) {
    require(k >= 1 && k <= smallest_train, __func__,
            "k = " + std::to_string(k) + " must be between 1 and " +
                std::to_string(smallest_train) + " (the smallest training split)");
  }
  CrossValidation cv{ks, Mat(static_cast<Eigen::Index>(ks.size()), num_folds), 0};
  // TODO: 1. split rows 0..N-1 into num_folds contiguous folds as numpy.array_split does
  //          (the first N % F folds get one extra row);
  //       2. for each fold f: X_val/y_val = fold f, X_tr/y_tr = the other folds stacked in order;
  //          dists from compute_distances_no_loops (Metric::l2) or compute_distances_l1 (l1);
  //          for each ks[a]: count the rows where predict_labels(...) == y_val;
  //          cv.accuracies(a, f) = that count / the fold's size, and add the count to a
  //          total for ks[a] (an integer, over all folds);
  //       3. cv.best_k = the k with the largest total count, ties -> smallest k value. Compare the
  //          integer counts, not mean accuracies: a mean of doubles depends on the order of the sum.
  // BEGIN SOLUTION
  std::vector<Eigen::Index> start(num_folds + 1, 0);
  std::vector<Eigen::Index> correct(ks.size(), 0);  // rows predicted right, per k, over all folds
  for (int f = 0; f < num_folds; ++f) {
    start[f + 1] = start[f] + n / num_folds + (f < n % num_folds ? 1 : 0);
  }
  for (int f = 0; f < num_folds; ++f) {
    const Eigen::Index lo = start[f], hi = start[f + 1], m = hi - lo;
    Mat X_tr(n - m, X.cols());
    IVec y_tr(n - m);
    X_tr << X.topRows(lo), X.bottomRows(n - hi);
    y_tr << y.head(lo), y.tail(n - hi);
    Mat dists = metric == Metric::l2 ? compute_distances_no_loops(X_tr, X.middleRows(lo, m))
                                     : compute_distances_l1(X_tr, X.middleRows(lo, m));
    for (std::size_t a = 0; a < ks.size(); ++a) {
      IVec pred = predict_labels(dists, y_tr, ks[a]);
      const Eigen::Index right = (pred.array() == y.segment(lo, m).array()).count();
      cv.accuracies(static_cast<Eigen::Index>(a), f) =
          static_cast<double>(right) / static_cast<double>(m);
      correct[a] += right;
    }
  }
  // the most rows right over all folds; counts are exact, so a tie is a tie
  cv.best_k = ks[0];
  Eigen::Index best = correct[0];
  for (std::size_t a = 1; a < ks.size(); ++a) {
    if (correct[a] > best || (correct[a] == best && ks[a] < cv.best_k)) {
      best = correct[a];
      cv.best_k = ks[a];
    }
  }
  // END SOLUTION
  return cv;
}

}  // namespace pg::knn
