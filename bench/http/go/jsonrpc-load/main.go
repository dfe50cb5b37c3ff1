// jsonrpc-load: a closed-loop load generator for JSON-RPC 1.0 behind an HTTP
// CONNECT handshake, written with Go's standard library client
// (net/rpc + net/rpc/jsonrpc), as a Go program calls such a server.
//
//	jsonrpc-load -port N [-c 64] [-T 5] [-w 1] [-s 32] [-method Echo.echo] [-path /_json_rpc_]
//
// -c connections, each with one call in flight (a goroutine calling
// client.Call in a loop). Every reply's msg must equal what was sent (the
// message depends on the connection and the call number). Calls completed
// in the T seconds after the w-second warm-up count. Prints a human
// summary, then one machine-readable line:
//
//	qps=... p50_us=... p99_us=... requests=... errors=... c=... s=... T=...
//
// Exit status: 0 ok, 1 errors or no reply, 2 usage or no connection.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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

// bufConn reads through the reader that parsed the handshake (it may hold
// bytes past it) and writes and closes through the connection.
type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (b bufConn) Read(p []byte) (int, error) { return b.r.Read(p) }

func dial(addr, path string) (*rpc.Client, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(conn, "CONNECT %s HTTP/1.0\n\n", path)
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, &http.Request{Method: "CONNECT"})
	if err != nil || resp.StatusCode != 200 {
		conn.Close()
		if err == nil {
			err = fmt.Errorf("CONNECT %s: %s", path, resp.Status)
		}
		return nil, err
	}
	return rpc.NewClientWithCodec(jsonrpc.NewClientCodec(bufConn{conn, r})), nil
}

func message(conn, n, size int) string {
	head := fmt.Sprintf("%d:%d:", conn, n)
	if len(head) >= size {
		return head
	}
	return head + strings.Repeat("x", size-len(head))
}

func main() {
	host := flag.String("h", "127.0.0.1", "server host")
	port := flag.Int("port", 0, "server port")
	conns := flag.Int("c", 64, "connections, one call in flight each")
	secs := flag.Float64("T", 5, "measured seconds")
	warm := flag.Float64("w", 1, "warm-up seconds")
	size := flag.Int("s", 32, "message bytes")
	method := flag.String("method", "Echo.echo", "JSON-RPC method")
	path := flag.String("path", "/_json_rpc_", "CONNECT path")
	flag.Parse()
	if *port <= 0 || *conns <= 0 || *secs <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	addr := fmt.Sprintf("%s:%d", *host, *port)

	clients := make([]*rpc.Client, *conns)
	for i := range clients {
		c, err := dial(addr, *path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "jsonrpc-load:", err)
			os.Exit(2)
		}
		clients[i] = c
	}

	var errs atomic.Int64
	var measuring, stop atomic.Bool
	lat := make([][]time.Duration, *conns)
	var wg sync.WaitGroup
	for i, cl := range clients {
		wg.Add(1)
		go func(i int, cl *rpc.Client) {
			defer wg.Done()
			var res EchoRes
			for n := 0; !stop.Load(); n++ {
				args := EchoArgs{EchoReq{message(i, n, *size)}}
				res.Msg = ""
				t0 := time.Now()
				err := cl.Call(*method, &args, &res)
				d := time.Since(t0)
				if err != nil || res.Msg != args.Req.Msg {
					if errs.Add(1) <= 3 {
						fmt.Fprintf(os.Stderr, "jsonrpc-load: conn %d call %d: err=%v got %q\n", i, n, err, res.Msg)
					}
					if err != nil {
						return
					}
					continue
				}
				if measuring.Load() {
					lat[i] = append(lat[i], d)
				}
			}
		}(i, cl)
	}
	time.Sleep(time.Duration(*warm * float64(time.Second)))
	measuring.Store(true)
	time.Sleep(time.Duration(*secs * float64(time.Second)))
	measuring.Store(false)
	stop.Store(true)
	wg.Wait()
	for _, c := range clients {
		c.Close()
	}

	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))].Nanoseconds()) / 1000
	}
	qps := float64(len(all)) / *secs
	fmt.Fprintf(os.Stderr, "%d calls in %.1f s on %d connections: %.0f calls/s, p50 %.0f us, p99 %.0f us, %d errors\n",
		len(all), *secs, *conns, qps, pct(0.50), pct(0.99), errs.Load())
	fmt.Printf("qps=%.1f p50_us=%.1f p99_us=%.1f requests=%d errors=%d c=%d s=%d T=%.1f\n",
		qps, pct(0.50), pct(0.99), len(all), errs.Load(), *conns, *size, *secs)
	if errs.Load() > 0 || len(all) == 0 {
		os.Exit(1)
	}
}
