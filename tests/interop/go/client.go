// go_client: ThriftTest client on Apache Thrift's Go library (Debian
// golang-thrift-dev 0.17), the Go peer for postern's thrifttest-server.
// Calls every ThriftTest method (and SecondService.secondtestString with a
// multi* protocol) and checks every answer strictly, as py_client.py does.
//
//	go_client [--host=H] [--port=N] [--domain-socket=PATH [--abstract-namespace]]
//	          [--protocol=binary|compact|json|header|multi|multic|multij|multih]
//	          [--transport=buffered|framed|http|zlib] [--ssl [--ssl-ca=F]]
//
// --transport=http with --domain-socket sends its POSTs over that socket
// (Host: localhost).
//
// Exit status is Thrift's cross-test bitmask of failed groups: 1 base types,
// 2 structs, 4 containers, 8 exceptions; 64 when no connection could be made.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"reflect"
	"sort"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"thrifttest"
)

const (
	baseTypes  = 1
	structs    = 2
	containers = 4
	exceptions = 8
	unknown    = 64
)

const nonASCII = "Grüße, Привет, こんにちは, مرحبا, 🙂 \b\t\n/\\\r{}:\""

var ctx = context.Background()

type mismatch struct{ msg string }

func (m mismatch) Error() string { return m.msg }

func expect(what string, got, want interface{}) {
	if !reflect.DeepEqual(got, want) {
		panic(mismatch{fmt.Sprintf("%s: expected %#v, got %#v", what, want, got)})
	}
}

func must(what string, err error) {
	if err != nil {
		panic(err)
	}
}

type checker struct {
	c             *thrifttest.ThriftTestClient
	second        *thrifttest.SecondServiceClient
	finiteDoubles bool
}

func (k *checker) void() {
	must("testVoid", k.c.TestVoid(ctx))
}

func (k *checker) str() {
	long := make([]byte, 70000)
	for i := range long {
		long[i] = 'x'
	}
	for _, s := range []string{"Go", "", nonASCII, string(long) + nonASCII} {
		got, err := k.c.TestString(ctx, s)
		must("testString", err)
		expect(fmt.Sprintf("testString(%d bytes)", len(s)), got, s)
	}
}

func (k *checker) boolean() {
	for _, b := range []bool{true, false} {
		got, err := k.c.TestBool(ctx, b)
		must("testBool", err)
		expect("testBool", got, b)
	}
}

func (k *checker) byte_() {
	for _, v := range []int8{63, -127, 0, 127, -128} {
		got, err := k.c.TestByte(ctx, v)
		must("testByte", err)
		expect(fmt.Sprintf("testByte(%d)", v), got, v)
	}
}

func (k *checker) i32() {
	for _, v := range []int32{-1, 0, 1, math.MaxInt32, math.MinInt32, 0x12345678} {
		got, err := k.c.TestI32(ctx, v)
		must("testI32", err)
		expect(fmt.Sprintf("testI32(%d)", v), got, v)
	}
}

func (k *checker) i64() {
	for _, v := range []int64{1, -34359738368, 0, -1, math.MaxInt64, math.MinInt64, -81985529216486896} {
		got, err := k.c.TestI64(ctx, v)
		must("testI64", err)
		expect(fmt.Sprintf("testI64(%d)", v), got, v)
	}
}

func (k *checker) double() {
	values := []float64{-5.235098235, 0.0, math.Copysign(0, -1), -1.0, -0.000341012439638598279,
		1.7976931348623157e308, 5e-324}
	if !k.finiteDoubles {
		values = append(values, math.Inf(1), math.Inf(-1), math.NaN())
	}
	for _, v := range values {
		got, err := k.c.TestDouble(ctx, v)
		must("testDouble", err)
		// bit for bit: NaN and -0.0 included
		expect(fmt.Sprintf("testDouble(%v) bits", v), math.Float64bits(got), math.Float64bits(v))
	}
}

func (k *checker) binary() {
	all := make([]byte, 256)
	rev := make([]byte, 0, 256*300)
	for i := range all {
		all[i] = byte(i)
	}
	for r := 0; r < 300; r++ {
		for i := 255; i >= 0; i-- {
			rev = append(rev, byte(i))
		}
	}
	for _, v := range [][]byte{all, {}, make([]byte, 17), rev} {
		got, err := k.c.TestBinary(ctx, v)
		must("testBinary", err)
		if len(got) != len(v) || string(got) != string(v) {
			panic(mismatch{fmt.Sprintf("testBinary(%d bytes): got %d bytes that differ", len(v), len(got))})
		}
	}
}

func (k *checker) structure() {
	for _, x := range []*thrifttest.Xtruct{
		{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5},
		{StringThing: nonASCII, ByteThing: -128, I32Thing: math.MinInt32, I64Thing: math.MaxInt64},
	} {
		got, err := k.c.TestStruct(ctx, x)
		must("testStruct", err)
		expect("testStruct", got, x)
	}
}

func (k *checker) nest() {
	x := &thrifttest.Xtruct2{ByteThing: 1, I32Thing: 5,
		StructThing: &thrifttest.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5}}
	got, err := k.c.TestNest(ctx, x)
	must("testNest", err)
	expect("testNest", got, x)
}

func (k *checker) mapping() {
	for _, m := range []map[int32]int32{{0: 1, 1: 2, 2: 3, 3: 4, -1: -2}, {}, {math.MinInt32: math.MaxInt32}} {
		got, err := k.c.TestMap(ctx, m)
		must("testMap", err)
		expect(fmt.Sprintf("testMap(%v)", m), got, m)
	}
}

func (k *checker) stringMap() {
	for _, m := range []map[string]string{{"a": "2", "b": "blah", "some": "thing", "ключ": "значение", "": ""}, {}} {
		got, err := k.c.TestStringMap(ctx, m)
		must("testStringMap", err)
		expect("testStringMap", got, m)
	}
}

func sorted(v []int32) []int32 {
	out := append([]int32{}, v...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (k *checker) set() {
	r := []int32{}
	for i := int32(-20); i < 20; i++ {
		r = append(r, i)
	}
	for _, s := range [][]int32{{8, 1, 42}, {}, {-1, math.MaxInt32, math.MinInt32}, r} {
		got, err := k.c.TestSet(ctx, s)
		must("testSet", err)
		expect(fmt.Sprintf("testSet(%d items)", len(s)), sorted(got), sorted(s))
	}
}

func (k *checker) list() {
	r := []int32{}
	for i := int32(-500); i < 500; i++ {
		r = append(r, i)
	}
	sevens := []int32{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}
	for _, l := range [][]int32{{1, 4, 9, -42}, {}, r, sevens} {
		got, err := k.c.TestList(ctx, l)
		must("testList", err)
		expect(fmt.Sprintf("testList(%d items)", len(l)), got, l)
	}
}

func (k *checker) enum() {
	for _, v := range []thrifttest.Numberz{thrifttest.Numberz_ONE, thrifttest.Numberz_TWO,
		thrifttest.Numberz_FIVE, thrifttest.Numberz_EIGHT} {
		got, err := k.c.TestEnum(ctx, v)
		must("testEnum", err)
		expect("testEnum", got, v)
	}
}

func (k *checker) typedef() {
	for _, v := range []thrifttest.UserId{0xffffffffffffff, -1, math.MinInt64} {
		got, err := k.c.TestTypedef(ctx, v)
		must("testTypedef", err)
		expect("testTypedef", got, v)
	}
}

func (k *checker) mapMap() {
	got, err := k.c.TestMapMap(ctx, 42)
	must("testMapMap", err)
	expect("testMapMap(42)", got, map[int32]map[int32]int32{
		-4: {-4: -4, -3: -3, -2: -2, -1: -1}, 4: {1: 1, 2: 2, 3: 3, 4: 4}})
}

func (k *checker) insanity() {
	arg := &thrifttest.Insanity{
		UserMap: map[thrifttest.Numberz]thrifttest.UserId{thrifttest.Numberz_FIVE: 5, thrifttest.Numberz_EIGHT: 8},
		Xtructs: []*thrifttest.Xtruct{{StringThing: "Goodbye4", ByteThing: 4, I32Thing: 4, I64Thing: 4},
			{StringThing: "Hello2", ByteThing: 2, I32Thing: 2, I64Thing: 2}},
	}
	got, err := k.c.TestInsanity(ctx, arg)
	must("testInsanity", err)
	if len(got) != 2 {
		panic(mismatch{fmt.Sprintf("testInsanity: expected keys 1 and 2, got %v", got)})
	}
	expect("testInsanity[1]", got[1], map[thrifttest.Numberz]*thrifttest.Insanity{
		thrifttest.Numberz_TWO: arg, thrifttest.Numberz_THREE: arg})
	empty, ok := got[2][thrifttest.Numberz_SIX]
	if len(got[2]) != 1 || !ok || empty == nil || len(empty.UserMap) != 0 || len(empty.Xtructs) != 0 {
		panic(mismatch{fmt.Sprintf("testInsanity[2]: expected {SIX: empty Insanity}, got %v", got[2])})
	}
}

func (k *checker) multi() {
	got, err := k.c.TestMulti(ctx, 74, 0xff00ff, 0xffffffffd0d0, map[int16]string{0: "abc", -1: "ü"},
		thrifttest.Numberz_FIVE, 0xf0f0f0)
	must("testMulti", err)
	expect("testMulti", got, &thrifttest.Xtruct{StringThing: "Hello2", ByteThing: 74,
		I32Thing: 0xff00ff, I64Thing: 0xffffffffd0d0})
}

func (k *checker) exception() {
	must("testException(Safe)", k.c.TestException(ctx, "Safe"))
	err := k.c.TestException(ctx, "Xception")
	var x *thrifttest.Xception
	if !errors.As(err, &x) {
		panic(mismatch{fmt.Sprintf("testException(Xception): expected Xception, got %v", err)})
	}
	expect("testException(Xception)", *x, thrifttest.Xception{ErrorCode: 1001, Message: "Xception"})
	err = k.c.TestException(ctx, "TException")
	var app thrift.TApplicationException
	if !errors.As(err, &app) {
		panic(mismatch{fmt.Sprintf("testException(TException): expected an application exception, got %v", err)})
	}
	must("testException(success)", k.c.TestException(ctx, "success"))
}

func (k *checker) multiException() {
	_, err := k.c.TestMultiException(ctx, "Xception", "ignore")
	var x *thrifttest.Xception
	if !errors.As(err, &x) {
		panic(mismatch{fmt.Sprintf("testMultiException(Xception): expected Xception, got %v", err)})
	}
	expect("testMultiException(Xception)", *x, thrifttest.Xception{ErrorCode: 1001, Message: "This is an Xception"})
	_, err = k.c.TestMultiException(ctx, "Xception2", "ignore")
	var x2 *thrifttest.Xception2
	if !errors.As(err, &x2) || x2.StructThing == nil {
		panic(mismatch{fmt.Sprintf("testMultiException(Xception2): expected Xception2, got %v", err)})
	}
	expect("testMultiException(Xception2).errorCode", x2.ErrorCode, int32(2002))
	expect("testMultiException(Xception2).struct_thing", x2.StructThing.StringThing, "This is an Xception2")
	got, err := k.c.TestMultiException(ctx, "success", "foobar")
	must("testMultiException(success)", err)
	expect("testMultiException(success)", got.StringThing, "foobar")
}

func (k *checker) oneway() {
	must("testOneway(1)", k.c.TestOneway(ctx, 1))
	got, err := k.c.TestString(ctx, "after oneway")
	must("testString after testOneway", err)
	expect("testString after testOneway", got, "after oneway")
}

func (k *checker) secondService() {
	got, err := k.second.SecondtestString(ctx, "go")
	must("secondtestString", err)
	expect("secondtestString", got, "testString(\"go\")")
}

// open builds the stack the flags name: socket (TLS), transport layers,
// protocol (multiplexed).
func open(o *options) (*checker, thrift.TTransport, error) {
	var trans thrift.TTransport
	var err error
	if o.transport == "http" {
		scheme := "http"
		if o.ssl {
			scheme = "https"
		}
		authority := fmt.Sprintf("%s:%d", o.host, o.port)
		if o.domainSocket != "" {
			authority = "localhost" // the Host header; httpClient dials the socket
		}
		trans, err = thrift.NewTHttpClientWithOptions(fmt.Sprintf("%s://%s%s", scheme, authority, o.httpPath),
			thrift.THttpClientOptions{Client: httpClient(o)})
		if err != nil {
			return nil, nil, err
		}
	} else {
		var sock thrift.TTransport
		var addr net.Addr
		if o.domainSocket != "" {
			addr = &net.UnixAddr{Name: o.domainSocket, Net: "unix"}
		} else {
			addr, err = net.ResolveTCPAddr("tcp", fmt.Sprintf("%s:%d", o.host, o.port))
			if err != nil {
				return nil, nil, err
			}
		}
		o.conf.ConnectTimeout = 10 * time.Second
		o.conf.SocketTimeout = 20 * time.Second
		if o.ssl {
			o.conf.TLSConfig = tlsConfig(o)
			sock = thrift.NewTSSLSocketFromAddrConf(addr, o.conf)
		} else {
			sock = thrift.NewTSocketFromAddrConf(addr, o.conf)
		}
		if trans, err = o.transportFactory().GetTransport(sock); err != nil {
			return nil, nil, err
		}
	}
	if err := trans.Open(); err != nil && !isAlreadyOpen(err) {
		return nil, nil, err
	}
	proto := o.protocolFactory().GetProtocol(trans)
	k := &checker{finiteDoubles: o.finiteDoubles}
	if o.multi {
		k.c = thrifttest.NewThriftTestClient(thrift.NewTStandardClient(
			thrift.NewTMultiplexedProtocol(proto, "ThriftTest"), thrift.NewTMultiplexedProtocol(proto, "ThriftTest")))
		k.second = thrifttest.NewSecondServiceClient(thrift.NewTStandardClient(
			thrift.NewTMultiplexedProtocol(proto, "SecondService"), thrift.NewTMultiplexedProtocol(proto, "SecondService")))
	} else {
		k.c = thrifttest.NewThriftTestClient(thrift.NewTStandardClient(proto, proto))
	}
	return k, trans, nil
}

// httpClient: net/http's client, dialing --domain-socket instead of TCP
// when given (the library's THttpClient takes any *http.Client).
func httpClient(o *options) *http.Client {
	t := &http.Transport{TLSClientConfig: tlsConfig(o)}
	if o.domainSocket != "" {
		t.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", o.domainSocket)
		}
	}
	return &http.Client{Timeout: 20 * time.Second, Transport: t}
}

func isAlreadyOpen(err error) bool {
	var te thrift.TTransportException
	return errors.As(err, &te) && te.TypeId() == thrift.ALREADY_OPEN
}

func tlsConfig(o *options) *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.sslCA == ""}
	if o.sslCA != "" {
		pem, err := os.ReadFile(o.sslCA)
		if err != nil {
			fail("go_client: --ssl-ca: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			fail("go_client: --ssl-ca %s: no certificate in it", o.sslCA)
		}
		cfg.RootCAs = pool
	}
	return cfg
}

func main() {
	o := parseFlags("go_client", false)
	k, trans, err := open(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go_client: cannot connect: %v\n", err)
		os.Exit(unknown)
	}
	checks := []struct {
		name  string
		group int
		run   func()
	}{
		{"testVoid", baseTypes, k.void}, {"testString", baseTypes, k.str},
		{"testBool", baseTypes, k.boolean}, {"testByte", baseTypes, k.byte_},
		{"testI32", baseTypes, k.i32}, {"testI64", baseTypes, k.i64},
		{"testDouble", baseTypes, k.double}, {"testBinary", baseTypes, k.binary},
		{"testStruct", structs, k.structure}, {"testNest", structs, k.nest},
		{"testMap", containers, k.mapping}, {"testStringMap", containers, k.stringMap},
		{"testSet", containers, k.set}, {"testList", containers, k.list},
		{"testEnum", structs, k.enum}, {"testTypedef", structs, k.typedef},
		{"testMapMap", containers, k.mapMap}, {"testInsanity", structs, k.insanity},
		{"testMulti", structs, k.multi}, {"testException", exceptions, k.exception},
		{"testMultiException", exceptions, k.multiException}, {"testOneway", baseTypes, k.oneway},
	}
	if o.multi {
		checks = append(checks, struct {
			name  string
			group int
			run   func()
		}{"secondtestString", baseTypes, k.secondService})
	}
	status, failures := 0, 0
	for _, c := range checks {
		if msg := run(c.run); msg != "" {
			failures++
			status |= c.group
			fmt.Printf("FAIL %s\n", c.name)
			fmt.Fprintf(os.Stderr, "FAIL %s: %s\n", c.name, msg)
			// a transport or decode error leaves the stream suspect: reconnect
			trans.Close()
			var fresh *checker
			if fresh, trans, err = open(o); err != nil {
				fmt.Fprintf(os.Stderr, "go_client: cannot reconnect: %v\n", err)
				os.Exit(status | unknown)
			}
			k.c, k.second = fresh.c, fresh.second // the checks are bound to k
			continue
		}
		fmt.Printf("ok   %s\n", c.name)
	}
	trans.Close()
	fmt.Printf("%d of %d checks failed, exit status %d\n", failures, len(checks), status)
	os.Exit(status)
}

// run calls f and turns a failed check (a panic with a mismatch or an
// error) into its message.
func run(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}
