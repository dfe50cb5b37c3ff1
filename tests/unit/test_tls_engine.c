/*
 * test_tls_engine.c: the TLS engine (src/tls) in memory, a client and a
 * server engine passing wire bytes by hand: its byte queues keep their
 * buffer between records (and give a big one back), records arriving
 * together are read one by one and pst__tls_read_pending says when no
 * more are there, a long message crosses many records, and an error that
 * something else left on the thread's OpenSSL error queue does not turn
 * "no bytes yet" into a failure. Keys: tests/keys.
 */
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postern/server.h"
#include "postern/tls.h"
#include "test.h"
#include "tls/tls_internal.h"

static char keys_dir[512];

static const char *key_path(const char *name)
{
    static char paths[4][600];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", keys_dir, name);
    return p;
}

typedef struct pair {
    pst__tls_ctx *sctx, *cctx;
    pst__tls *server, *client;
} pair;

/* Every wire byte `from` has made, into `to`; how many. */
static size_t shuttle(pst__tls *from, pst__tls *to)
{
    uint8_t buf[4096];
    size_t n, total = 0;
    while ((n = pst__tls_take_wire(from, buf, sizeof buf)) > 0) {
        CHECK_EQ_INT(pst__tls_put_wire(to, buf, n), 0);
        total += n;
    }
    return total;
}

static int pair_open(pair *p)
{
    memset(p, 0, sizeof *p);
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.tls_cert_file = key_path("server.crt");
    o.tls_key_file = key_path("server.key");
    pst_tls_client_options to = PST_TLS_CLIENT_OPTIONS_INIT;
    to.ca_file = key_path("ca.crt");
    pst_error err = { 0, "" };
    p->sctx = pst__tls_server_ctx_new(&o, &err);
    p->cctx = pst__tls_client_ctx_new(&to, &err);
    if (!p->sctx || !p->cctx) {
        fprintf(stderr, "contexts: %s\n", err.message);
        return -1;
    }
    p->server = pst__tls_new(p->sctx, true, NULL, false);
    p->client = pst__tls_new(p->cctx, false, "localhost", true);
    if (!p->server || !p->client)
        return -1;
    for (int round = 0; round < 10; round++) {
        int c = pst__tls_handshake(p->client, &err);
        shuttle(p->client, p->server);
        int s = pst__tls_handshake(p->server, &err);
        shuttle(p->server, p->client);
        if (c < 0 && c != PST_E_SHORT)
            fprintf(stderr, "client handshake: %s\n", err.message);
        if (s < 0 && s != PST_E_SHORT)
            fprintf(stderr, "server handshake: %s\n", err.message);
        if (c == 0 && s == 0)
            break;
    }
    if (!pst__tls_established(p->client) || !pst__tls_established(p->server))
        return -1;
    /* the client takes the server's tickets now, so that what follows
     * reads only what the test sends */
    uint8_t b[16];
    size_t got = 0;
    CHECK_EQ_INT(pst__tls_read(p->client, b, sizeof b, &got, &err), PST_E_SHORT);
    shuttle(p->client, p->server);
    return 0;
}

static void pair_close(pair *p)
{
    pst__tls_free(p->server);
    pst__tls_free(p->client);
    pst__tls_ctx_free(p->sctx);
    pst__tls_ctx_free(p->cctx);
}

/* ---- the byte queues ----------------------------------------------------- */

static void test_bytes_keep_their_buffer(void)
{
    pst__tls_bytes q = { 0 };
    uint8_t in[64], out[64];
    for (int i = 0; i < 64; i++)
        in[i] = (uint8_t)i;
    CHECK_EQ_INT(pst__tls_bytes_put(&q, in, 40), 0);
    CHECK_EQ_INT(pst__tls_bytes_take(&q, out, 15), 15);
    CHECK_MEM(out, in, 15);
    /* more behind what is left: order kept */
    CHECK_EQ_INT(pst__tls_bytes_put(&q, in + 40, 24), 0);
    CHECK_EQ_INT(pst__tls_bytes_take(&q, out, sizeof out), 49);
    CHECK_MEM(out, in + 15, 49);
    CHECK_EQ_INT(pst__tls_bytes_take(&q, out, sizeof out), 0);
    /* drained: the small buffer stays for the next record */
    uint8_t *kept = q.data;
    CHECK(kept != NULL);
    CHECK_EQ_INT(pst__tls_bytes_put(&q, in, 10), 0);
    CHECK(q.data == kept);
    CHECK_EQ_INT(q.off, 0);
    pst__tls_bytes_consume(&q, 10);

    /* a front consumed makes room without growing: a record's tail moves
     * to the front */
    size_t cap = q.cap;
    uint8_t *big = malloc(cap);
    CHECK(big != NULL);
    if (big) {
        for (size_t i = 0; i < cap; i++)
            big[i] = (uint8_t)(i * 7);
        CHECK_EQ_INT(pst__tls_bytes_put(&q, big, cap - 8), 0);
        pst__tls_bytes_consume(&q, cap - 16);
        CHECK_EQ_INT(pst__tls_bytes_put(&q, in, 16), 0);
        CHECK_EQ_INT(q.cap, cap);
        CHECK_EQ_INT(pst__tls_bytes_take(&q, out, sizeof out), 24);
        CHECK_MEM(out, big + cap - 16, 8);
        CHECK_MEM(out + 8, in, 16);
    }

    /* a big one passed through: its buffer goes back once drained */
    size_t n = 200 * 1024;
    uint8_t *huge = calloc(1, n);
    CHECK(huge != NULL);
    if (huge) {
        CHECK_EQ_INT(pst__tls_bytes_put(&q, huge, n), 0);
        CHECK(q.cap >= n);
        pst__tls_bytes_consume(&q, n);
        CHECK(q.data == NULL);
        CHECK_EQ_INT(q.cap, 0);
    }
    free(huge);
    free(big);
    pst__tls_bytes_free(&q);
}

/* ---- records ------------------------------------------------------------- */

static void test_records_one_by_one(void)
{
    pair p;
    CHECK(pair_open(&p) == 0);
    if (!p.server || !p.client || !pst__tls_established(p.server)) {
        pair_close(&p);
        return;
    }
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst__tls_write(p.client, "one", 3, &err), 0);
    CHECK_EQ_INT(pst__tls_write(p.client, "second", 6, &err), 0);
    CHECK(shuttle(p.client, p.server) > 9);
    char buf[64];
    size_t got = 0;
    CHECK(pst__tls_read_pending(p.server));      /* both records wait */
    CHECK_EQ_INT(pst__tls_read(p.server, buf, sizeof buf, &got, &err), 0);
    CHECK_EQ_INT(got, 3);
    CHECK_MEM(buf, "one", 3);
    CHECK(pst__tls_read_pending(p.server));     /* the second record */
    CHECK_EQ_INT(pst__tls_read(p.server, buf, sizeof buf, &got, &err), 0);
    CHECK_EQ_INT(got, 6);
    CHECK_MEM(buf, "second", 6);
    CHECK(!pst__tls_read_pending(p.server));
    CHECK_EQ_INT(pst__tls_read(p.server, buf, sizeof buf, &got, &err), PST_E_SHORT);

    /* half a record: pending (its bytes wait), yet no plain bytes yet */
    CHECK_EQ_INT(pst__tls_write(p.client, "third", 5, &err), 0);
    uint8_t wire[256];
    size_t n = pst__tls_take_wire(p.client, wire, sizeof wire);
    CHECK(n > 10);
    CHECK_EQ_INT(pst__tls_put_wire(p.server, wire, 4), 0);
    CHECK_EQ_INT(pst__tls_read(p.server, buf, sizeof buf, &got, &err), PST_E_SHORT);
    CHECK_EQ_INT(pst__tls_put_wire(p.server, wire + 4, n - 4), 0);
    CHECK_EQ_INT(pst__tls_read(p.server, buf, sizeof buf, &got, &err), 0);
    CHECK_EQ_INT(got, 5);
    CHECK_MEM(buf, "third", 5);

    /* the answer, taken in place */
    CHECK_EQ_INT(pst__tls_write(p.server, "reply", 5, &err), 0);
    size_t avail = 0;
    const uint8_t *w = pst__tls_wire_peek(p.server, &avail);
    CHECK(avail > 5);
    CHECK_EQ_INT(pst__tls_put_wire(p.client, w, avail), 0);
    pst__tls_wire_consume(p.server, avail);
    CHECK_EQ_INT(pst__tls_wire_pending(p.server), 0);
    CHECK_EQ_INT(pst__tls_read(p.client, buf, sizeof buf, &got, &err), 0);
    CHECK_EQ_INT(got, 5);
    CHECK_MEM(buf, "reply", 5);
    pair_close(&p);
}

static void test_long_message_many_records(void)
{
    pair p;
    CHECK(pair_open(&p) == 0);
    if (!p.server || !p.client || !pst__tls_established(p.server)) {
        pair_close(&p);
        return;
    }
    size_t n = 100000;          /* seven records of at most 16 KiB */
    uint8_t *msg = malloc(n), *back = malloc(n);
    CHECK(msg && back);
    if (msg && back) {
        for (size_t i = 0; i < n; i++)
            msg[i] = (uint8_t)(i * 31 + 7);
        pst_error err = { 0, "" };
        CHECK_EQ_INT(pst__tls_write(p.client, msg, n, &err), 0);
        /* delivered in odd pieces, read as they come */
        uint8_t wire[1000];
        size_t w, have = 0;
        while ((w = pst__tls_take_wire(p.client, wire, 777)) > 0) {
            CHECK_EQ_INT(pst__tls_put_wire(p.server, wire, w), 0);
            for (;;) {
                size_t got = 0;
                int rc = pst__tls_read(p.server, back + have, n - have, &got, &err);
                if (rc != 0) {
                    CHECK_EQ_INT(rc, PST_E_SHORT);
                    break;
                }
                have += got;
            }
        }
        CHECK_EQ_INT(have, n);
        CHECK_MEM(back, msg, n);
    }
    free(msg);
    free(back);
    pair_close(&p);
}

/* ---- OpenSSL's error queue ----------------------------------------------- */

/* An error left on this thread's queue, as a handler's own use of OpenSSL
 * might leave one. */
static void leave_stale_error(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    ERR_raise(ERR_LIB_USER, 1);
#else
    ERR_put_error(ERR_LIB_USER, 0, 1, __FILE__, __LINE__);
#endif
}

static void test_stale_error_does_not_fail_a_read(void)
{
    pair p;
    CHECK(pair_open(&p) == 0);
    if (!p.server || !p.client || !pst__tls_established(p.server)) {
        pair_close(&p);
        return;
    }
    pst_error err = { 0, "" };
    char buf[16];
    size_t got = 0;
    /* nothing has arrived: "more later", not a broken record */
    leave_stale_error();
    CHECK_EQ_INT(pst__tls_read(p.server, buf, sizeof buf, &got, &err), PST_E_SHORT);
    leave_stale_error();
    CHECK_EQ_INT(pst__tls_write(p.client, "ping", 4, &err), 0);
    shuttle(p.client, p.server);
    leave_stale_error();
    CHECK_EQ_INT(pst__tls_read(p.server, buf, sizeof buf, &got, &err), 0);
    CHECK_EQ_INT(got, 4);
    CHECK_EQ_INT(pst__tls_read(p.server, buf, sizeof buf, &got, &err), PST_E_SHORT);
    /* and a real failure still is one, with the queue left empty */
    uint8_t junk[64];
    memset(junk, 0x17, sizeof junk);            /* application data, garbage */
    junk[1] = 0x03;
    junk[2] = 0x03;
    junk[3] = 0;
    junk[4] = 40;
    CHECK_EQ_INT(pst__tls_put_wire(p.server, junk, 45), 0);
    CHECK_EQ_INT(pst__tls_read(p.server, buf, sizeof buf, &got, &err), PST_E_PROTOCOL);
    CHECK(err.message[0] != '\0');
    CHECK_EQ_INT(ERR_peek_error(), 0);
    ERR_clear_error();
    pair_close(&p);
}

int main(void)
{
    snprintf(keys_dir, sizeof keys_dir, "%s", __FILE__);
    char *slash = strrchr(keys_dir, '/');
    if (slash)
        snprintf(slash, sizeof keys_dir - (size_t)(slash - keys_dir), "/../keys");
    RUN(test_bytes_keep_their_buffer);
    RUN(test_records_one_by_one);
    RUN(test_long_message_many_records);
    RUN(test_stale_error_does_not_fail_a_read);
    return test_report();
}
