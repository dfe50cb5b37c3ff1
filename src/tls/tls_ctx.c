/* tls_ctx.c: OpenSSL contexts for servers and clients: TLS 1.2 at least,
 * no renegotiation, certificates and keys from PEM files, client
 * certificates asked for when the server has a CA file for them. */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <string.h>

#include "tls/tls_internal.h"

/* OpenSSL's reason for the last failure, after `what`. */
static int ctx_error(pst_error *err, const char *what, const char *file)
{
    unsigned long e = ERR_get_error();
    char reason[256] = "unknown error";
    if (e)
        ERR_error_string_n(e, reason, sizeof reason);
    ERR_clear_error();
    return pst_error_set(err, PST_E_INVALID, "TLS: %s%s%s: %s", what,
                         file ? " " : "", file ? file : "", reason);
}

static SSL_CTX *ctx_new(const SSL_METHOD *method, pst_error *err)
{
    SSL_CTX *ctx = SSL_CTX_new(method);
    if (!ctx) {
        ctx_error(err, "cannot make a context", NULL);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    /* Renegotiation lets a peer restart the handshake at any time, a
     * costly and historically fragile path; TLS 1.3 has none. */
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    return ctx;
}

static int load_pair(SSL_CTX *ctx, const char *cert, const char *key,
                     pst_error *err)
{
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
        return ctx_error(err, "cannot load the certificate", cert);
    if (SSL_CTX_use_PrivateKey_file(ctx, key ? key : cert, SSL_FILETYPE_PEM) != 1)
        return ctx_error(err, "cannot load the private key", key ? key : cert);
    if (SSL_CTX_check_private_key(ctx) != 1)
        return ctx_error(err, "the private key does not match the certificate",
                         cert);
    return 0;
}

pst__tls_ctx *pst__tls_server_ctx_new(const pst_server_options *o,
                                      pst_error *err)
{
    if (!o->tls_cert_file) {
        pst_error_set(err, PST_E_INVALID, "TLS: tls is on but tls_cert_file "
                                          "is not set");
        return NULL;
    }
    if (o->tls_require_client_cert && !o->tls_ca_file) {
        pst_error_set(err, PST_E_INVALID, "TLS: tls_require_client_cert needs "
                                          "tls_ca_file to verify them with");
        return NULL;
    }
    SSL_CTX *ctx = ctx_new(TLS_server_method(), err);
    if (!ctx)
        return NULL;
    if (load_pair(ctx, o->tls_cert_file, o->tls_key_file, err) < 0)
        goto fail;
    /* Sessions are resumed only by the server that made them; the id
     * context is what OpenSSL needs to resume sessions with client
     * certificates at all. */
    static const unsigned char sid[] = "postern";
    SSL_CTX_set_session_id_context(ctx, sid, sizeof sid - 1);
    if (o->tls_ca_file) {
        if (SSL_CTX_load_verify_locations(ctx, o->tls_ca_file, NULL) != 1) {
            ctx_error(err, "cannot load the client CA file", o->tls_ca_file);
            goto fail;
        }
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(o->tls_ca_file);
        if (names)
            SSL_CTX_set_client_CA_list(ctx, names);
        SSL_CTX_set_verify(ctx,
                           SSL_VERIFY_PEER | (o->tls_require_client_cert
                                                  ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                                                  : 0),
                           NULL);
    }
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

pst__tls_ctx *pst__tls_client_ctx_new(const pst_tls_client_options *o,
                                      pst_error *err)
{
    SSL_CTX *ctx = ctx_new(TLS_client_method(), err);
    if (!ctx)
        return NULL;
    if (o->no_verify) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        int ok = o->ca_file ? SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL)
                            : SSL_CTX_set_default_verify_paths(ctx);
        if (ok != 1) {
            ctx_error(err, o->ca_file ? "cannot load the CA file"
                                      : "cannot load the system's CAs",
                      o->ca_file);
            goto fail;
        }
    }
    if (o->cert_file && load_pair(ctx, o->cert_file, o->key_file, err) < 0)
        goto fail;
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

void pst__tls_ctx_free(pst__tls_ctx *ctx)
{
    SSL_CTX_free(ctx);
}
