// Comparing a submission's outputs with the reference's, value by value, with tolerances.
// Not the verdict (grade.cpp): this only says whether and where they differ.
#pragma once

#include <optional>
#include <string>

#include "rubric.hpp"
#include "wire.hpp"

namespace pg::grader {

// nullopt when every expected output is present, of the same type and shape, and within
// |got - expected| <= atol + rtol * |expected| (integers and labels exactly); otherwise a message
// naming the first output that differs: its shape, the largest error, where, both values and the
// tolerance.
std::optional<std::string> compare_outputs(const wire::Bundle& expected, const wire::Bundle& got,
                                           const CompareSpec& tol);

// "1.234568e-03" style numbers for messages: enough digits to see a difference.
std::string num(double v);
// "0.218 s" style durations: three significant digits.
std::string seconds(double v);

}  // namespace pg::grader
