/*
 * fuzz_tls_target.h: the property of the server side of TLS, shared by the
 * libFuzzer target (fuzz_tls.c) and the deterministic unit test
 * (tests/unit/test_tls_fuzz.c). The input is what a client sent: its
 * first byte picks the size of the pieces the rest arrives in (as reads
 * cut it), the rest is fed to a server engine the way the nonblocking
 * filter feeds it, and checked:
 *
 *   - no crash, no leak, no sanitizer report;
 *   - no plain bytes come out (nobody can finish a handshake without the
 *     server's random, so any would be bytes taken from nowhere);
 *   - an error stops the intake, with a message saying why;
 *   - what the engine sends back is bounded (a flight, or an alert).
 *
 * The includer defines FUZZ_FAIL(what) first.
 */
#ifndef FUZZ_TLS_TARGET_H
#define FUZZ_TLS_TARGET_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tls/tls_internal.h"

static pst__tls_ctx *fuzz_tls_ctx(void)
{
    static pst__tls_ctx *ctx;
    if (ctx)
        return ctx;
    char dir[512], cert[600], key[600];
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    snprintf(cert, sizeof cert, "%s/../keys/server.crt", dir);
    snprintf(key, sizeof key, "%s/../keys/server.key", dir);
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.tls = PST_TLS_ON;
    o.tls_cert_file = cert;
    o.tls_key_file = key;
    pst_error err = { 0, "" };
    ctx = pst__tls_server_ctx_new(&o, &err);
    if (!ctx)
        fprintf(stderr, "fuzz_tls: %s\n", err.message);
    return ctx;
}

static void fuzz_tls_one(const uint8_t *data, size_t size)
{
    pst__tls_ctx *ctx = fuzz_tls_ctx();
    if (!ctx) {
        FUZZ_FAIL("no server context (tests/keys missing?)");
        return;
    }
    if (size == 0)
        return;
    size_t piece = (size_t)data[0] % 64 + 1;
    if (data[0] >= 0x80)
        piece = size;               /* half the inputs arrive whole */
    data++;
    size--;
    pst__tls *t = pst__tls_new(ctx, true, NULL, false);
    if (!t)
        return;
    size_t sent_back = 0;
    uint8_t plain[4096], wire[4096];
    for (size_t off = 0; off < size;) {
        size_t n = size - off < piece ? size - off : piece;
        if (pst__tls_put_wire(t, data + off, n) < 0) {
            FUZZ_FAIL("put_wire failed");
            break;
        }
        off += n;
        pst_error err = { 0, "" };
        size_t got = 0;
        int rc = pst__tls_read(t, plain, sizeof plain, &got, &err);
        size_t w;
        while ((w = pst__tls_take_wire(t, wire, sizeof wire)) > 0)
            sent_back += w;
        if (rc == 0 || got > 0) {
            FUZZ_FAIL("plain bytes without a handshake");
            break;
        }
        if (rc == PST_E_SHORT)
            continue;
        if (rc == PST_E_PROTOCOL && !err.message[0])
            FUZZ_FAIL("an error without a message");
        if (rc != PST_E_PROTOCOL && rc != PST_E_CLOSED)
            FUZZ_FAIL("an unexpected status");
        break;
    }
    if (sent_back > 64 * 1024)
        FUZZ_FAIL("more than 64 KiB sent back");
    pst__tls_free(t);
}

#endif
