// The runner side of a case: how to call a submission's function with the inputs the grader sent.
// Not input generation or comparison: those are trusted and live in the grader (grader/src/cases).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "wire.hpp"

namespace pg::harness {

using Call = std::function<wire::Bundle(const wire::Bundle& inputs)>;

class CallTable {
 public:
  void add(const std::string& case_name, Call call) { calls_[case_name] = std::move(call); }
  const Call* find(const std::string& case_name) const {
    auto it = calls_.find(case_name);
    return it == calls_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, Call> calls_;
};

// Each assignment's harness file defines this: it adds one call per case of that assignment.
void register_calls(CallTable& table);

}  // namespace pg::harness
