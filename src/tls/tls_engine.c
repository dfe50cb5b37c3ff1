/* tls_engine.c: OpenSSL over the engine's byte queues (tls_internal.h,
 * tls_bio.c): bytes in from the wire, plain bytes out, plain bytes in,
 * wire bytes out; no socket, so blocking streams and the epoll loop drive
 * it alike. */
#include <arpa/inet.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls_internal.h"

/* Is host an IPv4 or IPv6 literal? */
static bool inet_pton_any(const char *host, unsigned char *addr)
{
    return inet_pton(AF_INET, host, addr) == 1 ||
           inet_pton(AF_INET6, host, addr) == 1;
}

struct pst__tls {
    SSL *ssl;                  /* owns the BIO over `pipe` */
    pst__tls_pipe pipe;        /* wire bytes in and out (tls_bio.c) */
    bool established;
    bool has_identity;
    char identity[256];
};

pst__tls *pst__tls_new(pst__tls_ctx *ctx, bool server, const char *host,
                       bool verify_host)
{
    pst__tls *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ssl = SSL_new(ctx);
    BIO *bio = pst__tls_pipe_bio_new(&t->pipe);
    if (!t->ssl || !bio) {
        SSL_free(t->ssl);
        BIO_free(bio);
        free(t);
        return NULL;
    }
    SSL_set_bio(t->ssl, bio, bio);     /* one BIO both ways: one reference */
    if (server) {
        SSL_set_accept_state(t->ssl);
    } else {
        SSL_set_connect_state(t->ssl);
        if (host && *host) {
            unsigned char addr[16];
            bool is_ip = inet_pton_any(host, addr);
            if (!is_ip)
                SSL_set_tlsext_host_name(t->ssl, host);
            if (verify_host) {
                X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);
                if (is_ip)
                    X509_VERIFY_PARAM_set1_ip_asc(vp, host);
                else
                    SSL_set1_host(t->ssl, host);
            }
        }
    }
    return t;
}

void pst__tls_free(pst__tls *t)
{
    if (!t)
        return;
    SSL_free(t->ssl);
    pst__tls_bytes_free(&t->pipe.in);
    pst__tls_bytes_free(&t->pipe.out);
    free(t);
}

/* OpenSSL's SSL_get_error needs the thread's error queue empty before each
 * SSL_* call. The engine keeps it so: every failure path clears what it
 * left. Clearing unconditionally before each call cost a tenth of a TLS
 * call's instructions (OpenSSL 3 walks all of its slots), so only a queue
 * something else on this thread left dirty (a handler's own use of
 * OpenSSL, say) is cleared, at the price of a peek. */
static inline void err_ready(void)
{
    if (ERR_peek_error() != 0)
        ERR_clear_error();
}

int pst__tls_put_wire(pst__tls *t, const void *p, size_t n)
{
    return pst__tls_bytes_put(&t->pipe.in, p, n);
}

/* The handshake's or a record's failure, in words: OpenSSL's reason, and
 * the certificate check's when that is what failed. */
static int tls_fail(pst__tls *t, pst_error *err, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    long v = SSL_get_verify_result(t->ssl);
    ERR_clear_error();
    if (v != X509_V_OK && !t->established)
        return pst_error_set(err, PST_E_PROTOCOL, "%s: %s (%s)", what,
                             reason ? reason : "failed",
                             X509_verify_cert_error_string(v));
    return pst_error_set(err, PST_E_PROTOCOL, "%s: %s", what,
                         reason ? reason : "peer broke the protocol");
}

/* The subject's CN, else the first DNS name, of a verified peer. */
static void note_identity(pst__tls *t)
{
    X509 *cert = SSL_get0_peer_certificate(t->ssl);
    if (!cert || SSL_get_verify_result(t->ssl) != X509_V_OK)
        return;
    X509_NAME *subject = X509_get_subject_name(cert);
    int i = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
    unsigned char *utf8 = NULL;
    int len = -1;
    if (i >= 0)
        len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(
                                             X509_NAME_get_entry(subject, i)));
    if (len >= 0) {
        snprintf(t->identity, sizeof t->identity, "%.*s", len, (char *)utf8);
        OPENSSL_free(utf8);
        t->has_identity = true;
        return;
    }
    GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    for (int k = 0; names && k < sk_GENERAL_NAME_num(names); k++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, k);
        if (g->type == GEN_DNS) {
            const ASN1_IA5STRING *s = g->d.dNSName;
            snprintf(t->identity, sizeof t->identity, "%.*s", s->length,
                     (const char *)s->data);
            t->has_identity = true;
            break;
        }
    }
    GENERAL_NAMES_free(names);
}

int pst__tls_handshake(pst__tls *t, pst_error *err)
{
    if (t->established)
        return 0;
    err_ready();
    int r = SSL_do_handshake(t->ssl);
    if (r == 1) {
        t->established = true;
        note_identity(t);
        return 0;
    }
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return PST_E_SHORT;     /* nothing queued: not a failure */
    return tls_fail(t, err, "TLS handshake failed");
}

int pst__tls_read(pst__tls *t, void *buf, size_t cap, size_t *got,
                  pst_error *err)
{
    *got = 0;
    if (!t->established) {
        int rc = pst__tls_handshake(t, err);
        if (rc < 0)
            return rc;
    }
    err_ready();
    int n = SSL_read(t->ssl, buf, cap > INT_MAX ? INT_MAX : (int)cap);
    if (n > 0) {
        *got = (size_t)n;
        return 0;
    }
    switch (SSL_get_error(t->ssl, n)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return PST_E_SHORT;
    case SSL_ERROR_ZERO_RETURN:
        ERR_clear_error();
        return PST_E_CLOSED;
    default:
        return tls_fail(t, err, "TLS record refused");
    }
}

int pst__tls_write(pst__tls *t, const void *p, size_t n, pst_error *err)
{
    while (n > 0) {
        err_ready();
        int k = n > INT_MAX ? INT_MAX : (int)n;
        int w = SSL_write(t->ssl, p, k);
        if (w <= 0)
            return tls_fail(t, err, "TLS write failed");
        p = (const uint8_t *)p + w;
        n -= (size_t)w;
    }
    return 0;
}

void pst__tls_close_notify(pst__tls *t)
{
    if (t->established) {
        ERR_clear_error();
        SSL_shutdown(t->ssl);
        ERR_clear_error();
    }
}

bool pst__tls_read_pending(const pst__tls *t)
{
    return t->pipe.in.len > t->pipe.in.off || SSL_has_pending(t->ssl);
}

size_t pst__tls_wire_pending(const pst__tls *t)
{
    return t->pipe.out.len - t->pipe.out.off;
}

size_t pst__tls_take_wire(pst__tls *t, void *buf, size_t cap)
{
    return pst__tls_bytes_take(&t->pipe.out, buf, cap);
}

const uint8_t *pst__tls_wire_peek(const pst__tls *t, size_t *n)
{
    *n = t->pipe.out.len - t->pipe.out.off;
    return t->pipe.out.data + t->pipe.out.off;
}

void pst__tls_wire_consume(pst__tls *t, size_t n)
{
    pst__tls_bytes_consume(&t->pipe.out, n);
}

bool pst__tls_established(const pst__tls *t)
{
    return t->established;
}

const char *pst__tls_peer_identity(const pst__tls *t)
{
    return t->has_identity ? t->identity : NULL;
}

const char *pst__tls_describe(const pst__tls *t, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s", SSL_get_version(t->ssl),
             SSL_CIPHER_get_name(SSL_get_current_cipher(t->ssl)));
    return buf;
}

/* ---- the identity handlers see --------------------------------------- */

static _Thread_local const char *current_identity;

void pst__tls_set_current_identity(const char *identity)
{
    current_identity = identity;
}

const char *pst_tls_peer_identity(const pst_call *call)
{
    (void)call; /* the connection is the thread's current one */
    return current_identity;
}
