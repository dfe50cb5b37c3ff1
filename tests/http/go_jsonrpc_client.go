// go_jsonrpc_client: Go's own net/rpc client with the jsonrpc codec, behind
// the CONNECT handshake that net/rpc's DialHTTPPath performs, against a
// postern echo-server. Usage: go_jsonrpc_client HOST:PORT
//
// It checks, in order: the handshake's status line is exactly Go's
// "200 Connected to Go RPC"; Echo.echo answers its argument; an unknown
// method and bad arguments come back as errors while the connection
// carries on; calls from several goroutines at once all get their answers.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"sync"
)

type echoReq struct {
	Msg string `json:"msg"`
}
type echoArgs struct {
	Req echoReq `json:"req"`
}
type echoRes struct {
	Msg string `json:"msg"`
}

func dial(addr string) (*rpc.Client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	io.WriteString(conn, "CONNECT /_json_rpc_ HTTP/1.0\n\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: "CONNECT"})
	if err != nil {
		conn.Close()
		return nil, err
	}
	if resp.Status != "200 Connected to Go RPC" {
		conn.Close()
		return nil, errors.New("unexpected HTTP response: " + resp.Status)
	}
	return jsonrpc.NewClient(conn), nil
}

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: go_jsonrpc_client HOST:PORT")
	}
	c, err := dial(os.Args[1])
	if err != nil {
		fail("dial: %v", err)
	}
	var res echoRes
	if err := c.Call("Echo.echo", echoArgs{echoReq{"héllo"}}, &res); err != nil {
		fail("Echo.echo: %v", err)
	}
	if res.Msg != "héllo" {
		fail("Echo.echo answered %q", res.Msg)
	}
	err = c.Call("Echo.nope", echoArgs{}, &res)
	if _, ok := err.(rpc.ServerError); !ok {
		fail("unknown method: want a server error, got %v", err)
	}
	err = c.Call("Echo.echo", map[string]int{"req": 5}, &res)
	if _, ok := err.(rpc.ServerError); !ok {
		fail("bad arguments: want a server error, got %v", err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				want := fmt.Sprintf("g%d-%d", g, i)
				var r echoRes
				if err := c.Call("Echo.echo", echoArgs{echoReq{want}}, &r); err != nil {
					errs <- err
					return
				}
				if r.Msg != want {
					errs <- fmt.Errorf("got %q, want %q", r.Msg, want)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fail("concurrent calls: %v", err)
	}
	c.Close()
	fmt.Println("ok: handshake, echo, errors, 400 concurrent calls")
}
