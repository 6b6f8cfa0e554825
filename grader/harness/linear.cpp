// Runner-side calls for assignment 2 (linear classifiers): unpack, call the submission, pack.
// Not the inputs or the checks (grader/src/cases/linear.cpp).
#include "calls.hpp"
#include "linear/linear.hpp"

namespace pg::harness {

namespace {

using wire::Bundle;

Bundle loss(linear::LossGrad (*f)(const Mat&, const Mat&, const IVec&, double), const Bundle& in) {
  linear::LossGrad lg = f(in.mat("W"), in.mat("X"), in.ivec("y"), in.real("reg"));
  Bundle out;
  out.put("loss", lg.loss);
  out.put("dW", std::move(lg.dW));
  return out;
}

linear::LossKind kind_of(const Bundle& in) {
  return in.text("kind") == "svm" ? linear::LossKind::svm : linear::LossKind::softmax;
}

}  // namespace

void register_calls(CallTable& t) {
  t.add("linear.svm_loss_naive", [](const Bundle& in) { return loss(linear::svm_loss_naive, in); });
  t.add("linear.svm_loss_vectorized",
        [](const Bundle& in) { return loss(linear::svm_loss_vectorized, in); });
  t.add("linear.softmax_loss_naive",
        [](const Bundle& in) { return loss(linear::softmax_loss_naive, in); });
  t.add("linear.softmax_loss_vectorized",
        [](const Bundle& in) { return loss(linear::softmax_loss_vectorized, in); });
  t.add("linear.train", [](const Bundle& in) {
    linear::LinearClassifier clf(kind_of(in));
    std::vector<double> history =
        clf.train(in.mat("X"), in.ivec("y"), in.real("learning_rate"), in.real("reg"),
                  static_cast<int>(in.integer("num_iters")),
                  static_cast<int>(in.integer("batch_size")),
                  static_cast<std::uint64_t>(in.integer("seed")));
    Bundle out;
    out.put("loss_history", Mat(Eigen::Map<const Mat>(history.data(), 1,
                                                      static_cast<Eigen::Index>(history.size()))));
    out.put("W", clf.W());
    return out;
  });
  t.add("linear.predict", [](const Bundle& in) {
    linear::LinearClassifier clf(linear::LossKind::softmax);
    clf.set_W(in.mat("W"));
    Bundle out;
    out.put("y_pred", clf.predict(in.mat("X")));
    return out;
  });
  t.add("linear.search_hyperparameters", [](const Bundle& in) {
    const Mat& lrs = in.mat("learning_rates");
    const Mat& regs = in.mat("regs");
    linear::SearchResult r = linear::search_hyperparameters(
        kind_of(in), in.mat("X_train"), in.ivec("y_train"), in.mat("X_val"), in.ivec("y_val"),
        std::vector<double>(lrs.data(), lrs.data() + lrs.size()),
        std::vector<double>(regs.data(), regs.data() + regs.size()),
        static_cast<int>(in.integer("num_iters")), static_cast<int>(in.integer("batch_size")),
        static_cast<std::uint64_t>(in.integer("seed")));
    Mat table(static_cast<Eigen::Index>(r.rows.size()), 4);
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      const auto& row = r.rows[i];
      table.row(static_cast<Eigen::Index>(i)) << row.learning_rate, row.reg, row.train_accuracy,
          row.val_accuracy;
    }
    Bundle out;
    out.put("table", std::move(table));
    out.put("best", static_cast<std::int64_t>(r.best));
    out.put("best_W", std::move(r.best_W));
    return out;
  });
}

}  // namespace pg::harness
