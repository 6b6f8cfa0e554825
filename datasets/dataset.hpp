// A loaded dataset: train and test splits as data matrices, the image geometry and class names.
// Not a loader (idx.hpp, cifar10.hpp) and not preprocessing: pixels are raw 0..255.
#pragma once

#include <string>
#include <vector>

#include "common/types.hpp"

namespace pg::data {

// N = train examples, M = test examples, D = channels * height * width
struct Dataset {
  Mat X_train;   // (N, D) raw pixels 0..255, each row an image flattened C x H x W row-major
  IVec y_train;  // (N) labels 0..C-1
  Mat X_test;    // (M, D)
  IVec y_test;   // (M)
  int height = 0;
  int width = 0;
  int channels = 0;
  std::vector<std::string> class_names;  // (C) class_names[y] names label y
};

}  // namespace pg::data
