// Where a dataset's files are: $PIXELGRAD_DATA, then <repo>/datasets/data/, then Debian's path.
// Not a loader and not a downloader: it only looks, and says how to get what it did not find.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pg::data {

// The repository root this library was built from (where datasets/data/ lives).
std::filesystem::path default_repo_root();

// Where Debian's dataset packages install their files.
inline constexpr std::string_view kSystemDataDir = "/usr/share/datasets";

// The files a dataset folder must hold, without any ".gz".
// Inputs:  name  "fashion-mnist", "mnist" or "cifar-10".
// Returns: e.g. {"train-images-idx3-ubyte", ...}; IDX files may also be present gzipped.
// Requires: a known name (else std::invalid_argument listing the known ones).
std::vector<std::string> dataset_files(std::string_view name);

// How to get a dataset, one or two sentences for the end of an error message.
std::string how_to_get(std::string_view name);

// Where locate_data_dir found a dataset, and why it passed over $PIXELGRAD_DATA if it did.
struct DataDir {
  std::filesystem::path dir;
  std::string warning;  // "" unless PIXELGRAD_DATA is set but none of its folders held the files
                        // and another place was used; then e.g. "warning: PIXELGRAD_DATA=/x holds
                        // no fashion-mnist (/x: missing ...; ...); using /usr/share/... instead"
};

// The folder holding dataset `name`: the first candidate that has every file, in this order:
//   $PIXELGRAD_DATA itself, $PIXELGRAD_DATA/<name>, <repo_root>/datasets/data/<name>,
//   <system_dir>/<name>; cifar-10 also accepts the tarball's cifar-10-batches-bin/ folder, inside
//   cifar-10/ or in place of it.
// Inputs:  name        "fashion-mnist", "mnist" or "cifar-10"
//          repo_root   the repository root (parameters exist so tests can point elsewhere)
//          system_dir  the Debian dataset root
// Returns: the folder, and a warning when $PIXELGRAD_DATA was set but passed over.
// Throws:  pg::DatasetError listing every place looked, what each lacked, and how to get the data.
DataDir locate_data_dir(std::string_view name,
                        const std::filesystem::path& repo_root = default_repo_root(),
                        const std::filesystem::path& system_dir = kSystemDataDir);

// locate_data_dir's folder; its warning, if any, is printed to stderr (once per process for each
// dataset and value of PIXELGRAD_DATA), so a mistyped or empty PIXELGRAD_DATA is never silently
// replaced by another copy of the data.
std::filesystem::path find_data_dir(std::string_view name,
                                    const std::filesystem::path& repo_root = default_repo_root(),
                                    const std::filesystem::path& system_dir = kSystemDataDir);

// dir/base if it exists, else dir/base.gz if it exists.
// Throws:  pg::DatasetError naming both paths when neither exists.
std::filesystem::path find_data_file(const std::filesystem::path& dir, std::string_view base);

}  // namespace pg::data
