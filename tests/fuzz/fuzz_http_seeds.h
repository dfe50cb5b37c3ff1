/*
 * fuzz_http_seeds.h: real-looking HTTP request streams, the seeds of the
 * HTTP parser's fuzzing (the libFuzzer corpus from fuzz_corpus_gen and
 * the deterministic test_http_fuzz). Each is used behind several option
 * bytes (fuzz_http_target.h).
 */
#ifndef FUZZ_HTTP_SEEDS_H
#define FUZZ_HTTP_SEEDS_H

static const char *const fh_seeds[] = {
    /* wrk, curl, a browser */
    "GET /health HTTP/1.1\r\nHost: 127.0.0.1:9090\r\n\r\n",
    "GET /metrics HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl/7.88.1\r\n"
    "Accept: */*\r\n\r\n",
    "GET /status?x=1 HTTP/1.1\r\nHost: h\r\nAccept: text/html,application/"
    "xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Encoding: gzip\r\n"
    "Connection: keep-alive\r\n\r\n",
    /* Go net/rpc, Vitess, with RPC bytes after the blank line */
    "CONNECT /_goRPC_ HTTP/1.0\n\n",
    "CONNECT /_thrift_rpc_ HTTP/1.0\n\n\x80\x01\x00\x01\x00\x00\x00\x04ping",
    "CONNECT /_json_rpc_ HTTP/1.1\r\nHost: db:15991\r\n\r\n{\"method\":\"S.m\"}",
    /* Thrift over HTTP, JSON calls, chunked with extensions and trailers */
    "POST /ThriftTest HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-thrift"
    "\r\nContent-Length: 12\r\n\r\n\x80\x01\x00\x01\x00\x00\x00\x04ping",
    "POST /Echo/echo HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded"
    "\r\nContent-Length: 20\r\nExpect: 100-continue\r\n\r\n{\"req\":{\"msg\":\"hi\"}}",
    "POST /Echo/echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    "4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n",
    "POST /x HTTP/1.1\nTransfer-Encoding: gzip, chunked\n\n5\nhello\n0\n\n",
    /* pipelined, with HEAD, 1.0 keep-alive and a stray CRLF */
    "GET /a HTTP/1.1\r\n\r\nHEAD /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    "POST /c HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc\r\nOPTIONS * HTTP/1.1\r\n"
    "Origin: https://app.example\r\n\r\n",
    /* smuggling shapes */
    "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
    "0\r\n\r\n",
    "POST / HTTP/1.1\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\nhello",
    "GET / HTTP/1.1\r\nHost: a\r\n folded\r\nX : y\r\n\r\n",
    "GET http://h.example:80/p?q HTTP/1.1\r\nHost: h.example\r\n\r\n",
    "PUT /up HTTP/2.0\r\n\r\n",
    "DELETE /d HTTP/1.1\r\nConnection: close\r\n\r\n",
};

#endif
