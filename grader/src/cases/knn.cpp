// Trusted inputs for the kNN cases: random, pixel-valued or real Fashion-MNIST data, with the
// ties and duplicates that edge-case tests ask for. Not the calls (grader/harness/knn.cpp).
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

// n x d values: "random" N(0, 1), "pixels" whole numbers 0..255
Mat make_values(long n, long d, const std::string& kind, std::mt19937_64& rng) {
  Mat X(n, d);
  if (kind == "pixels") {
    std::uniform_int_distribution<int> px(0, 255);
    for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = px(rng);
  } else {
    std::normal_distribution<double> g(0.0, 1.0);
    for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = g(rng);
  }
  return X;
}

// labelled points around one centre per class, so that neighbours mostly agree
void make_clusters(long n, long d, long classes, const std::string& kind, std::mt19937_64& rng,
                   Mat& X, IVec& y) {
  Mat centres = make_values(classes, d, kind, rng);
  Mat noise = make_values(n, d, kind, rng);
  std::uniform_int_distribution<int> pick(0, static_cast<int>(classes) - 1);
  X.resize(n, d);
  y.resize(n);
  for (long i = 0; i < n; ++i) {
    y(i) = pick(rng);
    X.row(i) = kind == "pixels" ? ((centres.row(y(i)) + noise.row(i)) / 2).array().floor().matrix()
                                : Eigen::RowVectorXd(centres.row(y(i)) + 0.8 * noise.row(i));
  }
}

void check_data_kind(const std::string& kind) {
  require_arg(kind == "random" || kind == "pixels" || kind == "fashion_mnist",
              fmt::format("data must be random, pixels or fashion_mnist, not '{}'", kind));
}

Bundle distance_inputs(const Args& a, std::uint64_t seed, DataSource& data) {
  const long n = arg_int(a, "num_train"), m = arg_int(a, "num_test"), d = arg_int(a, "dim");
  const long dup = arg_int(a, "duplicates");
  const long copies = arg_int(a, "test_copies");
  const std::string& kind = arg_text(a, "data");
  check_data_kind(kind);
  require_arg(n >= 1 && m >= 1 && d >= 1, "num_train, num_test and dim must be at least 1");
  require_arg(dup >= 0 && 2 * dup <= n, "duplicates must be between 0 and num_train / 2");
  require_arg(copies >= 0 && copies <= m && copies <= n,
              "test_copies must be between 0 and the smaller of num_train and num_test");
  std::mt19937_64 rng(seed);
  Mat X_train, X_test;
  if (kind == "fashion_mnist") {
    IVec y_train, y_test;
    data.fashion_mnist(n, m, X_train, y_train, X_test, y_test);
  } else {
    X_train = make_values(n, d, kind, rng);
    X_test = make_values(m, d, kind, rng);
  }
  // the last `dup` training rows repeat the first ones, and test row 0 is training row 0
  for (long i = 0; i < dup; ++i) X_train.row(n - 1 - i) = X_train.row(i);
  if (dup > 0) X_test.row(0) = X_train.row(0);
  // test rows 0..copies-1 are training rows 0..copies-1: on real values the expansion
  // ||a||^2 + ||b||^2 - 2 a.b of a distance 0 rounds to a tiny number of either sign
  for (long i = 0; i < copies; ++i) X_test.row(i) = X_train.row(i);
  Bundle in;
  in.put("X_train", std::move(X_train));
  in.put("X_test", std::move(X_test));
  return in;
}

std::map<std::string, ArgDef> distance_args() {
  return {
      {"num_train", {std::int64_t{40}, "training rows N"}},
      {"num_test", {std::int64_t{15}, "test rows M"}},
      {"dim", {std::int64_t{30}, "values per row D (784 for fashion_mnist, whatever is given)"}},
      {"data", {std::string("random"), "random (N(0,1)), pixels (0..255) or fashion_mnist"}},
      {"duplicates", {std::int64_t{0}, "training rows repeated at the end; test row 0 = train row 0"}},
      {"test_copies", {std::int64_t{0}, "test rows 0..t-1 are copies of training rows 0..t-1"}},
  };
}

Bundle predict_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long n = arg_int(a, "num_train"), m = arg_int(a, "num_test");
  const long classes = arg_int(a, "num_classes"), k = arg_int(a, "k");
  require_arg(n >= 1 && m >= 1 && classes >= 1, "num_train, num_test, num_classes must be >= 1");
  std::mt19937_64 rng(seed);
  Mat dists(m, n);
  if (arg_bool(a, "near_ties")) {
    // as with ties, each distance moved up by less than 1e-12: no two are equal, yet they differ
    // by less than any tolerance a comparison "with an epsilon" would use
    std::uniform_int_distribution<int> small(0, 3);
    std::uniform_real_distribution<double> tiny(0.0, 1e-12);
    for (Eigen::Index i = 0; i < dists.size(); ++i) {
      const double whole = small(rng);
      dists.data()[i] = whole + tiny(rng);
    }
  } else if (arg_bool(a, "ties")) {
    // few distinct distances: many rows tie on distance, and votes tie often
    std::uniform_int_distribution<int> small(0, 3);
    for (Eigen::Index i = 0; i < dists.size(); ++i) dists.data()[i] = small(rng);
  } else {
    std::uniform_real_distribution<double> u(0.0, 10.0);
    for (Eigen::Index i = 0; i < dists.size(); ++i) dists.data()[i] = u(rng);
  }
  // the last `dup` training points repeat the first ones: the same distance to every test row,
  // each copy with its own label, so that only the index decides which copy is nearer
  const long dup = arg_int(a, "duplicates");
  require_arg(dup >= 0 && 2 * dup <= n, "duplicates must be between 0 and num_train / 2");
  for (long j = 0; j < dup; ++j) dists.col(n - 1 - j) = dists.col(j);
  IVec y(n);
  std::uniform_int_distribution<int> label(0, static_cast<int>(classes) - 1);
  for (long i = 0; i < n; ++i) y(i) = label(rng);
  Bundle in;
  in.put("dists", std::move(dists));
  in.put("y_train", std::move(y));
  in.put("k", std::int64_t{k});
  return in;
}

Bundle cv_inputs(const Args& a, std::uint64_t seed, DataSource& data) {
  const long n = arg_int(a, "num_examples"), d = arg_int(a, "dim");
  const long classes = arg_int(a, "num_classes");
  const std::string& kind = arg_text(a, "data");
  const std::string& metric = arg_text(a, "metric");
  check_data_kind(kind);
  require_arg(metric == "l2" || metric == "l1",
              fmt::format("metric must be l2 or l1, not '{}'", metric));
  require_arg(n >= 2 && d >= 1 && classes >= 1, "num_examples >= 2, dim >= 1, num_classes >= 1");
  std::mt19937_64 rng(seed);
  Mat X;
  IVec y;
  if (kind == "fashion_mnist") {
    Mat X_test;
    IVec y_test;
    data.fashion_mnist(n, 0, X, y, X_test, y_test);
  } else {
    make_clusters(n, d, classes, kind, rng, X, y);
  }
  const auto& ks = arg_ints(a, "ks");
  IVec k_vec(static_cast<Eigen::Index>(ks.size()));
  for (std::size_t i = 0; i < ks.size(); ++i) k_vec(static_cast<Eigen::Index>(i)) = static_cast<int>(ks[i]);
  Bundle in;
  in.put("X", std::move(X));
  in.put("y", std::move(y));
  in.put("ks", std::move(k_vec));
  in.put("num_folds", arg_int(a, "num_folds"));
  in.put("metric", metric);
  return in;
}

}  // namespace

void add_knn_cases(CaseCatalog& c) {
  const std::pair<const char*, const char*> distance_cases[] = {
      {"knn.distances_two_loops", "compute_distances_two_loops"},
      {"knn.distances_one_loop", "compute_distances_one_loop"},
      {"knn.distances_no_loops", "compute_distances_no_loops"},
      {"knn.distances_l1", "compute_distances_l1"},
  };
  for (const auto& [name, function] : distance_cases) {
    CaseDef d{name, function, distance_args(), distance_inputs};
    // BEGIN COURSE ONLY
    d.explain = std::string(name) == "knn.distances_l1" ? mistakes::distances_l1
                                                         : mistakes::distances_l2;
    // END COURSE ONLY
    if (std::string(name) == "knn.distances_no_loops") d.nonfinite = mistakes::kNegativeRoot;
    c.add(std::move(d));
  }
  CaseDef predict{"knn.predict_labels", "predict_labels",
         {
             {"num_train", {std::int64_t{40}, "training rows N"}},
             {"num_test", {std::int64_t{15}, "test rows M"}},
             {"num_classes", {std::int64_t{4}, "labels 0..C-1"}},
             {"k", {std::int64_t{3}, "neighbours that vote"}},
             {"ties", {false, "distances from {0,1,2,3}: ties in distance and in votes"}},
             {"near_ties", {false, "distances from {0,1,2,3} plus less than 1e-12: no exact ties"}},
             {"duplicates", {std::int64_t{0}, "training points repeated at the end, own labels"}},
         },
         predict_inputs};
  // BEGIN COURSE ONLY
  predict.ties = mistakes::knn_vote_ties;
  predict.explain = mistakes::predict_labels;
  predict.variants = {mistakes::k_within_test_rows};
  // END COURSE ONLY
  c.add(std::move(predict));
  CaseDef cv{"knn.cross_validate", "cross_validate",
         {
             {"num_examples", {std::int64_t{60}, "rows N"}},
             {"dim", {std::int64_t{10}, "values per row D"}},
             {"num_classes", {std::int64_t{3}, "labels 0..C-1"}},
             {"ks", {std::vector<std::int64_t>{1, 3, 5}, "the k values tried"}},
             {"num_folds", {std::int64_t{5}, "folds F"}},
             {"metric", {std::string("l2"), "l2 or l1"}},
             {"data", {std::string("random"), "random, pixels or fashion_mnist"}},
         },
         cv_inputs};
  // BEGIN COURSE ONLY
  cv.explain = mistakes::cross_validate;
  cv.variants = {mistakes::other_metric};
  // END COURSE ONLY
  c.add(std::move(cv));
}

}  // namespace pg::grader
