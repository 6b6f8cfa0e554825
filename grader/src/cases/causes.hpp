// The usual cause of NaN or inf in a case's outputs, in words (CaseDef::nonfinite), by kind of
// computation. Plain text, so a student release's grader has them too (the mistake models of
// mistakes.hpp stay with the course).
#pragma once

namespace pg::grader::mistakes {

inline constexpr const char* kSoftmaxOverflow =
    "exp of a large score overflowed (or a probability underflowed to 0, whose log is -inf): "
    "shift each row of scores by its maximum before exp";
inline constexpr const char* kSigmoidOverflow =
    "exp(-x) overflowed for a large negative x: where x < 0 compute σ(x) as exp(x) / (1 + exp(x))";
inline constexpr const char* kNegativeRoot =
    "the square root of a negative number: rounding can make ‖a‖² + ‖b‖² - 2a·b slightly "
    "negative, so clamp it at 0 before the root";

}  // namespace pg::grader::mistakes
