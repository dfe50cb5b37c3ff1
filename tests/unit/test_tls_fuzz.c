/*
 * test_tls_fuzz.c: the server-side TLS intake's fuzz property (tests/fuzz/
 * fuzz_tls_target.h) over deterministic inputs: real ClientHellos, cut and
 * whole, a garbage record, then mutations of them, fed whole and in small
 * pieces. Fixed seed: a failure prints its case number and reproduces.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

#include "test_fuzz_fail.h"

#include "../fuzz/fuzz_mutate.h"
#include "../fuzz/fuzz_tls_target.h"

enum { CAP = 2048 };

/* A client's first flight, as OpenSSL writes it for `host`. */
static size_t client_hello(const char *host, uint8_t *buf, size_t cap)
{
    pst_tls_client_options to = PST_TLS_CLIENT_OPTIONS_INIT;
    to.no_verify = true;
    pst_error err = { 0, "" };
    pst__tls_ctx *ctx = pst__tls_client_ctx_new(&to, &err);
    pst__tls *t = ctx ? pst__tls_new(ctx, false, host, false) : NULL;
    size_t n = 0;
    if (t) {
        pst__tls_handshake(t, &err);
        n = pst__tls_take_wire(t, buf, cap);
    }
    pst__tls_free(t);
    pst__tls_ctx_free(ctx);
    return n;
}

int main(void)
{
    static uint8_t hello_a[CAP], hello_b[CAP];
    static const uint8_t garbage[] = { 0x16, 0x03, 0x01, 0x00, 0x0c, 0x01, 0x00,
                                       0x00, 0x08, 0xde, 0xad, 0xbe, 0xef,
                                       0xde, 0xad, 0xbe, 0xef };
    static const uint8_t huge[] = { 0x16, 0x03, 0x03, 0xff, 0xff, 0x01, 0xff,
                                    0xff, 0xff };
    fm_piece pieces[4] = {
        { hello_a, client_hello("localhost", hello_a, sizeof hello_a) },
        { hello_b, client_hello("127.0.0.1", hello_b, sizeof hello_b) },
        { garbage, sizeof garbage },
        { huge, sizeof huge },
    };
    CHECK(pieces[0].n > 40 && pieces[1].n > 40);
    enum { NSEEDS = 4, CASES = 15000 };
    uint8_t buf[CAP + 1];
    /* the seeds, whole and in pieces of 1..64 bytes, and cut short */
    for (size_t i = 0; i < NSEEDS; i++) {
        for (unsigned mode = 0; mode < 66; mode++) {
            fuzz_case++;
            buf[0] = mode == 65 ? 0x80 : (uint8_t)mode;
            memcpy(buf + 1, pieces[i].p, pieces[i].n);
            size_t n = mode == 64 ? pieces[i].n / 2 : pieces[i].n;
            fuzz_tls_one(buf, n + 1);
        }
    }
    fm_seed(20261206);
    for (unsigned long c = 0; c < CASES; c++) {
        fuzz_case++;
        const fm_piece *s = &pieces[fm_below(NSEEDS)];
        buf[0] = (uint8_t)fm_rnd();
        memcpy(buf + 1, s->p, s->n);
        size_t n = fm_mutate(buf + 1, s->n, CAP, pieces, NSEEDS);
        fuzz_tls_one(buf, n + 1);
    }
    fprintf(stderr, "%lu cases, %lu failures\n", fuzz_case, fuzz_failures);
    CHECK_EQ_INT(fuzz_failures, 0);
    return test_report();
}
