/* processor.c: one request message in, one reply message out (see
 * postern/processor.h). The wording of the TApplicationException messages
 * follows Apache Thrift's generated processors, so clients in any language
 * see what they would see from a Thrift server. */
#include <stdio.h>
#include <string.h>

#include "core/arena_internal.h"
#include "processor/processor_internal.h"
#include "protocol/codec.h"

/* The answers that are not a plain reply live out of line (PST__COLD), each
 * with its own message buffer, so the path every call takes keeps a small
 * stack frame and few registers to save. */
#define MSGBUF_SIZE (sizeof(((pst_error *)0)->message) + 96)

/* Append an EXCEPTION message carrying a TApplicationException. */
static int write_app_exception(const pst_protocol *proto, pst_wbuf *out,
                               const pst_msg_header *req, int32_t type,
                               const char *message,
                               const pst_codec_config *cfg)
{
    pst_msg_header h = { req->name, PST_MSG_EXCEPTION, req->seqid };
    pst_app_exception ex;
    memset(&ex, 0, sizeof ex);
    ex.message = pst_str_c(message);
    ex.type = type;
    ex.isset_[0] = 0x3; /* both fields */
    size_t mark = out->len;
    int rc = proto->write_message_begin(out, &h);
    if (rc == 0)
        rc = proto->write_struct(out, &pst_app_exception_desc, &ex, cfg);
    if (rc == 0)
        rc = pst_protocol_write_message_end(proto, out);
    if (rc == 0 && out->err)
        rc = out->err;
    if (rc < 0)
        out->len = mark;
    return rc;
}

/* Answer a call with INTERNAL_ERROR. A call must get a reply or an error:
 * when not even the exception fits `out` (its max is too small), say so,
 * or the caller would send nothing and its client wait for ever. */
static int internal_error(const pst_protocol *proto, pst_wbuf *out,
                          const pst_msg_header *req, const char *message,
                          const pst_codec_config *cfg, pst_error *err)
{
    int rc = write_app_exception(proto, out, req, PST_APPEX_INTERNAL_ERROR,
                                 message, cfg);
    if (rc < 0)
        return pst_error_set(err, rc, "encoding an INTERNAL_ERROR reply "
                                      "failed: %s (%s)",
                             pst_strerror(rc), message);
    return 0;
}

/* The handler returned 0 and left no exception set: the reply carries
 * `success` (field id 0), so mark it present. False when a declared
 * exception travels instead. */
static inline bool mark_success(const pst_struct_desc *rd, void *result)
{
    if (rd->nfields == 1) {         /* the common result: `success` alone */
        if (rd->fields[0].id != 0) /* void, one exception */
            return !pst_isset(rd, result, rd->fields[0].isset_bit);
        pst_set_isset(rd, result, rd->fields[0].isset_bit, true);
        return true;
    }
    const pst_field *success = NULL;
    for (uint16_t i = 0; i < rd->nfields; i++) {
        const pst_field *f = &rd->fields[i];
        if (f->id == 0)
            success = f;
        else if (pst_isset(rd, result, f->isset_bit))
            return false; /* a declared exception travels instead */
    }
    if (success)
        pst_set_isset(rd, result, success->isset_bit, true);
    return true;
}

static const char *type_name(int32_t type)
{
    switch (type) {
    case PST_MSG_CALL: return "CALL";
    case PST_MSG_REPLY: return "REPLY";
    case PST_MSG_EXCEPTION: return "EXCEPTION";
    case PST_MSG_ONEWAY: return "ONEWAY";
    default: return "unknown";
    }
}

/* The header could not be read. */
static PST__COLD int header_failed(const pst_protocol *proto,
                                   const pst_error *derr, int rc,
                                   pst_error *err)
{
    return pst_error_set(err, rc, "unreadable %s message header: %s",
                         proto->name,
                         derr->code ? derr->message : pst_strerror(rc));
}

/* A REPLY, EXCEPTION or unknown type sent to a server. Nothing sane can
 * follow on this connection; answer so the peer learns why, then let the
 * caller close. */
static PST__COLD int not_a_call(const pst_protocol *proto, pst_wbuf *out,
                                const pst_msg_header *h,
                                const pst_codec_config *cfg, pst_error *err)
{
    char msgbuf[MSGBUF_SIZE];
    snprintf(msgbuf, sizeof msgbuf, "Invalid message type %d (%s) for '%.*s'",
             h->type, type_name(h->type), (int)(h->name.len > 64 ? 64 : h->name.len),
             h->name.ptr ? h->name.ptr : "");
    write_app_exception(proto, out, h, PST_APPEX_INVALID_MESSAGE_TYPE, msgbuf,
                        cfg);
    return pst_error_set(err, PST_E_BAD_MSG_TYPE,
                         "request of message type %d (%s), expected CALL or "
                         "ONEWAY",
                         h->type, type_name(h->type));
}

/* No such method: skip the arguments as Thrift does (the message is whole
 * in memory, so a failed skip changes nothing for the next message) and
 * answer UNKNOWN_METHOD unless the call is oneway. */
int pst__unknown_method(const pst_protocol *proto, pst_rbuf *r, pst_wbuf *out,
                        const pst_msg_header *h, bool reply,
                        const char *message, const pst_codec_config *cfg,
                        pst_error *err)
{
    proto->skip_struct(r, cfg);
    if (!reply)
        return 0;
    int rc = write_app_exception(proto, out, h, PST_APPEX_UNKNOWN_METHOD,
                                 message, cfg);
    return rc < 0 ? pst_error_set(err, rc, "encoding an UNKNOWN_METHOD reply "
                                           "failed: %s",
                                  pst_strerror(rc))
                  : 0;
}

/* The service has no such method; a multiplexing processor looks further
 * (its named services are not in its descriptor). */
static PST__COLD int unknown_method(const pst_processor *proc,
                                    const pst_protocol *proto, pst_rbuf *r,
                                    pst_wbuf *out, const pst_msg_header *h,
                                    bool reply, const pst_codec_config *cfg,
                                    pst_error *err, pst__call_report *rep,
                                    pst_arena *arena)
{
    if (pst__is_multiplex(proc->service))
        return pst__multiplex_process(proc, proto, r, h, reply, out, arena,
                                      cfg, err, rep);
    char msgbuf[MSGBUF_SIZE];
    snprintf(msgbuf, sizeof msgbuf, "Invalid method name: '%.*s'",
             (int)(h->name.len > 128 ? 128 : h->name.len), h->name.ptr);
    return pst__unknown_method(proto, r, out, h, reply, msgbuf, cfg, err);
}

static PST__COLD int out_of_memory(const pst_protocol *proto, pst_wbuf *out,
                                   const pst_msg_header *h,
                                   const pst_method_desc *m,
                                   const pst_codec_config *cfg, pst_error *err)
{
    char msgbuf[MSGBUF_SIZE];
    snprintf(msgbuf, sizeof msgbuf, "Internal error processing %s: out of memory",
             m->name);
    return internal_error(proto, out, h, msgbuf, cfg, err);
}

/* The arguments do not decode: PROTOCOL_ERROR with the decoder's detail. */
static PST__COLD int bad_args(const pst_protocol *proto, pst_wbuf *out,
                              const pst_msg_header *h, const pst_error *derr,
                              int rc, const pst_codec_config *cfg,
                              pst_error *err)
{
    char msgbuf[MSGBUF_SIZE];
    snprintf(msgbuf, sizeof msgbuf, "%s", derr->code ? derr->message : pst_strerror(rc));
    rc = write_app_exception(proto, out, h, PST_APPEX_PROTOCOL_ERROR, msgbuf,
                             cfg);
    return rc < 0 ? pst_error_set(err, rc, "encoding a PROTOCOL_ERROR reply "
                                           "failed: %s",
                                  pst_strerror(rc))
                  : 0;
}

/* The arguments need more memory than the call may have (the arena's
 * limit): answer PROTOCOL_ERROR as for any undecodable arguments, then fail,
 * because a peer that sends such calls is not one to keep serving. */
static PST__COLD int over_memory(const pst_protocol *proto, pst_wbuf *out,
                                 const pst_msg_header *h, const pst_error *derr,
                                 bool reply, const pst_codec_config *cfg,
                                 pst_error *err)
{
    if (reply)
        bad_args(proto, out, h, derr, PST_E_LIMIT, cfg, err);
    return pst_error_set(err, PST_E_LIMIT, "%s", derr->message);
}

/* The handler failed, or the service's handler table has no function for
 * the method (the generated wrapper then returns PST_E_UNKNOWN_METHOD):
 * that is Thrift's UNKNOWN_METHOD, not an internal error. */
static PST__COLD int handler_failed(const pst_protocol *proto, pst_wbuf *out,
                                    const pst_msg_header *h,
                                    const pst_method_desc *m, int rc,
                                    const char *error_message,
                                    const pst_codec_config *cfg, pst_error *err)
{
    char msgbuf[MSGBUF_SIZE];
    if (rc == PST_E_UNKNOWN_METHOD) {
        snprintf(msgbuf, sizeof msgbuf, "%s",
                 error_message ? error_message : "method is not implemented");
        rc = write_app_exception(proto, out, h, PST_APPEX_UNKNOWN_METHOD,
                                 msgbuf, cfg);
        return rc < 0 ? pst_error_set(err, rc, "encoding an UNKNOWN_METHOD "
                                               "reply failed: %s",
                                      pst_strerror(rc))
                      : 0;
    }
    if (error_message)
        snprintf(msgbuf, sizeof msgbuf, "%s", error_message);
    else
        snprintf(msgbuf, sizeof msgbuf, "Internal error processing %s", m->name);
    return internal_error(proto, out, h, msgbuf, cfg, err);
}

/* The result cannot be encoded (a limit, a missing required field): tell
 * the caller rather than send half a reply. */
static PST__COLD int unencodable_result(const pst_protocol *proto,
                                        pst_wbuf *out, size_t mark,
                                        const pst_msg_header *h,
                                        const pst_method_desc *m, int rc,
                                        const pst_codec_config *cfg,
                                        pst_error *err)
{
    out->len = mark;
    out->err = 0;
    char msgbuf[MSGBUF_SIZE];
    snprintf(msgbuf, sizeof msgbuf, "Internal error processing %s: cannot encode "
                                    "the result (%s)",
             m->name, pst_strerror(rc));
    return internal_error(proto, out, h, msgbuf, cfg, err);
}

/* What a report says until the call gets further. */
#define REPORT(rep, m, o)                                                     \
    do {                                                                      \
        if (rep) {                                                            \
            (rep)->method = (m);                                              \
            (rep)->outcome = (o);                                             \
        }                                                                     \
    } while (0)

/* Everything after the method lookup, inlined into pst__process so the
 * path every call takes stays one function; pst__process_method is the
 * same for the multiplexing processor. */
static inline __attribute__((always_inline)) int
run_method(const pst_processor *proc, const pst_protocol *proto, pst_rbuf *r,
           const pst_msg_header *h, const pst_method_desc *m, bool reply,
           pst_wbuf *out, pst_arena *arena, const pst_codec_config *cfg,
           pst_error *err, pst__call_report *rep)
{
    REPORT(rep, m, PST__OUTCOME_APP_ERROR);
    /* A oneway method sends nothing back even if called as CALL (Thrift's
     * processors agree); a ONEWAY message is never answered. */
    const pst_struct_desc *rd = m->result;
    if (m->oneway || !rd)
        reply = false;

    /* args and result in one allocation (the result 16-aligned after the
     * args; a zero-byte allocation is a valid pointer too) */
    size_t args_size = ((size_t)m->args->size + PST__ARENA_ALIGN - 1) &
                       ~(size_t)(PST__ARENA_ALIGN - 1);
    size_t result_size = rd ? rd->size : 0;
    uint8_t *args = pst__arena_alloc(arena, args_size + result_size);
    if (PST__UNLIKELY(!args))
        return reply ? out_of_memory(proto, out, h, m, cfg, err) : 0;
    void *result = NULL;
    if (rd) {
        result = args + args_size;
        pst__struct_init(rd, result);
    }
    int rc = proto->read_struct(r, m->args, args, arena, cfg);
    if (PST__UNLIKELY(rc < 0)) {
        REPORT(rep, m, PST__OUTCOME_PROTOCOL);
        if (arena->over_limit && r->err && r->err->code == PST_E_LIMIT) {
            if (rep)
                rep->over_memory = true;
            return over_memory(proto, out, h, r->err, reply, cfg, err);
        }
        return reply ? bad_args(proto, out, h, r->err, rc, cfg, err) : 0;
    }

    pst_call call = { arena, proc->user, m, h->seqid, NULL };
    if (PST__LIKELY(m->invoke != NULL)) {
        rc = m->invoke(proc->handler, &call, args, result);
    } else {
        rc = PST_E_UNKNOWN_METHOD;
        call.error_message = "method has no implementation";
    }
    if (!reply) {
        if (rc >= 0)
            REPORT(rep, m, PST__OUTCOME_OK);
        return 0;
    }
    if (PST__UNLIKELY(rc < 0))
        return handler_failed(proto, out, h, m, rc, call.error_message, cfg, err);
    bool ok = mark_success(rd, result);

    size_t mark = out->len;
    pst_msg_header rh = { h->name, PST_MSG_REPLY, h->seqid };
    rc = proto->write_message_begin(out, &rh);
    if (PST__LIKELY(rc == 0))
        rc = proto->write_struct(out, rd, result, cfg);
    if (PST__LIKELY(rc == 0))
        rc = pst_protocol_write_message_end(proto, out);
    if (rc == 0 && out->err)
        rc = out->err;
    if (PST__UNLIKELY(rc < 0))
        return unencodable_result(proto, out, mark, h, m, rc, cfg, err);
    REPORT(rep, m, ok ? PST__OUTCOME_OK : PST__OUTCOME_DECLARED);
    return 0;
}

int pst__process_method(const pst_processor *proc, const pst_protocol *proto,
                        pst_rbuf *r, const pst_msg_header *h,
                        const pst_method_desc *m, bool reply, pst_wbuf *out,
                        pst_arena *arena, const pst_codec_config *cfg,
                        pst_error *err, pst__call_report *rep)
{
    return run_method(proc, proto, r, h, m, reply, out, arena, cfg, err, rep);
}

static inline __attribute__((always_inline)) int
process(const pst_processor *proc, const pst_protocol *proto,
        const uint8_t *req, size_t len, pst_wbuf *out, pst_arena *arena,
        const pst_codec_config *cfg, pst_error *err, pst__call_report *rep)
{
    REPORT(rep, NULL, PST__OUTCOME_PROTOCOL);
    if (rep)
        rep->over_memory = false;
    pst_error derr; /* decoder detail; only its head needs clearing */
    derr.code = 0;
    derr.message[0] = '\0';
    pst_rbuf r;
    pst_rbuf_init(&r, req, len, &derr);
    pst_msg_header h; /* every field set when the read succeeds */
    int rc = proto->read_message_begin(&r, &h, cfg);
    if (PST__UNLIKELY(rc < 0))
        return header_failed(proto, &derr, rc, err);
    if (PST__UNLIKELY(h.type != PST_MSG_CALL && h.type != PST_MSG_ONEWAY))
        return not_a_call(proto, out, &h, cfg, err);
    bool reply = h.type == PST_MSG_CALL;

    const pst_method_desc *m =
        pst_service_method(proc->service, h.name.ptr, h.name.len);
    if (PST__UNLIKELY(!m))
        return unknown_method(proc, proto, &r, out, &h, reply, cfg, err, rep,
                              arena);
    return run_method(proc, proto, &r, &h, m, reply, out, arena, cfg, err,
                      rep);
}

/* A processor with a tap (a server recording its calls): the request,
 * then the reply appended to out. Out of line: calls without taps pay one
 * load of the tap count. */
static PST__NOINLINE int process_tapped(const pst_processor *proc,
                                        const pst_protocol *proto,
                                        const uint8_t *req, size_t len,
                                        pst_wbuf *out, pst_arena *arena,
                                        const pst_codec_config *cfg,
                                        pst_error *err, pst__call_report *rep)
{
    const pst__call_tap *tap = pst__call_tap_find(proc);
    size_t mark = out->len;
    int rc = process(proc, proto, req, len, out, arena, cfg, err, rep);
    if (tap) {
        size_t n = out->err || out->len < mark ? 0 : out->len - mark;
        tap->fn(tap->ctx, proto, pst__call_conn_id, req, len,
                n ? out->data + mark : NULL, n);
    }
    return rc;
}

int pst__process(const pst_processor *proc, const pst_protocol *proto,
                 const uint8_t *req, size_t len, pst_wbuf *out, pst_arena *arena,
                 const pst_codec_config *cfg, pst_error *err,
                 pst__call_report *rep)
{
    if (PST__LIKELY(!pst__call_taps_in_use()))
        return process(proc, proto, req, len, out, arena, cfg, err, rep);
    return process_tapped(proc, proto, req, len, out, arena, cfg, err, rep);
}

int pst_process(const pst_processor *proc, const pst_protocol *proto,
                const uint8_t *req, size_t len, pst_wbuf *out, pst_arena *arena,
                const pst_codec_config *cfg, pst_error *err)
{
    return pst__process(proc, proto, req, len, out, arena, cfg, err, NULL);
}

pst__outcome pst__invoke(const pst_processor *proc, const pst_method_desc *m,
                         void *args, void *result, pst_arena *arena,
                         int32_t seqid, const char **error_message)
{
    pst_call call = { arena, proc->user, m, seqid, NULL };
    int rc;
    if (m->invoke != NULL) {
        rc = m->invoke(proc->handler, &call, args, result);
    } else {
        rc = PST_E_UNKNOWN_METHOD;
        call.error_message = "method has no implementation";
    }
    *error_message = call.error_message;
    if (rc < 0)
        return PST__OUTCOME_APP_ERROR;
    if (!m->result || m->oneway)
        return PST__OUTCOME_OK;
    return mark_success(m->result, result) ? PST__OUTCOME_OK
                                           : PST__OUTCOME_DECLARED;
}
