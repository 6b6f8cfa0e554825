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

// The folder holding dataset `name`: the first candidate that has every file, in this order:
//   $PIXELGRAD_DATA itself, $PIXELGRAD_DATA/<name>, <repo_root>/datasets/data/<name>,
//   <system_dir>/<name>; cifar-10 also accepts the tarball's cifar-10-batches-bin/ folder, inside
//   cifar-10/ or in place of it.
// Inputs:  name        "fashion-mnist", "mnist" or "cifar-10"
//          repo_root   the repository root (parameters exist so tests can point elsewhere)
//          system_dir  the Debian dataset root
// Returns: the folder.
// Throws:  pg::DatasetError listing every place looked, what each lacked, and how to get the data.
std::filesystem::path find_data_dir(std::string_view name,
                                    const std::filesystem::path& repo_root = default_repo_root(),
                                    const std::filesystem::path& system_dir = kSystemDataDir);

// dir/base if it exists, else dir/base.gz if it exists.
// Throws:  pg::DatasetError naming both paths when neither exists.
std::filesystem::path find_data_file(const std::filesystem::path& dir, std::string_view base);

}  // namespace pg::data
