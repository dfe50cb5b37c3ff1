// go_server: ThriftTest server on Apache Thrift's Go library (Debian
// golang-thrift-dev 0.17), the Go peer for postern's thrifttest-client.
// Every method behaves as the comments in tests/interop/ThriftTest.thrift say,
// as py_server.py does.
//
//	go_server [--port=N] [--domain-socket=PATH [--abstract-namespace]]
//	          [--protocol=binary|compact|json|header|multi|multic|multij|multih]
//	          [--transport=buffered|framed|http|zlib] [--ssl --ssl-cert=F --ssl-key=F]
//
// The multi* protocols serve ThriftTest and SecondService on one port,
// multiplexed (ThriftTest is also the default for bare names). Prints
// "ready" on stdout once it listens. Flags take the --name=value form
// Apache Thrift's cross-test runner passes, or --name value.
package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"thrifttest"
)

type handler struct{}

func (handler) TestVoid(ctx context.Context) error                       { return nil }
func (handler) TestString(ctx context.Context, s string) (string, error) { return s, nil }
func (handler) TestBool(ctx context.Context, b bool) (bool, error)       { return b, nil }
func (handler) TestByte(ctx context.Context, b int8) (int8, error)       { return b, nil }
func (handler) TestI32(ctx context.Context, v int32) (int32, error)      { return v, nil }
func (handler) TestI64(ctx context.Context, v int64) (int64, error)      { return v, nil }
func (handler) TestDouble(ctx context.Context, v float64) (float64, error) {
	return v, nil
}
func (handler) TestBinary(ctx context.Context, v []byte) ([]byte, error) { return v, nil }
func (handler) TestStruct(ctx context.Context, x *thrifttest.Xtruct) (*thrifttest.Xtruct, error) {
	return x, nil
}
func (handler) TestNest(ctx context.Context, x *thrifttest.Xtruct2) (*thrifttest.Xtruct2, error) {
	return x, nil
}
func (handler) TestMap(ctx context.Context, m map[int32]int32) (map[int32]int32, error) {
	return m, nil
}
func (handler) TestStringMap(ctx context.Context, m map[string]string) (map[string]string, error) {
	return m, nil
}
func (handler) TestSet(ctx context.Context, s []int32) ([]int32, error)  { return s, nil }
func (handler) TestList(ctx context.Context, l []int32) ([]int32, error) { return l, nil }
func (handler) TestEnum(ctx context.Context, e thrifttest.Numberz) (thrifttest.Numberz, error) {
	return e, nil
}
func (handler) TestTypedef(ctx context.Context, v thrifttest.UserId) (thrifttest.UserId, error) {
	return v, nil
}
func (handler) TestMapMap(ctx context.Context, hello int32) (map[int32]map[int32]int32, error) {
	return map[int32]map[int32]int32{
		-4: {-4: -4, -3: -3, -2: -2, -1: -1},
		4:  {1: 1, 2: 2, 3: 3, 4: 4},
	}, nil
}
func (handler) TestInsanity(ctx context.Context, arg *thrifttest.Insanity) (map[thrifttest.UserId]map[thrifttest.Numberz]*thrifttest.Insanity, error) {
	empty := &thrifttest.Insanity{UserMap: map[thrifttest.Numberz]thrifttest.UserId{}, Xtructs: []*thrifttest.Xtruct{}}
	return map[thrifttest.UserId]map[thrifttest.Numberz]*thrifttest.Insanity{
		1: {thrifttest.Numberz_TWO: arg, thrifttest.Numberz_THREE: arg},
		2: {thrifttest.Numberz_SIX: empty},
	}, nil
}
func (handler) TestMulti(ctx context.Context, a0 int8, a1 int32, a2 int64, a3 map[int16]string, a4 thrifttest.Numberz, a5 thrifttest.UserId) (*thrifttest.Xtruct, error) {
	return &thrifttest.Xtruct{StringThing: "Hello2", ByteThing: a0, I32Thing: a1, I64Thing: a2}, nil
}
func (handler) TestException(ctx context.Context, arg string) error {
	switch arg {
	case "Xception":
		return &thrifttest.Xception{ErrorCode: 1001, Message: arg}
	case "TException":
		return thrift.NewTApplicationException(thrift.INTERNAL_ERROR, "This is a TException")
	}
	return nil
}
func (handler) TestMultiException(ctx context.Context, a0, a1 string) (*thrifttest.Xtruct, error) {
	switch a0 {
	case "Xception":
		return nil, &thrifttest.Xception{ErrorCode: 1001, Message: "This is an Xception"}
	case "Xception2":
		return nil, &thrifttest.Xception2{ErrorCode: 2002,
			StructThing: &thrifttest.Xtruct{StringThing: "This is an Xception2"}}
	}
	return &thrifttest.Xtruct{StringThing: a1}, nil
}
func (handler) TestOneway(ctx context.Context, seconds int32) error {
	time.Sleep(time.Duration(seconds) * time.Second)
	return nil
}

type second struct{}

func (second) SecondtestString(ctx context.Context, s string) (string, error) {
	return "testString(\"" + s + "\")", nil
}

func main() {
	o := parseFlags("go_server", true)
	var processor thrift.TProcessor = thrifttest.NewThriftTestProcessor(handler{})
	if o.multi {
		mp := thrift.NewTMultiplexedProcessor()
		mp.RegisterProcessor("ThriftTest", processor)
		mp.RegisterProcessor("SecondService", thrifttest.NewSecondServiceProcessor(second{}))
		mp.RegisterDefault(processor)
		processor = mp
	}
	pf := o.protocolFactory()

	if o.transport == "http" {
		serveHTTP(o, processor, pf)
		return
	}
	// The library's own server, so that connections live and end as with
	// any Go Thrift service (an unknown method, say, leaves it open).
	var addr net.Addr
	var err error
	if o.domainSocket != "" {
		if o.domainSocket[0] != '@' {
			os.Remove(o.domainSocket)
		}
		addr = &net.UnixAddr{Name: o.domainSocket, Net: "unix"}
	} else if addr, err = net.ResolveTCPAddr("tcp", fmt.Sprintf("127.0.0.1:%d", o.port)); err != nil {
		fail("go_server: %v", err)
	}
	var st thrift.TServerTransport = thrift.NewTServerSocketFromAddrTimeout(addr, 0)
	if o.ssl {
		if o.domainSocket != "" {
			fail("go_server: --ssl with --domain-socket is not a combination Go's library serves")
		}
		st, err = thrift.NewTSSLServerSocket(addr.String(), serverTLS(o))
		if err != nil {
			fail("go_server: %v", err)
		}
	}
	server := thrift.NewTSimpleServer4(processor, st, o.transportFactory(), pf)
	if err := server.Listen(); err != nil {
		fail("go_server: listen: %v", err)
	}
	fmt.Println("ready")
	if err := server.AcceptLoop(); err != nil {
		fail("go_server: %v", err)
	}
}

func serverTLS(o *options) *tls.Config {
	cert, err := tls.LoadX509KeyPair(o.sslCert, o.sslKey)
	if err != nil {
		fail("go_server: --ssl-cert/--ssl-key: %v", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
}

// serveHTTP: Thrift over HTTP POST with the library's handler (net/http).
func serveHTTP(o *options, processor thrift.TProcessor, pf thrift.TProtocolFactory) {
	var ln net.Listener
	var err error
	if o.domainSocket != "" {
		if o.domainSocket[0] != '@' {
			os.Remove(o.domainSocket)
		}
		ln, err = net.Listen("unix", o.domainSocket)
	} else {
		ln, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", o.port))
	}
	if err != nil {
		fail("go_server: listen: %v", err)
	}
	if o.ssl {
		ln = tls.NewListener(ln, serverTLS(o))
	}
	fmt.Println("ready")
	err = http.Serve(ln, http.HandlerFunc(thrift.NewThriftHandlerFunc(processor, pf, pf)))
	fail("go_server: %v", err)
}
