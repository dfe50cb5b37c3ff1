// Flags and layer stacks shared by go_client and go_server.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/apache/thrift/lib/go/thrift"
)

type options struct {
	host, domainSocket     string
	port                   int
	protocol, transport    string
	ssl                    bool
	sslCert, sslKey, sslCA string
	multi                  bool
	inner                  string // the protocol under multi* and header
	conf                   *thrift.TConfiguration
	httpPath               string
	finiteDoubles          bool
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(2)
}

func parseFlags(prog string, server bool) *options {
	o := &options{}
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.StringVar(&o.host, "host", "127.0.0.1", "server host (client)")
	fs.IntVar(&o.port, "port", 9090, "TCP port")
	fs.StringVar(&o.domainSocket, "domain-socket", "", "Unix socket path instead of TCP")
	abstract := fs.Bool("abstract-namespace", false, "--domain-socket is a Linux abstract name")
	fs.StringVar(&o.protocol, "protocol", "binary", "binary|compact|json|header|multi|multic|multij|multih")
	fs.StringVar(&o.transport, "transport", "buffered", "buffered|framed|http|zlib")
	fs.BoolVar(&o.ssl, "ssl", false, "TLS")
	fs.StringVar(&o.sslCert, "ssl-cert", "", "server certificate (PEM)")
	fs.StringVar(&o.sslKey, "ssl-key", "", "server key (PEM)")
	fs.StringVar(&o.sslCA, "ssl-ca", "", "client: verify the server against this CA (PEM); without it, no verification")
	fs.StringVar(&o.httpPath, "http-path", "/", "client: path for --transport=http")
	fs.BoolVar(&o.finiteDoubles, "finite-doubles", false, "client: testDouble without inf and nan")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if *abstract && o.domainSocket != "" {
		o.domainSocket = "@" + o.domainSocket // Go's spelling of an abstract name
	}
	if fs.NArg() > 0 {
		fail("%s: unexpected argument %q", prog, fs.Arg(0))
	}
	switch o.protocol {
	case "binary", "compact", "json", "header":
		o.inner = o.protocol
	case "multi", "multic", "multij", "multih":
		o.multi = true
		o.inner = map[string]string{"multi": "binary", "multic": "compact",
			"multij": "json", "multih": "header"}[o.protocol]
	default:
		fail("%s: --protocol must be binary, compact, json, header, multi, multic, multij or multih, got %q", prog, o.protocol)
	}
	switch o.transport {
	case "buffered", "framed", "http", "zlib":
	default:
		fail("%s: --transport must be buffered, framed, http or zlib, got %q", prog, o.transport)
	}
	if server && o.ssl && (o.sslCert == "" || o.sslKey == "") {
		fail("%s: --ssl needs --ssl-cert and --ssl-key", prog)
	}
	o.conf = &thrift.TConfiguration{}
	return o
}

func (o *options) protocolFactory() thrift.TProtocolFactory {
	switch o.inner {
	case "compact":
		return thrift.NewTCompactProtocolFactoryConf(o.conf)
	case "json":
		return thrift.NewTJSONProtocolFactory()
	case "header":
		return thrift.NewTHeaderProtocolFactoryConf(o.conf)
	}
	return thrift.NewTBinaryProtocolFactoryConf(o.conf)
}

// transportFactory: the layers over the socket, as Thrift's Go cross-test
// programs stack them (zlib over framed is not a combination it runs).
func (o *options) transportFactory() thrift.TTransportFactory {
	switch o.transport {
	case "framed":
		return thrift.NewTFramedTransportFactoryConf(thrift.NewTTransportFactory(), o.conf)
	case "zlib":
		return thrift.NewTZlibTransportFactoryWithFactory(6, thrift.NewTBufferedTransportFactory(8192))
	}
	return thrift.NewTBufferedTransportFactory(8192)
}
