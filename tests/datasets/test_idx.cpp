// Tests of the IDX loader on small files written here, raw and gzipped, whole and damaged.
// Not of the data search (test_locate.cpp); one test reads the real Fashion-MNIST when installed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "datasets/idx.hpp"
#include "support/temp_dir.hpp"

namespace pg::data {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using Bytes = std::vector<unsigned char>;

using pg::testing::TempDir;

// an IDX file: big-endian magic and sizes, then the data
Bytes idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& dims, const Bytes& data) {
  Bytes out;
  auto put32 = [&out](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back((v >> shift) & 0xff);
  };
  put32(magic);
  for (auto d : dims) put32(d);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

void write_raw(const fs::path& file, const Bytes& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

void write_gz(const fs::path& file, const Bytes& bytes) {
  gzFile gz = gzopen(file.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  if (!bytes.empty()) {
    ASSERT_EQ(gzwrite(gz, bytes.data(), bytes.size()), int(bytes.size()));
  }
  ASSERT_EQ(gzclose(gz), Z_OK);
}

Bytes read_raw(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// pixel (r, k) of image i in the test images: distinct values that include 0 and 255
unsigned char pixel(int i, int r, int k) {
  return i == 2 && r == 1 && k == 2 ? 255 : i * 6 + r * 3 + k;
}

// three 2x3 images
Bytes three_images() {
  Bytes data;
  for (int i = 0; i < 3; ++i)
    for (int r = 0; r < 2; ++r)
      for (int k = 0; k < 3; ++k) data.push_back(pixel(i, r, k));
  return idx_bytes(0x803, {3, 2, 3}, data);
}

// the message of the DatasetError f throws, "" (and a failure) if it throws none
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const DatasetError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DatasetError thrown";
  return "";
}

void expect_images(const IdxImages& im, long n) {
  ASSERT_EQ(im.rows, 2);
  ASSERT_EQ(im.cols, 3);
  ASSERT_EQ(im.pixels.rows(), n);
  ASSERT_EQ(im.pixels.cols(), 6);
  for (int i = 0; i < n; ++i)
    for (int r = 0; r < 2; ++r)
      for (int k = 0; k < 3; ++k) EXPECT_EQ(im.pixels(i, r * 3 + k), pixel(i, r, k));
}

TEST(idx_loader, reads_a_raw_file_it_wrote) {
  TempDir dir;
  write_raw(dir / "images-idx3-ubyte", three_images());
  expect_images(load_idx_images(dir / "images-idx3-ubyte"), 3);
}

TEST(idx_loader, reads_a_gzipped_file_it_wrote) {
  TempDir dir;
  write_gz(dir / "images-idx3-ubyte.gz", three_images());
  IdxImages im = load_idx_images(dir / "images-idx3-ubyte.gz");
  expect_images(im, 3);
  EXPECT_EQ(im.pixels(2, 5), 255.0);
}

TEST(idx_loader, reads_only_the_first_max_count_images) {
  TempDir dir;
  write_gz(dir / "images.gz", three_images());
  expect_images(load_idx_images(dir / "images.gz", 2), 2);
  expect_images(load_idx_images(dir / "images.gz", 0), 0);
  expect_images(load_idx_images(dir / "images.gz", 10), 3);
}

TEST(idx_loader, reads_labels_raw_and_gzipped) {
  TempDir dir;
  Bytes labels = idx_bytes(0x801, {4}, {9, 0, 3, 255});
  write_raw(dir / "labels", labels);
  write_gz(dir / "labels.gz", labels);
  for (const char* name : {"labels", "labels.gz"}) {
    IVec y = load_idx_labels(dir / name);
    ASSERT_EQ(y.size(), 4);
    EXPECT_EQ(y(0), 9);
    EXPECT_EQ(y(1), 0);
    EXPECT_EQ(y(2), 3);
    EXPECT_EQ(y(3), 255);
  }
  EXPECT_EQ(load_idx_labels(dir / "labels.gz", 1).size(), 1);
}

TEST(idx_loader, reads_the_header_alone) {
  TempDir dir;
  write_gz(dir / "images.gz", three_images());
  IdxHeader h = read_idx_header(dir / "images.gz");
  EXPECT_EQ(h.magic, 0x803u);
  EXPECT_EQ(h.dims, (std::vector<long>{3, 2, 3}));
}

TEST(idx_loader, rejects_a_missing_file_saying_how_to_get_the_data) {
  TempDir dir;
  std::string msg = error_of([&] { load_idx_images(dir / "train-images-idx3-ubyte.gz"); });
  EXPECT_THAT(msg, HasSubstr((dir / "train-images-idx3-ubyte.gz").string() + ": no such file"));
  EXPECT_THAT(msg, HasSubstr("apt-get install dataset-fashion-mnist"));
  EXPECT_THAT(msg, HasSubstr("set PIXELGRAD_DATA to a folder holding train-images-idx3-ubyte.gz"));
}

TEST(idx_loader, rejects_an_empty_file) {
  TempDir dir;
  write_raw(dir / "empty", {});
  write_gz(dir / "empty.gz", {});
  EXPECT_THAT(error_of([&] { load_idx_images(dir / "empty"); }),
              HasSubstr((dir / "empty").string() + ": empty file: no IDX header"));
  EXPECT_THAT(error_of([&] { load_idx_labels(dir / "empty.gz"); }),
              HasSubstr((dir / "empty.gz").string() + ": empty file: no IDX header"));
}

TEST(idx_loader, rejects_a_bad_magic_number) {
  TempDir dir;
  write_raw(dir / "bad", idx_bytes(0x12345678, {3, 2, 3}, Bytes(18)));
  EXPECT_THAT(
      error_of([&] { load_idx_images(dir / "bad"); }),
      HasSubstr((dir / "bad").string() +
                ": expected magic 0x00000803 (IDX images), found 0x12345678: not an IDX file"));
}

TEST(idx_loader, says_when_a_file_is_gzipped_twice) {
  TempDir dir;
  write_gz(dir / "once.gz", three_images());
  write_gz(dir / "twice.gz", read_raw(dir / "once.gz"));
  std::string msg = error_of([&] { load_idx_images(dir / "twice.gz"); });
  EXPECT_THAT(msg, HasSubstr("expected magic 0x00000803 (IDX images), found 0x1f8b08"));
  EXPECT_THAT(msg, HasSubstr("the file is compressed twice"));
}

TEST(idx_loader, rejects_a_labels_file_given_as_images) {
  TempDir dir;
  write_raw(dir / "labels", idx_bytes(0x801, {2}, {1, 2}));
  EXPECT_THAT(error_of([&] { load_idx_images(dir / "labels"); }),
              HasSubstr((dir / "labels").string() +
                        ": wrong number of dimensions: expected magic 0x00000803 (IDX images), "
                        "found 0x00000801 (1 dimension, an IDX labels file)"));
}

TEST(idx_loader, rejects_a_wrong_number_of_dimensions) {
  TempDir dir;
  write_raw(dir / "two-dims", idx_bytes(0x802, {2, 2}, {1, 2, 3, 4}));
  EXPECT_THAT(error_of([&] { load_idx_labels(dir / "two-dims"); }),
              HasSubstr((dir / "two-dims").string() +
                        ": wrong number of dimensions: expected magic 0x00000801 (IDX labels), "
                        "found 0x00000802 (2 dimensions)"));
}

TEST(idx_loader, rejects_an_element_type_other_than_unsigned_byte) {
  TempDir dir;
  write_raw(dir / "floats", idx_bytes(0xd03, {1, 1, 1}, Bytes(4)));
  EXPECT_THAT(error_of([&] { load_idx_images(dir / "floats"); }),
              HasSubstr("unsupported element type 0x0d in magic 0x00000d03"));
}

TEST(idx_loader, rejects_truncated_pixel_data) {
  TempDir dir;
  Bytes bytes = three_images();
  bytes.resize(bytes.size() - 5);
  write_gz(dir / "short.gz", bytes);
  std::string msg = error_of([&] { load_idx_images(dir / "short.gz"); });
  EXPECT_THAT(msg, HasSubstr((dir / "short.gz").string() +
                             ": truncated: header says 3 images of 2x3 = 18 bytes, file has 13 "
                             "after the 16-byte header"));
  // the first two images are whole, so reading only those succeeds
  expect_images(load_idx_images(dir / "short.gz", 2), 2);
}

TEST(idx_loader, rejects_a_truncated_header) {
  TempDir dir;
  Bytes bytes = three_images();
  bytes.resize(10);
  write_raw(dir / "cut", bytes);
  EXPECT_THAT(error_of([&] { load_idx_images(dir / "cut"); }),
              HasSubstr((dir / "cut").string() + ": truncated header: 10 of 16 header bytes"));
  write_raw(dir / "cut2", {0, 0});
  EXPECT_THAT(error_of([&] { load_idx_labels(dir / "cut2"); }),
              HasSubstr("truncated header: 2 of 4 magic bytes"));
}

TEST(idx_loader, rejects_implausible_dimensions) {
  TempDir dir;
  write_raw(dir / "huge", idx_bytes(0x803, {60000, 28, 100000}, {}));
  EXPECT_THAT(error_of([&] { load_idx_images(dir / "huge"); }),
              HasSubstr((dir / "huge").string() +
                        ": implausible dimensions: header says 60000 images of 28x100000"));
  write_raw(dir / "zero", idx_bytes(0x803, {1, 0, 28}, {}));
  EXPECT_THAT(error_of([&] { load_idx_images(dir / "zero"); }),
              HasSubstr("implausible dimensions: header says 1 images of 0x28"));
}

TEST(idx_loader, rejects_trailing_data_after_the_last_item) {
  TempDir dir;
  write_raw(dir / "long", idx_bytes(0x801, {2}, {1, 2, 3}));
  EXPECT_THAT(error_of([&] { load_idx_labels(dir / "long"); }),
              HasSubstr((dir / "long").string() +
                        ": trailing data: header says 2 labels = 2 bytes, file has more"));
  EXPECT_EQ(load_idx_labels(dir / "long", 1).size(), 1);
}

TEST(idx_loader, rejects_a_corrupted_gzip_file) {
  TempDir dir;
  write_gz(dir / "ok.gz", three_images());
  Bytes gz = read_raw(dir / "ok.gz");
  // the first deflate block header follows the 10-byte gzip header: make its type invalid (11)
  Bytes bad_block = gz;
  bad_block[10] = 0x07;
  write_raw(dir / "bad-block.gz", bad_block);
  std::string msg = error_of([&] { load_idx_images(dir / "bad-block.gz"); });
  EXPECT_THAT(msg, HasSubstr((dir / "bad-block.gz").string() +
                             ": gzip error, the compressed data is corrupt or cut off"));
  EXPECT_THAT(msg, HasSubstr("invalid block type"));
  // the crc32 of the data sits in the 8-byte trailer
  Bytes bad_crc = gz;
  bad_crc[bad_crc.size() - 8] ^= 0xff;
  write_raw(dir / "bad-crc.gz", bad_crc);
  EXPECT_THAT(error_of([&] { load_idx_images(dir / "bad-crc.gz"); }),
              HasSubstr("gzip error, the compressed data is corrupt or cut off (zlib: incorrect "
                        "data check)"));
}

TEST(idx_loader, rejects_a_cut_off_gzip_file) {
  TempDir dir;
  Bytes data(5000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = (i * 7919) % 251;
  write_gz(dir / "ok.gz", idx_bytes(0x801, {5000}, data));
  Bytes gz = read_raw(dir / "ok.gz");
  gz.resize(gz.size() / 2);
  write_raw(dir / "cut.gz", gz);
  EXPECT_THAT(error_of([&] { load_idx_labels(dir / "cut.gz"); }),
              HasSubstr((dir / "cut.gz").string() +
                        ": gzip error, the compressed data is corrupt or cut off (zlib: unexpected "
                        "end of file)"));
}

TEST(idx_loader, rejects_a_negative_max_count) {
  TempDir dir;
  write_raw(dir / "images", three_images());
  try {
    load_idx_images(dir / "images", -2);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "load_idx_images: max_count = -2 must be -1 (all) or >= 0");
  }
}

// a folder of the four MNIST-style files: n_train and n_test 2x3 images, labels i % 10
void write_idx_folder(const fs::path& dir, std::uint32_t n_train, std::uint32_t n_test,
                      std::uint32_t n_train_labels) {
  auto images = [](std::uint32_t n) { return idx_bytes(0x803, {n, 2, 3}, Bytes(n * 6, 7)); };
  auto labels = [](std::uint32_t n) {
    Bytes y;
    for (std::uint32_t i = 0; i < n; ++i) y.push_back(i % 10);
    return idx_bytes(0x801, {n}, y);
  };
  write_gz(dir / "train-images-idx3-ubyte.gz", images(n_train));
  write_gz(dir / "train-labels-idx1-ubyte.gz", labels(n_train_labels));
  write_raw(dir / "t10k-images-idx3-ubyte", images(n_test));
  write_raw(dir / "t10k-labels-idx1-ubyte", labels(n_test));
}

TEST(idx_dataset, loads_a_folder_of_four_files_gzipped_or_raw) {
  TempDir dir;
  write_idx_folder(dir.path(), 12, 4, 12);
  Dataset ds = load_idx_dataset(dir.path());
  EXPECT_EQ(ds.X_train.rows(), 12);
  EXPECT_EQ(ds.X_train.cols(), 6);
  EXPECT_EQ(ds.y_train(11), 1);
  EXPECT_EQ(ds.X_test.rows(), 4);
  EXPECT_EQ(ds.y_test.size(), 4);
  EXPECT_EQ(ds.X_test(3, 5), 7.0);
  EXPECT_EQ(ds.height, 2);
  EXPECT_EQ(ds.width, 3);
  EXPECT_EQ(ds.channels, 1);
  ASSERT_EQ(ds.class_names.size(), 10u);
  EXPECT_EQ(ds.class_names[9], "9");

  Dataset few = load_idx_dataset(dir.path(), 5, 2);
  EXPECT_EQ(few.X_train.rows(), 5);
  EXPECT_EQ(few.y_train.size(), 5);
  EXPECT_EQ(few.X_test.rows(), 2);
}

TEST(idx_dataset, rejects_image_and_label_counts_that_differ) {
  TempDir dir;
  write_idx_folder(dir.path(), 12, 4, 11);
  std::string msg = error_of([&] { load_idx_dataset(dir.path(), 3, 3); });
  EXPECT_THAT(msg,
              HasSubstr((dir / "train-images-idx3-ubyte.gz").string() + ": holds 12 images but " +
                        (dir / "train-labels-idx1-ubyte.gz").string() + " holds 11 labels"));
}

TEST(idx_dataset, rejects_labels_above_nine) {
  TempDir dir;
  write_idx_folder(dir.path(), 2, 1, 2);
  write_raw(dir / "t10k-labels-idx1-ubyte", idx_bytes(0x801, {1}, {10}));
  EXPECT_THAT(error_of([&] { load_idx_dataset(dir.path()); }),
              HasSubstr((dir / "t10k-labels-idx1-ubyte").string() +
                        ": label 10 at index 0 is out of range 0..9"));
}

// checked against the file itself: the first training label byte is 0x09
TEST(fashion_mnist, first_100_training_images_are_28x28_bytes_and_the_first_is_an_ankle_boot) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)";
  }
  Dataset ds = load_fashion_mnist(100, 10);
  ASSERT_EQ(ds.X_train.rows(), 100);
  ASSERT_EQ(ds.X_train.cols(), 784);
  EXPECT_EQ(ds.y_train.size(), 100);
  EXPECT_EQ(ds.X_test.rows(), 10);
  EXPECT_GE(ds.X_train.minCoeff(), 0.0);
  EXPECT_LE(ds.X_train.maxCoeff(), 255.0);
  EXPECT_GT(ds.X_train.maxCoeff(), 200.0);
  EXPECT_EQ(ds.X_train, ds.X_train.array().round().matrix());
  EXPECT_EQ(ds.height, 28);
  EXPECT_EQ(ds.width, 28);
  EXPECT_EQ(ds.y_train(0), 9);
  EXPECT_EQ(ds.class_names[ds.y_train(0)], "Ankle boot");
  EXPECT_EQ(ds.y_test(0), 9);
  EXPECT_EQ(read_idx_header("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").dims,
            (std::vector<long>{60000, 28, 28}));
}

}  // namespace
}  // namespace pg::data
