/*
 * test_http_peer.h: a raw-socket HTTP peer for the server tests that check
 * what the front door answers (pages, options, drain, metrics). Each call
 * opens a new connection to 127.0.0.1:port, so no test depends on another's
 * keep-alive state. Header-only; include after test.h.
 */
#ifndef TEST_HTTP_PEER_H
#define TEST_HTTP_PEER_H

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "postern/server.h"

/* A log sink for servers whose expected complaints would clutter the
 * test's output. */
static inline void tst_quiet_log(void *ctx, pst_log_level level, const char *msg)
{
    (void)ctx;
    (void)level;
    (void)msg;
}

/* Send req[0..len) on a new connection and read the whole answer, until the
 * server closes or timeout_s passes without a byte, into buf (NUL-ended).
 * Returns its length: 0 when the server closed without a word or the
 * connection failed. */
static inline size_t tst_http_exchange(int port, const char *req, size_t len,
                                       char *buf, size_t cap, int timeout_s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { 0 };
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    struct timeval tv = { timeout_s, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t n = 0;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        write(fd, req, len) == (ssize_t)len) {
        ssize_t r;
        while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
            n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    return n;
}

/* GET path (HTTP/1.0, so the server closes after answering) into buf. */
static inline size_t tst_http_get(int port, const char *path, char *buf, size_t cap)
{
    char req[256];
    int k = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\n\r\n", path);
    return tst_http_exchange(port, req, (size_t)k, buf, cap, 5);
}

/* The status code of the answer to req (a whole request, sent as is), or 0
 * when none came. */
static inline int tst_http_status(int port, const char *req)
{
    char buf[4096];
    size_t n = tst_http_exchange(port, req, strlen(req), buf, sizeof buf, 2);
    return n > 12 && memcmp(buf, "HTTP/1.", 7) == 0 ? atoi(buf + 9) : 0;
}

#endif
