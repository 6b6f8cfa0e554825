// What the demo tests share: small Fashion-MNIST-shaped data sets (IDX files written here, so that
// a demo runs on a few hundred images in seconds) and a demo run as a program, its exit status
// and output kept. Not a loader (datasets/idx.hpp reads the files).
#pragma once

#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace pg::testing {

// an IDX file of unsigned bytes: big-endian magic and sizes, then the data
inline void write_idx(const std::filesystem::path& file, std::uint32_t magic,
                      const std::vector<std::uint32_t>& dims,
                      const std::vector<unsigned char>& data) {
  std::vector<unsigned char> bytes;
  auto put32 = [&bytes](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back((v >> shift) & 0xff);
  };
  put32(magic);
  for (auto d : dims) put32(d);
  bytes.insert(bytes.end(), data.begin(), data.end());
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

// n 28 x 28 images of label i % 10, as <prefix>-images-idx3-ubyte and <prefix>-labels-idx1-ubyte
// in dir: a bright vertical bar at column 4 + 2 * label on a faint pattern, so that the classes
// differ
inline void write_images(const std::filesystem::path& dir, const std::string& prefix,
                         std::uint32_t n) {
  std::vector<unsigned char> pixels, labels;
  for (std::uint32_t i = 0; i < n; ++i) {
    const int label = static_cast<int>(i % 10);
    labels.push_back(static_cast<unsigned char>(label));
    for (int r = 0; r < 28; ++r) {
      for (int c = 0; c < 28; ++c) {
        const bool bar = c == 4 + 2 * label && r >= 4 && r < 24;
        pixels.push_back(bar ? 255 : static_cast<unsigned char>((r * 7 + c * 13 + i) % 40));
      }
    }
  }
  write_idx(dir / (prefix + "-images-idx3-ubyte"), 0x803, {n, 28, 28}, pixels);
  write_idx(dir / (prefix + "-labels-idx1-ubyte"), 0x801, {n}, labels);
}

struct DemoRun {
  int status = -1;  // the exit status
  std::string out, err;
};

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `command` (a shell command line) with its stdout in <output>.out and its stderr in
// <output>.err, and returns the exit status (-1 when it did not exit) and both texts.
inline DemoRun run_demo(const std::string& command, const std::filesystem::path& output) {
  const int status = std::system((command + " > '" + output.string() + ".out' 2> '" +
                                  output.string() + ".err'")
                                     .c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(output.string() + ".out"),
          read_text(output.string() + ".err")};
}

}  // namespace pg::testing
