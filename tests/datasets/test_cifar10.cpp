// Tests of the CIFAR-10 binary loader on batch files of a few records written here.
// Not of real CIFAR-10, which no Debian package ships.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "datasets/cifar10.hpp"
#include "support/temp_dir.hpp"

namespace pg::data {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using Bytes = std::vector<unsigned char>;

using pg::testing::TempDir;

// the byte of channel c, row h, column w in record i: a pattern that tells them all apart mod 256
unsigned char value(int i, int c, int h, int w) { return (i * 101 + c * 67 + h * 5 + w) % 256; }

// records with the given labels; record i's pixels follow value(i, ...), stored R, G, B planes
Bytes records(const std::vector<int>& labels, int first = 0) {
  Bytes out;
  for (std::size_t k = 0; k < labels.size(); ++k) {
    out.push_back(static_cast<unsigned char>(labels[k]));
    for (int c = 0; c < 3; ++c)
      for (int h = 0; h < 32; ++h)
        for (int w = 0; w < 32; ++w) out.push_back(value(first + int(k), c, h, w));
  }
  return out;
}

void write_raw(const fs::path& file, const Bytes& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DatasetError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DatasetError thrown";
  return "";
}

TEST(cifar10_loader, reads_a_two_record_file_it_wrote_as_channel_major_rows) {
  TempDir dir;
  write_raw(dir / "data_batch_1.bin", records({3, 9}));
  CifarBatch b = load_cifar10_batch(dir / "data_batch_1.bin");
  ASSERT_EQ(b.X.rows(), 2);
  ASSERT_EQ(b.X.cols(), 3072);
  ASSERT_EQ(b.y.size(), 2);
  EXPECT_EQ(b.y(0), 3);
  EXPECT_EQ(b.y(1), 9);
  // column c*1024 + h*32 + w holds channel c, row h, column w
  for (int i = 0; i < 2; ++i)
    for (int c = 0; c < 3; ++c)
      for (int h = 0; h < 32; h += 7)
        for (int w = 0; w < 32; w += 3)
          EXPECT_EQ(b.X(i, c * 1024 + h * 32 + w), value(i, c, h, w)) << i << c << h << w;
  EXPECT_EQ(b.X(1, 2 * 1024 + 31 * 32 + 31), value(1, 2, 31, 31));
}

TEST(cifar10_loader, reads_only_the_first_max_count_records) {
  TempDir dir;
  write_raw(dir / "b.bin", records({1, 2, 3}));
  CifarBatch b = load_cifar10_batch(dir / "b.bin", 2);
  EXPECT_EQ(b.X.rows(), 2);
  EXPECT_EQ(b.y(1), 2);
  EXPECT_EQ(load_cifar10_batch(dir / "b.bin", 0).X.rows(), 0);
}

TEST(cifar10_loader, rejects_a_size_that_is_not_a_multiple_of_3073) {
  TempDir dir;
  Bytes bytes = records({1, 2});
  bytes.pop_back();
  write_raw(dir / "short.bin", bytes);
  EXPECT_THAT(error_of([&] { load_cifar10_batch(dir / "short.bin"); }),
              HasSubstr((dir / "short.bin").string() +
                        ": size 6145 bytes is not a multiple of 3073 (1 label byte + 3072 pixel "
                        "bytes per record)"));
}

TEST(cifar10_loader, rejects_a_label_above_9) {
  TempDir dir;
  write_raw(dir / "b.bin", records({4, 12}));
  EXPECT_THAT(error_of([&] { load_cifar10_batch(dir / "b.bin"); }),
              HasSubstr((dir / "b.bin").string() + ": record 1 has label 12, labels must be 0..9"));
}

TEST(cifar10_loader, rejects_a_missing_or_empty_file_saying_how_to_get_the_data) {
  TempDir dir;
  std::string msg = error_of([&] { load_cifar10_batch(dir / "test_batch.bin"); });
  EXPECT_THAT(msg, HasSubstr((dir / "test_batch.bin").string() + ": no such file"));
  EXPECT_THAT(msg,
              HasSubstr("To get CIFAR-10: download the binary version (cifar-10-binary.tar.gz)"));
  write_raw(dir / "empty.bin", {});
  EXPECT_THAT(error_of([&] { load_cifar10_batch(dir / "empty.bin"); }),
              HasSubstr((dir / "empty.bin").string() + ": empty file: no records"));
}

// batches 1..5 of two records each (labels 0..9 in order), a test batch of one record (label 7)
void write_cifar_folder(const fs::path& dir) {
  fs::create_directories(dir);
  for (int b = 1; b <= 5; ++b) {
    int first = 2 * (b - 1);
    write_raw(dir / ("data_batch_" + std::to_string(b) + ".bin"),
              records({first, first + 1}, first));
  }
  write_raw(dir / "test_batch.bin", records({7}, 50));
}

TEST(cifar10_dataset, joins_the_five_training_batches_in_order) {
  TempDir dir;
  write_cifar_folder(dir.path());
  Dataset ds = load_cifar10_dataset(dir.path());
  ASSERT_EQ(ds.X_train.rows(), 10);
  ASSERT_EQ(ds.y_train.size(), 10);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(ds.y_train(i), i);
    EXPECT_EQ(ds.X_train(i, 1024 + 5), value(i, 1, 0, 5));
  }
  ASSERT_EQ(ds.X_test.rows(), 1);
  EXPECT_EQ(ds.y_test(0), 7);
  EXPECT_EQ(ds.X_test(0, 0), value(50, 0, 0, 0));
  EXPECT_EQ(ds.height, 32);
  EXPECT_EQ(ds.width, 32);
  EXPECT_EQ(ds.channels, 3);
  ASSERT_EQ(ds.class_names.size(), 10u);
  EXPECT_EQ(ds.class_names[0], "airplane");
  EXPECT_EQ(ds.class_names[9], "truck");
}

TEST(cifar10_dataset, reads_only_the_batches_max_train_needs) {
  TempDir dir;
  write_cifar_folder(dir.path());
  fs::remove(dir / "data_batch_4.bin");  // never opened when 3 records are asked for
  Dataset ds = load_cifar10_dataset(dir.path(), 3, 0);
  ASSERT_EQ(ds.X_train.rows(), 3);
  EXPECT_EQ(ds.y_train(2), 2);
  EXPECT_EQ(ds.X_train(2, 7), value(2, 0, 0, 7));
  EXPECT_EQ(ds.X_test.rows(), 0);
}

TEST(cifar10_dataset, is_found_through_pixelgrad_data) {
  TempDir dir;
  write_cifar_folder(dir / "cifar-10");
  // set PIXELGRAD_DATA for this test only
  struct DataEnv {
    std::optional<std::string> old;
    explicit DataEnv(const fs::path& value) {
      if (const char* v = std::getenv("PIXELGRAD_DATA")) old = v;
      ::setenv("PIXELGRAD_DATA", value.c_str(), 1);
    }
    ~DataEnv() { old ? ::setenv("PIXELGRAD_DATA", old->c_str(), 1) : ::unsetenv("PIXELGRAD_DATA"); }
  } env(dir.path());
  Dataset ds = load_cifar10(4, 1);
  EXPECT_EQ(ds.X_train.rows(), 4);
  EXPECT_EQ(ds.y_train(3), 3);
  EXPECT_EQ(ds.y_test(0), 7);
}

}  // namespace
}  // namespace pg::data
