/*
 * fuzz_request_target.h: one fuzz input as a request message through
 * pst_process with the ThriftTest echo service (thrifttest_echo.h), in the
 * binary or the compact protocol, and the properties that must hold
 * whatever the bytes:
 *
 *   - no crash, leak or unbounded allocation (arena and reply are bounded;
 *     a sanitizer build catches the rest);
 *   - a failure (< 0) comes with a message, and only for requests that
 *     cannot be answered: an unreadable header, a message type other than
 *     CALL / ONEWAY, or a reply buffer too small for even an exception;
 *   - a CALL to a two-way (or unknown) method is answered, a ONEWAY message
 *     or a call to a oneway method never is;
 *   - the reply is well-formed: message_length measures it exactly (and no
 *     shorter prefix), its header repeats the request's name and seqid, it
 *     is a REPLY the client-side decoder (pst__decode_reply) accepts as a
 *     result or a declared exception, or an EXCEPTION whose
 *     TApplicationException decodes whole, with a type that fits: unknown
 *     method, undecodable arguments (PROTOCOL_ERROR), a failed handler
 *     (INTERNAL_ERROR), a message type that is not a call;
 *   - the reply agrees with the arguments: arguments that decode give a
 *     REPLY whose value, for the echo methods, is the argument again;
 *     arguments that do not decode give PROTOCOL_ERROR;
 *   - read_struct, skip_struct and message_length agree where the
 *     arguments end;
 *   - processing is deterministic and leaves the bytes before the reply
 *     in the output buffer alone.
 *
 * With selector bit 0x40 the input is instead a reply stream from a hostile
 * server, read by a synchronous client (see fuzz_reply_one).
 *
 * The first input byte picks the protocol and the limits; the rest is the
 * request, copied to an exactly sized block so overreads are caught.
 * The includer defines FUZZ_FAIL(what) (abort for libFuzzer, count for the
 * deterministic unit test) and may define FUZZ_OUTCOME(kind) and
 * FUZZ_REPLY_OUTCOME(status) to count what the inputs reach.
 */
#ifndef FUZZ_REQUEST_TARGET_H
#define FUZZ_REQUEST_TARGET_H

#include <stdlib.h>
#include <string.h>

#include "client/conn.h"
#include "postern/client.h"
#include "postern/processor.h"
#include "thrifttest_echo.h"

#ifndef FUZZ_FAIL
#error "define FUZZ_FAIL(what) before including fuzz_request_target.h"
#endif
#ifndef FUZZ_OUTCOME
#define FUZZ_OUTCOME(kind) ((void)(kind))
#endif
#ifndef FUZZ_REPLY_OUTCOME
#define FUZZ_REPLY_OUTCOME(rc) ((void)(rc))
#endif

/* What an input ended as, for the unit test's coverage counts. */
enum {
    FR_BAD_HEADER,     /* header unreadable: no reply */
    FR_BAD_TYPE,       /* not a CALL/ONEWAY: INVALID_MESSAGE_TYPE */
    FR_UNKNOWN_METHOD, /* UNKNOWN_METHOD exception */
    FR_BAD_ARGS,       /* PROTOCOL_ERROR exception */
    FR_HANDLER_ERROR,  /* INTERNAL_ERROR exception */
    FR_REPLY,          /* REPLY with a result */
    FR_DECLARED,       /* REPLY with a declared exception */
    FR_ONEWAY,         /* nothing owed */
    FR_UNANSWERED,     /* could not answer (reply buffer too small) */
    FR_KINDS
};

/* Selector bits (the first byte). */
#define FR_SEL_COMPACT 0x01u   /* compact, else binary */
#define FR_SEL_SHALLOW 0x02u   /* max_depth 8, else 64 */
#define FR_SEL_STRICT 0x04u    /* strict_read */
#define FR_SEL_ARENA 0x08u     /* arena limited to 4 KiB */
#define FR_SEL_TINY_OUT 0x10u  /* reply buffer of 16..79 bytes */
#define FR_SEL_SMALL_MSG 0x20u /* max_message of about half the request */
#define FR_SEL_REPLY 0x40u     /* reply mode: the bytes come from a server */
#define FR_SEL_FRAMED 0x80u    /* reply mode: framed */

#define FR_PREFIX "\xde\xad\xbe\xef" /* bytes already in the output buffer */

static bool fr_str_eq(pst_str a, pst_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* The echo methods: result field 0 `success` holds args field 1 `thing`. */
static bool fr_is_echo(const pst_method_desc *m)
{
    static const char *const echo[] = {
        "testString", "testBool",  "testByte",      "testI32",
        "testI64",    "testDouble", "testBinary",   "testStruct",
        "testNest",   "testMap",   "testStringMap", "testSet",
        "testList",   "testEnum",  "testTypedef",
    };
    for (size_t i = 0; i < sizeof echo / sizeof echo[0]; i++)
        if (strcmp(m->name, echo[i]) == 0)
            return true;
    return false;
}

/* A struct with one field (args `thing` or result `success`) in binary,
 * without the 3-byte field header: the value's bytes, then STOP. The
 * binary encoding is canonical for equal values whatever protocol they
 * were decoded from. NULL if it does not encode. */
static uint8_t *fr_value_bytes(const pst_struct_desc *d, const void *v,
                               size_t *n)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    if (pst_protocol_binary.write_struct(&w, d, v, NULL) != 0 || w.len < 4) {
        pst_wbuf_free(&w);
        return NULL;
    }
    *n = w.len - 3;
    memmove(w.data, w.data + 3, *n);
    return w.data;
}

/* Where a struct that starts at `from` ends, by skip_struct; NULL if the
 * skip fails. */
static const uint8_t *fr_skip_end(const pst_protocol *p, const uint8_t *from,
                                  const uint8_t *end,
                                  const pst_codec_config *cfg)
{
    pst_rbuf r;
    pst_rbuf_init(&r, from, (size_t)(end - from), NULL);
    return p->skip_struct(&r, cfg) == 0 ? r.p : NULL;
}

/* Check the reply in [rep, rep+n) to request header rh (method m, NULL if
 * unknown). args_ok: the arguments decode (-1: unknown, e.g. limits
 * differ). Returns the outcome kind. */
static int fr_check_reply(const pst_protocol *p, const pst_codec_config *cfg,
                          const pst_msg_header *rh, const pst_method_desc *m,
                          int args_ok, const void *args, const uint8_t *rep,
                          size_t n, pst_arena *a)
{
    /* measured exactly, and no shorter prefix is a message */
    pst_codec_config big = *cfg;
    big.max_message = 1u << 30;
    size_t len = 0;
    pst_error e = { 0, "" };
    if (p->message_length(rep, n, &big, &len, &e) != 0 || len != n) {
        FUZZ_FAIL("reply: message_length does not measure it");
        return FR_KINDS;
    }
    for (size_t k = n; k-- > 0 && n - k <= 3;) {
        size_t l2;
        if (p->message_length(rep, k, &big, &l2, NULL) == 0)
            FUZZ_FAIL("reply: message_length succeeds on a prefix");
    }
    pst_rbuf r;
    pst_rbuf_init(&r, rep, n, &e);
    pst_msg_header h;
    if (p->read_message_begin(&r, &h, &big) != 0) {
        FUZZ_FAIL("reply: header does not decode");
        return FR_KINDS;
    }
    if (!fr_str_eq(h.name, rh->name))
        FUZZ_FAIL("reply: method name differs from the request's");
    if (h.seqid != rh->seqid)
        FUZZ_FAIL("reply: seqid differs from the request's");

    if (h.type == PST_MSG_EXCEPTION) {
        pst_app_exception ex;
        if (p->read_struct(&r, &pst_app_exception_desc, &ex, a, &big) != 0 ||
            r.p != rep + n) {
            FUZZ_FAIL("reply: TApplicationException does not decode whole");
            return FR_KINDS;
        }
        if (!(ex.isset_[0] & 1) || ex.message.len == 0)
            FUZZ_FAIL("reply: TApplicationException without a message");
        bool call = rh->type == PST_MSG_CALL || rh->type == PST_MSG_ONEWAY;
        switch (ex.type) {
        case PST_APPEX_INVALID_MESSAGE_TYPE:
            if (call)
                FUZZ_FAIL("reply: INVALID_MESSAGE_TYPE for a call");
            return FR_BAD_TYPE;
        case PST_APPEX_UNKNOWN_METHOD:
            if (!call || m)
                FUZZ_FAIL("reply: UNKNOWN_METHOD for a known method");
            return FR_UNKNOWN_METHOD;
        case PST_APPEX_PROTOCOL_ERROR:
            if (!call || !m || args_ok == 1)
                FUZZ_FAIL("reply: PROTOCOL_ERROR for arguments that decode");
            return FR_BAD_ARGS;
        case PST_APPEX_INTERNAL_ERROR:
            if (!call || !m || args_ok == 0)
                FUZZ_FAIL("reply: INTERNAL_ERROR for arguments that do not "
                          "decode");
            return FR_HANDLER_ERROR;
        default:
            FUZZ_FAIL("reply: unexpected TApplicationException type");
            return FR_KINDS;
        }
    }
    if (h.type != PST_MSG_REPLY) {
        FUZZ_FAIL("reply: neither REPLY nor EXCEPTION");
        return FR_KINDS;
    }
    if (!m || m->oneway || args_ok == 0) {
        FUZZ_FAIL("reply: REPLY to an unknown, oneway or undecodable call");
        return FR_KINDS;
    }
    /* the client's own decoding */
    void *result = pst_arena_alloc(a, m->result->size);
    if (!result)
        return FR_KINDS;
    pst_call_info info;
    memset(&info, 0, sizeof info);
    int rc = pst__decode_reply(p, &big, m, rep, n, result, a, &info);
    if (rc != 0 && rc != PST_E_DECLARED_EXCEPTION) {
        FUZZ_FAIL("reply: the client rejects it");
        return FR_KINDS;
    }
    /* ...and all of it is the result */
    pst_rbuf_init(&r, rep, n, NULL);
    if (p->read_message_begin(&r, &h, &big) != 0 ||
        p->read_struct(&r, m->result, result, a, &big) != 0 || r.p != rep + n)
        FUZZ_FAIL("reply: result does not fill the message");
    if (rc == 0 && args && fr_is_echo(m)) {
        size_t an = 0, bn = 0;
        uint8_t *want = fr_value_bytes(m->args, args, &an);
        uint8_t *got = fr_value_bytes(m->result, result, &bn);
        if (!want || !got || an != bn || memcmp(want, got, an) != 0)
            FUZZ_FAIL("reply: the echo differs from the argument");
        free(want);
        free(got);
    }
    return rc == 0 ? FR_REPLY : FR_DECLARED;
}

/* Reply mode (selector bit FR_SEL_REPLY): the input is what a hostile
 * server sends back. A synchronous client over the memory stream calls the
 * method picked by the next byte and reads the reply from these bytes;
 * the pipeline's decoder (pst__decode_reply) reads them too. Whatever the
 * bytes: no crash, a status that agrees with pst_client_error, a message
 * with every failure, and a client that is broken exactly when its
 * stream's state is unknown. */
static void fuzz_reply_one(unsigned sel, const uint8_t *data, size_t n)
{
    if (n == 0)
        return;
    const pst_service_desc *sd = &ThriftTest_ThriftTest_desc;
    const pst_method_desc *m = &sd->methods[data[0] % sd->nmethods];
    data++;
    n--;
    const pst_protocol *p =
        (sel & FR_SEL_COMPACT) ? &pst_protocol_compact : &pst_protocol_binary;
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.codec.max_frame = to.codec.max_message = 1u << 16;
    if (sel & FR_SEL_SHALLOW)
        to.codec.max_depth = 8;
    pst_stream *st = pst_stream_memory_new(data, n, 0);
    pst_transport *t = (sel & FR_SEL_FRAMED) ? pst_transport_framed_new(st, &to)
                                             : pst_transport_unframed_new(st, &to);
    pst_client_options co = PST_CLIENT_OPTIONS_INIT;
    co.protocol = p;
    co.framed = (sel & FR_SEL_FRAMED) != 0;
    co.codec = to.codec;
    pst_client *c = t ? pst_client_new(t, &co) : NULL;
    if (!c)
        return;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, (sel & FR_SEL_ARENA) ? 4096 : (size_t)1 << 24);
    void *args = pst_arena_calloc(&a, m->args->size ? m->args->size : 1);
    void *result = m->result ? pst_arena_calloc(&a, m->result->size) : NULL;
    if (args) {
        pst_struct_init(m->args, args);
        int rc = pst_client_call(c, m, args, result, &a);
        const pst_error *e = pst_client_error(c);
        FUZZ_REPLY_OUTCOME(rc);
        if (rc > 0)
            FUZZ_FAIL("client: positive status");
        if (rc < 0 && (e->code != rc || e->message[0] == '\0'))
            FUZZ_FAIL("client: failed without a message");
        if (rc == PST_E_APP_EXCEPTION && !pst_client_app_exception(c))
            FUZZ_FAIL("client: APP_EXCEPTION without the exception");
        if (rc == 0 && pst_client_broken(c))
            FUZZ_FAIL("client: broken after a successful call");
        /* the pipeline's decoder, on the first message of the stream */
        const uint8_t *msg = data;
        size_t len = n;
        if (co.framed) {
            len = n >= 4 ? ((size_t)data[0] << 24 | (size_t)data[1] << 16 |
                            (size_t)data[2] << 8 | data[3])
                         : 0;
            msg = data + 4;
            if (n < 4 || len > n - 4)
                len = 0;
        }
        if (len && m->result) {
            pst_call_info info;
            memset(&info, 0, sizeof info);
            int drc = pst__decode_reply(p, &to.codec, m, msg, len, result, &a,
                                        &info);
            if (drc > 0 || (drc < 0 && (info.error.code != drc ||
                                        info.error.message[0] == '\0')))
                FUZZ_FAIL("decode_reply: failed without a message");
        }
    }
    pst_arena_release(&a);
    pst_client_free(c);
}

/* A reply-mode input made from a real request: the echo service's reply
 * to it as the client's first call (seqid 1), behind the selector and
 * method bytes. 0 when the request gets no reply (or cap is too small). */
__attribute__((unused)) /* by the seed generator and the unit test */
static size_t fr_reply_input(const pst_protocol *p, bool framed,
                             const uint8_t *req, size_t n, uint8_t *out,
                             size_t cap)
{
    pst_rbuf r;
    pst_rbuf_init(&r, req, n, NULL);
    pst_msg_header h;
    if (p->read_message_begin(&r, &h, NULL) != 0 || h.type != PST_MSG_CALL)
        return 0;
    const pst_service_desc *sd = &ThriftTest_ThriftTest_desc;
    uint32_t index = 0;
    while (index < sd->nmethods &&
           !fr_str_eq(pst_str_c(sd->methods[index].name), h.name))
        index++;
    if (index == sd->nmethods || sd->methods[index].oneway)
        return 0;
    pst_wbuf call, reply;
    pst_wbuf_init(&call, 0);
    pst_wbuf_init(&reply, 0);
    pst_msg_header first = { h.name, PST_MSG_CALL, 1 };
    p->write_message_begin(&call, &first);
    pst_wbuf_append(&call, r.p, (size_t)(req + n - r.p));
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    size_t len = 0;
    if (pst_process(&tt_echo_processor, p, call.data, call.len, &reply, &a,
                    NULL, NULL) == 0 &&
        reply.len && reply.len + 6 <= cap) {
        out[len++] = (uint8_t)(FR_SEL_REPLY | (framed ? FR_SEL_FRAMED : 0) |
                               (p == &pst_protocol_compact ? FR_SEL_COMPACT : 0));
        out[len++] = (uint8_t)index;
        if (framed) {
            out[len++] = (uint8_t)(reply.len >> 24);
            out[len++] = (uint8_t)(reply.len >> 16);
            out[len++] = (uint8_t)(reply.len >> 8);
            out[len++] = (uint8_t)reply.len;
        }
        memcpy(out + len, reply.data, reply.len);
        len += reply.len;
    }
    pst_arena_release(&a);
    pst_wbuf_free(&call);
    pst_wbuf_free(&reply);
    return len;
}

static void fuzz_request_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    unsigned sel = data[0];
    if (sel & FR_SEL_REPLY) {
        uint8_t *copy = malloc(size);
        memcpy(copy, data, size);
        fuzz_reply_one(sel, copy + 1, size - 1);
        free(copy);
        return;
    }
    size_t n = size - 1;
    uint8_t *req = malloc(n ? n : 1);
    if (n)
        memcpy(req, data + 1, n);

    const pst_protocol *p =
        (sel & FR_SEL_COMPACT) ? &pst_protocol_compact : &pst_protocol_binary;
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    if (sel & FR_SEL_SHALLOW)
        cfg.max_depth = 8;
    cfg.strict_read = (sel & FR_SEL_STRICT) != 0;
    if (sel & FR_SEL_SMALL_MSG)
        cfg.max_message = n / 2 + 1;
    size_t arena_limit = (sel & FR_SEL_ARENA) ? 4096 : (size_t)1 << 24;
    size_t out_max = (sel & FR_SEL_TINY_OUT) ? 16 + (n & 63) : (size_t)1 << 24;

    pst_arena arena;
    pst_arena_init(&arena, NULL, 0, arena_limit);
    pst_wbuf out;
    pst_wbuf_init(&out, 4 + out_max);
    pst_wbuf_append(&out, FR_PREFIX, 4);
    pst_error err = { 0, "" };
    int rc = pst_process(&tt_echo_processor, p, req, n, &out, &arena, &cfg,
                         &err);
    if (memcmp(out.data, FR_PREFIX, 4) != 0 || out.len < 4)
        FUZZ_FAIL("process: touched the bytes before the reply");
    if (rc > 0)
        FUZZ_FAIL("process: positive status");
    if (rc < 0 && (err.code != rc || err.message[0] == '\0'))
        FUZZ_FAIL("process: failed without a message");

    /* the same again: the same status and bytes */
    {
        pst_arena a2;
        pst_arena_init(&a2, NULL, 0, arena_limit);
        pst_wbuf o2;
        pst_wbuf_init(&o2, 4 + out_max);
        pst_wbuf_append(&o2, FR_PREFIX, 4);
        int rc2 = pst_process(&tt_echo_processor, p, req, n, &o2, &a2, &cfg,
                              NULL);
        if (rc2 != rc || o2.len != out.len ||
            memcmp(o2.data, out.data, out.len) != 0)
            FUZZ_FAIL("process: not deterministic");
        pst_wbuf_free(&o2);
        pst_arena_release(&a2);
    }

    const uint8_t *rep = out.data + 4;
    size_t rep_len = out.len - 4;
    pst_arena check;
    pst_arena_init(&check, NULL, 0, 0);

    pst_rbuf r;
    pst_rbuf_init(&r, req, n, NULL);
    pst_msg_header h;
    memset(&h, 0, sizeof h);
    int hrc = p->read_message_begin(&r, &h, &cfg);
    int kind = FR_KINDS;
    if (hrc != 0) {
        if (rc != hrc)
            FUZZ_FAIL("process: an unreadable header is not its status");
        if (rep_len)
            FUZZ_FAIL("process: replied to an unreadable header");
        kind = FR_BAD_HEADER;
    } else if (h.type != PST_MSG_CALL && h.type != PST_MSG_ONEWAY) {
        if (rc != PST_E_BAD_MSG_TYPE)
            FUZZ_FAIL("process: a non-call is not PST_E_BAD_MSG_TYPE");
        kind = FR_BAD_TYPE;
        if (rep_len &&
            fr_check_reply(p, &cfg, &h, NULL, -1, NULL, rep, rep_len,
                           &check) != FR_BAD_TYPE)
            FUZZ_FAIL("process: a non-call's reply is not "
                      "INVALID_MESSAGE_TYPE");
    } else {
        const pst_method_desc *m =
            pst_service_method(&ThriftTest_ThriftTest_desc, h.name.ptr,
                               h.name.len);
        bool owed = h.type == PST_MSG_CALL && (!m || !m->oneway);
        const uint8_t *body = r.p;

        /* the arguments, decoded here too, and where they end */
        int args_ok = -1;
        void *args = NULL;
        if (m) {
            args = pst_arena_alloc(&check, m->args->size ? m->args->size : 1);
            pst_arena alim;
            pst_arena_init(&alim, NULL, 0, arena_limit);
            pst_rbuf ar;
            pst_rbuf_init(&ar, body, (size_t)(req + n - body), NULL);
            /* decode into the limited arena, as the processor does */
            int arc = p->read_struct(&ar, m->args, args, &alim, &cfg);
            if (arc == 0) {
                if (fr_skip_end(p, body, req + n, &cfg) != ar.p)
                    FUZZ_FAIL("args: skip_struct and read_struct end apart");
                /* (max_message bounds the message where message_length
                 * counts, the arguments alone where read_struct does) */
                pst_codec_config whole = cfg;
                whole.max_message = 1u << 30;
                size_t len = 0;
                if (p->message_length(req, n, &whole, &len, NULL) != 0 ||
                    req + len != ar.p)
                    FUZZ_FAIL("args: message_length and read_struct end "
                              "apart");
                /* keep the value beyond alim's life for the echo check */
                pst_rbuf_init(&ar, body, (size_t)(req + n - body), NULL);
                if (p->read_struct(&ar, m->args, args, &check, &cfg) != 0)
                    FUZZ_FAIL("args: decode fails without the arena limit");
            }
            pst_arena_release(&alim);
            /* The processor's arena also holds args and result, so under
             * the small arena limit it may fail where this decode did not;
             * the other way round never. */
            if (arc != 0)
                args_ok = 0;
            else if (!(sel & FR_SEL_ARENA))
                args_ok = 1;
            if (arc != 0)
                args = NULL;
        }
        if (rc < 0) {
            /* only when not even an exception fits the reply buffer */
            if (!(sel & FR_SEL_TINY_OUT))
                FUZZ_FAIL("process: a readable call fails");
            if (rep_len)
                FUZZ_FAIL("process: failed but left a reply");
            kind = FR_UNANSWERED;
        } else if (!owed) {
            if (rep_len)
                FUZZ_FAIL("process: replied to a oneway call");
            kind = FR_ONEWAY;
        } else if (!rep_len) {
            FUZZ_FAIL("process: a call got no reply and no error");
        } else {
            kind = fr_check_reply(p, &cfg, &h, m, args_ok, args, rep, rep_len,
                                  &check);
        }
    }
    FUZZ_OUTCOME(kind);
    pst_arena_release(&check);
    pst_arena_release(&arena);
    pst_wbuf_free(&out);
    free(req);
}

#endif
