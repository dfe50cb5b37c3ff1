/* test_zlib_store.c: small zlib messages written as stored blocks (the
 * servers' replies below zlib_store_below): every message, stored or
 * compressed, inflates whole from its own bytes alone, in any order of
 * small and big, through the core and the stream; a server's inflater
 * skips the stream's Adler-32; and a server's small reply on the wire is a
 * stored block in both server models. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include "postern/server.h"
#include "postern/transport.h"
#include "postern/zlib.h"
#include "server/server_internal.h"
#include "test.h"
#include "test_calc.h"
#include "transport/zlib_internal.h"

enum { STORE_BELOW = 128 };

/* A message of n bytes, compressible, different per seed. */
static void fill(uint8_t *p, size_t n, int seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)("abcabcabd"[i % 9] + (i % 97 == 0 ? seed : 0));
}

/* The deflate block type of the first block at p (RFC 1951: bit 0 BFINAL,
 * bits 1-2 BTYPE; 0 is stored). */
static int block_type(const uint8_t *p)
{
    return (p[0] >> 1) & 3;
}

/* Feed one message's bytes alone to inf: they must give back exactly the
 * message (nothing held back for later bytes, nothing more). */
static void inflates_whole(pst_zlib_inflater *inf, const uint8_t *bytes,
                           size_t n, const uint8_t *msg, size_t len)
{
    static uint8_t out[8192];
    size_t used = 0, made = 0;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_zlib_inflate(inf, bytes, n, &used, out, sizeof out,
                                  &made, &err),
                 0);
    CHECK_EQ_INT(used, n);
    CHECK_EQ_INT(made, len);
    CHECK(made == len && memcmp(out, msg, len) == 0);
}

/* Small and big messages in turn through one deflater at level 1: the
 * small ones are single stored blocks of exactly their bytes plus a 5-byte
 * block header, the big ones compressed; both end with the sync flush's
 * empty stored block (Go's reader needs it) and inflate whole on their
 * own. */
static void test_core_small_stored_big_compressed(void)
{
    static const size_t sizes[] = { 57, 2000, 1, 127, 128, 3000, 60, 0, 90 };
    pst_zlib_deflater *d = pst_zlib_deflater_new(1);
    pst_zlib_inflater *inf = pst_zlib_inflater_new();
    CHECK(d != NULL && inf != NULL);
    pst__zlib_deflater_store_below(d, STORE_BELOW);
    static uint8_t msg[4096];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        fill(msg, n, (int)i);
        pst_wbuf out;
        pst_wbuf_init(&out, 0);
        pst_error err = { 0, "" };
        struct iovec v = { msg, n };
        CHECK_EQ_INT(pst_zlib_deflate(d, &v, 1, &out, &err), 0);
        size_t head = i == 0 ? 2 : 0; /* the zlib header, once */
        if (n < STORE_BELOW && n > 0) {
            CHECK_EQ_INT(out.len, head + 5 + n + 5);
            CHECK_EQ_INT(block_type(out.data + head), 0);
            /* LEN and NLEN, little-endian */
            CHECK_EQ_INT(out.data[head + 1] | out.data[head + 2] << 8, n);
        } else if (n >= STORE_BELOW) {
            CHECK(out.len < n / 2);
        }
        /* (an empty message after a flush adds nothing) */
        CHECK(n == 0 || (out.len >= 4 && memcmp(out.data + out.len - 4,
                                                "\x00\x00\xff\xff", 4) == 0));
        inflates_whole(inf, out.data, out.len, msg, n);
        pst_wbuf_free(&out);
    }
    pst_zlib_deflater_free(d);
    pst_zlib_inflater_free(inf);
}

/* A small message given in several pieces is one stored block too. */
static void test_core_pieces(void)
{
    pst_zlib_deflater *d = pst_zlib_deflater_new(1);
    pst_zlib_inflater *inf = pst_zlib_inflater_new();
    pst__zlib_deflater_store_below(d, STORE_BELOW);
    const char *a = "one ", *b = "", *c = "two three";
    struct iovec v[3] = { { (void *)a, 4 }, { (void *)b, 0 },
                          { (void *)c, 9 } };
    pst_wbuf out;
    pst_wbuf_init(&out, 0);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_zlib_deflate(d, v, 3, &out, &err), 0);
    CHECK_EQ_INT(out.len, 2 + 5 + 13 + 5);
    CHECK_EQ_INT(block_type(out.data + 2), 0);
    inflates_whole(inf, out.data, out.len, (const uint8_t *)"one two three",
                   13);
    pst_wbuf_free(&out);
    pst_zlib_deflater_free(d);
    pst_zlib_inflater_free(inf);
}

/* Without store_below nothing changes: a small message is compressed. */
static void test_core_default_compresses(void)
{
    pst_zlib_deflater *d = pst_zlib_deflater_new(1);
    uint8_t msg[100];
    fill(msg, sizeof msg, 1);
    pst_wbuf out;
    pst_wbuf_init(&out, 0);
    pst_error err = { 0, "" };
    struct iovec v = { msg, sizeof msg };
    CHECK_EQ_INT(pst_zlib_deflate(d, &v, 1, &out, &err), 0);
    CHECK(out.len < sizeof msg);
    CHECK(block_type(out.data + 2) != 0);
    pst_wbuf_free(&out);
    pst_zlib_deflater_free(d);
}

/* The stream's writing side: the same, message by message. */
static void test_stream(void)
{
    pst_stream *mem = pst_stream_memory_new(NULL, 0, 0);
    pst_stream *z = pst_stream_zlib_new(mem, NULL, 0, 1);
    CHECK(z != NULL);
    pst__zlib_stream_for_server(z, STORE_BELOW);
    pst_zlib_inflater *inf = pst_zlib_inflater_new();
    static const size_t sizes[] = { 40, 1500, 40 };
    static uint8_t msg[2000];
    size_t seen = 0;
    for (size_t i = 0; i < 3; i++) {
        fill(msg, sizes[i], (int)i);
        struct iovec v = { msg, sizes[i] };
        CHECK_EQ_INT(pst_stream_write(z, &v, 1, 1000), 0);
        size_t l = 0;
        const uint8_t *all = pst_stream_memory_output(mem, &l);
        CHECK(l > seen);
        if (sizes[i] < STORE_BELOW)
            CHECK_EQ_INT(block_type(all + (i == 0 ? 2 : seen)), 0);
        inflates_whole(inf, all + seen, l - seen, msg, sizes[i]);
        seen = l;
    }
    pst_zlib_inflater_free(inf);
    pst_stream_free(z);
}

/* A finished stream whose Adler-32 is wrong: the default inflater says
 * so; one told to skip the sum (a server's) inflates it. */
static void test_skip_check(void)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_zlib_compress("hello, zlib", 11, &w, &err), 0);
    CHECK(w.len > 4);
    w.data[w.len - 1] ^= 0x5a; /* the sum's last byte */
    uint8_t out[64];
    for (int skip = 0; skip < 2; skip++) {
        pst_zlib_inflater *inf = pst_zlib_inflater_new();
        if (skip)
            pst__zlib_inflater_skip_check(inf);
        size_t used = 0, made = 0;
        pst_error e = { 0, "" };
        int rc = pst_zlib_inflate(inf, w.data, w.len, &used, out, sizeof out,
                                  &made, &e);
        if (skip) {
            CHECK_EQ_INT(rc, 0);
            CHECK_EQ_INT(made, 11);
            CHECK_EQ_INT(used, w.len);
        } else {
            CHECK_EQ_INT(rc, PST_E_PROTOCOL);
            CHECK(strstr(e.message, "check") != NULL);
        }
        pst_zlib_inflater_free(inf);
    }
    pst_wbuf_free(&w);
}

/* The deflater writes the zlib header itself (zlib runs raw under it):
 * its bytes are zlib's own, message after message, at every level. */
static void test_same_bytes_as_zlib(void)
{
    static const int levels[] = { 0, 1, 2, 5, 6, 7, 9, PST_ZLIB_LEVEL_DEFAULT };
    static uint8_t msg[3000];
    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        pst_zlib_deflater *d = pst_zlib_deflater_new(levels[l]);
        z_stream ref;
        memset(&ref, 0, sizeof ref);
        CHECK_EQ_INT(deflateInit(&ref, levels[l]), Z_OK);
        for (int i = 0; i < 4; i++) {
            size_t n = i % 2 ? 2500 : 40;
            fill(msg, n, i);
            pst_wbuf out;
            pst_wbuf_init(&out, 0);
            pst_error err = { 0, "" };
            struct iovec v = { msg, n };
            CHECK_EQ_INT(pst_zlib_deflate(d, &v, 1, &out, &err), 0);
            static uint8_t want[4096];
            ref.next_in = msg;
            ref.avail_in = (uInt)n;
            ref.next_out = want;
            ref.avail_out = sizeof want;
            CHECK_EQ_INT(deflate(&ref, Z_SYNC_FLUSH), Z_OK);
            size_t wn = sizeof want - ref.avail_out;
            CHECK_EQ_INT(out.len, wn);
            CHECK(out.len == wn && memcmp(out.data, want, wn) == 0);
            pst_wbuf_free(&out);
        }
        deflateEnd(&ref);
        pst_zlib_deflater_free(d);
    }
}

/* ---- a server's reply on the wire ---------------------------------------- */

static const pst_processor proc = { &t_Calc_desc, &t_calc_handler, NULL };

static void *run_main(void *p)
{
    pst_server_run(p);
    return NULL;
}

/* Calc.add(20, 22), strict binary, unframed. */
static const uint8_t add_call[] = {
    0x80, 0x01, 0x00, 0x01, 0, 0, 0, 3, 'a', 'd', 'd', 0, 0, 0, 1,
    0x08, 0, 1, 0, 0, 0, 20, 0x08, 0, 2, 0, 0, 0, 22, 0x00,
};

/* The reply to a small call is one stored block that inflates whole to a
 * reply carrying 42, in the threaded and the nonblocking model; with
 * zlib_store_below < 0 it is compressed (a fixed or dynamic block). */
static void test_server_reply_stored(void)
{
    CHECK(PST_ZLIB_STORE_BELOW_DEFAULT > 32); /* an add reply is ~30 bytes */
    static const pst_server_model models[] = { PST_SERVER_THREADED,
                                               PST_SERVER_NONBLOCKING };
    for (size_t m = 0; m < 4; m++) {
        bool stored = m < 2;
        pst_server_options o = PST_SERVER_OPTIONS_INIT;
        o.model = models[m % 2];
        o.zlib_store_below = stored ? 0 : -1;
        o.io_threads = 1;
        o.port = 0;
        pst_error err = { 0, "" };
        pst_server *s = pst_server_new(&proc, &o, &err);
        CHECK(s != NULL);
        if (!s)
            return;
        pthread_t th;
        pthread_create(&th, NULL, run_main, s);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = { 0 };
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)pst_server_port(s));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        struct timeval tv = { 5, 0 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        CHECK_EQ_INT(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
        /* the call, compressed as a client would */
        pst_zlib_deflater *d = pst_zlib_deflater_new(PST_ZLIB_LEVEL_DEFAULT);
        pst_wbuf call;
        pst_wbuf_init(&call, 0);
        struct iovec v = { (void *)add_call, sizeof add_call };
        CHECK_EQ_INT(pst_zlib_deflate(d, &v, 1, &call, &err), 0);
        CHECK_EQ_INT(write(fd, call.data, call.len), (ssize_t)call.len);
        /* the reply: zlib header, one stored (or compressed) block, the
         * sync flush's empty stored block ending 00 00 ff ff; read until
         * that is in */
        uint8_t r[256];
        size_t got = 0;
        while (got < 7 || memcmp(r + got - 4, "\x00\x00\xff\xff", 4) != 0) {
            ssize_t k = read(fd, r + got, sizeof r - got);
            if (k <= 0)
                break;
            got += (size_t)k;
        }
        CHECK(got >= 7);
        CHECK_EQ_INT(r[0], 0x78);
        size_t len = (size_t)(r[3] | r[4] << 8);
        if (stored) {
            CHECK_EQ_INT(block_type(r + 2), 0);
            CHECK_EQ_INT(got, 7 + len + 5);
            CHECK(len > 8);
        } else {
            CHECK(block_type(r + 2) != 0);
        }
        /* ... whose bytes inflate whole to a reply whose result is 42:
         * the message ends with field 0 (i32 42) and the struct's stop */
        pst_zlib_inflater *inf = pst_zlib_inflater_new();
        static uint8_t plain[256];
        size_t used = 0, made = 0;
        CHECK_EQ_INT(pst_zlib_inflate(inf, r, got, &used, plain, sizeof plain,
                                      &made, &err),
                     0);
        if (stored)
            CHECK_EQ_INT(made, len);
        CHECK(made >= 8 &&
              memcmp(plain + made - 8, "\x08\x00\x00\x00\x00\x00\x2a\x00",
                     8) == 0);
        pst_zlib_inflater_free(inf);
        pst_wbuf_free(&call);
        pst_zlib_deflater_free(d);
        close(fd);
        pst_server_stop(s);
        pthread_join(th, NULL);
        pst_server_free(s);
    }
}

int main(void)
{
    RUN(test_core_small_stored_big_compressed);
    RUN(test_core_pieces);
    RUN(test_core_default_compresses);
    RUN(test_stream);
    RUN(test_skip_check);
    RUN(test_same_bytes_as_zlib);
    RUN(test_server_reply_stored);
    return test_report();
}
