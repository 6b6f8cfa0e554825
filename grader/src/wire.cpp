// Encoding and bounds-checked decoding of runner protocol frames.
// Not the session logic: see session.cpp for deadlines, output capture and verdicts.
#include "wire.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include <cerrno>
#include <cstring>
#include <limits>

namespace pg::wire {

namespace {

enum Tag : std::uint8_t { kInt = 1, kReal = 2, kText = 3, kMatrix = 4, kLabels = 5 };

// Where encoded bytes go: counted only (to size a buffer), written to memory, or gathered as
// pieces for writev: small ones copied into `small`, large arrays pointed to where they are.
struct Sink {
  char* p = nullptr;  // null: count (or gather) only
  std::size_t n = 0;
  struct Piece {
    const char* external;  // null: `len` bytes of `small` from `offset`
    std::size_t offset, len;
  };
  std::vector<Piece>* pieces = nullptr;
  std::string* small = nullptr;
  void raw(const void* src, std::size_t k) {
    if (p) std::memcpy(p + n, src, k);
    if (pieces) {
      if (k >= 4096) {
        pieces->push_back({static_cast<const char*>(src), 0, k});
      } else {
        if (pieces->empty() || pieces->back().external) pieces->push_back({nullptr, small->size(), 0});
        small->append(static_cast<const char*>(src), k);
        pieces->back().len += k;
      }
    }
    n += k;
  }
  template <class T>
  void pod(T v) {
    raw(&v, sizeof v);
  }
  void string(const std::string& s) {
    pod<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
};

void put_payload(Sink& out, const Message& m) {
  out.string(m.kind);
  out.pod<std::uint32_t>(static_cast<std::uint32_t>(m.fields.entries().size()));
  for (const auto& [name, v] : m.fields.entries()) {
    out.string(name);
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::int64_t>) {
            out.pod<std::uint8_t>(kInt);
            out.pod(x);
          } else if constexpr (std::is_same_v<T, double>) {
            out.pod<std::uint8_t>(kReal);
            out.pod(x);
          } else if constexpr (std::is_same_v<T, std::string>) {
            out.pod<std::uint8_t>(kText);
            out.string(x);
          } else if constexpr (std::is_same_v<T, Mat>) {
            out.pod<std::uint8_t>(kMatrix);
            out.pod<std::int64_t>(x.rows());
            out.pod<std::int64_t>(x.cols());
            out.raw(x.data(), sizeof(double) * static_cast<std::size_t>(x.size()));
          } else {
            out.pod<std::uint8_t>(kLabels);
            out.pod<std::int64_t>(x.size());
            out.raw(x.data(), sizeof(int) * static_cast<std::size_t>(x.size()));
          }
        },
        v);
  }
}

// Bounds-checked reads from a payload in memory, or from a file (the memfd a load passes), read
// with pread straight into the values' storage.
class Reader {
 public:
  Reader(const char* p, std::size_t n) : p_(p), left_(n) {}
  Reader(int fd, std::size_t n) : fd_(fd), left_(n) {}
  void raw(void* dst, std::size_t n) {
    if (n > left_) throw ProtocolError("message ends early (wanted " + std::to_string(n) +
                                       " more bytes, have " + std::to_string(left_) + ")");
    if (p_) {
      std::memcpy(dst, p_, n);
      p_ += n;
    } else {
      for (std::size_t got = 0; got < n;) {
        ssize_t k = ::pread(fd_, static_cast<char*>(dst) + got, n - got,
                            static_cast<off_t>(offset_ + got));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) throw ProtocolError("the passed inputs end early");
        got += static_cast<std::size_t>(k);
      }
      offset_ += n;
    }
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
    std::string s(n, '\0');
    raw(s.data(), n);
    return s;
  }
  std::size_t left() const { return left_; }

 private:
  const char* p_ = nullptr;
  int fd_ = -1;
  std::size_t offset_ = 0;
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

std::size_t payload_size(const Message& m) {
  Sink count;
  put_payload(count, m);
  return count.n;
}

void encode_payload(const Message& m, char* dst) {
  Sink out{dst, 0};
  put_payload(out, m);
}

std::string encode(const Message& m) {
  const std::size_t len = payload_size(m);
  std::string out(kHeaderBytes + len, '\0');
  std::memcpy(out.data(), kMagic, 4);
  const std::uint64_t len64 = len;
  std::memcpy(out.data() + 4, &len64, sizeof len64);
  encode_payload(m, out.data() + kHeaderBytes);
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

// `reuse`: values of an earlier message whose storage a matrix or label vector of the same name
// and size takes over (no fresh memory to fault in when a runner loads inputs of the same shape).
static Message decode(Reader& r, Bundle* reuse = nullptr) {
  Message m;
  const auto storage = [&](const std::string& name, auto& x) {
    using T = std::decay_t<decltype(x)>;
    if (!reuse) return;
    for (auto& [n, v] : reuse->entries_mutable()) {
      if (n == name && std::holds_alternative<T>(v)) {
        x = std::move(std::get<T>(v));
        return;
      }
    }
  };
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
        Mat x;
        storage(name, x);
        x.resize(rows, cols);
        r.raw(x.data(), n * sizeof(double));
        m.fields.put(name, std::move(x));
        break;
      }
      case kLabels: {
        auto n = r.pod<std::int64_t>();
        std::size_t count_n = checked_count(n, 1, sizeof(int), r.left());
        IVec x;
        storage(name, x);
        x.resize(n);
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

Message decode(const char* payload, std::size_t size) {
  Reader r(payload, size);
  return decode(r);
}

// Reads n bytes; a descriptor passed along with them (SCM_RIGHTS) lands in *passed.
static bool read_all(int fd, char* p, std::size_t n, bool eof_ok_at_start, int* passed) {
  std::size_t got = 0;
  while (got < n) {
    struct iovec iov{p + got, n - got};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    struct msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t k = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (k < 0 && errno == ENOTSOCK) k = ::read(fd, p + got, n - got), msg.msg_controllen = 0;
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) throw ProtocolError(std::string("read failed: ") + std::strerror(errno));
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      int fd_in = -1;
      std::memcpy(&fd_in, CMSG_DATA(c), sizeof fd_in);
      if (passed && *passed < 0) {
        *passed = fd_in;
      } else {
        ::close(fd_in);
      }
    }
    if (k == 0) {
      if (got == 0 && eof_ok_at_start) return false;
      throw ProtocolError("end of file inside a frame");
    }
    got += static_cast<std::size_t>(k);
  }
  return true;
}

bool read_frame(int fd, Message& out, std::uint64_t max_payload, int* passed_fd) {
  if (passed_fd) *passed_fd = -1;
  char header[kHeaderBytes];
  if (!read_all(fd, header, kHeaderBytes, true, passed_fd)) return false;
  std::uint64_t len = payload_length(header, max_payload);
  std::string payload(len, '\0');
  read_all(fd, payload.data(), len, false, passed_fd);
  out = decode(payload.data(), payload.size());
  return true;
}

Message decode_memfd(int fd, std::uint64_t max_payload, Bundle* reuse) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    throw ProtocolError(std::string("cannot read the passed inputs: ") + std::strerror(errno));
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_payload) {
    throw ProtocolError("passed inputs of " + std::to_string(size) + " bytes are over the limit");
  }
  Reader r(fd, size);
  return decode(r, reuse);
}

// Gathers the frame from where its values are (a large answer is not copied into a buffer first).
void write_frame(int fd, const Message& m) {
  std::vector<Sink::Piece> pieces;
  std::string small(kHeaderBytes, '\0');
  pieces.push_back({nullptr, 0, kHeaderBytes});
  Sink gather;
  gather.pieces = &pieces;
  gather.small = &small;
  put_payload(gather, m);
  std::memcpy(small.data(), kMagic, 4);
  const std::uint64_t len = gather.n;
  std::memcpy(small.data() + 4, &len, sizeof len);
  std::vector<struct iovec> iov;
  for (const auto& piece : pieces) {
    const char* base = piece.external ? piece.external : small.data() + piece.offset;
    iov.push_back({const_cast<char*>(base), piece.len});
  }
  std::size_t next = 0;  // the first piece not yet written whole
  while (next < iov.size()) {
    const int count = static_cast<int>(std::min<std::size_t>(iov.size() - next, IOV_MAX));
    ssize_t k = ::writev(fd, iov.data() + next, count);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) throw ProtocolError(std::string("write failed: ") + std::strerror(errno));
    auto done = static_cast<std::size_t>(k);
    while (next < iov.size() && done >= iov[next].iov_len) done -= iov[next++].iov_len;
    if (next < iov.size()) {
      iov[next].iov_base = static_cast<char*>(iov[next].iov_base) + done;
      iov[next].iov_len -= done;
    }
  }
}

}  // namespace pg::wire
