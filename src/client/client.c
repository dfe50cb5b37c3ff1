/* client.c: the synchronous client: send one call, read its reply, check it
 * belongs to the call, decode it; and views, which forward to another caller
 * (see postern/client.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "client/reply_name.h"
#include "postern/abstract_socket.h"
#include "client/view_internal.h"
#include "transport/dial.h"
#include "core/arena_internal.h"
#include "postern/client.h"
#include "transport/transport_internal.h" /* the timeouts a deadline narrows */

/* A view is a pst_client with ops set and nothing else used: one type, so
 * stubs need no second entry point, and the synchronous path pays a single
 * well-predicted test of ops. */
struct pst_client {
    const pst_client_ops *ops;   /* a view: forward everything to ops/self */
    void *self;
    void (*free_self)(void *); /* a view that owns self: how to free it */
    pst_transport *t;
    const pst_protocol *proto;
    pst_codec_config codec;
    size_t reply_cap;            /* max_call_memory: 0 = none */
    pst_wbuf out;
    pst_arena scratch;           /* replies when the caller gives no arena */
    int32_t seqid;
    bool broken;
    pst_error err;               /* the last call's failure */
    char broken_why[sizeof ((pst_error *)0)->message];
    bool has_appex;
    pst_app_exception appex;
    char *appex_msg;             /* the client's copy of appex.message */
};

pst_client *pst_client_new(pst_transport *t, const pst_client_options *o)
{
    if (!t)
        return NULL;
    pst_client *c = calloc(1, sizeof *c);
    if (!c) {
        pst_transport_free(t);
        return NULL;
    }
    static const pst_client_options defaults = PST_CLIENT_OPTIONS_INIT;
    if (!o)
        o = &defaults;
    c->t = t;
    c->proto = o->protocol ? o->protocol : &pst_protocol_binary;
    c->codec = o->codec;
    c->reply_cap = pst__call_memory_cap(o->max_call_memory);
    if (!c->codec.max_message)
        c->codec.max_message = defaults.codec.max_message;
    if (!c->codec.max_frame)
        c->codec.max_frame = defaults.codec.max_frame;
    if (!c->codec.max_depth)
        c->codec.max_depth = defaults.codec.max_depth;
    pst_wbuf_init(&c->out, (size_t)c->codec.max_message);
    pst_arena_init(&c->scratch, NULL, 0, 0);
    return c;
}

static pst_client *client_over(pst_stream *s, const pst_client_options *o)
{
    static const pst_client_options defaults = PST_CLIENT_OPTIONS_INIT;
    if (!o)
        o = &defaults;
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.idle_timeout_ms = o->recv_timeout_ms;
    to.read_timeout_ms = o->recv_timeout_ms;
    to.write_timeout_ms = o->send_timeout_ms;
    to.codec = o->codec;
    pst_transport *t = o->framed ? pst_transport_framed_new(s, &to)
                                 : pst_transport_unframed_new(s, &to);
    return pst_client_new(t, o);
}

pst_client *pst_client_connect(const char *host, int port,
                               const pst_client_options *o, pst_error *err)
{
    pst_stream *s =
        pst_stream_tcp_connect(host, port, o ? o->connect_timeout_ms : 0, err);
    if (!s)
        return NULL;
    pst_client *c = client_over(s, o);
    if (!c)
        pst_error_set(err, PST_E_NOMEM, "out of memory for a client");
    return c;
}

pst_client *pst_client_connect_url(const char *url, const pst_client_options *o,
                                   pst_error *err)
{
    pst__url u;
    if (pst__url_parse(url, &u, err) < 0)
        return NULL;
    return pst__client_connect_dialed(&u, o, err);
}

pst_client *pst__client_connect_dialed(const pst__url *u,
                                       const pst_client_options *o,
                                       pst_error *err)
{
    static const pst_client_options defaults = PST_CLIENT_OPTIONS_INIT;
    if (!o)
        o = &defaults;
    pst_stream *s = pst__dial_url(u, o->proxy, o->proxy_from_env,
                                  o->connect_timeout_ms, err);
    if (!s)
        return NULL;
    pst_client *c;
    if (strcmp(u->path, PST__THRIFT_RPC_PATH) == 0) {
        c = client_over(s, o);
    } else {
        pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
        to.idle_timeout_ms = o->recv_timeout_ms;
        to.read_timeout_ms = o->recv_timeout_ms;
        to.write_timeout_ms = o->send_timeout_ms;
        to.codec = o->codec;
        pst_transport *t = pst_transport_http_new(s, &to, u->authority, u->path,
                                                  o->http_headers);
        if (t)
            pst__transport_http_redial(t, u, o->proxy, o->proxy_from_env,
                                       o->connect_timeout_ms);
        c = pst_client_new(t, o);
    }
    if (!c)
        pst_error_set(err, PST_E_NOMEM, "out of memory for a client");
    return c;
}

pst_client *pst_client_connect_unix_abstract(const char *name,
                                             const pst_client_options *o,
                                             pst_error *err)
{
    pst_stream *s = pst_stream_unix_abstract_connect(
        name, o ? o->connect_timeout_ms : 0, err);
    if (!s)
        return NULL;
    pst_client *c = client_over(s, o);
    if (!c)
        pst_error_set(err, PST_E_NOMEM, "out of memory for a client");
    return c;
}

pst_client *pst_client_connect_unix(const char *path,
                                    const pst_client_options *o, pst_error *err)
{
    pst_stream *s =
        pst_stream_unix_connect(path, o ? o->connect_timeout_ms : 0, err);
    if (!s)
        return NULL;
    pst_client *c = client_over(s, o);
    if (!c)
        pst_error_set(err, PST_E_NOMEM, "out of memory for a client");
    return c;
}

pst_client *pst_client_view(const pst_client_ops *ops, void *self)
{
    if (!ops || !ops->call || !ops->app_exception || !ops->error)
        return NULL;
    /* Only ops and self are used; the rest stays zero. */
    pst_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ops = ops;
    c->self = self;
    return c;
}

pst_client *pst__client_view_owning(const pst_client_ops *ops, void *self,
                                    void (*free_self)(void *))
{
    pst_client *c = pst_client_view(ops, self);
    if (c)
        c->free_self = free_self;
    else
        free_self(self);
    return c;
}

void pst_client_free(pst_client *c)
{
    if (!c)
        return;
    if (c->ops) {
        if (c->free_self)
            c->free_self(c->self);
        free(c);
        return;
    }
    pst_transport_free(c->t);
    pst_wbuf_free(&c->out);
    pst_arena_release(&c->scratch);
    free(c->appex_msg);
    free(c);
}

const pst_app_exception *pst_client_app_exception(const pst_client *c)
{
    if (c->ops)
        return c->ops->app_exception(c->self);
    return c->has_appex ? &c->appex : NULL;
}

const pst_error *pst_client_error(const pst_client *c)
{
    if (c->ops)
        return c->ops->error(c->self);
    return &c->err;
}

bool pst_client_broken(const pst_client *c)
{
    if (c->ops)
        return c->ops->broken ? c->ops->broken(c->self) : false;
    return c->broken;
}

pst_transport *pst_client_transport(pst_client *c)
{
    return c->t;  /* NULL for a view */
}

/* The stream's state is unknown: no later call may use it. The socket is
 * closed now so the server sees the end at once. */
static int fail_broken(pst_client *c, int rc)
{
    c->broken = true;
    memcpy(c->broken_why, c->err.message, sizeof c->broken_why);
    /* shutdown, not close: the fd stays ours until pst_client_free. */
    int fd = pst_stream_fd(pst_transport_stream(c->t));
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
    return rc;
}

static const char *msg_type_name(int32_t type)
{
    switch (type) {
    case PST_MSG_CALL: return "CALL";
    case PST_MSG_REPLY: return "REPLY";
    case PST_MSG_EXCEPTION: return "EXCEPTION";
    case PST_MSG_ONEWAY: return "ONEWAY";
    default: return "unknown";
    }
}

/* Keep the server's TApplicationException, with a copy of its message. */
static int keep_app_exception(pst_client *c, const pst_app_exception *ex,
                              const char *method)
{
    free(c->appex_msg);
    c->appex_msg = malloc(ex->message.len + 1);
    c->appex = *ex;
    if (c->appex_msg) {
        if (ex->message.len)
            memcpy(c->appex_msg, ex->message.ptr, ex->message.len);
        c->appex_msg[ex->message.len] = '\0';
        c->appex.message.ptr = c->appex_msg;
    } else {
        c->appex.message = PST_STR("");
    }
    c->has_appex = true;
    return pst_error_set(&c->err, PST_E_APP_EXCEPTION,
                         "'%s' failed on the server: %s: %.*s", method,
                         pst_app_exception_type_name(ex->type),
                         (int)(c->appex.message.len > 120 ? 120
                                                          : c->appex.message.len),
                         c->appex.message.ptr);
}

/* After a decoded REPLY: success, a declared exception, or nothing. As
 * Apache Thrift's generated clients (and pst__decode_reply, which the
 * pipeline and pool use) read it, a set success wins over a declared
 * exception set in the same reply. */
static int check_result(pst_client *c, const pst_method_desc *m,
                        const void *result)
{
    const pst_struct_desc *rd = m->result;
    bool has_success = false;
    for (uint16_t i = 0; i < rd->nfields; i++) {
        const pst_field *f = &rd->fields[i];
        if (f->id == 0) {
            has_success = true;
            if (pst_isset(rd, result, f->isset_bit))
                return 0;
        }
    }
    for (uint16_t i = 0; i < rd->nfields; i++) {
        const pst_field *f = &rd->fields[i];
        if (f->id != 0 && pst_isset(rd, result, f->isset_bit)) {
            const char *tn = f->type && f->type->sdesc ? f->type->sdesc->name
                                                       : "an exception";
            return pst_error_set(&c->err, PST_E_DECLARED_EXCEPTION,
                                 "'%s' raised %s (field %d '%s')", m->name, tn,
                                 f->id, f->name ? f->name : "");
        }
    }
    if (has_success)
        return pst_error_set(&c->err, PST_E_MISSING_RESULT,
                             "%s failed: unknown result (the reply carried "
                             "neither a value nor an exception)",
                             m->name);
    return 0;
}

/* Write the encoded call and, unless it is oneway, read the reply message,
 * within the transport's timeouts. */
static int exchange(pst_client *c, const pst_method_desc *m,
                    const uint8_t **msg, size_t *len)
{
    int rc = pst_transport_write_message(c->t, c->out.data, c->out.len,
                                         &c->err);
    if (rc < 0 || m->oneway)
        return rc;
    return pst_transport_read_message(c->t, c->proto, msg, len, &c->err);
}

/* A transport timeout (0: none) narrowed to the ms left before a deadline;
 * never 0, which would mean "wait for ever". */
static int narrowed(int configured_ms, int64_t left_ms)
{
    int ms = left_ms >= INT32_MAX ? INT32_MAX : left_ms < 1 ? 1 : (int)left_ms;
    return configured_ms > 0 && configured_ms < ms ? configured_ms : ms;
}

/* exchange() bounded by a deadline: the transport's timeouts are narrowed
 * to the time left before each step and restored afterwards. */
static int exchange_until(pst_client *c, const pst_method_desc *m,
                          pst_deadline deadline, const uint8_t **msg,
                          size_t *len)
{
    pst_transport *t = c->t;
    const int idle = t->opt.idle_timeout_ms, rd = t->opt.read_timeout_ms,
              wr = t->opt.write_timeout_ms;
    pst_error detail = { 0, "" };
    const char *step = "the call was not written";
    pst_transport_set_timeouts(t, idle, rd,
                               narrowed(wr, pst_deadline_left_ms(deadline)));
    int rc = pst_transport_write_message(t, c->out.data, c->out.len, &detail);
    if (rc == 0 && !m->oneway) {
        step = "no reply";
        int64_t left = pst_deadline_left_ms(deadline);
        if (left == 0) {
            rc = pst_error_set(&detail, PST_E_TIMEOUT,
                               "the deadline passed as the call was written");
        } else {
            pst_transport_set_timeouts(t, narrowed(idle, left),
                                       narrowed(rd, left), wr);
            rc = pst_transport_read_message(t, c->proto, msg, len, &detail);
        }
    }
    pst_transport_set_timeouts(t, idle, rd, wr);
    if (rc == 0)
        return 0;
    /* Within a millisecond of the deadline (timeouts are whole ms): the
     * deadline fired, not one of the transport's own timeouts. */
    if (rc == PST_E_TIMEOUT && pst_deadline_left_ms(deadline) <= 1)
        return pst_error_set(&c->err, rc, "'%s': %s before the deadline (%s)",
                             m->name, step, detail.message);
    c->err = detail;
    return rc;
}

/* The body of a reply that was whole and ours (r is past its header, an
 * EXCEPTION when `exception`): decode failures leave the connection usable.
 * derr is r's error record. */
static int decode_reply_body(pst_client *c, const pst_method_desc *m,
                             pst_rbuf *r, const pst_error *derr,
                             bool exception, void *result, pst_arena *a)
{
    int rc;
    if (exception) {
        pst_app_exception ex;
        rc = c->proto->read_struct(r, &pst_app_exception_desc, &ex, a,
                                   &c->codec);
        if (rc < 0)
            return pst_error_set(&c->err, rc,
                                 "undecodable TApplicationException in the "
                                 "reply to '%s': %s",
                                 m->name,
                                 derr->code ? derr->message : pst_strerror(rc));
        return keep_app_exception(c, &ex, m->name);
    }
    if (!m->result)
        return 0;
    if (!result) {
        result = pst_arena_alloc(a, m->result->size ? m->result->size : 1);
        if (!result)
            return pst_error_set(&c->err, PST_E_NOMEM,
                                 "out of memory decoding the reply to '%s'",
                                 m->name);
    }
    rc = c->proto->read_struct(r, m->result, result, a, &c->codec);
    if (rc < 0)
        return pst_error_set(&c->err, rc, "undecodable reply to '%s': %s",
                             m->name,
                             derr->code ? derr->message : pst_strerror(rc));
    return check_result(c, m, result);
}

/* The synchronous call; deadline.at_ns == 0 when none was given. */
static int sync_call(pst_client *c, const pst_method_desc *m,
                     const void *args, void *result, pst_arena *a,
                     pst_deadline deadline)
{
    pst_error_clear(&c->err);
    c->has_appex = false;
    if (c->broken)
        return pst_error_set(&c->err, PST_E_CLOSED,
                             "connection closed after an earlier failure: %s",
                             c->broken_why);
    if (!m || !m->args || !args)
        return pst_error_set(&c->err, PST_E_INVALID,
                             "pst_client_call needs a method and its args");
    if (deadline.at_ns != 0 && pst_deadline_left_ms(deadline) == 0)
        return pst_error_set(&c->err, PST_E_TIMEOUT,
                             "'%s': the deadline passed before the call was "
                             "sent", m->name);
    if (!a) {
        pst_arena_reset(&c->scratch);
        a = &c->scratch;
    }

    c->seqid = c->seqid == INT32_MAX ? 1 : c->seqid + 1;
    int32_t seqid = c->seqid;
    pst_msg_header h = { pst_str_c(m->name),
                         m->oneway ? PST_MSG_ONEWAY : PST_MSG_CALL, seqid };
    c->out.len = 0;
    c->out.err = 0;
    int rc = c->proto->write_message_begin(&c->out, &h);
    if (rc == 0)
        rc = c->proto->write_struct(&c->out, m->args, args, &c->codec);
    if (rc == 0)
        rc = pst_protocol_write_message_end(c->proto, &c->out);
    if (rc == 0 && c->out.err)
        rc = c->out.err;
    if (rc < 0) /* nothing was sent: the connection is still fine */
        return pst_error_set(&c->err, rc, "encoding the call to '%s': %s",
                             m->name, pst_strerror(rc));

    const uint8_t *msg = NULL;
    size_t len = 0;
    rc = deadline.at_ns == 0 ? exchange(c, m, &msg, &len)
                             : exchange_until(c, m, deadline, &msg, &len);
    if (rc < 0)
        return fail_broken(c, rc);
    if (m->oneway)
        return 0;

    pst_error derr = { 0, "" };
    pst_rbuf r;
    pst_rbuf_init(&r, msg, len, &derr);
    pst_msg_header rh;
    memset(&rh, 0, sizeof rh);
    rc = c->proto->read_message_begin(&r, &rh, &c->codec);
    if (rc < 0) {
        pst_error_set(&c->err, rc, "unreadable reply header for '%s': %s",
                      m->name, derr.code ? derr.message : pst_strerror(rc));
        return fail_broken(c, rc);
    }
    if (rh.type != PST_MSG_REPLY && rh.type != PST_MSG_EXCEPTION) {
        pst_error_set(&c->err, PST_E_BAD_MSG_TYPE,
                      "reply to '%s' has message type %d (%s)", m->name,
                      rh.type, msg_type_name(rh.type));
        return fail_broken(c, PST_E_BAD_MSG_TYPE);
    }
    if (rh.seqid != seqid) {
        pst_error_set(&c->err, PST_E_BAD_SEQID,
                      "reply to '%s' has seqid %d, expected %d", m->name,
                      rh.seqid, seqid);
        return fail_broken(c, PST_E_BAD_SEQID);
    }
    if (!pst__reply_name_matches(rh.name, m->name)) {
        pst_error_set(&c->err, PST_E_WRONG_METHOD,
                      "reply for method '%.*s' to a call of '%s'",
                      (int)(rh.name.len > 64 ? 64 : rh.name.len),
                      rh.name.ptr ? rh.name.ptr : "", m->name);
        return fail_broken(c, PST_E_WRONG_METHOD);
    }

    /* From here the reply was whole and ours: decode failures leave the
     * connection usable. What it decodes into the caller's arena is
     * bounded by max_call_memory. */
    size_t limit = pst__arena_cap(a, c->reply_cap);
    rc = decode_reply_body(c, m, &r, &derr, rh.type == PST_MSG_EXCEPTION,
                           result, a);
    pst__arena_uncap(a, limit);
    return rc;
}

int pst_client_call(pst_client *c, const pst_method_desc *m, const void *args,
                    void *result, pst_arena *a)
{
    if (c->ops)
        return c->ops->call(c->self, m, args, result, a);
    return sync_call(c, m, args, result, a, PST_DEADLINE_DEFAULT);
}

int pst_client_call_until(pst_client *c, const pst_method_desc *m,
                          const void *args, void *result, pst_arena *a,
                          pst_deadline deadline)
{
    if (c->ops) {
        if (c->ops->call_until)
            return c->ops->call_until(c->self, m, args, result, a, deadline);
        if (deadline.at_ns != 0)
            return PST_E_UNSUPPORTED;
        return c->ops->call(c->self, m, args, result, a);
    }
    /* NEVER adds nothing to the transport's own timeouts. */
    if (deadline.at_ns == INT64_MAX)
        deadline = PST_DEADLINE_DEFAULT;
    return sync_call(c, m, args, result, a, deadline);
}
