// CIFAR-10 batch parsing: a size check up front, then fixed-size records read with an ifstream.
// Not gzip-aware: the batches ship as plain files inside cifar-10-binary.tar.gz.
#include "datasets/cifar10.hpp"

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "datasets/locate.hpp"

namespace pg::data {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const fs::path& file, const std::string& problem) {
  throw pg::DatasetError(file.string() + ": " + problem + "\n" + how_to_get("cifar-10"));
}

void check_max_count(long max_count, const char* function) {
  pg::require(max_count >= -1, function,
              "max_count = " + std::to_string(max_count) + " must be -1 (all) or >= 0");
}

}  // namespace

CifarBatch load_cifar10_batch(const fs::path& file, long max_count) {
  check_max_count(max_count, "load_cifar10_batch");
  std::error_code ec;
  if (!fs::exists(file, ec)) fail(file, "no such file");
  if (!fs::is_regular_file(file, ec)) fail(file, "is not a regular file");
  auto size = static_cast<long>(fs::file_size(file, ec));
  if (ec) fail(file, "cannot read its size: " + ec.message());
  if (size == 0) fail(file, "empty file: no records");
  if (size % kCifarRecordBytes != 0) {
    fail(file, "size " + std::to_string(size) +
                   " bytes is not a multiple of 3073 (1 label byte + " +
                   "3072 pixel bytes per record): the file is truncated or not a CIFAR-10 batch");
  }
  long records = size / kCifarRecordBytes;
  long n = max_count < 0 ? records : std::min(records, max_count);

  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, "cannot open");
  std::vector<unsigned char> bytes(static_cast<std::size_t>(n * kCifarRecordBytes));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size())) {
    fail(file,
         "read " + std::to_string(in.gcount()) + " of " + std::to_string(bytes.size()) + " bytes");
  }

  // record i starts at byte i*3073: its label, then the C x H x W pixels as they are
  CifarBatch out{Mat(n, kCifarImageBytes), IVec(n)};
  for (long i = 0; i < n; ++i) {
    const unsigned char* rec = bytes.data() + i * kCifarRecordBytes;
    if (rec[0] > 9) {
      fail(file, "record " + std::to_string(i) + " has label " + std::to_string(rec[0]) +
                     ", labels must be 0..9: not a CIFAR-10 batch (CIFAR-100 has 2 label bytes)");
    }
    out.y(i) = rec[0];
    for (long j = 0; j < kCifarImageBytes; ++j) out.X(i, j) = rec[1 + j];
  }
  return out;
}

Dataset load_cifar10_dataset(const fs::path& dir, long max_train, long max_test) {
  check_max_count(max_train, "load_cifar10_dataset");
  check_max_count(max_test, "load_cifar10_dataset");

  // the training set is batches 1..5 in order; stop reading once max_train records are in
  std::vector<CifarBatch> parts;
  long have = 0;
  for (int b = 1; b <= 5 && (max_train < 0 || have < max_train); ++b) {
    long left = max_train < 0 ? -1 : max_train - have;
    parts.push_back(load_cifar10_batch(dir / ("data_batch_" + std::to_string(b) + ".bin"), left));
    have += parts.back().X.rows();
  }
  Dataset ds;
  ds.X_train.resize(have, kCifarImageBytes);
  ds.y_train.resize(have);
  long row = 0;
  for (const auto& p : parts) {
    ds.X_train.middleRows(row, p.X.rows()) = p.X;
    ds.y_train.segment(row, p.y.size()) = p.y;
    row += p.X.rows();
  }
  CifarBatch test = load_cifar10_batch(dir / "test_batch.bin", max_test);
  ds.X_test = std::move(test.X);
  ds.y_test = std::move(test.y);
  ds.height = 32;
  ds.width = 32;
  ds.channels = 3;
  ds.class_names = {"airplane", "automobile", "bird",  "cat",  "deer",
                    "dog",      "frog",       "horse", "ship", "truck"};
  return ds;
}

Dataset load_cifar10(long max_train, long max_test) {
  return load_cifar10_dataset(find_data_dir("cifar-10"), max_train, max_test);
}

}  // namespace pg::data
