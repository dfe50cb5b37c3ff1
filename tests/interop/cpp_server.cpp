// ThriftTest server on Apache Thrift's C++ library (Debian libthrift-dev),
// the established peer postern's client is checked against. The service code
// comes from `thrift --gen cpp ThriftTest.thrift` at build time; this file is
// the handler (each method as ThriftTest.thrift's comments say) and the
// choice of server, protocol and transport.
//
//   cpp_server --port N [--bind ADDR] [--domain-socket PATH] [--abstract-namespace]
//              [--protocol binary|compact|json|header|multi|multic|multij|multih]
//              [--transport buffered|framed|http|zlib] [--server-type simple|threaded]
//              [--ssl [--ssl-cert FILE] [--ssl-key FILE]]
//
// Options may be written --name=value, as Apache Thrift's cross-test runner
// does. multi, multic and multij serve ThriftTest and SecondService through
// a TMultiplexedProcessor (ThriftTest also for bare names).
// --abstract-namespace makes --domain-socket a Linux abstract socket name.
// --ssl serves TLS (TSSLServerSocket) with the project's test certificate
// (tests/keys/server.crt and server.key) unless --ssl-cert/--ssl-key say
// otherwise; clients are not asked for certificates. --zlib means
// --transport zlib, as Thrift's cross-test runner writes both.
//
// Prints "ready" on stdout when it is about to accept connections.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/processor/TMultiplexedProcessor.h>
#include <thrift/protocol/THeaderProtocol.h>
#include <thrift/protocol/TJSONProtocol.h>
#include <thrift/server/TSimpleServer.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/THttpServer.h>
#include <thrift/transport/TSSLServerSocket.h>
#include <thrift/transport/TSSLSocket.h>
#include <thrift/transport/TServerSocket.h>
#include <thrift/transport/TZlibTransport.h>

#include "SecondService.h"
#include "ThriftTest.h"
#include "cpp_flags.h"

using namespace apache::thrift;
using namespace apache::thrift::protocol;
using namespace apache::thrift::server;
using namespace apache::thrift::transport;
using namespace thrift::test;

namespace {

class SecondHandler : public SecondServiceIf {
 public:
  void secondtestString(std::string& out, const std::string& thing) override {
    out = "testString(\"" + thing + "\")";
  }
};

class TestHandler : public ThriftTestIf {
 public:
  void testVoid() override {}
  void testString(std::string& out, const std::string& thing) override { out = thing; }
  bool testBool(const bool thing) override { return thing; }
  int8_t testByte(const int8_t thing) override { return thing; }
  int32_t testI32(const int32_t thing) override { return thing; }
  int64_t testI64(const int64_t thing) override { return thing; }
  double testDouble(const double thing) override { return thing; }
  void testBinary(std::string& out, const std::string& thing) override { out = thing; }
  void testStruct(Xtruct& out, const Xtruct& thing) override { out = thing; }
  void testNest(Xtruct2& out, const Xtruct2& thing) override { out = thing; }
  void testMap(std::map<int32_t, int32_t>& out, const std::map<int32_t, int32_t>& thing) override {
    out = thing;
  }
  void testStringMap(std::map<std::string, std::string>& out,
                     const std::map<std::string, std::string>& thing) override {
    out = thing;
  }
  void testSet(std::set<int32_t>& out, const std::set<int32_t>& thing) override { out = thing; }
  void testList(std::vector<int32_t>& out, const std::vector<int32_t>& thing) override {
    out = thing;
  }
  Numberz::type testEnum(const Numberz::type thing) override { return thing; }
  UserId testTypedef(const UserId thing) override { return thing; }

  void testMapMap(std::map<int32_t, std::map<int32_t, int32_t>>& out, const int32_t) override {
    for (int32_t i = 1; i <= 4; i++) {
      out[4][i] = i;
      out[-4][-i] = -i;
    }
  }

  void testInsanity(std::map<UserId, std::map<Numberz::type, Insanity>>& out,
                    const Insanity& argument) override {
    out[1][Numberz::TWO] = argument;
    out[1][Numberz::THREE] = argument;
    out[2][Numberz::SIX] = Insanity();  // empty map, empty list
  }

  void testMulti(Xtruct& out, const int8_t arg0, const int32_t arg1, const int64_t arg2,
                 const std::map<int16_t, std::string>&, const Numberz::type, const UserId) override {
    out.__set_string_thing("Hello2");
    out.__set_byte_thing(arg0);
    out.__set_i32_thing(arg1);
    out.__set_i64_thing(arg2);
  }

  void testException(const std::string& arg) override {
    if (arg == "Xception") {
      Xception x;
      x.__set_errorCode(1001);
      x.__set_message(arg);
      throw x;
    }
    // The generated processor turns any other std::exception into a
    // TApplicationException reply.
    if (arg == "TException") throw TException("This is a TException");
  }

  void testMultiException(Xtruct& out, const std::string& arg0, const std::string& arg1) override {
    if (arg0 == "Xception") {
      Xception x;
      x.__set_errorCode(1001);
      x.__set_message("This is an Xception");
      throw x;
    }
    if (arg0 == "Xception2") {
      Xception2 x;
      x.__set_errorCode(2002);
      x.struct_thing.__set_string_thing("This is an Xception2");
      x.__isset.struct_thing = true;
      throw x;
    }
    out.__set_string_thing(arg1);
  }

  void testOneway(const int32_t secondsToSleep) override {
    std::this_thread::sleep_for(std::chrono::seconds(secondsToSleep));
  }
};

// libthrift 0.17's TFramedTransport counts every byte it ever receives
// against one 100 MB per-connection budget (upstream THRIFT-5492) and drops
// the connection when it runs out. Interop tests are far below that, but a
// long --testloops run is not: give the budget back after each message.
class BudgetResettingFramedTransport : public TFramedTransport {
 public:
  explicit BudgetResettingFramedTransport(std::shared_ptr<TTransport> t)
      : TFramedTransport(std::move(t)) {}
  uint32_t readEnd() override {
    uint32_t n = TFramedTransport::readEnd();
    resetConsumedMessageSize();
    return n;
  }
};

class BudgetResettingFramedFactory : public TTransportFactory {
 public:
  std::shared_ptr<TTransport> getTransport(std::shared_ptr<TTransport> t) override {
    return std::make_shared<BudgetResettingFramedTransport>(std::move(t));
  }
};

// serve() calls listen() itself; main listens earlier so that "ready" is
// only printed once the port is bound. The second call must do nothing.
template <typename Listener>
class ListenOnce : public Listener {
 public:
  using Listener::Listener;
  void listen() override {
    if (listening_once_) return;
    Listener::listen();
    listening_once_ = true;
  }

 private:
  bool listening_once_ = false;
};

[[noreturn]] void usage_error(const std::string& msg) {
  std::fprintf(stderr,
               "cpp_server: %s\nusage: cpp_server --port N [--bind ADDR] [--domain-socket PATH]\n"
               "         [--protocol binary|compact|json|header]\n"
               "         [--transport buffered|framed|zlib]\n"
               "         [--server-type simple|threaded]\n"
               "         [--ssl [--ssl-cert FILE] [--ssl-key FILE]]\n",
               msg.c_str());
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  // As Thrift's own test programs: a peer that hangs up must not kill this
  // process (OpenSSL writes its close_notify with plain write()).
  std::signal(SIGPIPE, SIG_IGN);
  cpp_flags::Common c;
  std::string server_type = "threaded", bind = "127.0.0.1";
  std::string ssl_cert = POSTERN_TEST_KEYS_DIR "/server.crt";
  std::string ssl_key = POSTERN_TEST_KEYS_DIR "/server.key";
  cpp_flags::parse(argc, argv, c, [&](const std::string& opt, const std::string& val) {
    if (opt == "--bind")
      bind = val;
    else if (opt == "--server-type")
      server_type = val;
    else if (opt == "--ssl-cert")
      ssl_cert = val;
    else if (opt == "--ssl-key")
      ssl_key = val;
    else
      return false;
    return true;
  }, usage_error);
  bool multiplexed;
  std::string protocol = cpp_flags::inner_protocol(c.protocol, &multiplexed);
  const std::string& transport = c.transport;
  const std::string& domain_socket = c.domain_socket;

  std::shared_ptr<TProtocolFactory> pfactory;
  if (protocol == "binary")
    pfactory = std::make_shared<TBinaryProtocolFactory>();
  else if (protocol == "compact")
    pfactory = std::make_shared<TCompactProtocolFactory>();
  else if (protocol == "json")
    pfactory = std::make_shared<TJSONProtocolFactory>();
  else if (protocol == "header")
    pfactory = std::make_shared<THeaderProtocolFactory>();
  else
    usage_error("--protocol: '" + protocol + "' is not binary, compact, json or header");

  std::shared_ptr<TTransportFactory> tfactory;
  if (transport == "buffered")
    tfactory = std::make_shared<TBufferedTransportFactory>();
  else if (transport == "framed")
    tfactory = std::make_shared<BudgetResettingFramedFactory>();
  else if (transport == "http")
    tfactory = std::make_shared<THttpServerTransportFactory>();
  else if (transport == "zlib")  // over the socket, as Thrift's TestServer
    tfactory = std::make_shared<TZlibTransportFactory>();
  else
    usage_error("--transport: '" + transport + "' is not buffered, framed, http or zlib");

  std::shared_ptr<TServerSocket> listener;
  if (c.ssl) {
    if (!domain_socket.empty())
      usage_error("--ssl: TCP only (not with --domain-socket " + domain_socket + ")");
    // one factory for the process: it sets up OpenSSL on first construction
    std::shared_ptr<TSSLSocketFactory> ssl_factory;
    try {
      ssl_factory = std::make_shared<TSSLSocketFactory>();
      ssl_factory->server(true);
      ssl_factory->loadCertificate(ssl_cert.c_str());
      ssl_factory->loadPrivateKey(ssl_key.c_str());
    } catch (const TException& e) {
      std::fprintf(stderr, "cpp_server: TLS setup (%s, %s): %s\n", ssl_cert.c_str(),
                   ssl_key.c_str(), e.what());
      return 1;
    }
    listener = std::make_shared<ListenOnce<TSSLServerSocket>>(bind, c.port, ssl_factory);
  } else if (!domain_socket.empty()) {
    listener = std::make_shared<ListenOnce<TServerSocket>>(
        cpp_flags::unix_address(domain_socket, c.abstract_namespace));
  } else {
    listener = std::make_shared<ListenOnce<TServerSocket>>(bind, c.port);
  }

  std::shared_ptr<TProcessor> processor =
      std::make_shared<ThriftTestProcessor>(std::make_shared<TestHandler>());
  if (multiplexed) {
    auto mx = std::make_shared<TMultiplexedProcessor>();
    mx->registerDefault(processor);
    mx->registerProcessor("ThriftTest", processor);
    mx->registerProcessor("SecondService",
                          std::make_shared<SecondServiceProcessor>(std::make_shared<SecondHandler>()));
    processor = mx;
  }
  std::unique_ptr<TServer> server;
  if (server_type == "simple")
    server.reset(new TSimpleServer(processor, listener, tfactory, pfactory));
  else if (server_type == "threaded")
    server.reset(new TThreadedServer(processor, listener, tfactory, pfactory));
  else
    usage_error("--server-type: '" + server_type + "' is not simple or threaded");

  if (protocol == "header")  // replies through the request's own THeaderProtocol
    server->setOutputProtocolFactory(std::shared_ptr<TProtocolFactory>());

  try {
    listener->listen();  // bind now, so "ready" means connectable
  } catch (const TException& e) {
    std::fprintf(stderr, "cpp_server: cannot listen: %s\n", e.what());
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  try {
    server->serve();
  } catch (const TException& e) {
    std::fprintf(stderr, "cpp_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
