// The arithmetic of a timed test: counted time per run, the fastest of each side, the ratio.
// Not the measurement (session.cpp) nor the verdict's words (grade.cpp).
#include "timing.hpp"

#include <algorithm>
#include <limits>

namespace pg::grader {

TimeComparison compare_times(const std::vector<RunCost>& reference,
                             const std::vector<RunCost>& student) {
  TimeComparison c;
  c.allowance = std::numeric_limits<double>::infinity();
  for (const RunCost& r : reference) c.allowance = std::min(c.allowance, r.load);
  const auto fastest = [&](const std::vector<RunCost>& runs) {
    double best = std::numeric_limits<double>::infinity();
    for (const RunCost& r : runs) best = std::min(best, r.call + std::max(0.0, r.load - c.allowance));
    return best;
  };
  c.reference = fastest(reference);
  c.student = fastest(student);
  // a reference faster than a microsecond is not measurable; no rubric should time one
  c.ratio = c.student / std::max(c.reference, 1e-6);
  return c;
}

}  // namespace pg::grader
