// jsonrpc-server: the Echo service as a Go programmer writes it with the
// standard library alone: net/rpc with the JSON-RPC 1.0 codec
// (net/rpc/jsonrpc), reached through the same HTTP CONNECT handshake that
// net/rpc's HandleHTTP uses (CONNECT PATH, "HTTP/1.0 200 Connected to Go
// RPC\n\n", then the codec on the hijacked connection). It is the reference
// that postern's CONNECT /_json_rpc_ is measured against.
//
//	jsonrpc-server -port N [-bind 127.0.0.1] [-path /_json_rpc_]
//
// The method is "Echo.Echo" (net/rpc only registers exported methods); its
// argument and result have the JSON shape of postern's Echo.echo:
// params [{"req":{"msg":M}}], result {"msg":M}.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
)

type EchoReq struct {
	Msg string `json:"msg"`
}

type EchoArgs struct {
	Req EchoReq `json:"req"`
}

type EchoRes struct {
	Msg string `json:"msg"`
}

type Echo struct{}

func (*Echo) Echo(args *EchoArgs, res *EchoRes) error {
	res.Msg = args.Req.Msg
	return nil
}

// connectHandler is net/rpc's ServeHTTP with the JSON codec in place of gob.
type connectHandler struct{ srv *rpc.Server }

func (h connectHandler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != "CONNECT" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusMethodNotAllowed)
		io.WriteString(w, "405 must CONNECT\n")
		return
	}
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		log.Print("rpc hijacking ", req.RemoteAddr, ": ", err.Error())
		return
	}
	io.WriteString(conn, "HTTP/1.0 200 Connected to Go RPC\n\n")
	h.srv.ServeCodec(jsonrpc.NewServerCodec(conn))
}

func main() {
	port := flag.Int("port", 0, "TCP port (0: any free port)")
	bind := flag.String("bind", "127.0.0.1", "address to listen on")
	path := flag.String("path", "/_json_rpc_", "CONNECT path")
	flag.Parse()

	srv := rpc.NewServer()
	if err := srv.Register(new(Echo)); err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(*path, connectHandler{srv})
	ln, err := net.Listen("tcp", fmt.Sprintf("%s:%d", *bind, *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "jsonrpc-server:", err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "jsonrpc-server: listening on", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}
