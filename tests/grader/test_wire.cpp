// Tests of the runner protocol: every value type through encode and decode, the bundle's typed
// accessors, decode's refusal of malformed payloads, frames on pipes and sockets, and inputs
// passed as a sealed memfd. Not the session's deadlines and verdicts (session.cpp).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>

#include "session.hpp"
#include "support/temp_dir.hpp"
#include "wire.hpp"

namespace pg::wire {
namespace {

// the payload of a frame: everything after the 12-byte header
std::string payload_of(const std::string& frame) { return frame.substr(kHeaderBytes); }

Message round_trip(const Message& m) {
  const std::string payload = payload_of(encode(m));
  return decode(payload.data(), payload.size());
}

// the message of the ProtocolError f throws, "" (and a failure) if it throws none
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const ProtocolError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ProtocolError thrown";
  return "";
}

std::string decode_error(const std::string& payload) {
  return error_of([&] { decode(payload.data(), payload.size()); });
}

// a payload written byte by byte, for messages encode would never produce
class PayloadBuilder {
 public:
  template <class T>
  PayloadBuilder& pod(T v) {
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
  }
  PayloadBuilder& string(const std::string& s) {
    pod<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    bytes_ += s;
    return *this;
  }
  // kind "answer", then `count` entries follow
  PayloadBuilder& header(std::uint32_t count) { return string("answer").pod<std::uint32_t>(count); }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

constexpr std::uint8_t kIntTag = 1, kMatrixTag = 4, kLabelsTag = 5;

TEST(wire_protocol, round_trips_an_integer) {
  Message m{"answer", {}};
  m.fields.put("k", std::int64_t{-1234567890123});
  Message back = round_trip(m);
  EXPECT_EQ(back.kind, "answer");
  EXPECT_EQ(back.fields.integer("k"), -1234567890123);
}

TEST(wire_protocol, round_trips_a_real_bit_for_bit) {
  Message m{"answer", {}};
  m.fields.put("loss", 0.1 + 0.2);
  m.fields.put("tiny", std::numeric_limits<double>::denorm_min());
  m.fields.put("nan", std::numeric_limits<double>::quiet_NaN());
  Message back = round_trip(m);
  EXPECT_EQ(back.fields.real("loss"), 0.1 + 0.2);
  EXPECT_EQ(back.fields.real("tiny"), std::numeric_limits<double>::denorm_min());
  EXPECT_TRUE(std::isnan(back.fields.real("nan")));
}

TEST(wire_protocol, round_trips_text_including_empty_and_binary) {
  Message m{"error", {}};
  m.fields.put("message", std::string("not implemented: predict_labels"));
  m.fields.put("empty", std::string());
  m.fields.put("binary", std::string("a\0b\xff", 4));
  Message back = round_trip(m);
  EXPECT_EQ(back.kind, "error");
  EXPECT_EQ(back.fields.text("message"), "not implemented: predict_labels");
  EXPECT_EQ(back.fields.text("empty"), "");
  EXPECT_EQ(back.fields.text("binary"), std::string("a\0b\xff", 4));
}

TEST(wire_protocol, round_trips_a_matrix_row_major) {
  Mat x(2, 3);
  x << 1, 2, 3, 4, 5, -6.5;
  Message m{"answer", {}};
  m.fields.put("dists", x);
  Message back = round_trip(m);
  const Mat& y = back.fields.mat("dists");
  ASSERT_EQ(y.rows(), 2);
  ASSERT_EQ(y.cols(), 3);
  EXPECT_EQ(y, x);
  EXPECT_EQ(y(1, 2), -6.5);
}

TEST(wire_protocol, round_trips_an_empty_matrix_with_its_shape) {
  Message m{"answer", {}};
  m.fields.put("none", Mat(0, 7));
  m.fields.put("no_cols", Mat(4, 0));
  Message back = round_trip(m);
  EXPECT_EQ(back.fields.mat("none").rows(), 0);
  EXPECT_EQ(back.fields.mat("none").cols(), 7);
  EXPECT_EQ(back.fields.mat("no_cols").rows(), 4);
  EXPECT_EQ(back.fields.mat("no_cols").cols(), 0);
}

TEST(wire_protocol, round_trips_labels) {
  IVec y(5);
  y << 0, 9, 3, -1, 2147483647;
  Message m{"answer", {}};
  m.fields.put("y_pred", y);
  m.fields.put("none", IVec(0));
  Message back = round_trip(m);
  EXPECT_EQ(back.fields.ivec("y_pred"), y);
  EXPECT_EQ(back.fields.ivec("none").size(), 0);
}

TEST(wire_protocol, round_trips_every_type_in_one_message_in_order) {
  Message m{"call", {}};
  m.fields.put("k", std::int64_t{3});
  m.fields.put("scale", 2.5);
  m.fields.put("metric", std::string("l1"));
  m.fields.put("X", Mat(Mat::Constant(3, 2, 1.5)));
  m.fields.put("y", IVec(IVec::Constant(3, 1)));
  Message back = round_trip(m);
  ASSERT_EQ(back.fields.entries().size(), 5u);
  const char* names[] = {"k", "scale", "metric", "X", "y"};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(back.fields.entries()[i].first, names[i]);
  EXPECT_EQ(back.fields.integer("k"), 3);
  EXPECT_EQ(back.fields.real("scale"), 2.5);
  EXPECT_EQ(back.fields.text("metric"), "l1");
  EXPECT_EQ(back.fields.mat("X"), Mat::Constant(3, 2, 1.5));
  EXPECT_EQ(back.fields.ivec("y"), IVec::Constant(3, 1));
}

TEST(wire_protocol, encode_writes_the_magic_and_the_payload_length) {
  Message m{"answer", {}};
  m.fields.put("k", std::int64_t{1});
  const std::string frame = encode(m);
  ASSERT_GE(frame.size(), kHeaderBytes);
  EXPECT_EQ(frame.substr(0, 4), "PGW1");
  EXPECT_EQ(payload_length(frame.data(), 1 << 20), frame.size() - kHeaderBytes);
}

TEST(wire_bundle, put_replaces_a_value_with_the_same_name) {
  Bundle b;
  b.put("k", std::int64_t{1});
  b.put("k", std::string("one"));
  ASSERT_EQ(b.entries().size(), 1u);
  EXPECT_EQ(b.text("k"), "one");
}

TEST(wire_bundle, describes_each_type_for_messages) {
  EXPECT_EQ(describe(std::int64_t{1}), "integer");
  EXPECT_EQ(describe(1.0), "real");
  EXPECT_EQ(describe(std::string("x")), "text");
  EXPECT_EQ(describe(Mat(3, 4)), "matrix (3, 4)");
  EXPECT_EQ(describe(IVec(7)), "labels (7)");
}

TEST(wire_bundle, throws_for_a_missing_name) {
  Bundle b;
  b.put("dists", Mat(2, 2));
  EXPECT_FALSE(b.has("y_pred"));
  EXPECT_EQ(error_of([&] { b.at("y_pred"); }), "no value named 'y_pred'");
  EXPECT_EQ(error_of([&] { b.ivec("y_pred"); }), "no value named 'y_pred'");
  EXPECT_EQ(error_of([&] { b.integer("k"); }), "no value named 'k'");
}

TEST(wire_bundle, throws_for_a_value_of_another_type) {
  Bundle b;
  b.put("dists", Mat(2, 3));
  b.put("metric", std::string("l2"));
  b.put("y", IVec(4));
  b.put("k", std::int64_t{5});
  b.put("loss", 0.5);
  EXPECT_EQ(error_of([&] { b.ivec("dists"); }), "'dists' is matrix (2, 3), expected labels");
  EXPECT_EQ(error_of([&] { b.mat("metric"); }), "'metric' is text, expected matrix");
  EXPECT_EQ(error_of([&] { b.integer("y"); }), "'y' is labels (4), expected integer");
  EXPECT_EQ(error_of([&] { b.real("k"); }), "'k' is integer, expected real");
  EXPECT_EQ(error_of([&] { b.text("loss"); }), "'loss' is real, expected text");
}

TEST(wire_decode, rejects_a_truncated_payload) {
  Message m{"answer", {}};
  m.fields.put("k", std::int64_t{7});
  const std::string payload = payload_of(encode(m));
  // 3 bytes short: the integer's 8 bytes are not all there
  EXPECT_EQ(decode_error(payload.substr(0, payload.size() - 3)),
            "message ends early (wanted 8 more bytes, have 5)");
  EXPECT_EQ(decode_error(""), "message ends early (wanted 4 more bytes, have 0)");
}

TEST(wire_decode, rejects_every_truncation_of_a_valid_payload) {
  Message m{"answer", {}};
  m.fields.put("X", Mat(Mat::Constant(2, 2, 1.0)));
  m.fields.put("y", IVec(IVec::Constant(3, 2)));
  m.fields.put("metric", std::string("l2"));
  const std::string payload = payload_of(encode(m));
  for (std::size_t n = 0; n < payload.size(); ++n) {
    const std::string cut = payload.substr(0, n);
    EXPECT_THROW(decode(cut.data(), cut.size()), ProtocolError) << "cut at " << n;
  }
}

TEST(wire_decode, rejects_a_string_longer_than_the_message) {
  const std::string payload = PayloadBuilder().pod<std::uint32_t>(1000).bytes() + "abc";
  EXPECT_EQ(decode_error(payload), "string longer than the message");
}

TEST(wire_decode, rejects_a_matrix_larger_than_the_message) {
  // rows = 2^40 and 3 columns, with 24 bytes of data: rows * cols * 8 would overflow a naive check
  const std::string payload = PayloadBuilder()
                                  .header(1)
                                  .string("X")
                                  .pod<std::uint8_t>(kMatrixTag)
                                  .pod<std::int64_t>(std::int64_t{1} << 40)
                                  .pod<std::int64_t>(3)
                                  .pod<double>(1)
                                  .pod<double>(2)
                                  .pod<double>(3)
                                  .bytes();
  EXPECT_EQ(decode_error(payload), "array larger than the message");
}

TEST(wire_decode, rejects_a_matrix_whose_element_count_overflows) {
  // 2^33 * 2^33 wraps to 2^66 mod 2^64 = 0 elements when multiplied carelessly
  const std::string payload = PayloadBuilder()
                                  .header(1)
                                  .string("X")
                                  .pod<std::uint8_t>(kMatrixTag)
                                  .pod<std::int64_t>(std::int64_t{1} << 33)
                                  .pod<std::int64_t>(std::int64_t{1} << 33)
                                  .bytes();
  EXPECT_EQ(decode_error(payload), "array larger than the message");
}

TEST(wire_decode, rejects_labels_longer_than_the_message) {
  const std::string payload = PayloadBuilder()
                                  .header(1)
                                  .string("y")
                                  .pod<std::uint8_t>(kLabelsTag)
                                  .pod<std::int64_t>(std::int64_t{1} << 62)
                                  .pod<std::int32_t>(1)
                                  .bytes();
  EXPECT_EQ(decode_error(payload), "array larger than the message");
}

TEST(wire_decode, rejects_negative_dimensions) {
  const std::string rows = PayloadBuilder()
                               .header(1)
                               .string("X")
                               .pod<std::uint8_t>(kMatrixTag)
                               .pod<std::int64_t>(-1)
                               .pod<std::int64_t>(2)
                               .bytes();
  const std::string cols = PayloadBuilder()
                               .header(1)
                               .string("X")
                               .pod<std::uint8_t>(kMatrixTag)
                               .pod<std::int64_t>(2)
                               .pod<std::int64_t>(-3)
                               .bytes();
  const std::string labels = PayloadBuilder()
                                 .header(1)
                                 .string("y")
                                 .pod<std::uint8_t>(kLabelsTag)
                                 .pod<std::int64_t>(-5)
                                 .bytes();
  EXPECT_EQ(decode_error(rows), "negative dimension");
  EXPECT_EQ(decode_error(cols), "negative dimension");
  EXPECT_EQ(decode_error(labels), "negative dimension");
}

TEST(wire_decode, rejects_an_unknown_tag) {
  const std::string payload =
      PayloadBuilder().header(1).string("k").pod<std::uint8_t>(9).pod<std::int64_t>(1).bytes();
  EXPECT_EQ(decode_error(payload), "unknown value tag 9");
  const std::string zero =
      PayloadBuilder().header(1).string("k").pod<std::uint8_t>(0).pod<std::int64_t>(1).bytes();
  EXPECT_EQ(decode_error(zero), "unknown value tag 0");
}

TEST(wire_decode, rejects_trailing_bytes) {
  Message m{"answer", {}};
  m.fields.put("k", std::int64_t{7});
  const std::string payload = payload_of(encode(m)) + "x";
  EXPECT_EQ(decode_error(payload), "trailing bytes after the message");
}

TEST(wire_decode, rejects_more_entries_than_the_message_holds) {
  const std::string payload = PayloadBuilder()
                                  .header(2)
                                  .string("k")
                                  .pod<std::uint8_t>(kIntTag)
                                  .pod<std::int64_t>(1)
                                  .bytes();
  EXPECT_EQ(decode_error(payload), "message ends early (wanted 4 more bytes, have 0)");
}

TEST(wire_frame, payload_length_rejects_a_bad_magic) {
  Message m{"answer", {}};
  std::string frame = encode(m);
  frame[3] = '2';
  EXPECT_EQ(error_of([&] { payload_length(frame.data(), 1 << 20); }), "bad frame magic");
}

TEST(wire_frame, payload_length_rejects_a_length_over_the_limit) {
  char header[kHeaderBytes];
  std::memcpy(header, kMagic, 4);
  const std::uint64_t len = 100;
  std::memcpy(header + 4, &len, sizeof len);
  EXPECT_EQ(payload_length(header, 100), 100u);
  EXPECT_EQ(error_of([&] { payload_length(header, 99); }),
            "frame of 100 bytes is over the limit of 99");
}

TEST(wire_frame, reads_back_what_it_wrote_through_a_pipe) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  Message m{"answer", {}};
  m.fields.put("dists", Mat(Mat::Constant(3, 4, 0.25)));
  m.fields.put("k", std::int64_t{2});
  write_frame(fds[1], m);
  ::close(fds[1]);
  Message back;
  ASSERT_TRUE(read_frame(fds[0], back, 1 << 20));
  EXPECT_EQ(back.kind, "answer");
  EXPECT_EQ(back.fields.mat("dists"), Mat::Constant(3, 4, 0.25));
  EXPECT_EQ(back.fields.integer("k"), 2);
  // a clean end of file between frames
  EXPECT_FALSE(read_frame(fds[0], back, 1 << 20));
  ::close(fds[0]);
}

TEST(wire_frame, read_frame_rejects_an_end_of_file_inside_a_frame) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  Message m{"answer", {}};
  m.fields.put("k", std::int64_t{2});
  const std::string frame = encode(m);
  ASSERT_EQ(::write(fds[1], frame.data(), frame.size() - 1),
            static_cast<ssize_t>(frame.size() - 1));
  ::close(fds[1]);
  Message back;
  EXPECT_EQ(error_of([&] { read_frame(fds[0], back, 1 << 20); }), "end of file inside a frame");
  ::close(fds[0]);
}

TEST(wire_frame, writes_a_large_matrix_from_where_it_is_and_reads_it_back) {
  pg::testing::TempDir dir;
  const std::string path = (dir / "frame").string();
  Message m{"ok", {}};
  Mat big(300, 200);
  for (Eigen::Index i = 0; i < big.size(); ++i) big.data()[i] = 0.5 * static_cast<double>(i) - 7;
  m.fields.put("k", std::int64_t{3});
  m.fields.put("dists", big);
  m.fields.put("name", std::string("after the matrix"));
  m.fields.put("labels", IVec(IVec::LinSpaced(5000, 0, 4999)));
  {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    write_frame(fd, m);
    ::close(fd);
  }
  const int fd = ::open(path.c_str(), O_RDONLY);
  Message back;
  ASSERT_TRUE(read_frame(fd, back, 1 << 24));
  ::close(fd);
  // the same bytes as encode() gives
  EXPECT_EQ(static_cast<std::size_t>(std::filesystem::file_size(path)), encode(m).size());
  EXPECT_EQ(back.fields.integer("k"), 3);
  EXPECT_EQ(back.fields.mat("dists"), big);
  EXPECT_EQ(back.fields.text("name"), "after the matrix");
  EXPECT_EQ(back.fields.ivec("labels"), IVec(IVec::LinSpaced(5000, 0, 4999)));
}

TEST(wire_frame, a_descriptor_sent_with_a_frame_on_a_socket_comes_out_of_read_frame) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  const std::string frame = encode({"load", {}});
  int passed = ::open("/dev/null", O_RDONLY);
  struct iovec iov{const_cast<char*>(frame.data()), frame.size()};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &passed, sizeof passed);
  ASSERT_EQ(::sendmsg(sv[0], &msg, 0), static_cast<ssize_t>(frame.size()));
  ::close(passed);
  write_frame(sv[0], {"call", {}});  // no descriptor with this one
  Message back;
  int got = -2;
  ASSERT_TRUE(read_frame(sv[1], back, 1 << 20, &got));
  EXPECT_EQ(back.kind, "load");
  ASSERT_GE(got, 0);
  EXPECT_EQ(::fcntl(got, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  ::close(got);
  ASSERT_TRUE(read_frame(sv[1], back, 1 << 20, &got));
  EXPECT_EQ(back.kind, "call");
  EXPECT_EQ(got, -1);
  ::close(sv[0]);
  ::close(sv[1]);
}

Message some_inputs(double fill) {
  Message m{"inputs", {}};
  m.fields.put("X_train", Mat(Mat::Constant(400, 30, fill)));
  m.fields.put("y", IVec(IVec::Constant(400, 2)));
  m.fields.put("k", std::int64_t{5});
  return m;
}

TEST(sealed_payload, holds_the_payload_and_can_no_longer_be_changed) {
  const Message m = some_inputs(1.5);
  grader::SealedPayload sealed(m);
  EXPECT_EQ(sealed.bytes(), payload_size(m));
  const int seals = ::fcntl(sealed.fd(), F_GET_SEALS);
  EXPECT_EQ(seals & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
            F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  EXPECT_EQ(::pwrite(sealed.fd(), "x", 1, 0), -1);
  EXPECT_EQ(errno, EPERM);
  EXPECT_NE(::ftruncate(sealed.fd(), 10), 0);
  Message back = decode_memfd(sealed.fd(), 1 << 24);
  EXPECT_EQ(back.kind, "inputs");
  EXPECT_EQ(back.fields.mat("X_train"), Mat::Constant(400, 30, 1.5));
  EXPECT_EQ(back.fields.ivec("y"), IVec::Constant(400, 2));
  EXPECT_EQ(back.fields.integer("k"), 5);
}

TEST(sealed_payload, decoding_reuses_the_storage_of_values_of_the_same_name_and_size) {
  grader::SealedPayload first(some_inputs(1.0)), second(some_inputs(2.0));
  Bundle loaded = decode_memfd(first.fd(), 1 << 24).fields;
  const double* storage = loaded.mat("X_train").data();
  Bundle next = decode_memfd(second.fd(), 1 << 24, &loaded).fields;
  EXPECT_EQ(next.mat("X_train").data(), storage);
  EXPECT_EQ(next.mat("X_train"), Mat::Constant(400, 30, 2.0));
}

TEST(sealed_payload, decoding_refuses_passed_inputs_over_the_limit) {
  grader::SealedPayload sealed(some_inputs(1.0));
  EXPECT_EQ(error_of([&] { decode_memfd(sealed.fd(), 100); }),
            "passed inputs of " + std::to_string(sealed.bytes()) + " bytes are over the limit");
}

}  // namespace
}  // namespace pg::wire
