// cpp_flags.h: the command line the C++ peers (cpp_server.cpp,
// cpp_client.cpp) share: Apache Thrift's cross-test runner's options,
// written --name=value or --name value, the ones both take parsed here and
// each program's own handed to it. A bad line is reported through the
// program's usage function, which exits with status 2.
#ifndef POSTERN_INTEROP_CPP_FLAGS_H
#define POSTERN_INTEROP_CPP_FLAGS_H

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace cpp_flags {

// What both programs take, with the runner's defaults.
struct Common {
  std::string protocol = "binary";   // as given: multi* included
  std::string transport = "buffered";
  std::string domain_socket;
  int port = 9090;
  bool abstract_namespace = false;   // domain_socket is a Linux abstract name
  bool ssl = false;
};

// Prints the message and the program's usage, then exits with status 2.
using Fail = void (*)(const std::string& msg);

// fail, which does not return (the exit is a safeguard).
[[noreturn]] inline void die(Fail fail, const std::string& msg) {
  fail(msg);
  std::exit(2);
}

// An option with a value the program takes itself: false when unknown.
using Other = std::function<bool(const std::string& opt, const std::string& val)>;

// argv[1..] into c: --abstract-namespace, --ssl and --zlib (which means
// --transport zlib, as the runner writes both) stand alone; --port (1 to
// 65535), --domain-socket, --protocol and --transport take a value, as does
// every option `other` knows.
inline void parse(int argc, char** argv, Common& c, const Other& other, Fail fail) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      args.push_back(a.substr(0, eq));
      args.push_back(a.substr(eq + 1));
    } else {
      args.push_back(a);
    }
  }
  for (size_t i = 0; i < args.size(); i++) {
    const std::string& opt = args[i];
    if (opt == "--abstract-namespace") {
      c.abstract_namespace = true;
      continue;
    }
    if (opt == "--ssl") {
      c.ssl = true;
      continue;
    }
    if (opt == "--zlib") {
      c.transport = "zlib";
      continue;
    }
    if (i + 1 >= args.size()) die(fail, opt + ": missing value (or unknown option)");
    const std::string& val = args[++i];
    if (opt == "--port") {
      char* end = nullptr;
      long p = std::strtol(val.c_str(), &end, 10);
      if (val.empty() || *end != '\0' || p <= 0 || p > 65535)
        die(fail, "--port: '" + val + "' is not a port number (1-65535)");
      c.port = static_cast<int>(p);
    } else if (opt == "--domain-socket") {
      c.domain_socket = val;
    } else if (opt == "--protocol") {
      c.protocol = val;
    } else if (opt == "--transport") {
      c.transport = val;
    } else if (!other(opt, val)) {
      die(fail, "unknown option '" + opt + "'");
    }
  }
}

// The protocol inside a multiplexed one (multi, multic, multij, multih:
// binary, compact, json, header), or protocol itself.
inline std::string inner_protocol(const std::string& protocol, bool* multiplexed) {
  *multiplexed = protocol.rfind("multi", 0) == 0;
  return protocol == "multi"    ? "binary"
         : protocol == "multic" ? "compact"
         : protocol == "multij" ? "json"
         : protocol == "multih" ? "header"
                                : protocol;
}

// The address of Unix socket `name`: an abstract name is a NUL byte, then
// the name (how libthrift's sockets take one).
inline std::string unix_address(const std::string& name, bool abstract_namespace) {
  return abstract_namespace ? std::string(1, '\0') + name : name;
}

}  // namespace cpp_flags

#endif
