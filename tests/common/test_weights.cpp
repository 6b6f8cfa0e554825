// Saved-weights files (common/weights.hpp): exact round trips, and a clear WeightsError for every
// way a file can be wrong.
#include "common/weights.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "support/temp_dir.hpp"

namespace pg {
namespace {

using ::testing::HasSubstr;
using pg::testing::TempDir;

std::vector<char> read_bytes(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& p, const std::vector<char>& bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// the file's last four bytes: the CRC-32 of the rest, recomputed after an edit
void fix_checksum(std::vector<char>& bytes) {
  const std::uint32_t c = crc32(bytes.data(), bytes.size() - 4);
  for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = static_cast<char>((c >> (8 * i)) & 0xFF);
}

Weights sample() {
  Weights w;
  w.metadata["model"] = "test";
  w.metadata["note"] = "ünïcode, commas, and = signs";
  Mat a(2, 3);
  a << 1.0, -0.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min(),
      std::nextafter(1.0, 2.0), -1e308;
  w.tensors["a"] = tensor_of(a);
  Mat v(1, 4);
  v << 0.1, 0.2, 0.3, std::numeric_limits<double>::quiet_NaN();
  w.tensors["vector"] = {{4}, v};
  Mat conv(2, 3 * 2 * 2);
  for (Eigen::Index i = 0; i < conv.size(); ++i) conv.data()[i] = 0.5 * static_cast<double>(i) - 3;
  w.tensors["conv1.w"] = {{2, 3, 2, 2}, conv};
  return w;
}

TEST(weights, crc32_matches_the_standard_check_value) {
  EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u);
  EXPECT_EQ(crc32("", 0), 0u);
  // continued in two parts, the same as in one
  EXPECT_EQ(crc32("6789", 4, crc32("12345", 5)), 0xCBF43926u);
}

TEST(weights, round_trip_is_bit_exact_with_metadata_and_shapes) {
  TempDir dir;
  const Weights w = sample();
  save_weights(dir / "w.pgw", w);
  const Weights back = load_weights(dir / "w.pgw");
  EXPECT_EQ(back.metadata, w.metadata);
  ASSERT_EQ(back.tensors.size(), 3u);
  for (const auto& [name, t] : w.tensors) {
    const Tensor& r = back.tensors.at(name);
    EXPECT_EQ(r.shape, t.shape) << name;
    ASSERT_EQ(r.values.rows(), t.values.rows()) << name;
    ASSERT_EQ(r.values.cols(), t.values.cols()) << name;
    EXPECT_EQ(std::memcmp(r.values.data(), t.values.data(),
                          static_cast<std::size_t>(t.values.size()) * sizeof(double)),
              0)
        << name << ": every bit, NaN and -0 included";
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "w.pgw.partial"));
}

TEST(weights, layout_starts_with_magic_and_version_and_is_little_endian) {
  TempDir dir;
  Weights w;
  w.tensors["x"] = tensor_of(Mat::Constant(1, 1, 1.0));
  save_weights(dir / "w.pgw", w);
  const std::vector<char> b = read_bytes(dir / "w.pgw");
  // magic, version 1, 0 metadata, 1 tensor, name "x", ndim 2, dims 1 1, the double 1.0, crc
  ASSERT_EQ(b.size(), 4u + 4 + 4 + 4 + (4 + 1) + 4 + 16 + 8 + 4);
  EXPECT_EQ(std::string(b.data(), 4), "PGWT");
  EXPECT_EQ(b[4], 1);
  EXPECT_EQ(b[5], 0);
  EXPECT_EQ(b[12], 1);  // tensor count
  EXPECT_EQ(b[20], 'x');
  const double one = 1.0;
  EXPECT_EQ(std::memcmp(b.data() + 41, &one, 8), 0);  // on this (little-endian) host
}

TEST(weights, saving_into_a_new_folder_creates_it_and_replaces_an_old_file) {
  TempDir dir;
  Weights w = sample();
  save_weights(dir / "a" / "b" / "w.pgw", w);
  w.metadata["model"] = "second";
  save_weights(dir / "a" / "b" / "w.pgw", w);
  EXPECT_EQ(load_weights(dir / "a" / "b" / "w.pgw").metadata.at("model"), "second");
}

TEST(weights, a_tensor_whose_values_do_not_match_its_shape_is_refused_before_writing) {
  TempDir dir;
  Weights w;
  w.tensors["bad"] = {{2, 3}, Mat::Zero(3, 2)};
  try {
    save_weights(dir / "w.pgw", w);
    FAIL() << "no error";
  } catch (const WeightsError& e) {
    EXPECT_THAT(e.what(), HasSubstr("tensor 'bad'"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "w.pgw"));
  w.tensors["bad"] = {{}, Mat::Zero(1, 1)};
  EXPECT_THROW(save_weights(dir / "w.pgw", w), WeightsError);
  w.tensors["bad"] = {{1, 1, 1, 1, 1}, Mat::Zero(1, 1)};
  EXPECT_THROW(save_weights(dir / "w.pgw", w), WeightsError);
}

TEST(weights, an_unwritable_place_is_an_error_that_names_it) {
  TempDir dir;
  write_bytes(dir / "file", {'x'});
  try {
    save_weights(dir / "file" / "w.pgw", sample());  // a folder inside a regular file
    FAIL() << "no error";
  } catch (const WeightsError& e) {
    EXPECT_THAT(e.what(), HasSubstr("w.pgw"));
  }
}

class broken_file : public ::testing::Test {
 protected:
  void SetUp() override {
    save_weights(path(), sample());
    good_ = read_bytes(path());
  }
  std::filesystem::path path() const { return dir_ / "w.pgw"; }
  // load_weights' message for a file of these bytes (empty when it loads)
  std::string error_for(const std::vector<char>& bytes) {
    write_bytes(path(), bytes);
    try {
      load_weights(path());
    } catch (const WeightsError& e) {
      return e.what();
    }
    return "";
  }
  TempDir dir_;
  std::vector<char> good_;
};

TEST_F(broken_file, a_missing_file) {
  try {
    load_weights(dir_ / "nothing.pgw");
    FAIL() << "no error";
  } catch (const WeightsError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot open"));
    EXPECT_THAT(e.what(), HasSubstr("nothing.pgw"));
  }
}

TEST_F(broken_file, another_format) {
  std::vector<char> b = good_;
  b[0] = '\x89';
  EXPECT_THAT(error_for(b), HasSubstr("magic number PGWT"));
  EXPECT_THAT(error_for({'P', 'G'}), HasSubstr("magic number PGWT"));
  EXPECT_THAT(error_for({}), HasSubstr("magic number PGWT"));
}

TEST_F(broken_file, another_version_says_which) {
  std::vector<char> b = good_;
  b[4] = 2;
  fix_checksum(b);
  const std::string e = error_for(b);
  EXPECT_THAT(e, HasSubstr("version 2"));
  EXPECT_THAT(e, HasSubstr("reads version 1"));
}

TEST_F(broken_file, a_flipped_bit_fails_the_checksum) {
  std::vector<char> b = good_;
  b[b.size() / 2] ^= 0x10;
  EXPECT_THAT(error_for(b), HasSubstr("checksum"));
}

TEST_F(broken_file, every_truncation_is_an_error_never_a_crash) {
  for (std::size_t n = 0; n < good_.size(); ++n) {
    const std::vector<char> b(good_.begin(), good_.begin() + static_cast<long>(n));
    EXPECT_FALSE(error_for(b).empty()) << "cut at " << n << " bytes";
  }
}

TEST_F(broken_file, bytes_after_the_last_tensor) {
  std::vector<char> b = good_;
  b.insert(b.end() - 4, {'x', 'y'});
  fix_checksum(b);
  EXPECT_THAT(error_for(b), HasSubstr("after its last tensor"));
}

TEST_F(broken_file, an_impossible_shape_with_a_valid_checksum) {
  // the first tensor ("a", 2-d): its first dimension made 2^62
  std::vector<char> b = good_;
  const std::vector<char> record = {1, 0, 0, 0, 'a', 2, 0, 0, 0};  // name length, name, ndim
  auto it = std::search(b.begin(), b.end(), record.begin(), record.end());
  ASSERT_NE(it, b.end());
  const auto dims = (it - b.begin()) + static_cast<long>(record.size());
  b[static_cast<std::size_t>(dims) + 7] = 0x40;
  fix_checksum(b);
  EXPECT_THAT(error_for(b), HasSubstr("impossible shape"));
}

TEST_F(broken_file, an_absurd_string_length_with_a_valid_checksum) {
  std::vector<char> b = good_;
  b[12] = b[13] = b[14] = '\x7f';  // the first metadata key's length
  fix_checksum(b);
  EXPECT_FALSE(error_for(b).empty());
}

}  // namespace
}  // namespace pg
