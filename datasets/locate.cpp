// The dataset search: candidate folders in order, the first complete one wins.
// Not the file parsing (idx.cpp, cifar10.cpp): a folder counts as found once its files exist.
#include "datasets/locate.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>
#include <utility>

#include "common/errors.hpp"

#ifndef PIXELGRAD_REPO_ROOT
#define PIXELGRAD_REPO_ROOT "."
#endif

namespace pg::data {

namespace fs = std::filesystem;

namespace {

const char* const kIdxFiles[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

std::string idx_file_list() {
  return "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
         "t10k-labels-idx1-ubyte.gz (gzipped or not)";
}

bool is_idx(std::string_view name) { return name == "fashion-mnist" || name == "mnist"; }

bool has_file(const fs::path& dir, const std::string& base, bool gz_ok) {
  std::error_code ec;
  return fs::is_regular_file(dir / base, ec) ||
         (gz_ok && fs::is_regular_file(dir / (base + ".gz"), ec));
}

// "" when dir holds every file, else what is wrong with it
std::string what_is_missing(const fs::path& dir, std::string_view name) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return "no such folder";
  std::string missing;
  for (const auto& base : dataset_files(name)) {
    if (has_file(dir, base, is_idx(name))) continue;
    missing += (missing.empty() ? "" : ", ") + base + (is_idx(name) ? "(.gz)" : "");
  }
  return missing.empty() ? "" : "missing " + missing;
}

}  // namespace

fs::path default_repo_root() { return fs::path(PIXELGRAD_REPO_ROOT); }

std::vector<std::string> dataset_files(std::string_view name) {
  if (is_idx(name)) return {std::begin(kIdxFiles), std::end(kIdxFiles)};
  if (name == "cifar-10") {
    return {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"};
  }
  throw std::invalid_argument("dataset_files: name = \"" + std::string(name) +
                              "\" is not one of fashion-mnist, mnist, cifar-10");
}

std::string how_to_get(std::string_view name) {
  if (name == "fashion-mnist") {
    return "To get Fashion-MNIST: install the Debian package dataset-fashion-mnist (apt-get "
           "install "
           "dataset-fashion-mnist), or set PIXELGRAD_DATA to a folder holding " +
           idx_file_list() + ".";
  }
  if (name == "mnist") {
    return "To get MNIST: download the four IDX files of the MNIST database and set PIXELGRAD_DATA "
           "to a folder holding " +
           idx_file_list() + ", or put them in datasets/data/mnist/.";
  }
  if (name == "cifar-10") {
    return "To get CIFAR-10: download the binary version (cifar-10-binary.tar.gz) from the CIFAR "
           "page of the University of Toronto, unpack it and set PIXELGRAD_DATA to the folder "
           "holding data_batch_1.bin ... data_batch_5.bin and test_batch.bin, or put them in "
           "datasets/data/cifar-10/.";
  }
  return "Set PIXELGRAD_DATA to the folder holding the data.";
}

DataDir locate_data_dir(std::string_view name, const fs::path& repo_root,
                        const fs::path& system_dir) {
  dataset_files(name);  // rejects an unknown name before looking anywhere
  std::vector<std::string> subfolders = {std::string(name)};
  if (name == "cifar-10") {
    subfolders.push_back("cifar-10/cifar-10-batches-bin");
    subfolders.push_back("cifar-10-batches-bin");
  }

  // candidates in search order, with the variable's own folder first
  std::vector<fs::path> candidates;
  std::string report, env_report;
  std::size_t from_env = 0;  // how many candidates come from the variable
  const char* env = std::getenv("PIXELGRAD_DATA");
  if (env != nullptr && *env != '\0') {
    candidates.push_back(env);
    for (const auto& sub : subfolders) candidates.push_back(fs::path(env) / sub);
    from_env = candidates.size();
  } else {
    report += "\n  $PIXELGRAD_DATA: not set";
  }
  for (const auto& sub : subfolders) candidates.push_back(repo_root / "datasets" / "data" / sub);
  for (const auto& sub : subfolders) candidates.push_back(system_dir / sub);

  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const fs::path& dir = candidates[i];
    std::string missing = what_is_missing(dir, name);
    if (missing.empty()) {
      DataDir found{dir, ""};
      if (from_env > 0 && i >= from_env) {
        found.warning = "warning: PIXELGRAD_DATA=" + std::string(env) + " holds no " +
                        std::string(name) + " (" + env_report + "); using " + dir.string() +
                        " instead";
      }
      return found;
    }
    report += "\n  " + dir.string() + ": " + missing;
    if (i < from_env)
      env_report += (env_report.empty() ? "" : "; ") + dir.string() + ": " + missing;
  }
  throw pg::DatasetError("dataset " + std::string(name) + " not found. Looked in:" + report + "\n" +
                         how_to_get(name));
}

fs::path find_data_dir(std::string_view name, const fs::path& repo_root,
                       const fs::path& system_dir) {
  DataDir found = locate_data_dir(name, repo_root, system_dir);
  if (!found.warning.empty()) {
    static std::mutex mutex;
    static std::set<std::string> said;
    std::lock_guard<std::mutex> lock(mutex);
    if (said.insert(found.warning).second) std::fprintf(stderr, "%s\n", found.warning.c_str());
  }
  return std::move(found.dir);
}

fs::path find_data_file(const fs::path& dir, std::string_view base) {
  std::error_code ec;
  fs::path raw = dir / base;
  fs::path gz = dir / (std::string(base) + ".gz");
  if (fs::is_regular_file(raw, ec)) return raw;
  if (fs::is_regular_file(gz, ec)) return gz;
  throw pg::DatasetError("neither " + raw.string() + " nor " + gz.string() + " exists");
}

}  // namespace pg::data
