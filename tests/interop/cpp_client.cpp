// ThriftTest client on Apache Thrift's C++ library (Debian libthrift-dev): the
// C++ side calling postern's servers. Every method is called and each answer
// compared with what ThriftTest.thrift documents (fewer values than the
// Python client: that one is the thorough check; this one shows that
// Thrift's C++ client code agrees with postern's servers).
//
//   cpp_client --port N [--host H] [--domain-socket PATH] [--abstract-namespace]
//              [--protocol binary|compact|json|header|multi|multic|multij|multih]
//              [--transport buffered|framed|http|zlib] [--zlib]
//              [--ssl [--ssl-ca FILE]]
//
// Options may be written --name=value, as Apache Thrift's cross-test runner
// does. The multi* protocols call ThriftTest as service "ThriftTest" through
// TMultiplexedProtocol and SecondService.secondtestString too; multih is
// THeaderProtocol underneath. zlib is TZlibTransport over a buffered socket,
// messages unframed inside (--zlib, as the runner also writes it, means the
// same). --ssl talks TLS (TSSLSocket); the server's certificate is verified
// only with --ssl-ca, as Thrift's cross-test clients leave it unchecked.
// THeader's own zlib transform is not used: libthrift 0.17's
// THeaderTransport crashes on it.
// Exit status: Thrift's cross-test bitmask (1 base types, 2 structs,
// 4 containers, 8 exceptions, 64 no connection); failures on stderr.
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/protocol/TJSONProtocol.h>
#include <thrift/protocol/THeaderProtocol.h>
#include <thrift/protocol/TMultiplexedProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/THttpClient.h>
#include <thrift/transport/TSSLSocket.h>
#include <thrift/transport/TSocket.h>
#include <thrift/transport/TZlibTransport.h>

#include "SecondService.h"
#include "ThriftTest.h"
#include "cpp_flags.h"

using namespace apache::thrift;
using namespace apache::thrift::protocol;
using namespace apache::thrift::transport;
using namespace thrift::test;

namespace {

enum { BASETYPES = 1, STRUCTS = 2, CONTAINERS = 4, EXCEPTIONS = 8, UNKNOWN = 64 };

int status = 0;
int failures = 0;

void fail(int group, const std::string& what) {
  std::fprintf(stderr, "FAIL %s\n", what.c_str());
  status |= group;
  failures++;
}

template <typename T>
void expect(int group, const char* what, const T& got, const T& want) {
  if (!(got == want)) fail(group, std::string(what) + ": answer differs");
}

Xtruct xtruct(const std::string& s, int8_t b, int32_t i, int64_t l) {
  Xtruct x;
  x.__set_string_thing(s);
  x.__set_byte_thing(b);
  x.__set_i32_thing(i);
  x.__set_i64_thing(l);
  return x;
}

// Run one check; a transport or protocol failure fails its group.
template <typename F>
void check(int group, const char* what, F f) {
  try {
    f();
  } catch (const TException& e) {
    fail(group, std::string(what) + ": " + e.what());
  }
}

void run(ThriftTestClient& c, SecondServiceClient* second) {
  check(BASETYPES, "testVoid", [&] { c.testVoid(); });
  check(BASETYPES, "testString", [&] {
    std::string s, want = "Grüße \xF0\x9F\x99\x82 \"quoted\"\n";
    c.testString(s, want);
    expect(BASETYPES, "testString", s, want);
  });
  check(BASETYPES, "testBool", [&] {
    expect(BASETYPES, "testBool(true)", c.testBool(true), true);
    expect(BASETYPES, "testBool(false)", c.testBool(false), false);
  });
  check(BASETYPES, "testByte", [&] {
    expect<int8_t>(BASETYPES, "testByte", c.testByte(-128), -128);
  });
  check(BASETYPES, "testI32", [&] {
    expect<int32_t>(BASETYPES, "testI32", c.testI32(-2147483647 - 1), -2147483647 - 1);
  });
  check(BASETYPES, "testI64", [&] {
    expect<int64_t>(BASETYPES, "testI64", c.testI64(-34359738368LL), -34359738368LL);
  });
  check(BASETYPES, "testDouble", [&] {
    expect(BASETYPES, "testDouble", c.testDouble(-5.2098523), -5.2098523);
    expect(BASETYPES, "testDouble(1e300)", c.testDouble(1e300), 1e300);
  });
  check(BASETYPES, "testBinary", [&] {
    std::string b, want;
    for (int i = 0; i < 256; i++) want.push_back(static_cast<char>(i));
    c.testBinary(b, want);
    expect(BASETYPES, "testBinary", b, want);
  });
  check(STRUCTS, "testStruct", [&] {
    Xtruct got, want = xtruct("Zero", 1, -3, -5);
    c.testStruct(got, want);
    expect(STRUCTS, "testStruct", got, want);
  });
  check(STRUCTS, "testNest", [&] {
    Xtruct2 got, want;
    want.__set_byte_thing(1);
    want.__set_struct_thing(xtruct("Zero", 1, -3, -5));
    want.__set_i32_thing(5);
    c.testNest(got, want);
    expect(STRUCTS, "testNest", got, want);
  });
  check(CONTAINERS, "testMap", [&] {
    std::map<int32_t, int32_t> got, want;
    for (int32_t i = 0; i < 5; i++) want[i] = i - 10;
    c.testMap(got, want);
    expect(CONTAINERS, "testMap", got, want);
  });
  check(CONTAINERS, "testStringMap", [&] {
    std::map<std::string, std::string> got, want = {{"a", "2"}, {"b", "blah"}, {"", ""}};
    c.testStringMap(got, want);
    expect(CONTAINERS, "testStringMap", got, want);
  });
  check(CONTAINERS, "testSet", [&] {
    std::set<int32_t> got, want = {-2, -1, 0, 1, 2};
    c.testSet(got, want);
    expect(CONTAINERS, "testSet", got, want);
  });
  check(CONTAINERS, "testList", [&] {
    std::vector<int32_t> got, want = {-2, -1, 0, 1, 2};
    c.testList(got, want);
    expect(CONTAINERS, "testList", got, want);
  });
  check(STRUCTS, "testEnum", [&] {
    expect(STRUCTS, "testEnum", c.testEnum(Numberz::EIGHT), Numberz::EIGHT);
  });
  check(STRUCTS, "testTypedef", [&] {
    expect<UserId>(STRUCTS, "testTypedef", c.testTypedef(309858235082523LL), 309858235082523LL);
  });
  check(CONTAINERS, "testMapMap", [&] {
    std::map<int32_t, std::map<int32_t, int32_t>> got, want;
    for (int32_t i = 1; i <= 4; i++) {
      want[4][i] = i;
      want[-4][-i] = -i;
    }
    c.testMapMap(got, 1);
    expect(CONTAINERS, "testMapMap", got, want);
  });
  check(STRUCTS, "testInsanity", [&] {
    Insanity arg;
    arg.userMap[Numberz::FIVE] = 5;
    arg.userMap[Numberz::EIGHT] = 8;
    arg.xtructs.push_back(xtruct("Goodbye4", 4, 4, 4));
    arg.xtructs.push_back(xtruct("Hello2", 2, 2, 2));
    arg.__isset.userMap = arg.__isset.xtructs = true;
    std::map<UserId, std::map<Numberz::type, Insanity>> got, want;
    want[1][Numberz::TWO] = arg;
    want[1][Numberz::THREE] = arg;
    Insanity empty;
    empty.__isset.userMap = empty.__isset.xtructs = true;
    want[2][Numberz::SIX] = empty;
    c.testInsanity(got, arg);
    // compare values, not isset flags (a peer may leave empty ones unset)
    bool same = got.size() == want.size();
    for (auto& [k, inner] : want) {
      if (!same || !got.count(k) || got[k].size() != inner.size()) { same = false; break; }
      for (auto& [n, ins] : inner)
        if (!got[k].count(n) || got[k][n].userMap != ins.userMap ||
            !(got[k][n].xtructs == ins.xtructs))
          same = false;
    }
    if (!same) fail(STRUCTS, "testInsanity: answer differs");
  });
  check(STRUCTS, "testMulti", [&] {
    Xtruct got;
    std::map<int16_t, std::string> m = {{1, "abc"}};
    c.testMulti(got, 9, 11, 12, m, Numberz::FIVE, 13);
    expect(STRUCTS, "testMulti", got, xtruct("Hello2", 9, 11, 12));
  });
  check(EXCEPTIONS, "testException", [&] {
    try {
      c.testException("Xception");
      fail(EXCEPTIONS, "testException(Xception): returned normally");
    } catch (const Xception& e) {
      if (e.errorCode != 1001 || e.message != "Xception")
        fail(EXCEPTIONS, "testException(Xception): wrong Xception");
    }
    try {
      c.testException("TException");
      fail(EXCEPTIONS, "testException(TException): returned normally");
    } catch (const TApplicationException&) {
    }
    c.testException("success");
  });
  check(EXCEPTIONS, "testMultiException", [&] {
    Xtruct got;
    try {
      c.testMultiException(got, "Xception", "x");
      fail(EXCEPTIONS, "testMultiException(Xception): returned normally");
    } catch (const Xception& e) {
      if (e.errorCode != 1001 || e.message != "This is an Xception")
        fail(EXCEPTIONS, "testMultiException(Xception): wrong Xception");
    }
    try {
      c.testMultiException(got, "Xception2", "x");
      fail(EXCEPTIONS, "testMultiException(Xception2): returned normally");
    } catch (const Xception2& e) {
      if (e.errorCode != 2002 || e.struct_thing.string_thing != "This is an Xception2")
        fail(EXCEPTIONS, "testMultiException(Xception2): wrong Xception2");
    }
    c.testMultiException(got, "success", "foobar");
    if (got.string_thing != "foobar") fail(EXCEPTIONS, "testMultiException(success)");
  });
  check(BASETYPES, "testOneway", [&] {
    c.testOneway(1);
    std::string s;
    c.testString(s, "after oneway");
    expect(BASETYPES, "testString after testOneway", s, std::string("after oneway"));
  });
  if (second) {
    check(BASETYPES, "secondtestString", [&] {
      std::string s;
      second->secondtestString(s, "postern");
      expect(BASETYPES, "secondtestString", s, std::string("testString(\"postern\")"));
    });
  }
}

// Without --ssl-ca nothing about the server is checked: libthrift asks its
// access manager about the peer's address and names after the handshake,
// and the default one refuses a name it cannot match.
class AllowAnyPeer : public AccessManager {
 public:
  Decision verify(const sockaddr_storage&) noexcept override { return ALLOW; }
  Decision verify(const std::string&, const char*, int) noexcept override { return ALLOW; }
  Decision verify(const sockaddr_storage&, const char*, int) noexcept override { return ALLOW; }
};

// libthrift also refuses a connection whose chain OpenSSL could not verify
// (SSL_get_verify_result), even when verification is off: for the
// unchecked client, every certificate in the chain counts as verified.
class UncheckedSSLSocketFactory : public TSSLSocketFactory {
 public:
  UncheckedSSLSocketFactory() {
    authenticate(false);
    access(std::make_shared<AllowAnyPeer>());
    SSL_CTX_set_verify(ctx_->get(), SSL_VERIFY_NONE, accept_any);
  }

 private:
  static int accept_any(int, X509_STORE_CTX* store) {
    X509_STORE_CTX_set_error(store, X509_V_OK);
    return 1;
  }
};

[[noreturn]] void usage_error(const std::string& msg) {
  std::fprintf(stderr,
               "cpp_client: %s\nusage: cpp_client --port N [--host H] [--domain-socket PATH]\n"
               "         [--abstract-namespace]\n"
               "         [--protocol binary|compact|json|header|multi|multic|multij|multih]\n"
               "         [--transport buffered|framed|http|zlib] [--zlib] [--ssl [--ssl-ca FILE]]\n",
               msg.c_str());
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  // As Thrift's own test programs: a peer that hangs up must not kill this
  // process (OpenSSL writes its close_notify with plain write()).
  std::signal(SIGPIPE, SIG_IGN);
  cpp_flags::Common c;
  std::string host = "127.0.0.1", ssl_ca;
  cpp_flags::parse(argc, argv, c, [&](const std::string& opt, const std::string& val) {
    if (opt == "--host")
      host = val;
    else if (opt == "--ssl-ca")
      ssl_ca = val;
    else
      return false;
    return true;
  }, usage_error);
  bool multiplexed;
  std::string codec = cpp_flags::inner_protocol(c.protocol, &multiplexed);
  const std::string &protocol = c.protocol, &transport = c.transport;
  const std::string& domain_socket = c.domain_socket;
  const bool ssl = c.ssl;
  if (!ssl_ca.empty() && !ssl) usage_error("--ssl-ca: only with --ssl");

  std::shared_ptr<TSocket> sock;
  // one factory for the process: it sets up OpenSSL on first construction
  std::shared_ptr<TSSLSocketFactory> ssl_factory;
  if (ssl) {
    try {
      if (ssl_ca.empty()) {
        ssl_factory = std::make_shared<UncheckedSSLSocketFactory>();
      } else {
        ssl_factory = std::make_shared<TSSLSocketFactory>();
        ssl_factory->loadTrustedCertificates(ssl_ca.c_str());
        ssl_factory->authenticate(true);
      }
    } catch (const TException& e) {
      std::fprintf(stderr, "cpp_client: TLS setup: %s\n", e.what());
      return UNKNOWN;
    }
    if (!domain_socket.empty()) usage_error("--ssl: TCP only (not with --domain-socket)");
    sock = ssl_factory->createSocket(host, c.port);
  } else if (!domain_socket.empty()) {
    sock = std::make_shared<TSocket>(cpp_flags::unix_address(domain_socket, c.abstract_namespace));
  } else {
    sock = std::make_shared<TSocket>(host, c.port);
  }
  sock->setRecvTimeout(20000);
  sock->setSendTimeout(20000);
  std::shared_ptr<TTransport> trans;
  if (transport == "buffered")
    trans = std::make_shared<TBufferedTransport>(sock);
  else if (transport == "framed")
    trans = std::make_shared<TFramedTransport>(sock);
  else if (transport == "http")
    trans = std::make_shared<THttpClient>(sock, host, "/");
  else if (transport == "zlib")  // as Thrift's TestClient: zlib over a buffered socket
    trans = std::make_shared<TZlibTransport>(std::make_shared<TBufferedTransport>(sock));
  else
    usage_error("--transport: '" + transport + "' is not buffered, framed, http or zlib");
  std::shared_ptr<TProtocol> proto;
  if (codec == "binary")
    proto = std::make_shared<TBinaryProtocol>(trans);
  else if (codec == "compact")
    proto = std::make_shared<TCompactProtocol>(trans);
  else if (codec == "json")
    proto = std::make_shared<TJSONProtocol>(trans);
  else if (codec == "header")  // binary inside, no transforms
    proto = std::make_shared<THeaderProtocol>(trans);
  else
    usage_error("--protocol: '" + protocol +
                "' is not binary, compact, json, header, multi, multic, multij or multih");

  try {
    trans->open();
  } catch (const TException& e) {
    std::fprintf(stderr, "cpp_client: cannot connect: %s\n", e.what());
    return UNKNOWN;
  }
  std::unique_ptr<SecondServiceClient> second;
  std::unique_ptr<ThriftTestClient> client;
  if (multiplexed) {
    client.reset(new ThriftTestClient(std::make_shared<TMultiplexedProtocol>(proto, "ThriftTest")));
    second.reset(new SecondServiceClient(std::make_shared<TMultiplexedProtocol>(proto, "SecondService")));
  } else {
    client.reset(new ThriftTestClient(proto));
  }
  run(*client, second.get());
  try {
    trans->close();
  } catch (const TException& e) {  // the checks are done; say so, do not abort
    std::fprintf(stderr, "cpp_client: close: %s\n", e.what());
  }
  std::printf("%d check(s) failed, exit status %d\n", failures, status);
  return status;
}
