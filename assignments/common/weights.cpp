// Reading and writing saved-weights files (the format is described in weights.hpp).
// Not what the tensors mean: that is the reader's (backprop/net_io.cpp).
#include "common/weights.hpp"

#include "common/errors.hpp"

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

namespace pg {

namespace {

constexpr char kMagic[4] = {'P', 'G', 'W', 'T'};
constexpr std::uint32_t kMaxString = 4096;
constexpr std::uint32_t kMaxDims = 4;

static_assert(sizeof(double) == 8, "the format stores IEEE-754 doubles");

std::array<std::uint32_t, 256> crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[n] = c;
  }
  return t;
}

// Little-endian encoding, independent of the host's byte order.
class Writer {
 public:
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) bytes_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void f64(double d) {
    std::uint64_t v;
    std::memcpy(&v, &d, 8);
    u64(v);
  }
  void text(const std::string& s, const std::string& what) {
    if (s.size() > kMaxString) {
      throw WeightsError("save_weights: " + what + " is " + std::to_string(s.size()) +
                         " bytes long; at most " + std::to_string(kMaxString) + " are allowed");
    }
    u32(static_cast<std::uint32_t>(s.size()));
    bytes_.insert(bytes_.end(), s.begin(), s.end());
  }
  void raw(const char* p, std::size_t n) { bytes_.insert(bytes_.end(), p, p + n); }
  const std::vector<char>& bytes() const { return bytes_; }

 private:
  std::vector<char> bytes_;
};

class Reader {
 public:
  Reader(const std::vector<char>& bytes, std::size_t end, std::string file)
      : bytes_(bytes), end_(end), file_(std::move(file)) {}

  std::uint32_t u32(const char* what) {
    need(4, what);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t{byte()} << (8 * i);
    return v;
  }
  std::uint64_t u64(const char* what) {
    need(8, what);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{byte()} << (8 * i);
    return v;
  }
  std::string text(const char* what) {
    const std::uint32_t n = u32(what);
    if (n > kMaxString) fail(std::string(what) + " claims " + std::to_string(n) + " bytes");
    need(n, what);
    std::string s(bytes_.data() + pos_, n);
    pos_ += n;
    return s;
  }
  void doubles(double* out, std::size_t count, const std::string& what) {
    if (count > (end_ - pos_) / 8) fail("truncated in the values of " + what);
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint64_t v = u64("a value");
      std::memcpy(out + i, &v, 8);
    }
  }
  bool at_end() const { return pos_ == end_; }
  void seek(std::size_t pos) { pos_ = pos; }
  [[noreturn]] void fail(const std::string& message) const {
    throw WeightsError("load_weights: " + file_ + ": " + message +
                       " (the file is damaged or not a saved-weights file; save it again)");
  }

 private:
  void need(std::size_t n, const char* what) const {
    if (end_ - pos_ < n) fail(std::string("truncated in ") + what);
  }
  unsigned char byte() { return static_cast<unsigned char>(bytes_[pos_++]); }

  const std::vector<char>& bytes_;
  std::size_t end_;
  std::size_t pos_ = 0;
  std::string file_;
};

std::int64_t product(const std::vector<std::int64_t>& shape) {
  std::int64_t p = 1;
  for (std::int64_t d : shape) p *= d;
  return p;
}

void check_tensor(const std::string& name, const Tensor& t) {
  const std::string what = "save_weights: tensor '" + name + "'";
  if (t.shape.empty() || t.shape.size() > kMaxDims) {
    throw WeightsError(what + " has " + std::to_string(t.shape.size()) +
                       " dimensions; 1 to 4 are allowed");
  }
  for (std::int64_t d : t.shape) {
    if (d < 1) throw WeightsError(what + " has a dimension of " + std::to_string(d));
  }
  const std::int64_t rows = t.shape.size() == 1 ? 1 : t.shape[0];
  if (t.values.rows() != rows || t.values.size() != product(t.shape)) {
    throw WeightsError(what + " has values of shape " + shape_str(t.values.rows(), t.values.cols()) +
                       " that do not match its shape");
  }
}

}  // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc) {
  static const std::array<std::uint32_t, 256> table = crc_table();
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

Tensor tensor_of(const Mat& m) { return {{m.rows(), m.cols()}, m}; }

void save_weights(const std::filesystem::path& path, const Weights& w) {
  Writer out;
  out.raw(kMagic, 4);
  out.u32(kWeightsVersion);
  out.u32(static_cast<std::uint32_t>(w.metadata.size()));
  for (const auto& [key, value] : w.metadata) {
    out.text(key, "metadata key '" + key.substr(0, 40) + "'");
    out.text(value, "the value of metadata '" + key + "'");
  }
  out.u32(static_cast<std::uint32_t>(w.tensors.size()));
  for (const auto& [name, t] : w.tensors) {
    check_tensor(name, t);
    out.text(name, "tensor name '" + name.substr(0, 40) + "'");
    out.u32(static_cast<std::uint32_t>(t.shape.size()));
    for (std::int64_t d : t.shape) out.u64(static_cast<std::uint64_t>(d));
    for (Eigen::Index i = 0; i < t.values.size(); ++i) out.f64(t.values.data()[i]);
  }
  out.u32(crc32(out.bytes().data(), out.bytes().size()));

  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  std::filesystem::path tmp = path;
  tmp += ".partial";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(out.bytes().data(), static_cast<std::streamsize>(out.bytes().size()));
    f.close();
    if (!f) {
      std::filesystem::remove(tmp, ec);
      throw WeightsError("save_weights: cannot write " + path.string() +
                         " (is the folder writable, is the disk full?)");
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw WeightsError("save_weights: cannot replace " + path.string() + ": " + ec.message());
  }
}

Weights load_weights(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    throw WeightsError("load_weights: cannot open " + path.string() +
                       " (run the demo that saves it first, or check the path)");
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  Reader in(bytes, bytes.size(), path.string());
  if (bytes.size() < 12 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    in.fail("it does not start with the magic number PGWT");
  }
  in.seek(4);
  const std::uint32_t version = in.u32("the version");
  if (version != kWeightsVersion) {
    throw WeightsError("load_weights: " + path.string() + " is version " + std::to_string(version) +
                       " of the saved-weights format; this build reads version " +
                       std::to_string(kWeightsVersion) + " (save it again with this build)");
  }
  const std::size_t body = bytes.size() - 4;
  Reader tail(bytes, bytes.size(), path.string());
  tail.seek(body);
  const std::uint32_t stored = tail.u32("the checksum");
  if (crc32(bytes.data(), body) != stored) in.fail("the checksum does not match its contents");

  Reader r(bytes, body, path.string());
  r.seek(8);
  Weights w;
  const std::uint32_t m = r.u32("the metadata count");
  for (std::uint32_t i = 0; i < m; ++i) {
    std::string key = r.text("a metadata key");
    std::string value = r.text("a metadata value");
    if (!w.metadata.emplace(std::move(key), std::move(value)).second) r.fail("a metadata key repeats");
  }
  const std::uint32_t count = r.u32("the tensor count");
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string name = r.text("a tensor name");
    const std::uint32_t ndim = r.u32("a tensor's dimension count");
    if (ndim < 1 || ndim > kMaxDims) r.fail("tensor '" + name + "' has " + std::to_string(ndim) + " dimensions");
    Tensor t;
    std::uint64_t total = 1;
    for (std::uint32_t k = 0; k < ndim; ++k) {
      const std::uint64_t d = r.u64("a tensor's shape");
      if (d < 1 || d > (std::uint64_t{1} << 40) || total > (std::uint64_t{1} << 40) / d) {
        r.fail("tensor '" + name + "' has an impossible shape");
      }
      total *= d;
      t.shape.push_back(static_cast<std::int64_t>(d));
    }
    const auto rows = static_cast<Eigen::Index>(ndim == 1 ? 1 : t.shape[0]);
    if (total > (body - 8) / 8) r.fail("truncated in the values of '" + name + "'");
    t.values.resize(rows, static_cast<Eigen::Index>(total) / rows);
    r.doubles(t.values.data(), total, "'" + name + "'");
    if (!w.tensors.emplace(name, std::move(t)).second) r.fail("tensor '" + name + "' repeats");
  }
  if (!r.at_end()) r.fail("it has bytes after its last tensor");
  return w;
}

}  // namespace pg
