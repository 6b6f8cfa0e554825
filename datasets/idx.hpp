// The IDX loader (the MNIST and Fashion-MNIST file format), gzipped or raw, and the two datasets.
// Not preprocessing: pixels come back raw, 0..255 as double; see preprocess.hpp to scale them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "common/types.hpp"
#include "datasets/dataset.hpp"

namespace pg::data {

// N = images read, R = rows, K = cols of an image
//
// An IDX file is a big-endian header, then the items as unsigned bytes:
//   magic 0x00 0x00 0x08 <ndims>, then ndims uint32 sizes (the first is the item count),
//   then count * (product of the other sizes) bytes, row-major.
//   images: magic 0x00000803, sizes (count, rows, cols);  labels: magic 0x00000801, size (count).

// The header of an IDX file of unsigned bytes.
struct IdxHeader {
  std::uint32_t magic = 0;  // 0x0000080<ndims>
  std::vector<long> dims;   // (ndims) dims[0] = item count
};

struct IdxImages {
  int rows = 0;  // R
  int cols = 0;  // K
  Mat pixels;    // (N, R*K) image i is row i, its pixel (r, k) at column r*K + k, 0..255
};

// Reads only the header of an IDX file (gzipped or raw).
// Inputs:  file   path to the file
// Returns: its magic and dimension sizes.
// Throws:  pg::DatasetError naming the file, the problem and how to get the data.
IdxHeader read_idx_header(const std::filesystem::path& file);

// Reads the images of an IDX images file (gzipped or raw).
// Inputs:  file       e.g. train-images-idx3-ubyte.gz
//          max_count  read only the first max_count images; -1 reads all
// Returns: rows, cols and pixels (N, R*K) with N = min(count, max_count).
// Requires: max_count >= -1 (else std::invalid_argument).
// Throws:  pg::DatasetError naming the file and the problem (missing, empty, bad magic, wrong
//          number of dimensions, implausible sizes, truncated, trailing data, gzip error).
IdxImages load_idx_images(const std::filesystem::path& file, long max_count = -1);

// Reads the labels of an IDX labels file (gzipped or raw).
// Inputs:  file       e.g. train-labels-idx1-ubyte.gz
//          max_count  read only the first max_count labels; -1 reads all
// Returns: (N) labels, each 0..255 as stored, N = min(count, max_count).
// Requires: max_count >= -1 (else std::invalid_argument).
// Throws:  pg::DatasetError as load_idx_images does.
IVec load_idx_labels(const std::filesystem::path& file, long max_count = -1);

// Reads a folder holding the four MNIST-style files (each gzipped or raw):
//   train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
//   t10k-labels-idx1-ubyte.
// Inputs:  dir        the folder
//          max_train  read only the first max_train training examples; -1 reads all
//          max_test   the same for the test examples
// Returns: a Dataset with channels 1 and class names "0".."9".
// Throws:  pg::DatasetError as the loaders do, and when an images file and its labels file
//          declare different counts, a label is above 9, or train and test image sizes differ.
Dataset load_idx_dataset(const std::filesystem::path& dir, long max_train = -1, long max_test = -1);

// Fashion-MNIST found by find_data_dir("fashion-mnist"): 60000 train and 10000 test images of
// 28x28, class names T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag,
// Ankle boot.
Dataset load_fashion_mnist(long max_train = -1, long max_test = -1);

// MNIST found by find_data_dir("mnist"): the same layout, class names "0".."9".
Dataset load_mnist(long max_train = -1, long max_test = -1);

}  // namespace pg::data
