// cpp-layers-server: Apache Thrift C++'s Echo server with the TLS or zlib
// layer, the peer for bench/servers/layers.sh.
//
//   cpp-layers-server --port N --layer tls --ssl-cert FILE --ssl-key FILE
//   cpp-layers-server --port N --layer zlib
//
// tls:  TSSLServerSocket (TLS 1.2 or later, no client certificates), framed
//       binary inside.
// zlib: TZlibTransport over TBufferedTransport on a plain socket, binary
//       messages unframed inside, as Thrift's own TestServer serves zlib.
//
// The server is TThreadedServer (a thread per connection): it is the only
// Thrift C++ server that serves both layers. TNonblockingServer reads frames
// itself and so cannot carry a zlib stream with unframed messages inside,
// and Thrift's TestServer runs TLS and zlib on TThreadedServer too.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSSLServerSocket.h>
#include <thrift/transport/TSSLSocket.h>
#include <thrift/transport/TServerSocket.h>
#include <thrift/transport/TZlibTransport.h>

#include "Echo.h"

using namespace apache::thrift;
using namespace apache::thrift::protocol;
using namespace apache::thrift::server;
using namespace apache::thrift::transport;

namespace {

class EchoHandler : public EchoIf {
 public:
  void echo(EchoRes& out, const EchoReq& req) override { out.__set_msg(req.msg); }
};

// libthrift 0.17 counts every byte a connection ever receives against one
// 100 MB budget (THRIFT-5492) and then drops it; a long benchmark run would
// reach it, so the budget is given back after each message.
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

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "cpp-layers-server: %s\n"
               "usage: cpp-layers-server --port N --layer tls|zlib "
               "[--ssl-cert FILE --ssl-key FILE]\n",
               why);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  std::string layer, cert, key;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage("every option takes a value");
    const char* v = argv[++i];
    if (a == "--port")
      port = std::atoi(v);
    else if (a == "--layer")
      layer = v;
    else if (a == "--ssl-cert")
      cert = v;
    else if (a == "--ssl-key")
      key = v;
    else
      usage("unknown option");
  }
  if (port <= 0 || port > 65535) usage("--port must be 1..65535");

  std::shared_ptr<TServerSocket> socket;
  std::shared_ptr<TTransportFactory> tfactory;
  if (layer == "tls") {
    if (cert.empty() || key.empty()) usage("--layer tls needs --ssl-cert and --ssl-key");
    auto ssl = std::make_shared<TSSLSocketFactory>(TLSv1_2);
    ssl->loadCertificate(cert.c_str());
    ssl->loadPrivateKey(key.c_str());
    ssl->authenticate(false);
    socket = std::make_shared<TSSLServerSocket>("127.0.0.1", port, ssl);
    tfactory = std::make_shared<BudgetResettingFramedFactory>();
  } else if (layer == "zlib") {
    socket = std::make_shared<TServerSocket>("127.0.0.1", port);
    tfactory = std::make_shared<TZlibTransportFactory>(
        std::make_shared<TBufferedTransportFactory>());
  } else {
    usage("--layer must be tls or zlib");
  }
  auto processor = std::make_shared<EchoProcessor>(std::make_shared<EchoHandler>());
  TThreadedServer server(processor, socket, tfactory, std::make_shared<TBinaryProtocolFactory>());
  std::fprintf(stderr, "cpp-layers-server: %s on 127.0.0.1:%d\n", layer.c_str(), port);
  server.serve();
  return 0;
}
