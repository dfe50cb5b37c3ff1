/* header_process.c: a server's answer to one THeader frame, shared by
 * every model: unwrap the request (its protocol, transforms, info
 * headers), process the payload, and wrap the reply in the request's
 * format: the same protocol, transforms, flags and seqid. */
#include <string.h>

#include "processor/processor_internal.h"
#include "server_internal.h"
#include "transport/header_internal.h"

/* The request's info headers while its handler runs (pst_header_request),
 * and the reply's that it adds (pst_header_reply_set, copied into the
 * call's arena). */
static _Thread_local const pst_header_kv *tl_headers;
static _Thread_local uint32_t tl_nheaders;
static _Thread_local pst_arena *tl_arena;
static _Thread_local pst_header_kv tl_reply[PST_HEADER_MAX_REPLY_HEADERS];
static _Thread_local uint32_t tl_nreply;

int pst_header_reply_set(const char *key, const char *value)
{
    if (!tl_arena || !key || !value)
        return PST_E_INVALID;
    if (tl_nreply == PST_HEADER_MAX_REPLY_HEADERS)
        return PST_E_LIMIT;
    size_t kl = strlen(key), vl = strlen(value);
    char *k = pst_arena_dup(tl_arena, key, kl + 1);
    char *v = pst_arena_dup(tl_arena, value, vl + 1);
    if (!k || !v)
        return PST_E_NOMEM;
    tl_reply[tl_nreply].key = (pst_str){ k, kl };
    tl_reply[tl_nreply].value = (pst_str){ v, vl };
    tl_nreply++;
    return 0;
}

const pst_header_kv *pst_header_request(uint32_t *n)
{
    *n = tl_nheaders;
    return tl_nheaders ? tl_headers : NULL;
}

int pst__header_process(const pst_processor *proc, const uint8_t *body,
                        size_t n, pst_wbuf *out, pst_arena *arena,
                        const pst_codec_config *cfg, pst_error *err,
                        pst__call_report *rep)
{
    rep->method = NULL;
    rep->outcome = PST__OUTCOME_PROTOCOL;
    pst_wbuf inflated, reply;
    pst_wbuf_init(&inflated, (size_t)cfg->max_message);
    pst_wbuf_init(&reply, 0);
    pst_header_frame f;
    const uint8_t *payload;
    size_t plen;
    int rc = pst_header_read(body, n, cfg, arena, &f, &inflated, &payload, &plen,
                             err);
    if (rc < 0)
        goto done;
    const pst_protocol *proto = pst_header_protocol(f.protocol_id);
    tl_headers = f.headers;
    tl_nheaders = f.nheaders;
    tl_arena = arena;
    tl_nreply = 0;
    reply.max = out->max;
    rc = pst__process(proc, proto, payload, plen, &reply, arena, cfg, err, rep);
    tl_headers = NULL;
    tl_nheaders = 0;
    tl_arena = NULL;
    if (reply.err && rc == 0)
        rc = pst_error_set(err, reply.err, "reply: %s", pst_strerror(reply.err));
    if (reply.len == 0 || reply.err)
        goto done; /* a oneway call, or nothing that can be sent */
    /* the reply carries the handler's info headers, none of the request's */
    f.headers = tl_nreply ? tl_reply : NULL;
    f.nheaders = tl_nreply;
    tl_nreply = 0;
    size_t mark = out->len;
    int wrc = pst__header_write_body(out, &f, reply.data, reply.len, err);
    if (wrc < 0) {
        out->len = mark;
        if (rc == 0)
            rc = wrc;
    }
done:
    pst_wbuf_free(&inflated);
    pst_wbuf_free(&reply);
    return rc;
}

int pst__header_answer(const pst_processor *proc, const uint8_t *m, size_t len,
                       int skip, pst_wbuf *out, pst_arena *arena,
                       const pst_codec_config *cfg, pst_error *err,
                       pst__call_report *rep)
{
    if (skip == 0)
        return pst__header_process(proc, m, len, out, arena, cfg, err, rep);
    size_t mark = out->len;
    if (pst_wbuf_reserve(out, 4) < 0) {
        out->err = 0;
        return pst_error_set(err, PST_E_NOMEM, "out of memory for a reply");
    }
    out->len += 4;
    int rc = pst__header_process(proc, m + 4, len - 4, out, arena, cfg, err, rep);
    size_t inner = out->len - mark - 4;
    if (inner == 0) {
        out->len = mark; /* no reply */
    } else {
        uint8_t *l = out->data + mark;
        l[0] = (uint8_t)(inner >> 24);
        l[1] = (uint8_t)(inner >> 16);
        l[2] = (uint8_t)(inner >> 8);
        l[3] = (uint8_t)inner;
    }
    return rc;
}
