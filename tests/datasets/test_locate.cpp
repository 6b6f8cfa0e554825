// Tests of the data search on folders made here, with PIXELGRAD_DATA set and unset per test.
// Not of the loaders: the files found are empty placeholders.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/errors.hpp"
#include "datasets/locate.hpp"
#include "support/temp_dir.hpp"

namespace pg::data {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using pg::testing::TempDir;

// sets or unsets PIXELGRAD_DATA for one test, then puts back what was there
class DataEnv {
 public:
  explicit DataEnv(const std::optional<fs::path>& value) {
    if (const char* old = std::getenv("PIXELGRAD_DATA")) old_ = old;
    if (value) {
      ::setenv("PIXELGRAD_DATA", value->c_str(), 1);
    } else {
      ::unsetenv("PIXELGRAD_DATA");
    }
  }
  ~DataEnv() {
    if (old_) {
      ::setenv("PIXELGRAD_DATA", old_->c_str(), 1);
    } else {
      ::unsetenv("PIXELGRAD_DATA");
    }
  }

 private:
  std::optional<std::string> old_;
};

// the four IDX files as empty placeholders, each with the given suffix ("" or ".gz")
void make_idx_folder(const fs::path& dir, const std::string& suffix = ".gz") {
  fs::create_directories(dir);
  for (const auto& base : dataset_files("fashion-mnist")) std::ofstream(dir / (base + suffix));
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

TEST(find_data_dir, uses_the_folder_pixelgrad_data_names) {
  TempDir tmp;
  make_idx_folder(tmp / "env");
  make_idx_folder(tmp / "system" / "fashion-mnist");
  DataEnv env(tmp / "env");
  EXPECT_EQ(find_data_dir("fashion-mnist", tmp / "repo", tmp / "system"), tmp / "env");
}

TEST(find_data_dir, uses_a_subfolder_of_pixelgrad_data_named_after_the_dataset) {
  TempDir tmp;
  make_idx_folder(tmp / "env" / "mnist", "");
  DataEnv env(tmp / "env");
  EXPECT_EQ(find_data_dir("mnist", tmp / "repo", tmp / "system"), tmp / "env" / "mnist");
}

TEST(find_data_dir, falls_back_to_the_repository_data_folder_then_the_system_folder) {
  TempDir tmp;
  DataEnv env(std::nullopt);
  make_idx_folder(tmp / "system" / "fashion-mnist");
  EXPECT_EQ(find_data_dir("fashion-mnist", tmp / "repo", tmp / "system"),
            tmp / "system" / "fashion-mnist");
  make_idx_folder(tmp / "repo" / "datasets" / "data" / "fashion-mnist", "");
  EXPECT_EQ(find_data_dir("fashion-mnist", tmp / "repo", tmp / "system"),
            tmp / "repo" / "datasets" / "data" / "fashion-mnist");
}

TEST(find_data_dir, skips_a_pixelgrad_data_folder_without_the_files) {
  TempDir tmp;
  fs::create_directories(tmp / "env");
  make_idx_folder(tmp / "system" / "fashion-mnist");
  DataEnv env(tmp / "env");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(find_data_dir("fashion-mnist", tmp / "repo", tmp / "system"),
            tmp / "system" / "fashion-mnist");
  ::testing::internal::GetCapturedStderr();
}

TEST(locate_data_dir, warns_when_pixelgrad_data_holds_no_data_and_another_copy_is_used) {
  TempDir tmp;
  fs::create_directories(tmp / "env");  // set, but empty
  make_idx_folder(tmp / "system" / "fashion-mnist");
  DataEnv env(tmp / "env");
  DataDir found = locate_data_dir("fashion-mnist", tmp / "repo", tmp / "system");
  EXPECT_EQ(found.dir, tmp / "system" / "fashion-mnist");
  EXPECT_THAT(found.warning,
              HasSubstr("warning: PIXELGRAD_DATA=" + (tmp / "env").string() +
                        " holds no fashion-mnist (" + (tmp / "env").string() +
                        ": missing train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), "
                        "t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz); " +
                        (tmp / "env" / "fashion-mnist").string() + ": no such folder); using " +
                        (tmp / "system" / "fashion-mnist").string() + " instead"));
}

TEST(locate_data_dir, warns_when_pixelgrad_data_names_a_missing_folder) {
  TempDir tmp;
  make_idx_folder(tmp / "repo" / "datasets" / "data" / "mnist");
  DataEnv env(tmp / "typo");
  DataDir found = locate_data_dir("mnist", tmp / "repo", tmp / "system");
  EXPECT_EQ(found.dir, tmp / "repo" / "datasets" / "data" / "mnist");
  EXPECT_THAT(found.warning,
              HasSubstr("PIXELGRAD_DATA=" + (tmp / "typo").string() + " holds no mnist (" +
                        (tmp / "typo").string() + ": no such folder; "));
}

TEST(locate_data_dir, does_not_warn_when_pixelgrad_data_is_used_or_unset) {
  TempDir tmp;
  make_idx_folder(tmp / "env");
  make_idx_folder(tmp / "system" / "fashion-mnist");
  {
    DataEnv env(tmp / "env");
    EXPECT_EQ(locate_data_dir("fashion-mnist", tmp / "repo", tmp / "system").warning, "");
  }
  DataEnv env(std::nullopt);
  DataDir found = locate_data_dir("fashion-mnist", tmp / "repo", tmp / "system");
  EXPECT_EQ(found.dir, tmp / "system" / "fashion-mnist");
  EXPECT_EQ(found.warning, "");
}

TEST(find_data_dir, prints_the_warning_to_stderr_once) {
  TempDir tmp;
  fs::create_directories(tmp / "env");
  make_idx_folder(tmp / "system" / "fashion-mnist");
  DataEnv env(tmp / "env");
  ::testing::internal::CaptureStderr();
  find_data_dir("fashion-mnist", tmp / "repo", tmp / "system");
  find_data_dir("fashion-mnist", tmp / "repo", tmp / "system");
  std::string err = ::testing::internal::GetCapturedStderr();
  std::string want = locate_data_dir("fashion-mnist", tmp / "repo", tmp / "system").warning + "\n";
  EXPECT_EQ(err, want);
}

TEST(find_data_dir, finds_the_unpacked_cifar_10_tarball_folder) {
  TempDir tmp;
  DataEnv env(tmp / "env");
  fs::create_directories(tmp / "env" / "cifar-10-batches-bin");
  for (const auto& f : dataset_files("cifar-10"))
    std::ofstream(tmp / "env" / "cifar-10-batches-bin" / f);
  EXPECT_EQ(find_data_dir("cifar-10", tmp / "repo", tmp / "system"),
            tmp / "env" / "cifar-10-batches-bin");
}

TEST(find_data_dir, lists_every_place_looked_when_nothing_is_found) {
  TempDir tmp;
  DataEnv env(tmp / "env");
  std::string msg = error_of([&] { find_data_dir("fashion-mnist", tmp / "repo", tmp / "system"); });
  EXPECT_THAT(msg, HasSubstr("dataset fashion-mnist not found. Looked in:\n"));
  EXPECT_THAT(msg, HasSubstr("\n  " + (tmp / "env").string() + ": no such folder"));
  EXPECT_THAT(msg,
              HasSubstr("\n  " + (tmp / "env" / "fashion-mnist").string() + ": no such folder"));
  EXPECT_THAT(msg,
              HasSubstr("\n  " + (tmp / "repo" / "datasets" / "data" / "fashion-mnist").string() +
                        ": no such folder"));
  EXPECT_THAT(msg,
              HasSubstr("\n  " + (tmp / "system" / "fashion-mnist").string() + ": no such folder"));
  EXPECT_THAT(msg, HasSubstr("install the Debian package dataset-fashion-mnist (apt-get install "
                             "dataset-fashion-mnist), or set PIXELGRAD_DATA to a folder holding "
                             "train-images-idx3-ubyte.gz"));
}

TEST(find_data_dir, says_when_pixelgrad_data_is_not_set) {
  TempDir tmp;
  DataEnv env(std::nullopt);
  std::string msg = error_of([&] { find_data_dir("cifar-10", tmp / "repo", tmp / "system"); });
  EXPECT_THAT(msg, HasSubstr("\n  $PIXELGRAD_DATA: not set"));
  EXPECT_THAT(msg, HasSubstr("To get CIFAR-10: download the binary version"));
}

TEST(find_data_dir, says_which_files_a_partial_folder_lacks) {
  TempDir tmp;
  DataEnv env(std::nullopt);
  make_idx_folder(tmp / "system" / "mnist");
  fs::remove(tmp / "system" / "mnist" / "t10k-labels-idx1-ubyte.gz");
  fs::remove(tmp / "system" / "mnist" / "train-images-idx3-ubyte.gz");
  EXPECT_THAT(error_of([&] { find_data_dir("mnist", tmp / "repo", tmp / "system"); }),
              HasSubstr((tmp / "system" / "mnist").string() +
                        ": missing train-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz)"));
}

TEST(find_data_dir, rejects_an_unknown_dataset_name) {
  try {
    find_data_dir("imagenet");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "dataset_files: name = \"imagenet\" is not one of fashion-mnist, mnist, cifar-10");
  }
}

TEST(find_data_dir, finds_the_installed_debian_fashion_mnist) {
  if (!fs::is_directory("/usr/share/datasets/fashion-mnist")) {
    GTEST_SKIP() << "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)";
  }
  TempDir tmp;
  DataEnv env(std::nullopt);
  EXPECT_EQ(find_data_dir("fashion-mnist", tmp / "repo"),
            fs::path("/usr/share/datasets/fashion-mnist"));
}

TEST(find_data_file, prefers_the_raw_file_and_falls_back_to_gz) {
  TempDir tmp;
  std::ofstream(tmp / "a.gz");
  EXPECT_EQ(find_data_file(tmp.path(), "a"), tmp / "a.gz");
  std::ofstream(tmp / "a");
  EXPECT_EQ(find_data_file(tmp.path(), "a"), tmp / "a");
  EXPECT_THAT(
      error_of([&] { find_data_file(tmp.path(), "b"); }),
      HasSubstr("neither " + (tmp / "b").string() + " nor " + (tmp / "b.gz").string() + " exists"));
}

}  // namespace
}  // namespace pg::data
