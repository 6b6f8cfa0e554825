// Runner-side calls for assignment 1 (kNN): unpack inputs, call the submission, pack outputs.
// Not the inputs or the checks (grader/src/cases/knn.cpp).
#include "calls.hpp"
#include "knn/knn.hpp"

namespace pg::harness {

namespace {

using wire::Bundle;

Bundle distances(Mat (*f)(const Mat&, const Mat&), const Bundle& in) {
  Bundle out;
  out.put("dists", f(in.mat("X_train"), in.mat("X_test")));
  return out;
}

}  // namespace

void register_calls(CallTable& t) {
  t.add("knn.distances_two_loops",
        [](const Bundle& in) { return distances(knn::compute_distances_two_loops, in); });
  t.add("knn.distances_one_loop",
        [](const Bundle& in) { return distances(knn::compute_distances_one_loop, in); });
  t.add("knn.distances_no_loops",
        [](const Bundle& in) { return distances(knn::compute_distances_no_loops, in); });
  t.add("knn.distances_l1",
        [](const Bundle& in) { return distances(knn::compute_distances_l1, in); });
  t.add("knn.predict_labels", [](const Bundle& in) {
    Bundle out;
    out.put("y_pred", knn::predict_labels(in.mat("dists"), in.ivec("y_train"),
                                          static_cast<int>(in.integer("k"))));
    return out;
  });
  t.add("knn.cross_validate", [](const Bundle& in) {
    const IVec& ks = in.ivec("ks");
    std::vector<int> k_list(ks.data(), ks.data() + ks.size());
    auto metric = in.text("metric") == "l1" ? knn::Metric::l1 : knn::Metric::l2;
    auto cv = knn::cross_validate(in.mat("X"), in.ivec("y"), k_list,
                                  static_cast<int>(in.integer("num_folds")), metric);
    Bundle out;
    out.put("accuracies", cv.accuracies);
    out.put("best_k", std::int64_t{cv.best_k});
    return out;
  });
}

}  // namespace pg::harness
