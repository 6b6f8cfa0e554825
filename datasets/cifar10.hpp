// The CIFAR-10 loader for the binary batches (data_batch_1..5.bin, test_batch.bin).
// Not the Python-pickle version, and not preprocessing: pixels come back raw, 0..255 as double.
#pragma once

#include <filesystem>

#include "common/types.hpp"
#include "datasets/dataset.hpp"

namespace pg::data {

// N = records read, D = 3 * 32 * 32 = 3072
//
// A batch file is records of 3073 bytes, no header: 1 label byte 0..9, then 3072 pixel bytes,
// 1024 red, 1024 green, 1024 blue, each a 32x32 image row-major. So the pixel bytes are already
// the C x H x W flattening (SPEC §3): byte c*1024 + h*32 + w is channel c, row h, column w.

inline constexpr long kCifarRecordBytes = 3073;
inline constexpr long kCifarImageBytes = 3072;

struct CifarBatch {
  Mat X;   // (N, D) raw pixels 0..255
  IVec y;  // (N) labels 0..9
};

// Reads one batch file.
// Inputs:  file       e.g. data_batch_1.bin
//          max_count  read only the first max_count records; -1 reads all
// Returns: X (N, 3072) and y (N), N = min(records, max_count).
// Requires: max_count >= -1 (else std::invalid_argument).
// Throws:  pg::DatasetError naming the file and the problem: missing, empty, a size that is not a
//          multiple of 3073, a label above 9, a failed read.
CifarBatch load_cifar10_batch(const std::filesystem::path& file, long max_count = -1);

// Reads a folder holding data_batch_1.bin ... data_batch_5.bin and test_batch.bin.
// Inputs:  dir        the folder
//          max_train  read only the first max_train training records (batch 1 first); -1 reads all
//          max_test   the same for test_batch.bin
// Returns: a Dataset of 32x32x3 images (50000 train, 10000 test when whole) with the CIFAR-10
//          class names airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck.
// Throws:  pg::DatasetError as load_cifar10_batch does.
Dataset load_cifar10_dataset(const std::filesystem::path& dir, long max_train = -1,
                             long max_test = -1);

// CIFAR-10 found by find_data_dir("cifar-10").
Dataset load_cifar10(long max_train = -1, long max_test = -1);

}  // namespace pg::data
