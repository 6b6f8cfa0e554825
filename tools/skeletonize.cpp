// pg-skeletonize: writes assignments/<name>/<file>.cpp from reference/<name>/<file>.cpp, or with
// --check says which skeletons differ from what the reference would make. Not the transformation
// itself (skeleton.cpp).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "skeleton.hpp"

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  bool check = argc == 4 && std::string(argv[1]) == "--check";
  if (argc != 3 && !check) {
    std::cerr << "usage: pg-skeletonize [--check] REFERENCE_DIR ASSIGNMENTS_DIR\n"
                 "  writes (or, with --check, compares) each skeleton made from a reference .cpp\n";
    return 2;
  }
  const fs::path reference = argv[argc - 2], assignments = argv[argc - 1];
  int differing = 0, written = 0;
  try {
    for (const auto& e : fs::recursive_directory_iterator(reference)) {
      if (!e.is_regular_file() || e.path().extension() != ".cpp") continue;
      const fs::path rel = fs::relative(e.path(), reference);
      const fs::path target = assignments / rel;
      const std::string skeleton = pg::tools::make_skeleton(read(e.path()), e.path().string());
      if (check) {
        if (!fs::exists(target) || read(target) != skeleton) {
          std::cerr << target.string() << " differs from the skeleton of " << e.path().string()
                    << "\n";
          ++differing;
        }
      } else {
        fs::create_directories(target.parent_path());
        std::ofstream(target, std::ios::binary) << skeleton;
        ++written;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "pg-skeletonize: " << e.what() << "\n";
    return 1;
  }
  if (check && differing > 0) {
    std::cerr << differing << " skeleton(s) out of date: run `make skeletons` and commit the result\n";
    return 1;
  }
  if (!check) std::cout << "wrote " << written << " skeleton(s)\n";
  return 0;
}
