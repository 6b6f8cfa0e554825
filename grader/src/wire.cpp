// Encoding and bounds-checked decoding of runner protocol frames.
// Not the session logic: see session.cpp for deadlines, output capture and verdicts.
#include "wire.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

namespace pg::wire {

namespace {

enum Tag : std::uint8_t { kInt = 1, kReal = 2, kText = 3, kMatrix = 4, kLabels = 5 };

void put_raw(std::string& out, const void* p, std::size_t n) {
  out.append(static_cast<const char*>(p), n);
}
template <class T>
void put_pod(std::string& out, T v) {
  put_raw(out, &v, sizeof v);
}
void put_string(std::string& out, const std::string& s) {
  put_pod<std::uint32_t>(out, static_cast<std::uint32_t>(s.size()));
  out += s;
}

class Reader {
 public:
  Reader(const char* p, std::size_t n) : p_(p), left_(n) {}
  void raw(void* dst, std::size_t n) {
    if (n > left_) throw ProtocolError("message ends early (wanted " + std::to_string(n) +
                                       " more bytes, have " + std::to_string(left_) + ")");
    std::memcpy(dst, p_, n);
    p_ += n;
    left_ -= n;
  }
  template <class T>
  T pod() {
    T v;
    raw(&v, sizeof v);
    return v;
  }
  std::string string() {
    auto n = pod<std::uint32_t>();
    if (n > left_) throw ProtocolError("string longer than the message");
    std::string s(p_, n);
    p_ += n;
    left_ -= n;
    return s;
  }
  std::size_t left() const { return left_; }

 private:
  const char* p_;
  std::size_t left_;
};

// rows * cols elements of `size` bytes each, checked against what is left in the message
std::size_t checked_count(std::int64_t rows, std::int64_t cols, std::size_t size, std::size_t left) {
  if (rows < 0 || cols < 0) throw ProtocolError("negative dimension");
  auto r = static_cast<std::uint64_t>(rows), c = static_cast<std::uint64_t>(cols);
  if (c != 0 && r > left / size / c) throw ProtocolError("array larger than the message");
  return static_cast<std::size_t>(r * c);
}

}  // namespace

std::string describe(const Value& v) {
  switch (v.index()) {
    case 0: return "integer";
    case 1: return "real";
    case 2: return "text";
    case 3: {
      const auto& m = std::get<Mat>(v);
      return "matrix (" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + ")";
    }
    default: return "labels (" + std::to_string(std::get<IVec>(v).size()) + ")";
  }
}

void Bundle::put(std::string name, Value v) {
  for (auto& [n, old] : entries_) {
    if (n == name) {
      old = std::move(v);
      return;
    }
  }
  entries_.emplace_back(std::move(name), std::move(v));
}

bool Bundle::has(const std::string& name) const {
  for (const auto& e : entries_) {
    if (e.first == name) return true;
  }
  return false;
}

const Value& Bundle::at(const std::string& name) const {
  for (const auto& e : entries_) {
    if (e.first == name) return e.second;
  }
  throw ProtocolError("no value named '" + name + "'");
}

template <class T>
static const T& typed(const Bundle& b, const std::string& name, const char* want) {
  const Value& v = b.at(name);
  if (const T* p = std::get_if<T>(&v)) return *p;
  throw ProtocolError("'" + name + "' is " + describe(v) + ", expected " + want);
}

const Mat& Bundle::mat(const std::string& name) const { return typed<Mat>(*this, name, "matrix"); }
const IVec& Bundle::ivec(const std::string& name) const {
  return typed<IVec>(*this, name, "labels");
}
std::int64_t Bundle::integer(const std::string& name) const {
  return typed<std::int64_t>(*this, name, "integer");
}
double Bundle::real(const std::string& name) const { return typed<double>(*this, name, "real"); }
const std::string& Bundle::text(const std::string& name) const {
  return typed<std::string>(*this, name, "text");
}

std::string encode(const Message& m) {
  std::string out(kHeaderBytes, '\0');
  put_string(out, m.kind);
  put_pod<std::uint32_t>(out, static_cast<std::uint32_t>(m.fields.entries().size()));
  for (const auto& [name, v] : m.fields.entries()) {
    put_string(out, name);
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::int64_t>) {
            put_pod<std::uint8_t>(out, kInt);
            put_pod(out, x);
          } else if constexpr (std::is_same_v<T, double>) {
            put_pod<std::uint8_t>(out, kReal);
            put_pod(out, x);
          } else if constexpr (std::is_same_v<T, std::string>) {
            put_pod<std::uint8_t>(out, kText);
            put_string(out, x);
          } else if constexpr (std::is_same_v<T, Mat>) {
            put_pod<std::uint8_t>(out, kMatrix);
            put_pod<std::int64_t>(out, x.rows());
            put_pod<std::int64_t>(out, x.cols());
            put_raw(out, x.data(), sizeof(double) * static_cast<std::size_t>(x.size()));
          } else {
            put_pod<std::uint8_t>(out, kLabels);
            put_pod<std::int64_t>(out, x.size());
            put_raw(out, x.data(), sizeof(int) * static_cast<std::size_t>(x.size()));
          }
        },
        v);
  }
  std::memcpy(out.data(), kMagic, 4);
  std::uint64_t len = out.size() - kHeaderBytes;
  std::memcpy(out.data() + 4, &len, sizeof len);
  return out;
}

std::uint64_t payload_length(const char* header, std::uint64_t max_payload) {
  if (std::memcmp(header, kMagic, 4) != 0) throw ProtocolError("bad frame magic");
  std::uint64_t len;
  std::memcpy(&len, header + 4, sizeof len);
  if (len > max_payload) {
    throw ProtocolError("frame of " + std::to_string(len) + " bytes is over the limit of " +
                        std::to_string(max_payload));
  }
  return len;
}

Message decode(const char* payload, std::size_t size) {
  Reader r(payload, size);
  Message m;
  m.kind = r.string();
  auto count = r.pod<std::uint32_t>();
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string name = r.string();
    auto tag = r.pod<std::uint8_t>();
    switch (tag) {
      case kInt: m.fields.put(name, r.pod<std::int64_t>()); break;
      case kReal: m.fields.put(name, r.pod<double>()); break;
      case kText: m.fields.put(name, r.string()); break;
      case kMatrix: {
        auto rows = r.pod<std::int64_t>(), cols = r.pod<std::int64_t>();
        std::size_t n = checked_count(rows, cols, sizeof(double), r.left());
        Mat x(rows, cols);
        r.raw(x.data(), n * sizeof(double));
        m.fields.put(name, std::move(x));
        break;
      }
      case kLabels: {
        auto n = r.pod<std::int64_t>();
        std::size_t count_n = checked_count(n, 1, sizeof(int), r.left());
        IVec x(n);
        r.raw(x.data(), count_n * sizeof(int));
        m.fields.put(name, std::move(x));
        break;
      }
      default: throw ProtocolError("unknown value tag " + std::to_string(tag));
    }
  }
  if (r.left() != 0) throw ProtocolError("trailing bytes after the message");
  return m;
}

static bool read_all(int fd, char* p, std::size_t n, bool eof_ok_at_start) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t k = ::read(fd, p + got, n - got);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) throw ProtocolError(std::string("read failed: ") + std::strerror(errno));
    if (k == 0) {
      if (got == 0 && eof_ok_at_start) return false;
      throw ProtocolError("end of file inside a frame");
    }
    got += static_cast<std::size_t>(k);
  }
  return true;
}

bool read_frame(int fd, Message& out, std::uint64_t max_payload) {
  char header[kHeaderBytes];
  if (!read_all(fd, header, kHeaderBytes, true)) return false;
  std::uint64_t len = payload_length(header, max_payload);
  std::string payload(len, '\0');
  read_all(fd, payload.data(), len, false);
  out = decode(payload.data(), payload.size());
  return true;
}

void write_frame(int fd, const Message& m) {
  std::string bytes = encode(m);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t k = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) throw ProtocolError(std::string("write failed: ") + std::strerror(errno));
    done += static_cast<std::size_t>(k);
  }
}

}  // namespace pg::wire
