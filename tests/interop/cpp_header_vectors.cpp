// cpp_header_vectors: THeader frames written by Apache Thrift's C++ library
// (THeaderProtocol over a TMemoryBuffer), for header_vectors.c to compare
// with postern's byte for byte.
//
//   cpp_header_vectors DIR
//
// Writes DIR/header_<variant>.<protocol>.cpp.bin for the variants of
// py_header_vectors.py that have at most one info header (C++ keeps its
// headers in a sorted map, so several come out in key order): plain, zlib,
// zlib_info. The call: testString("hello header"), seqid 7.
#include <cstdio>
#include <memory>
#include <string>

#include <thrift/protocol/THeaderProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/THeaderTransport.h>

#include "ThriftTest.h"

using apache::thrift::protocol::T_BINARY_PROTOCOL;
using apache::thrift::protocol::T_CALL;
using apache::thrift::protocol::T_COMPACT_PROTOCOL;
using apache::thrift::protocol::THeaderProtocol;
using apache::thrift::transport::THeaderTransport;
using apache::thrift::transport::TMemoryBuffer;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: cpp_header_vectors DIR\n");
    return 2;
  }
  struct Variant {
    const char* name;
    bool zlib;
    bool info;
  };
  const Variant variants[] = {{"plain", false, false}, {"zlib", true, false},
                              {"zlib_info", true, true}};
  for (const Variant& v : variants) {
    for (int compact = 0; compact < 2; compact++) {
      auto mem = std::make_shared<TMemoryBuffer>();
      THeaderProtocol proto(mem, compact ? T_COMPACT_PROTOCOL : T_BINARY_PROTOCOL);
      auto trans = std::dynamic_pointer_cast<THeaderTransport>(proto.getTransport());
      if (v.zlib) trans->setTransform(THeaderTransport::ZLIB_TRANSFORM);
      if (v.info) trans->setHeader("k", std::string(200, 'v'));
      proto.writeMessageBegin("testString", T_CALL, 7);
      std::string thing = "hello header";
      thrift::test::ThriftTest_testString_pargs args;
      args.thing = &thing;
      args.write(&proto);
      proto.writeMessageEnd();
      trans->flush();
      std::string bytes = mem->getBufferAsString();
      std::string path = std::string(argv[1]) + "/header_" + v.name + "." +
                         (compact ? "compact" : "binary") + ".cpp.bin";
      FILE* f = std::fopen(path.c_str(), "wb");
      if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
        std::fprintf(stderr, "cpp_header_vectors: cannot write %s\n", path.c_str());
        return 1;
      }
      std::fclose(f);
    }
  }
  std::printf("cpp_header_vectors: wrote 6 frames to %s\n", argv[1]);
  return 0;
}
