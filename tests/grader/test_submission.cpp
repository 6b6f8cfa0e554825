// Tests of taking in a submission from folders and zip archives written here with libarchive,
// including hostile archives. Not the build that follows (build.cpp).
#include <archive.h>
#include <archive_entry.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "submission.hpp"

namespace pg::grader {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::vector<std::string> kFiles = {"knn.cpp"};
const std::string kSource = "// alice's knn\nint x = 1;\n";

// a fresh folder per test, with sub/ (the submission folder) and out/ (the destination)
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("pixelgrad-" + std::string(info->test_suite_name()) + "-" +
                                         info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_ / "sub");
    fs::create_directories(path_ / "out");
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path operator/(const std::string& name) const { return path_ / name; }
  std::string sub() const { return (path_ / "sub").string(); }
  std::string out() const { return (path_ / "out").string(); }

 private:
  fs::path path_;
};

void write_text(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct ZipEntry {
  enum Kind { file, folder, symlink };
  std::string path;
  std::string data;  // a file's contents, or a link's target
  Kind kind = file;
  unsigned perm = 0644;  // a file's permission bits
};

// a zip archive holding `entries`, in order, exactly as named (libarchive does not clean paths
// when writing)
void write_zip(const fs::path& zip, const std::vector<ZipEntry>& entries) {
  archive* a = archive_write_new();
  ASSERT_EQ(archive_write_set_format_zip(a), ARCHIVE_OK);
  ASSERT_EQ(archive_write_open_filename(a, zip.c_str()), ARCHIVE_OK) << archive_error_string(a);
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    if (e.kind == ZipEntry::file) {
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_perm(entry, e.perm);
      archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
    } else if (e.kind == ZipEntry::folder) {
      archive_entry_set_filetype(entry, AE_IFDIR);
      archive_entry_set_perm(entry, 0755);
      archive_entry_set_size(entry, 0);
    } else {
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_set_perm(entry, 0777);
      archive_entry_set_symlink(entry, e.data.c_str());
    }
    ASSERT_EQ(archive_write_header(a, entry), ARCHIVE_OK) << archive_error_string(a);
    if (e.kind == ZipEntry::file && !e.data.empty()) {
      ASSERT_EQ(archive_write_data(a, e.data.data(), e.data.size()),
                static_cast<la_ssize_t>(e.data.size()));
    }
    archive_entry_free(entry);
  }
  ASSERT_EQ(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
}

// the permission bits of `path`
unsigned mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// the message of the SubmissionError f throws, "" (and a failure) if it throws none
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const SubmissionError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no SubmissionError thrown";
  return "";
}

TEST(submission_folder, copies_the_named_file) {
  TempDir dir;
  write_text(dir / "sub/knn.cpp", kSource);
  collect_submission(dir.sub(), kFiles, dir.out());
  EXPECT_EQ(read_text(dir / "out/knn.cpp"), kSource);
}

TEST(submission_folder, ignores_other_files) {
  TempDir dir;
  write_text(dir / "sub/knn.cpp", kSource);
  write_text(dir / "sub/notes.txt", "hello");
  write_text(dir / "sub/knn.hpp", "// a changed header is not taken");
  fs::create_directories(dir / "sub/build");
  write_text(dir / "sub/build/a.out", "binary");
  collect_submission(dir.sub(), kFiles, dir.out());
  std::vector<std::string> copied;
  for (const auto& e : fs::directory_iterator(dir / "out")) {
    copied.push_back(e.path().filename().string());
  }
  EXPECT_EQ(copied, std::vector<std::string>{"knn.cpp"});
}

TEST(submission_folder, copies_several_named_files) {
  TempDir dir;
  write_text(dir / "sub/layers.cpp", "// layers");
  write_text(dir / "sub/fc_net.cpp", "// net");
  collect_submission(dir.sub(), {"layers.cpp", "fc_net.cpp"}, dir.out());
  EXPECT_EQ(read_text(dir / "out/layers.cpp"), "// layers");
  EXPECT_EQ(read_text(dir / "out/fc_net.cpp"), "// net");
}

TEST(submission_folder, names_a_missing_file_and_where_it_looked) {
  TempDir dir;
  write_text(dir / "sub/KNN.cpp", kSource);
  EXPECT_EQ(error_of([&] { collect_submission(dir.sub(), kFiles, dir.out()); }),
            "the submission has no knn.cpp (looked for " + (dir / "sub/knn.cpp").string() +
                "); hand in the file the assignment names, at the top of the folder");
}

TEST(submission_folder, rejects_a_symlink_in_place_of_the_file) {
  TempDir dir;
  write_text(dir / "secret.txt", "not for students");
  fs::create_symlink(dir / "secret.txt", dir / "sub/knn.cpp");
  EXPECT_EQ(error_of([&] { collect_submission(dir.sub(), kFiles, dir.out()); }),
            (dir / "sub/knn.cpp").string() +
                " is not a regular file (links and folders are not accepted)");
  EXPECT_FALSE(fs::exists(dir / "out/knn.cpp"));
}

TEST(submission_folder, rejects_a_dangling_symlink) {
  TempDir dir;
  fs::create_symlink("/nonexistent/knn.cpp", dir / "sub/knn.cpp");
  EXPECT_THAT(error_of([&] { collect_submission(dir.sub(), kFiles, dir.out()); }),
              HasSubstr("is not a regular file"));
}

TEST(submission_folder, rejects_a_folder_in_place_of_the_file) {
  TempDir dir;
  fs::create_directories(dir / "sub/knn.cpp");
  EXPECT_EQ(error_of([&] { collect_submission(dir.sub(), kFiles, dir.out()); }),
            (dir / "sub/knn.cpp").string() +
                " is not a regular file (links and folders are not accepted)");
}

// As root the compiler reads the copies under a uid of its own, through their modes alone.
TEST(submission_folder, copies_a_file_only_its_owner_can_read_readable_by_all) {
  TempDir dir;
  write_text(dir / "sub/knn.cpp", kSource);
  ASSERT_EQ(::chmod((dir / "sub/knn.cpp").c_str(), 0600), 0);
  ASSERT_EQ(::chmod(dir.out().c_str(), 0700), 0);
  collect_submission(dir.sub(), kFiles, dir.out());
  EXPECT_EQ(read_text(dir / "out/knn.cpp"), kSource);
  EXPECT_EQ(mode_of(dir / "out/knn.cpp"), 0644u);
  EXPECT_EQ(mode_of(dir.out()), 0755u);
}

TEST(submission_folder, copies_only_the_bytes_whatever_the_mode_and_the_umask) {
  TempDir dir;
  write_text(dir / "sub/knn.cpp", kSource);
  ASSERT_EQ(::chmod((dir / "sub/knn.cpp").c_str(), 04755), 0);
  const mode_t before = ::umask(077);
  collect_submission(dir.sub(), kFiles, dir.out());
  ::umask(before);
  EXPECT_EQ(read_text(dir / "out/knn.cpp"), kSource);
  EXPECT_EQ(mode_of(dir / "out/knn.cpp"), 0644u);
}

TEST(submission_folder, rejects_a_hard_link_and_says_how_to_make_a_plain_copy) {
  TempDir dir;
  write_text(dir / "secret.txt", "not for students");
  fs::create_hard_link(dir / "secret.txt", dir / "sub/knn.cpp");
  EXPECT_EQ(error_of([&] { collect_submission(dir.sub(), kFiles, dir.out()); }),
            (dir / "sub/knn.cpp").string() +
                " is a hard link (one file with 2 names); links are not accepted: replace it with "
                "a plain copy (cp knn.cpp knn.cpp.copy && mv knn.cpp.copy knn.cpp)");
  EXPECT_FALSE(fs::exists(dir / "out/knn.cpp"));
  // the plain copy it asks for is taken
  fs::copy_file(dir / "sub/knn.cpp", dir / "sub/knn.cpp.copy");
  fs::rename(dir / "sub/knn.cpp.copy", dir / "sub/knn.cpp");
  collect_submission(dir.sub(), kFiles, dir.out());
  EXPECT_EQ(read_text(dir / "out/knn.cpp"), "not for students");
}

TEST(submission_folder, rejects_a_fifo_without_waiting_for_a_writer) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "sub/knn.cpp").c_str(), 0644), 0);
  EXPECT_EQ(error_of([&] { collect_submission(dir.sub(), kFiles, dir.out()); }),
            (dir / "sub/knn.cpp").string() +
                " is not a regular file (links and folders are not accepted)");
}

TEST(submission_folder, rejects_a_file_over_max_file_bytes) {
  TempDir dir;
  write_text(dir / "sub/knn.cpp", std::string(2049, 'x'));
  SubmissionLimits limits;
  limits.max_file_bytes = 2048;
  EXPECT_EQ(error_of([&] { collect_submission(dir.sub(), kFiles, dir.out(), limits); }),
            (dir / "sub/knn.cpp").string() + " is larger than 2 KiB");
  // exactly at the limit is fine
  write_text(dir / "sub/knn.cpp", std::string(2048, 'x'));
  collect_submission(dir.sub(), kFiles, dir.out(), limits);
  EXPECT_EQ(fs::file_size(dir / "out/knn.cpp"), 2048u);
}

// `pixelgrad grade --submission .` from a student's repository (the README's CI recipe)
TEST(submission_folder, takes_the_file_where_a_repository_has_it) {
  TempDir dir;
  fs::create_directories(dir / "sub/assignments/knn");
  write_text(dir / "sub/assignments/knn/knn.cpp", kSource);
  fs::create_directories(dir / "sub/reference/knn");
  write_text(dir / "sub/reference/knn/knn.cpp", "// not this one");
  collect_submission(dir.sub(), kFiles, dir.out(), {}, "knn");
  EXPECT_EQ(read_text(dir / "out/knn.cpp"), kSource);
}

TEST(submission_folder, takes_the_file_at_the_top_before_the_repository_layout) {
  TempDir dir;
  fs::create_directories(dir / "sub/assignments/knn");
  write_text(dir / "sub/assignments/knn/knn.cpp", "// the repository's");
  write_text(dir / "sub/knn.cpp", kSource);
  collect_submission(dir.sub(), kFiles, dir.out(), {}, "knn");
  EXPECT_EQ(read_text(dir / "out/knn.cpp"), kSource);
}

TEST(submission_folder, names_both_places_it_looked_for_a_missing_file) {
  TempDir dir;
  EXPECT_EQ(error_of([&] { collect_submission(dir.sub(), kFiles, dir.out(), {}, "knn"); }),
            "the submission has no knn.cpp (looked for " + (dir / "sub/knn.cpp").string() +
                " and " + (dir / "sub/assignments/knn/knn.cpp").string() +
                "); hand in the file the assignment names, at the top of the folder or where the "
                "repository has it (assignments/knn/)");
}

TEST(submission_folder, rejects_a_symlinked_assignment_folder) {
  TempDir dir;
  fs::create_directories(dir / "elsewhere");
  write_text(dir / "elsewhere/knn.cpp", "not for students");
  fs::create_directories(dir / "sub/assignments");
  fs::create_directory_symlink(dir / "elsewhere", dir / "sub/assignments/knn");
  EXPECT_EQ(error_of([&] { collect_submission(dir.sub(), kFiles, dir.out(), {}, "knn"); }),
            (dir / "sub/assignments/knn").string() +
                " is not a folder (a link to a folder is not accepted)");
  EXPECT_FALSE(fs::exists(dir / "out/knn.cpp"));
}

TEST(submission_folder, rejects_a_symlink_in_place_of_the_file_in_the_repository_layout) {
  TempDir dir;
  write_text(dir / "secret.txt", "not for students");
  fs::create_directories(dir / "sub/assignments/knn");
  fs::create_symlink(dir / "secret.txt", dir / "sub/assignments/knn/knn.cpp");
  EXPECT_EQ(error_of([&] { collect_submission(dir.sub(), kFiles, dir.out(), {}, "knn"); }),
            (dir / "sub/assignments/knn/knn.cpp").string() +
                " is not a regular file (links and folders are not accepted)");
}

// conv's rubric names files of backprop too ("backprop/layers.cpp"): the CNN is built from them
const std::vector<std::string> kConvFiles = {"conv.cpp", "backprop/layers.cpp"};

TEST(submission_folder, takes_an_earlier_assignments_file_at_the_top) {
  TempDir dir;
  write_text(dir / "sub/conv.cpp", "// conv");
  write_text(dir / "sub/layers.cpp", kSource);
  collect_submission(dir.sub(), kConvFiles, dir.out(), {}, "conv");
  EXPECT_EQ(read_text(dir / "out/conv.cpp"), "// conv");
  EXPECT_EQ(read_text(dir / "out/layers.cpp"), kSource);
}

TEST(submission_folder, takes_an_earlier_assignments_file_from_its_folder_in_a_repository) {
  TempDir dir;
  fs::create_directories(dir / "sub/assignments/conv");
  fs::create_directories(dir / "sub/assignments/backprop");
  write_text(dir / "sub/assignments/conv/conv.cpp", "// conv");
  write_text(dir / "sub/assignments/backprop/layers.cpp", kSource);
  // not the conv folder's: layers.cpp belongs to backprop
  write_text(dir / "sub/assignments/conv/layers.cpp", "// not this one");
  collect_submission(dir.sub(), kConvFiles, dir.out(), {}, "conv");
  EXPECT_EQ(read_text(dir / "out/layers.cpp"), kSource);
}

// `pixelgrad grade --submission assignments/conv` from a repository's root
TEST(submission_folder, takes_an_earlier_assignments_file_beside_the_assignments_own_folder) {
  TempDir dir;
  fs::create_directories(dir / "sub/assignments/conv");
  fs::create_directories(dir / "sub/assignments/backprop");
  write_text(dir / "sub/assignments/conv/conv.cpp", "// conv");
  write_text(dir / "sub/assignments/backprop/layers.cpp", kSource);
  collect_submission((dir / "sub/assignments/conv").string(), kConvFiles, dir.out(), {}, "conv");
  EXPECT_EQ(read_text(dir / "out/conv.cpp"), "// conv");
  EXPECT_EQ(read_text(dir / "out/layers.cpp"), kSource);
}

TEST(submission_folder, says_which_earlier_assignment_a_missing_file_belongs_to) {
  TempDir dir;
  write_text(dir / "sub/conv.cpp", "// conv");
  EXPECT_EQ(error_of([&] { collect_submission(dir.sub(), kConvFiles, dir.out(), {}, "conv"); }),
            "the submission has no layers.cpp (looked for " + (dir / "sub/layers.cpp").string() +
                " and " + (dir / "sub/assignments/backprop/layers.cpp").string() +
                "); this assignment builds on your backprop (backprop/layers.cpp): hand in that "
                "file too, at the top of the folder or where the repository has it "
                "(assignments/backprop/)");
}

TEST(submission_folder, does_not_look_beside_a_folder_that_is_not_the_assignments_own) {
  TempDir dir;
  fs::create_directories(dir / "sub/student");
  fs::create_directories(dir / "sub/backprop");
  write_text(dir / "sub/student/conv.cpp", "// conv");
  write_text(dir / "sub/backprop/layers.cpp", "// a neighbour's");
  EXPECT_THAT(error_of([&] {
                collect_submission((dir / "sub/student").string(), kConvFiles, dir.out(), {},
                                   "conv");
              }),
              HasSubstr("the submission has no layers.cpp"));
}

TEST(submission_zip, takes_an_earlier_assignments_file_where_the_repository_has_it) {
  TempDir dir;
  const fs::path zip = dir / "repo.zip";
  write_zip(zip, {{"assignments/conv/conv.cpp", "// conv"},
                  {"assignments/conv/layers.cpp", "// not this one"},
                  {"assignments/backprop/layers.cpp", kSource}});
  collect_submission(zip.string(), kConvFiles, dir.out(), {}, "conv");
  EXPECT_EQ(read_text(dir / "out/conv.cpp"), "// conv");
  EXPECT_EQ(read_text(dir / "out/layers.cpp"), kSource);
}

TEST(submission_zip, says_where_an_earlier_assignments_file_goes_in_a_repository_zip) {
  TempDir dir;
  const fs::path zip = dir / "repo.zip";
  write_zip(zip, {{"assignments/conv/conv.cpp", "// conv"}});
  EXPECT_EQ(error_of([&] { collect_submission(zip.string(), kConvFiles, dir.out(), {}, "conv"); }),
            zip.string() + " has no layers.cpp; put the file at the top of the zip (or in one "
                           "folder), or zip the repository (assignments/backprop/layers.cpp)");
}

TEST(submission_zip, takes_the_file_where_the_repository_has_it) {
  TempDir dir;
  // as `zip -r` from the repository's root, and as GitHub's "Download ZIP" (one folder around it)
  for (const std::string top : {"", "pixelgrad-main/"}) {
    const fs::path zip = dir / "repo.zip";
    write_zip(zip, {{top + "README.md", "notes"},
                    {top + "assignments/knn/knn.cpp", kSource},
                    {top + "reference/knn/knn.cpp", "// the reference is not taken"},
                    {top + "tests/submissions/knn/bug/knn.cpp", "// nor a sample"}});
    collect_submission(zip.string(), kFiles, dir.out(), {}, "knn");
    EXPECT_EQ(read_text(dir / "out/knn.cpp"), kSource) << top;
    fs::remove(dir / "out/knn.cpp");
  }
}

TEST(submission_zip, says_where_to_put_a_missing_file_in_a_repository_zip) {
  TempDir dir;
  const fs::path zip = dir / "repo.zip";
  write_zip(zip, {{"assignments/linear/linear.cpp", kSource}});
  EXPECT_EQ(error_of([&] { collect_submission(zip.string(), kFiles, dir.out(), {}, "knn"); }),
            zip.string() + " has no knn.cpp; put the file at the top of the zip (or in one "
                           "folder), or zip the repository (assignments/knn/knn.cpp)");
}

// A zip cut short (an upload that stopped): libarchive says "ZIP decompression failed (-5)"; the
// student needs to hear that the archive is damaged, which one, and where it broke.
TEST(submission_zip, a_truncated_zip_is_called_damaged_naming_the_archive_and_the_file) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  std::string source;  // hardly compressible, so that the cut falls inside knn.cpp's data
  std::uint64_t x = 88172645463325252ULL;
  while (source.size() < 200000) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    source += static_cast<char>('!' + x % 90);
  }
  write_zip(zip, {{"notes.txt", "notes"}, {"knn.cpp", source}});
  fs::resize_file(zip, fs::file_size(zip) / 2);
  const std::string error =
      error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); });
  EXPECT_THAT(error, StartsWith(zip.string() + " is damaged: unpacking knn.cpp from it failed ("));
  EXPECT_THAT(error, HasSubstr("make the zip again and hand it in again"));
  EXPECT_FALSE(fs::exists(dir / "out/knn.cpp"));
}

TEST(submission_zip, takes_the_file_at_the_top) {
  TempDir dir;
  write_zip(dir / "alice.zip", {{"README.md", "notes"}, {"knn.cpp", kSource}});
  collect_submission((dir / "alice.zip").string(), kFiles, dir.out());
  EXPECT_EQ(read_text(dir / "out/knn.cpp"), kSource);
  EXPECT_FALSE(fs::exists(dir / "out/README.md"));
}

TEST(submission_zip, writes_entries_of_any_mode_readable_by_all) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_zip(zip, {{"knn.cpp", kSource, ZipEntry::file, 0000}});
  const mode_t before = ::umask(077);
  collect_submission(zip.string(), kFiles, dir.out());
  ::umask(before);
  EXPECT_EQ(read_text(dir / "out/knn.cpp"), kSource);
  EXPECT_EQ(mode_of(dir / "out/knn.cpp"), 0644u);
  EXPECT_EQ(mode_of(dir.out()), 0755u);
}

TEST(submission_zip, takes_the_file_inside_one_folder) {
  TempDir dir;
  write_zip(dir / "alice.zip", {{"student/", "", ZipEntry::folder},
                                {"student/knn.cpp", kSource},
                                {"student/notes.txt", "notes"}});
  collect_submission((dir / "alice.zip").string(), kFiles, dir.out());
  EXPECT_EQ(read_text(dir / "out/knn.cpp"), kSource);
}

TEST(submission_zip, does_not_take_a_file_two_folders_deep) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_zip(zip, {{"a/b/knn.cpp", kSource}});
  EXPECT_EQ(
      error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); }),
      zip.string() + " has no knn.cpp; put the file at the top of the zip (or in one folder)");
}

TEST(submission_zip, rejects_two_entries_with_the_same_name) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_zip(zip, {{"knn.cpp", kSource}, {"old/knn.cpp", "// an older try"}});
  EXPECT_EQ(error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); }),
            zip.string() + " has 2 files named knn.cpp; keep exactly one");
  EXPECT_FALSE(fs::exists(dir / "out/knn.cpp"));
}

TEST(submission_zip, rejects_the_same_path_twice) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_zip(zip, {{"knn.cpp", kSource}, {"knn.cpp", "// the same name again"}});
  EXPECT_EQ(error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); }),
            zip.string() + " has 2 files named knn.cpp; keep exactly one");
}

TEST(submission_zip, rejects_a_parent_folder_path_as_unsafe) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_zip(zip, {{"../knn.cpp", kSource}});
  EXPECT_EQ(error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); }),
            zip.string() +
                " holds an unsafe path '../knn.cpp' (absolute, or with ..): make the zip from "
                "inside your folder");
  EXPECT_FALSE(fs::exists(dir / "knn.cpp"));
  EXPECT_FALSE(fs::exists(dir / "out/knn.cpp"));
}

TEST(submission_zip, rejects_an_absolute_path_as_unsafe) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_zip(zip, {{"/etc/knn.cpp", kSource}});
  EXPECT_EQ(error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); }),
            zip.string() +
                " holds an unsafe path '/etc/knn.cpp' (absolute, or with ..): make the zip from "
                "inside your folder");
}

TEST(submission_zip, rejects_an_unsafe_path_even_for_a_file_it_would_ignore) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_zip(zip, {{"knn.cpp", kSource}, {"x/../../evil.sh", "rm -rf"}});
  EXPECT_THAT(error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); }),
              HasSubstr(" holds an unsafe path 'x/../../evil.sh'"));
}

TEST(submission_zip, rejects_a_symlink_entry) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_zip(zip, {{"knn.cpp", "/etc/shadow", ZipEntry::symlink}});
  EXPECT_EQ(error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); }),
            zip.string() +
                " holds 'knn.cpp', which is a link or a special file; only plain files are "
                "accepted");
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "out/knn.cpp")));
}

TEST(submission_zip, rejects_a_file_over_max_file_bytes) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_zip(zip, {{"knn.cpp", std::string(4096, 'x')}});
  SubmissionLimits limits;
  limits.max_file_bytes = 1024;
  EXPECT_EQ(error_of([&] { collect_submission(zip.string(), kFiles, dir.out(), limits); }),
            "knn.cpp in " + zip.string() + " is larger than 1 KiB");
}

TEST(submission_zip, rejects_a_file_that_is_not_a_zip) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_text(zip, "this is a C++ file, not an archive\nint main() {}\n");
  EXPECT_THAT(error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); }),
              StartsWith(zip.string() + " is not a readable zip archive: "));
}

TEST(submission_zip, rejects_a_tar_named_zip) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  archive* a = archive_write_new();
  ASSERT_EQ(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
  ASSERT_EQ(archive_write_open_filename(a, zip.c_str()), ARCHIVE_OK);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, "knn.cpp");
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(kSource.size()));
  ASSERT_EQ(archive_write_header(a, e), ARCHIVE_OK);
  archive_write_data(a, kSource.data(), kSource.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  EXPECT_THAT(error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); }),
              StartsWith(zip.string() + " is not a readable zip archive: "));
}

TEST(submission_zip, rejects_more_entries_than_max_entries) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  std::vector<ZipEntry> entries;
  for (int i = 0; i < 6; ++i) entries.push_back({"junk" + std::to_string(i) + ".txt", "x"});
  entries.push_back({"knn.cpp", kSource});
  write_zip(zip, entries);
  SubmissionLimits limits;
  limits.max_entries = 5;
  EXPECT_EQ(error_of([&] { collect_submission(zip.string(), kFiles, dir.out(), limits); }),
            zip.string() + " has more than 5 entries");
  limits.max_entries = 7;
  collect_submission(zip.string(), kFiles, dir.out(), limits);
  EXPECT_EQ(read_text(dir / "out/knn.cpp"), kSource);
}

TEST(submission_zip, names_a_missing_file) {
  TempDir dir;
  const fs::path zip = dir / "alice.zip";
  write_zip(zip, {{"KNN.CPP", kSource}});
  EXPECT_EQ(
      error_of([&] { collect_submission(zip.string(), kFiles, dir.out()); }),
      zip.string() + " has no knn.cpp; put the file at the top of the zip (or in one folder)");
}

TEST(submission_path, rejects_a_missing_submission) {
  TempDir dir;
  const std::string missing = (dir / "nobody.zip").string();
  EXPECT_EQ(error_of([&] { collect_submission(missing, kFiles, dir.out()); }),
            "the submission " + missing + " does not exist");
}

TEST(submission_path, rejects_a_file_that_is_neither_folder_nor_zip) {
  TempDir dir;
  const std::string tarball = (dir / "alice.tar.gz").string();
  write_text(tarball, "not a zip");
  EXPECT_EQ(error_of([&] { collect_submission(tarball, kFiles, dir.out()); }),
            "the submission " + tarball + " is neither a folder nor a .zip archive");
}

}  // namespace
}  // namespace pg::grader
