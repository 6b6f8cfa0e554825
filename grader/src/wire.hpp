// The runner protocol's messages: named values (numbers, text, matrices, label vectors) in frames.
// Not the transport (session.cpp reads and writes frames on a socket and a pipe) and not the cases' meaning.
//
// A frame is: magic "PGW1" (4 bytes), payload length (u64), payload. A payload is a message kind
// (string) and a bundle: a count (u32) then, per entry, a name (string), a type tag (u8) and the
// value. Strings are u32 length + bytes; matrices are i64 rows, i64 cols, rows*cols doubles
// (row-major); label vectors are i64 n, n int32. Native byte order: both ends run on one machine.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/types.hpp"

namespace pg::wire {

// A message that does not decode, or a value asked for that is missing or of another type.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Value = std::variant<std::int64_t, double, std::string, Mat, IVec>;

// "integer", "real", "text", "matrix (3, 4)", "labels (7)": for messages.
std::string describe(const Value& v);

// Named values in insertion order.
class Bundle {
 public:
  void put(std::string name, Value v);
  bool has(const std::string& name) const;
  const Value& at(const std::string& name) const;
  const Mat& mat(const std::string& name) const;
  const IVec& ivec(const std::string& name) const;
  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  const std::vector<std::pair<std::string, Value>>& entries() const { return entries_; }
  std::vector<std::pair<std::string, Value>>& entries_mutable() { return entries_; }

 private:
  std::vector<std::pair<std::string, Value>> entries_;
};

struct Message {
  std::string kind;
  Bundle fields;
};

inline constexpr char kMagic[4] = {'P', 'G', 'W', '1'};
inline constexpr std::size_t kHeaderBytes = 12;

// The whole frame (header and payload) for a message.
std::string encode(const Message& m);
// The payload alone: its size, and the bytes written to dst (which has room for payload_size).
std::size_t payload_size(const Message& m);
void encode_payload(const Message& m, char* dst);
// Payload length from a frame header; throws ProtocolError on a bad magic or a length over max.
std::uint64_t payload_length(const char* header, std::uint64_t max_payload);
// Decodes a payload; throws ProtocolError on anything malformed (never reads out of bounds).
Message decode(const char* payload, std::size_t size);

// Blocking frame I/O on a file descriptor, for the runner side. read_frame returns false on a
// clean end of file before a frame starts. On a unix socket, a descriptor passed with the frame
// (SCM_RIGHTS) is stored in *passed_fd (else -1; more than one: the others are closed).
bool read_frame(int fd, Message& out, std::uint64_t max_payload, int* passed_fd = nullptr);
// Decodes the payload held by a (sealed) memfd, read straight into the values: how `load`
// passes inputs. A matrix or label vector takes over the storage of the value of the same name
// and size in `reuse`, if given (the runner's last inputs), instead of fresh memory.
Message decode_memfd(int fd, std::uint64_t max_payload, Bundle* reuse = nullptr);
void write_frame(int fd, const Message& m);

}  // namespace pg::wire
