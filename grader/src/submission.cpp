// Copying a submission's files out of a folder or a zip: no links, no device files, no "..", no
// absolute paths, bounded entry count and size. Not unpacking the whole archive: only the named
// files are ever written, and only their bytes: the copies get mode 0644 whatever the originals
// had, so that the sandbox's uid can read them.
#include "submission.hpp"

#include "rubric.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

namespace pg::grader {

namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// `bytes` into a new file readable by every user (0644 whatever the umask): the compiler reads
// it under the sandbox's uid.
void write_file(const fs::path& path, const std::string& bytes) {
  Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  bool ok = out.get() >= 0 && ::fchmod(out.get(), 0644) == 0;
  for (std::size_t done = 0; ok && done < bytes.size();) {
    const ssize_t n = ::write(out.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  if (!ok) {
    throw SubmissionError(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
}

// libarchive's message for its last error ("" when it has none)
std::string archive_error(archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

// What a student does about a damaged archive.
constexpr const char* kMakeItAgain =
    "; it may have been cut short while it was uploaded or copied: make the zip again and hand it "
    "in again";

// `dir` and below it each of `parts`, opened as folders through real folders only (a symlinked
// folder could lead the grader to files the student cannot read): a descriptor, or -1 with
// errno set.
int open_folder(const fs::path& dir, const std::vector<std::string>& parts) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (const auto& part : parts) {
    if (fd < 0) return -1;
    const int next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const int saved = errno;
    ::close(fd);
    errno = saved;
    fd = next;
  }
  return fd;
}

// Whether `name` is an entry of the folder `dirfd` (of any type: a link there is refused later).
bool has_entry(int dirfd, const std::string& name) {
  struct stat st {};
  return dirfd >= 0 && ::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

// The bytes of the named file `name` in the folder `dirfd` (shown as `src`), which must be a
// regular file with no other name (a symlink or a hard link could make the grader read a file the
// student cannot). The checks and the read go through one descriptor, so the file cannot be
// swapped in between.
std::string read_named_file(int dirfd, const fs::path& src, const std::string& name,
                            const SubmissionLimits& limits) {
  const std::string not_regular =
      src.string() + " is not a regular file (links and folders are not accepted)";
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
    throw SubmissionError(not_regular);
  }
  // O_NOFOLLOW: not through a symlink put in its place since; O_NONBLOCK: nor stuck on a fifo
  Fd in(::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (in.get() < 0 || ::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw SubmissionError(not_regular);
  }
  if (st.st_nlink > 1) {
    throw SubmissionError(fmt::format(
        "{} is a hard link (one file with {} names); links are not accepted: replace it with a "
        "plain copy (cp {} {}.copy && mv {}.copy {})",
        src.string(), st.st_nlink, name, name, name, name));
  }
  const std::string too_large =
      fmt::format("{} is larger than {} KiB", src.string(), limits.max_file_bytes >> 10);
  if (st.st_size > limits.max_file_bytes) throw SubmissionError(too_large);
  std::string bytes;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(in.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw SubmissionError(fmt::format("cannot read {}: {}", src.string(), std::strerror(errno)));
    }
    if (n == 0) break;
    if (static_cast<long>(bytes.size()) + n > limits.max_file_bytes) {
      throw SubmissionError(too_large);
    }
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  return bytes;
}

// Each file at the top of `dir`, else where a student's repository has it
// (assignments/<assignment>/), as in `pixelgrad grade --submission .` from a repository's root.
// A file of another assignment ("backprop/layers.cpp") is looked for at the top too, then in
// assignments/backprop/, then beside `dir` when `dir` is the assignment's own folder
// (`--submission assignments/conv` reaches assignments/backprop/).
void from_folder(const fs::path& dir, const std::vector<std::string>& files, const fs::path& dest,
                 const SubmissionLimits& limits, const std::string& assignment) {
  Fd top(open_folder(dir, {}));
  if (top.get() < 0) {
    throw SubmissionError(fmt::format("cannot open the submission folder {}: {}", dir.string(),
                                      std::strerror(errno)));
  }
  std::error_code ec;
  const fs::path absolute = fs::absolute(dir, ec).lexically_normal();
  fs::path own_folder = absolute.has_filename() ? absolute : absolute.parent_path();
  const bool is_own_folder = !assignment.empty() && own_folder.filename() == assignment &&
                             own_folder.parent_path().filename() == "assignments";
  std::map<std::string, Fd> folders;  // the repository's assignment folders opened so far
  for (const auto& entry : files) {
    const std::string name = submission_file_name(entry);
    if (has_entry(top.get(), name)) {
      write_file(dest / name, read_named_file(top.get(), dir / name, name, limits));
      continue;
    }
    if (assignment.empty()) {
      throw SubmissionError(fmt::format(
          "the submission has no {} (looked for {}); hand in the file the assignment names, at "
          "the top of the folder",
          name, (dir / name).string()));
    }
    const std::string owner = submission_file_assignment(entry, assignment);
    // the places, in order: assignments/<owner>/ below dir, and beside dir when dir is
    // assignments/<assignment>/ itself; each opened through real folders only
    struct Place {
      fs::path base;
      std::vector<std::string> parts;
      fs::path path() const {
        fs::path p = base;
        for (const auto& part : parts) p /= part;
        return p;
      }
    };
    std::vector<Place> places = {{dir, {"assignments", owner}}};
    if (is_own_folder && owner != assignment) {
      places.push_back({own_folder.parent_path(), {owner}});
    }
    bool found = false;
    for (const Place& place : places) {
      const fs::path path = place.path();
      auto it = folders.find(path.string());
      if (it == folders.end()) {
        it = folders.try_emplace(path.string(), open_folder(place.base, place.parts)).first;
        struct stat st {};
        if (it->second.get() < 0 && ::lstat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
          throw SubmissionError(fmt::format(
              "{} is not a folder (a link to a folder is not accepted)", path.string()));
        }
      }
      if (!has_entry(it->second.get(), name)) continue;
      write_file(dest / name, read_named_file(it->second.get(), path / name, name, limits));
      found = true;
      break;
    }
    if (found) continue;
    std::string looked = (dir / name).string();
    for (std::size_t i = 0; i < places.size(); ++i) {
      looked += (i + 1 == places.size() ? " and " : ", ") + (places[i].path() / name).string();
    }
    const std::string where =
        owner == assignment
            ? fmt::format("hand in the file the assignment names, at the top of the folder or "
                          "where the repository has it (assignments/{}/)",
                          owner)
            : fmt::format("this assignment builds on your {} ({}): hand in that file too, at "
                          "the top of the folder or where the repository has it (assignments/{}/)",
                          owner, entry, owner);
    throw SubmissionError(fmt::format("the submission has no {} (looked for {}); {}", name,
                                      looked, where));
  }
}

void from_zip(const fs::path& zip, const std::vector<std::string>& files, const fs::path& dest,
              const SubmissionLimits& limits, const std::string& assignment) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(a.get());
  if (archive_read_open_filename(a.get(), zip.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw SubmissionError(
        fmt::format("{} is not a readable zip archive: {}", zip.string(), archive_error(a.get())));
  }
  std::map<std::string, std::vector<std::string>> found;  // file name -> contents of each match
  long entries = 0, total = 0;
  archive_entry* e;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    if (++entries > limits.max_entries) {
      throw SubmissionError(
          fmt::format("{} has more than {} entries", zip.string(), limits.max_entries));
    }
    const std::string path = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    if (path.empty() || path.starts_with("/") || path.find("..") != std::string::npos ||
        path.find('\\') != std::string::npos) {
      throw SubmissionError(
          fmt::format("{} holds an unsafe path '{}' (absolute, or with ..): make the zip from "
                      "inside your folder",
                      zip.string(), path));
    }
    const auto type = archive_entry_filetype(e);
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG || archive_entry_hardlink(e) || archive_entry_symlink(e)) {
      throw SubmissionError(fmt::format(
          "{} holds '{}', which is a link or a special file; only plain files are accepted",
          zip.string(), path));
    }
    std::vector<std::string> parts;
    for (const auto& part : fs::path(path)) parts.push_back(part.string());
    const std::size_t depth = parts.size();
    const std::string base = parts.back();
    // at the top or in one folder; or as in the repository, maybe in one folder (GitHub's
    // "Download ZIP" puts everything in <repo>-main/)
    const auto entry = std::find_if(files.begin(), files.end(), [&](const std::string& f) {
      return submission_file_name(f) == base;
    });
    const bool as_in_repository =
        entry != files.end() && !assignment.empty() && (depth == 3 || depth == 4) &&
        parts[depth - 3] == "assignments" &&
        parts[depth - 2] == submission_file_assignment(*entry, assignment);
    const bool wanted = entry != files.end() && (depth <= 2 || as_in_repository);
    if (!wanted) continue;
    const la_int64_t size = archive_entry_size(e);
    if (size > limits.max_file_bytes) {
      throw SubmissionError(fmt::format("{} in {} is larger than {} KiB", path, zip.string(),
                                        limits.max_file_bytes >> 10));
    }
    std::string bytes;
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a.get(), buf, sizeof buf)) > 0) {
      total += n;
      if (static_cast<long>(bytes.size()) + n > limits.max_file_bytes ||
          total > limits.max_total_bytes) {
        throw SubmissionError(
            fmt::format("{} in {} unpacks to more than allowed", path, zip.string()));
      }
      bytes.append(buf, static_cast<std::size_t>(n));
    }
    if (n < 0) {
      throw SubmissionError(fmt::format("{} is damaged: unpacking {} from it failed ({}){}",
                                        zip.string(), path, archive_error(a.get()), kMakeItAgain));
    }
    found[base].push_back(std::move(bytes));
  }
  if (rc != ARCHIVE_EOF) {
    const std::string which =
        entries == 0 ? "its first entry" : fmt::format("the entry after its first {}", entries);
    throw SubmissionError(fmt::format("{} is damaged: reading {} failed ({}){}", zip.string(),
                                      which, archive_error(a.get()), kMakeItAgain));
  }
  for (const auto& entry : files) {
    const std::string name = submission_file_name(entry);
    auto it = found.find(name);
    if (it == found.end()) {
      const std::string repository =
          assignment.empty()
              ? ""
              : fmt::format(", or zip the repository (assignments/{}/{})",
                            submission_file_assignment(entry, assignment), name);
      throw SubmissionError(fmt::format(
          "{} has no {}; put the file at the top of the zip (or in one folder){}", zip.string(),
          name, repository));
    }
    if (it->second.size() > 1) {
      throw SubmissionError(fmt::format("{} has {} files named {}; keep exactly one", zip.string(),
                                        it->second.size(), name));
    }
    write_file(dest / name, it->second.front());
  }
}

}  // namespace

void collect_submission(const std::string& submission, const std::vector<std::string>& files,
                        const std::string& dest, const SubmissionLimits& limits,
                        const std::string& assignment) {
  fs::path src(submission);
  std::error_code ec;
  // the sandbox's uid must reach the copies, whatever the grader's umask made of `dest`
  fs::permissions(dest,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec,
                  ec);
  if (fs::is_directory(src, ec)) {
    from_folder(src, files, dest, limits, assignment);
  } else if (fs::is_regular_file(src, ec) && lower(src.extension().string()) == ".zip") {
    from_zip(src, files, dest, limits, assignment);
  } else if (!fs::exists(src, ec)) {
    throw SubmissionError(fmt::format("the submission {} does not exist", submission));
  } else {
    throw SubmissionError(
        fmt::format("the submission {} is neither a folder nor a .zip archive", submission));
  }
}

}  // namespace pg::grader
