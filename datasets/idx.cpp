// IDX parsing through zlib's gz* functions, which read gzipped and raw files alike.
// Not a general IDX reader: only unsigned-byte files of 1 (labels) or 3 (images) dimensions.
#include "datasets/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/errors.hpp"
#include "datasets/locate.hpp"

namespace pg::data {

namespace fs = std::filesystem;

namespace {

constexpr long kMaxCount = 100'000'000;  // far above any real IDX file
constexpr long kMaxSide = 4096;

[[noreturn]] void fail(const fs::path& file, const std::string& problem) {
  throw pg::DatasetError(file.string() + ": " + problem + "\n" + how_to_get("fashion-mnist") +
                         " MNIST's files have the same names and format.");
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string hex8(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

// an open file; gzread passes a file without a gzip header through unchanged
class GzFile {
 public:
  explicit GzFile(const fs::path& file) : file_(file) {
    std::error_code ec;
    if (!fs::exists(file, ec)) fail(file, "no such file");
    if (fs::is_directory(file, ec)) fail(file, "is a folder, not a file");
    gz_ = gzopen(file.c_str(), "rb");
    if (gz_ == nullptr) fail(file, std::string("cannot open: ") + std::strerror(errno));
    gzbuffer(gz_, 1 << 17);
  }
  ~GzFile() { gzclose(gz_); }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  // reads up to n bytes, fewer only at the end of the data; a damaged gzip stream throws
  std::size_t read(void* out, std::size_t n) {
    auto* p = static_cast<unsigned char*>(out);
    std::size_t got = 0;
    while (got < n) {
      unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
      int r = gzread(gz_, p + got, chunk);
      if (r < 0) fail_gzip();
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    // zlib reports a gzip stream cut off mid-way as a short read plus an error code
    int err = Z_OK;
    gzerror(gz_, &err);
    if (err != Z_OK) fail_gzip();
    return got;
  }

  const fs::path& path() const { return file_; }

 private:
  [[noreturn]] void fail_gzip() {
    int err = Z_OK;
    std::string msg = gzerror(gz_, &err);
    // zlib prefixes its message with the path, which the message already starts with
    std::string prefix = file_.string() + ": ";
    if (msg.starts_with(prefix)) msg.erase(0, prefix.size());
    fail(file_, "gzip error, the compressed data is corrupt or cut off (zlib: " + msg + ")");
  }

  fs::path file_;
  gzFile gz_ = nullptr;
};

std::uint32_t big_endian32(const unsigned char* b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

const char* kind_of(int ndims) {
  return ndims == 3 ? "IDX images" : ndims == 1 ? "IDX labels" : "IDX";
}

// reads and checks the header; want_dims = 0 accepts 1 or 3 dimensions
IdxHeader read_header(GzFile& in, int want_dims) {
  const fs::path& file = in.path();
  unsigned char head[4];
  std::size_t got = in.read(head, 4);
  if (got == 0) fail(file, "empty file: no IDX header");
  if (got < 4) fail(file, "truncated header: " + std::to_string(got) + " of 4 magic bytes");

  // magic: two zero bytes, the element type (0x08 = unsigned byte), the number of dimensions
  IdxHeader h;
  h.magic = big_endian32(head);
  std::string want = want_dims == 0 ? "0x00000801 or 0x00000803" : hex32(0x800u + want_dims);
  if (head[0] != 0 || head[1] != 0) {
    std::string note = (head[0] == 0x1f && head[1] == 0x8b)
                           ? " (a gzip header inside the gzip data: the file is compressed twice)"
                           : "";
    fail(file, "expected magic " + want + " (" + kind_of(want_dims) + "), found " + hex32(h.magic) +
                   note + ": not an IDX file");
  }
  if (head[2] != 0x08) {
    fail(file, "unsupported element type " + hex8(head[2]) + " in magic " + hex32(h.magic) +
                   ": only 0x08 (unsigned byte) is read");
  }
  int ndims = head[3];
  if ((want_dims != 0 && ndims != want_dims) || (want_dims == 0 && ndims != 1 && ndims != 3)) {
    fail(file,
         "wrong number of dimensions: expected magic " + want + " (" + kind_of(want_dims) +
             "), found " + hex32(h.magic) + " (" + std::to_string(ndims) +
             (ndims == 1 ? " dimension" : " dimensions") +
             (ndims == 1 || ndims == 3 ? std::string(", an ") + kind_of(ndims) + " file" : "") +
             ")");
  }

  // the sizes, one big-endian uint32 each
  unsigned char sizes[12];
  std::size_t want_bytes = 4u * static_cast<std::size_t>(ndims);
  got = in.read(sizes, want_bytes);
  if (got < want_bytes) {
    fail(file, "truncated header: " + std::to_string(4 + got) + " of " +
                   std::to_string(4 + want_bytes) + " header bytes");
  }
  for (int i = 0; i < ndims; ++i) h.dims.push_back(big_endian32(sizes + 4 * i));

  // plausible sizes: a count no real file exceeds, images of 1..4096 pixels a side
  bool ok = h.dims[0] <= kMaxCount;
  for (int i = 1; i < ndims; ++i) ok = ok && h.dims[i] >= 1 && h.dims[i] <= kMaxSide;
  if (!ok) {
    std::string what =
        std::to_string(h.dims[0]) +
        (ndims == 3 ? " images of " + std::to_string(h.dims[1]) + "x" + std::to_string(h.dims[2])
                    : " labels");
    fail(file, "implausible dimensions: header says " + what + " (at most " +
                   std::to_string(kMaxCount) + " items of 1..4096 pixels a side)");
  }
  return h;
}

// reads n items of item_bytes each, after the header; checks the file holds them
std::vector<unsigned char> read_items(GzFile& in, const IdxHeader& h, long n, long item_bytes,
                                      const std::string& what) {
  std::size_t want = static_cast<std::size_t>(n) * static_cast<std::size_t>(item_bytes);
  std::vector<unsigned char> bytes(want);
  std::size_t got = in.read(bytes.data(), want);
  long total = h.dims[0] * item_bytes;
  std::size_t header_bytes = 4 + 4 * h.dims.size();
  if (got < want) {
    fail(in.path(), "truncated: header says " + what + " = " + std::to_string(total) +
                        " bytes, file has " + std::to_string(got) + " after the " +
                        std::to_string(header_bytes) + "-byte header");
  }
  // a whole-file read also checks that nothing follows the last item
  unsigned char extra;
  if (n == h.dims[0] && in.read(&extra, 1) != 0) {
    fail(in.path(), "trailing data: header says " + what + " = " + std::to_string(total) +
                        " bytes, file has more after them");
  }
  return bytes;
}

void check_max_count(long max_count, const char* function) {
  pg::require(max_count >= -1, function,
              "max_count = " + std::to_string(max_count) + " must be -1 (all) or >= 0");
}

const std::vector<std::string> kFashionMnistClasses = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// one split: prefix "train" or "t10k"
void load_split(const fs::path& dir, const std::string& prefix, long max_count, Mat& X, IVec& y,
                int& rows, int& cols) {
  fs::path images_file = find_data_file(dir, prefix + "-images-idx3-ubyte");
  fs::path labels_file = find_data_file(dir, prefix + "-labels-idx1-ubyte");
  long num_images = read_idx_header(images_file).dims[0];
  long num_labels = read_idx_header(labels_file).dims[0];
  if (num_images != num_labels) {
    fail(images_file, "holds " + std::to_string(num_images) + " images but " +
                          labels_file.string() + " holds " + std::to_string(num_labels) +
                          " labels: the two files must come from the same release");
  }
  IdxImages images = load_idx_images(images_file, max_count);
  y = load_idx_labels(labels_file, max_count);
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (y(i) > 9) {
      fail(labels_file, "label " + std::to_string(y(i)) + " at index " + std::to_string(i) +
                            " is out of range 0..9");
    }
  }
  X = std::move(images.pixels);
  rows = images.rows;
  cols = images.cols;
}

}  // namespace

IdxHeader read_idx_header(const fs::path& file) {
  GzFile in(file);
  return read_header(in, 0);
}

IdxImages load_idx_images(const fs::path& file, long max_count) {
  check_max_count(max_count, "load_idx_images");
  GzFile in(file);
  IdxHeader h = read_header(in, 3);
  long count = h.dims[0], rows = h.dims[1], cols = h.dims[2];
  long n = max_count < 0 ? count : std::min(count, max_count);
  std::string what =
      std::to_string(count) + " images of " + std::to_string(rows) + "x" + std::to_string(cols);
  std::vector<unsigned char> bytes = read_items(in, h, n, rows * cols, what);

  // the bytes are already one image per row, row-major within the image
  using ByteMat = Eigen::Matrix<unsigned char, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  IdxImages out;
  out.rows = static_cast<int>(rows);
  out.cols = static_cast<int>(cols);
  out.pixels = Eigen::Map<const ByteMat>(bytes.data(), n, rows * cols).cast<double>();
  return out;
}

IVec load_idx_labels(const fs::path& file, long max_count) {
  check_max_count(max_count, "load_idx_labels");
  GzFile in(file);
  IdxHeader h = read_header(in, 1);
  long count = h.dims[0];
  long n = max_count < 0 ? count : std::min(count, max_count);
  std::vector<unsigned char> bytes = read_items(in, h, n, 1, std::to_string(count) + " labels");
  return Eigen::Map<const Eigen::Matrix<unsigned char, Eigen::Dynamic, 1>>(bytes.data(), n)
      .cast<int>();
}

Dataset load_idx_dataset(const fs::path& dir, long max_train, long max_test) {
  check_max_count(max_train, "load_idx_dataset");
  check_max_count(max_test, "load_idx_dataset");
  Dataset ds;
  int test_rows = 0, test_cols = 0;
  load_split(dir, "train", max_train, ds.X_train, ds.y_train, ds.height, ds.width);
  load_split(dir, "t10k", max_test, ds.X_test, ds.y_test, test_rows, test_cols);
  if (test_rows != ds.height || test_cols != ds.width) {
    fail(dir, "train images are " + std::to_string(ds.height) + "x" + std::to_string(ds.width) +
                  " but test images are " + std::to_string(test_rows) + "x" +
                  std::to_string(test_cols));
  }
  ds.channels = 1;
  for (int c = 0; c < 10; ++c) ds.class_names.push_back(std::to_string(c));
  return ds;
}

Dataset load_fashion_mnist(long max_train, long max_test) {
  Dataset ds = load_idx_dataset(find_data_dir("fashion-mnist"), max_train, max_test);
  ds.class_names = kFashionMnistClasses;
  return ds;
}

Dataset load_mnist(long max_train, long max_test) {
  return load_idx_dataset(find_data_dir("mnist"), max_train, max_test);
}

}  // namespace pg::data
