// Saved weights: a small binary file of named tensors and text metadata, written by one
// assignment's demo (the trained MLP of assignment 3, the CNN of assignment 4) and read by later
// ones (saliency). Not a model: what the tensors mean is up to the metadata's "model" entry and
// the code that reads it (backprop/net_io.hpp for the fully-connected net).
//
// The format, version 1 (docs/formats.md), little-endian throughout:
//   magic     4 bytes "PGWT"
//   version   u32, 1
//   metadata  u32 count M, then M pairs (key string, value string), keys unique
//   tensors   u32 count T, then T times: name string; u32 ndim in 1..4; u64 dims[ndim], each >= 1;
//             f64 values[product of dims] in row-major order
//   checksum  u32 CRC-32 (the zlib / PNG polynomial) of every byte before it
// where a string is a u32 byte length (at most 4096) followed by that many bytes of UTF-8.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/types.hpp"

namespace pg {

// A saved-weights file that is missing, truncated, corrupt, of another version, or holds
// something other than what its reader needs. The message names the file and what is wrong.
class WeightsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A tensor of 1 to 4 dimensions. values is shape[0] rows by (the product of the other dims)
// columns, row-major, so a 2-d tensor is the matrix itself; a 1-d tensor of n values is (1, n).
struct Tensor {
  std::vector<std::int64_t> shape;
  Mat values;
};

// A 2-d tensor holding m.
Tensor tensor_of(const Mat& m);

struct Weights {
  std::map<std::string, std::string> metadata;
  std::map<std::string, Tensor> tensors;
};

inline constexpr std::uint32_t kWeightsVersion = 1;

// Writes `w` to `path` through a temporary file in the same folder, renamed into place when
// complete: a failed save never leaves a half-written file behind. Creates missing folders.
// Throws WeightsError when a name or value is too long, a shape does not match its values, or
// the file cannot be written.
void save_weights(const std::filesystem::path& path, const Weights& w);

// Reads a file written by save_weights. Throws WeightsError on a missing or unreadable file, a
// wrong magic number, another version, a bad checksum, or a truncated or malformed body.
Weights load_weights(const std::filesystem::path& path);

// CRC-32 as zlib's crc32() computes it (reflected polynomial 0xEDB88320), continued from `crc`.
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace pg
