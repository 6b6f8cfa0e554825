// The case catalog: every assignment's cases in one table, and typed access to their arguments.
// Not any case itself: each assignment's cases are in their own file beside this one.
#include "cases.hpp"

namespace pg::grader {

void CaseCatalog::add(CaseDef def) {
  std::string name = def.name;
  cases_.emplace(std::move(name), std::move(def));
}

const CaseDef* CaseCatalog::find(const std::string& name) const {
  auto it = cases_.find(name);
  return it == cases_.end() ? nullptr : &it->second;
}

std::vector<std::string> CaseCatalog::names() const {
  std::vector<std::string> out;
  for (const auto& [name, def] : cases_) out.push_back(name);
  return out;
}

const CaseCatalog& all_cases() {
  static const CaseCatalog catalog = [] {
    CaseCatalog c;
    // the assignments this build holds (all of them but in a student release)
#ifdef PIXELGRAD_HAS_KNN
    add_knn_cases(c);
#endif
#ifdef PIXELGRAD_HAS_LINEAR
    add_linear_cases(c);
#endif
#ifdef PIXELGRAD_HAS_BACKPROP
    add_backprop_cases(c);
#endif
#ifdef PIXELGRAD_HAS_CONV
    add_conv_cases(c);
#endif
#ifdef PIXELGRAD_HAS_SALIENCY
    add_saliency_cases(c);
#endif
    return c;
  }();
  return catalog;
}

std::int64_t arg_int(const Args& a, const std::string& name) {
  return std::get<std::int64_t>(a.at(name));
}
double arg_real(const Args& a, const std::string& name) { return std::get<double>(a.at(name)); }
bool arg_bool(const Args& a, const std::string& name) { return std::get<bool>(a.at(name)); }
const std::string& arg_text(const Args& a, const std::string& name) {
  return std::get<std::string>(a.at(name));
}
const std::vector<std::int64_t>& arg_ints(const Args& a, const std::string& name) {
  return std::get<std::vector<std::int64_t>>(a.at(name));
}

}  // namespace pg::grader
