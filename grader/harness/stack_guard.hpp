// Telling a stack overflow from other crashes, inside the runner: a recursion too deep ends in
// SIGSEGV like an out-of-range index, and only the faulting address tells them apart. Not a
// verdict: the grader decides (grade.cpp), this only says what the address was.
#pragma once

namespace pg::harness {

// Installs a SIGSEGV handler on a stack of its own. When the faulting address lies in the main
// thread's stack or just below its limit, the handler writes a ready-made "stack_overflow" answer
// to `answer_fd`; then (always) the process dies of the signal as it would have without it.
// Call once at the start of main(), from the main thread.
void report_stack_overflow(int answer_fd);

}  // namespace pg::harness
