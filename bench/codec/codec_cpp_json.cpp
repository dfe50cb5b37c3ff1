// codec_cpp_json: the JSON and header rows of the codec benchmark on the
// Thrift C++ side (libthrift 0.17's TJSONProtocol over a TMemoryBuffer, code
// from `thrift --gen cpp bench.thrift`, default options). The shared peer
// codec_cpp has binary and compact only; this program adds JSON with the
// same four messages and values (bench.thrift's header), the same timing
// (encode: rewind the buffer, value.write; decode: rewind the encoding, a
// fresh object, obj.read) and the same line format, so run.sh merges its
// rows with codec_cpp's:
//
//   lib=cpp msg=xtruct proto=json op=encode ns_op=310.2 bytes=104 n=... checksum=...
//
// --proto header: a whole THeader message, as a Thrift C++ client sends a
// call through THeaderProtocol (binary inside) over a TMemoryBuffer:
//   encode: rewind the buffer, writeMessageBegin(msg name, T_CALL, 7),
//           value.write, writeMessageEnd, writeEnd, flush (the frame:
//           length, header with the frame's seqid 7, envelope, struct)
//   decode: rewind the frame, readMessageBegin (reads the frame and its
//           header), a fresh object, obj.read, readMessageEnd, readEnd
//
// It also runs binary and compact (TBinaryProtocolT/TCompactProtocolT on
// TMemoryBuffer, as codec_cpp) when asked with --proto: with --iters, a
// fixed operation count, it is the C++ side of instruction counts under
// callgrind (bench/codec/instr.sh), which codec_cpp's calibrated loops
// cannot give.
//
//   --target-ms MS   time per row (default 300)
//   --iters N        exactly N operations per row (no calibration)
//   --dump DIR       also write each encoding to DIR/<msg>.<proto>.bin
//   --msg NAME       only this message (xtruct, insanity, oneofeach, doubles)
//   --proto NAME     json (default), header, binary or compact
//   --op NAME        only encode or only decode
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/protocol/THeaderProtocol.h>
#include <thrift/protocol/TJSONProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include "bench_types.h"

using apache::thrift::protocol::TBinaryProtocolT;
using apache::thrift::protocol::TCompactProtocolT;
using apache::thrift::protocol::THeaderProtocol;
using apache::thrift::protocol::TJSONProtocol;
using apache::thrift::transport::TMemoryBuffer;

namespace {

// A TMemoryBuffer whose read position can be moved back to the start, so the
// same encoding is decoded again without a copy; also restores the message
// size budget that borrow()/consume() draw from.
class RewindableBuffer : public TMemoryBuffer {
 public:
  explicit RewindableBuffer(uint32_t size) : TMemoryBuffer(size) {}
  void rewindRead() {
    rBase_ = buffer_;
    rBound_ = wBase_;
    resetConsumedMessageSize();
  }
  uint32_t unread() const { return static_cast<uint32_t>(wBase_ - rBase_); }
};

struct Options {
  double target_s = 0.3;
  uint64_t iters = 0;
  const char* dump_dir = nullptr;
  const char* only_msg = nullptr;
  const char* proto = "json";
  const char* only_op = nullptr;
};

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// codec_cpp's calibration: n grows until a batch takes >= 20 ms, then one
// batch scaled to target_s; with a fixed count, that count once.
template <class Body>
double measure(Body&& body, const Options& o, uint64_t* n_out, uint64_t* sum) {
  if (o.iters) {
    uint64_t t0 = now_ns();
    *sum += body(o.iters);
    *n_out = o.iters;
    return static_cast<double>(now_ns() - t0) / static_cast<double>(o.iters);
  }
  uint64_t n = 1;
  double el = 0;
  for (int i = 0; i < 40; i++) {
    uint64_t t0 = now_ns();
    *sum += body(n);
    el = static_cast<double>(now_ns() - t0) * 1e-9;
    if (el >= 0.02) break;
    n *= el < 0.002 ? 10 : 2;
  }
  uint64_t big = static_cast<uint64_t>(static_cast<double>(n) * o.target_s / (el > 0 ? el : 1e-9));
  if (big < 1) big = 1;
  uint64_t t0 = now_ns();
  *sum += body(big);
  double ns = static_cast<double>(now_ns() - t0);
  *n_out = big;
  return ns / static_cast<double>(big);
}

// ---- the values (bench.thrift's header)

bench::Xtruct make_xtruct(const char* s, int8_t b, int32_t i, int64_t l) {
  bench::Xtruct x;
  x.__set_string_thing(s);
  x.__set_byte_thing(b);
  x.__set_i32_thing(i);
  x.__set_i64_thing(l);
  return x;
}

bench::Xtruct value_xtruct() { return make_xtruct("Hello, codec bench!", -7, -123456, 1234567890123LL); }

bench::Insanity value_insanity() {
  bench::Insanity v;
  std::map<bench::Numberz::type, bench::UserId> m;
  m[bench::Numberz::FIVE] = 5000000000LL;
  m[bench::Numberz::EIGHT] = -8;
  v.__set_userMap(m);
  std::vector<bench::Xtruct> xs;
  xs.push_back(make_xtruct("Goodbye4", 4, 4, 4));
  xs.push_back(make_xtruct("Hello2", 2, 2, 2));
  v.__set_xtructs(xs);
  return v;
}

bench::OneOfEach value_oneofeach() {
  bench::OneOfEach v;
  v.__set_a_bool(true);
  v.__set_a_byte(-42);
  v.__set_an_i16(-12345);
  v.__set_an_i32(1073741831);
  v.__set_an_i64(-9007199254740991LL);
  v.__set_a_double(3.141592653589793);
  v.__set_a_string("one of each: ASCII only");
  std::string bin;
  for (int i = 0; i < 16; i++) bin.push_back(static_cast<char>(i));
  v.__set_a_binary(bin);
  v.__set_i16_list({1, -2, 300, -4000, 32767, -32768});
  v.__set_string_map({{"one", 1}, {"two", -2}, {"three", 300000}});
  return v;
}

bench::Doubles value_doubles() {
  bench::Doubles v;
  std::vector<double> d(10000);
  for (size_t i = 0; i < d.size(); i++) d[i] = static_cast<double>(i) * 0.25 - 1250.0;
  v.__set_values(d);
  return v;
}

// ---- digests of decoded values (as codec_cpp's)

uint64_t digest(const bench::Xtruct& x) {
  return x.string_thing.size() + static_cast<uint64_t>(x.byte_thing) + static_cast<uint64_t>(x.i32_thing) +
         static_cast<uint64_t>(x.i64_thing);
}
uint64_t digest(const bench::Insanity& v) {
  uint64_t s = v.userMap.size();
  for (const auto& kv : v.userMap) s += static_cast<uint64_t>(kv.second);
  for (const auto& x : v.xtructs) s += digest(x);
  return s;
}
uint64_t digest(const bench::OneOfEach& v) {
  return static_cast<uint64_t>(v.a_bool) + static_cast<uint64_t>(v.an_i64) + v.a_string.size() +
         v.a_binary.size() + v.i16_list.size() + v.string_map.size() + static_cast<uint64_t>(v.a_double);
}
uint64_t digest(const bench::Doubles& v) {
  return v.values.size() + static_cast<uint64_t>(v.values.empty() ? 0 : v.values.back());
}

bool selected(const char* only, const char* name) { return only == nullptr || std::strcmp(only, name) == 0; }

bool dump(const Options& o, const char* msg, const std::string& enc) {
  if (!o.dump_dir) return true;
  std::string path = std::string(o.dump_dir) + "/" + msg + "." + o.proto + ".bin";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(enc.data(), 1, enc.size(), f) != enc.size() || std::fclose(f) != 0) {
    std::fprintf(stderr, "codec_cpp_json: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  return true;
}

// A message's rows: decode(encode(x)) == x checked and the bytes dumped,
// then encode and decode timed. write_one() puts one message into buf
// (emptied first) and returns its size; read_one(out) reads one from buf's
// read position and returns a digest of it.
template <class T, class Write, class Read>
bool time_rows(const char* msg, const T& value, const Options& o, RewindableBuffer& buf, Write&& write_one,
               Read&& read_one) {
  write_one();
  uint8_t* p;
  uint32_t len;
  buf.getBuffer(&p, &len);
  std::string enc(reinterpret_cast<char*>(p), len);
  T back;
  read_one(back);
  if (!(back == value) || buf.unread() != 0) {
    std::fprintf(stderr, "codec_cpp_json: %s/%s: decode(encode(x)) != x\n", msg, o.proto);
    return false;
  }
  if (!dump(o, msg, enc)) return false;

  uint64_t n = 0, sum = 0;
  double ns;
  if (selected(o.only_op, "encode")) {
    ns = measure(
        [&](uint64_t iters) {
          uint64_t s = 0;
          for (uint64_t i = 0; i < iters; i++) {
            uint32_t l = write_one();
            uint8_t* q;
            uint32_t ql;
            buf.getBuffer(&q, &ql);
            s += l + q[l - 1];
          }
          return s;
        },
        o, &n, &sum);
    std::printf("lib=cpp msg=%s proto=%s op=encode ns_op=%.1f bytes=%zu n=%" PRIu64 " checksum=%" PRIu64 "\n", msg,
                o.proto, ns, enc.size(), n, sum);
    std::fflush(stdout);
  }

  buf.resetBuffer();
  buf.write(reinterpret_cast<const uint8_t*>(enc.data()), static_cast<uint32_t>(enc.size()));
  n = 0;
  sum = 0;
  if (selected(o.only_op, "decode")) {
    ns = measure(
        [&](uint64_t iters) {
          uint64_t s = 0;
          for (uint64_t i = 0; i < iters; i++) {
            buf.rewindRead();
            T out;
            s += read_one(out);
          }
          return s;
        },
        o, &n, &sum);
    std::printf("lib=cpp msg=%s proto=%s op=decode ns_op=%.1f bytes=%zu n=%" PRIu64 " checksum=%" PRIu64 "\n", msg,
                o.proto, ns, enc.size(), n, sum);
    std::fflush(stdout);
  }
  return true;
}


template <class Proto, class T>
bool run_rows(const char* msg, const T& value, const Options& o) {
  if (!selected(o.only_msg, msg)) return true;
  auto buf = std::make_shared<RewindableBuffer>(1u << 20);
  Proto proto(buf);
  return time_rows(
      msg, value, o, *buf,
      [&] {
        buf->resetBuffer();
        value.write(&proto);
        return buf->unread();
      },
      [&](T& out) {
        out.read(&proto);
        return digest(out);
      });
}

// The message envelope's (and the frame's) sequence id in the header rows;
// postern's codec-bench writes the same.
constexpr int32_t kHeaderSeqid = 7;

// One message as THeaderProtocol writes it, returning the frame's size.
template <class T>
uint32_t header_write(THeaderProtocol& proto, RewindableBuffer& buf, const char* msg, const T& value) {
  buf.resetBuffer();
  proto.writeMessageBegin(msg, apache::thrift::protocol::T_CALL, kHeaderSeqid);
  value.write(&proto);
  proto.writeMessageEnd();
  proto.getTransport()->writeEnd();
  proto.getTransport()->flush();
  return buf.unread();
}

// One message as THeaderProtocol reads it; the digest of the value and the
// envelope's seqid.
template <class T>
uint64_t header_read(THeaderProtocol& proto, T& out) {
  std::string name;
  apache::thrift::protocol::TMessageType type;
  int32_t seqid;
  proto.readMessageBegin(name, type, seqid);
  out.read(&proto);
  proto.readMessageEnd();
  proto.getTransport()->readEnd();
  return digest(out) + static_cast<uint64_t>(seqid) + name.size();
}

// The header rows: the same loops as run_rows around a whole message.
template <class T>
bool run_header_rows(const char* msg, const T& value, const Options& o) {
  if (!selected(o.only_msg, msg)) return true;
  auto buf = std::make_shared<RewindableBuffer>(1u << 20);
  THeaderProtocol proto(buf, apache::thrift::protocol::T_BINARY_PROTOCOL);
  auto hdr = std::dynamic_pointer_cast<apache::thrift::transport::THeaderTransport>(proto.getTransport());
  hdr->setSequenceNumber(kHeaderSeqid);
  return time_rows(
      msg, value, o, *buf, [&] { return header_write(proto, *buf, msg, value); },
      [&](T& out) { return header_read(proto, out); });
}

template <class Proto>
bool run_all(const Options& o) {
  return run_rows<Proto>("xtruct", value_xtruct(), o) && run_rows<Proto>("insanity", value_insanity(), o) &&
         run_rows<Proto>("oneofeach", value_oneofeach(), o) && run_rows<Proto>("doubles", value_doubles(), o);
}

bool run_all_header(const Options& o) {
  return run_header_rows("xtruct", value_xtruct(), o) && run_header_rows("insanity", value_insanity(), o) &&
         run_header_rows("oneofeach", value_oneofeach(), o) && run_header_rows("doubles", value_doubles(), o);
}

[[noreturn]] void usage(int rc) {
  std::fprintf(rc ? stderr : stdout,
               "usage: codec_cpp_json [--target-ms MS] [--iters N] [--dump DIR]\n"
               "                      [--msg xtruct|insanity|oneofeach|doubles]\n"
               "                      [--proto json|header|binary|compact] [--op encode|decode]\n");
  std::exit(rc);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") usage(0);
    if (i + 1 >= argc) usage(2);
    const char* v = argv[++i];
    char* end;
    if (a == "--target-ms") {
      double ms = std::strtod(v, &end);
      if (*end || !(ms > 0 && ms <= 60000)) usage(2);
      o.target_s = ms / 1000.0;
    } else if (a == "--iters") {
      o.iters = std::strtoull(v, &end, 10);
      if (*end) usage(2);
    } else if (a == "--dump") {
      o.dump_dir = v;
    } else if (a == "--msg") {
      o.only_msg = v;
    } else if (a == "--proto") {
      o.proto = v;
    } else if (a == "--op") {
      o.only_op = v;
    } else {
      usage(2);
    }
  }
  try {
    bool ok;
    if (std::strcmp(o.proto, "json") == 0)
      ok = run_all<TJSONProtocol>(o);
    else if (std::strcmp(o.proto, "header") == 0)
      ok = run_all_header(o);
    else if (std::strcmp(o.proto, "binary") == 0)
      ok = run_all<TBinaryProtocolT<TMemoryBuffer>>(o);
    else if (std::strcmp(o.proto, "compact") == 0)
      ok = run_all<TCompactProtocolT<TMemoryBuffer>>(o);
    else
      usage(2);
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "codec_cpp_json: %s\n", e.what());
    return 1;
  }
}
