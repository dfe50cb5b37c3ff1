/* front_json.c: calls in JSON by field name (postern/json.h's mapping):
 *
 *   POST /Service/method   body {"arg": value, ...}   (empty body: no args)
 *     200  the result: the `success` value, or null for void
 *     202  null: a oneway call that ran
 *     400  bad JSON, wrong types, unknown or missing fields (named)
 *     404  no such service or method
 *     422  a declared exception: {"error":{"kind":"declared_exception",
 *          "type":"Xception","field":"err1","value":{...}}}
 *     500  a TApplicationException (the handler failed)
 *   Errors other than 422 read {"error":{"kind":..., "message":...}}.
 *
 *   JSON-RPC 1.0 after CONNECT /_json_rpc_ (Go's net/rpc/jsonrpc):
 *     {"method":"Service.method","params":[ARGS],"id":ID}
 *     -> {"id":ID,"result":RESULT,"error":null}
 *     or {"id":ID,"result":null,"error":"message"}, one line each.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "processor/processor_internal.h"
#include "front.h"
#include "postern/json.h"

/* Append a string literal (its length counted by the compiler). */
#define APPEND_LIT(w, lit) pst_wbuf_append((w), (lit), sizeof(lit) - 1)

const pst_service_desc *pst__front_service(const pst_server *s, pst_str name)
{
    int depth = 0;
    for (const pst_service_desc *svc = s->proc.service; svc && depth < 64;
         svc = svc->base, depth++)
        if (strlen(svc->name) == name.len && memcmp(svc->name, name.ptr, name.len) == 0)
            return svc;
    return NULL;
}

/* A call decoded from JSON, run, and how it ended. */
typedef struct json_call {
    const pst_method_desc *m;
    void *args, *result;
    pst__outcome outcome;
    const char *handler_message;
} json_call;

/* The result's `success` field (id 0), or NULL for void. */
static const pst_field *success_field(const pst_struct_desc *rd)
{
    for (uint16_t i = 0; rd && i < rd->nfields; i++)
        if (rd->fields[i].id == 0)
            return &rd->fields[i];
    return NULL;
}

static const pst_field *set_exception(const pst_struct_desc *rd, const void *result)
{
    for (uint16_t i = 0; rd && i < rd->nfields; i++) {
        const pst_field *f = &rd->fields[i];
        if (f->id != 0 && pst_isset(rd, result, f->isset_bit))
            return f;
    }
    return NULL;
}

/* Decode args from JSON (doc may be a whole body, or the reader already
 * at Go's params array), run the handler. 0, or the decoder's status with
 * err saying why. */
static int run_call(pst__front_req *r, const pst_method_desc *m, pst_json_reader *rd,
                    bool in_array, json_call *c, pst_error *err)
{
    pst_server *s = r->s;
    c->m = m;
    c->args = pst_arena_alloc(r->arena, m->args->size ? m->args->size : 1);
    c->result = m->result ? pst_arena_alloc(r->arena, m->result->size) : NULL;
    if (!c->args || (m->result && !c->result))
        return pst_error_set(err, PST_E_NOMEM, "out of memory for the arguments");
    pst_struct_init(m->args, c->args);
    if (m->result)
        pst_struct_init(m->result, c->result);
    int rc = in_array ? pst_json_read_struct_in_array(rd, m->args, c->args)
                      : pst_json_read_struct(rd, m->args, c->args);
    if (rc == 0 && !in_array)
        rc = pst_json_read_end(rd);
    if (rc < 0) {
        pst__metrics_call(r->sc->shard, pst__metrics_method_index(&s->metrics, m),
                          PST__OUTCOME_PROTOCOL, 0);
        return rc;
    }
    uint64_t t0 = pst__mono_ns();
    c->outcome = pst__invoke(&s->proc, m, c->args, c->result, r->arena, 0,
                             &c->handler_message);
    pst__metrics_call(r->sc->shard, pst__metrics_method_index(&s->metrics, m),
                      c->outcome, pst__mono_ns() - t0);
    atomic_fetch_add(&s->stats.calls, 1);
    return 0;
}

/* The success value as JSON (null for void or oneway). */
static int write_success(pst__front_req *r, const json_call *c, pst_error *err)
{
    const pst_struct_desc *rd = c->m->result;
    const pst_field *f = success_field(rd);
    if (!f || c->m->oneway) {
        APPEND_LIT(r->out, "null");
        return r->out->err;
    }
    return pst_json_write_value(r->out, f->type, (const uint8_t *)c->result + f->offset,
                                &r->s->opt.codec, err);
}

/* ---- POST /Service/method ---------------------------------------------------- */

static void json_error(pst__front_req *r, int status, const char *kind,
                       const char *message)
{
    size_t mark = r->out->len;
    APPEND_LIT(r->out, "{\"error\":{\"kind\":\"");
    pst_wbuf_append(r->out, kind, strlen(kind));
    APPEND_LIT(r->out, "\",\"message\":");
    pst_json_write_string(r->out, message, strlen(message));
    APPEND_LIT(r->out, "}}\n");
    char cors[300];
    pst__front_respond_at(r, status, "application/json", mark,
                          pst__front_cors(r, cors, sizeof cors));
}

static bool blank(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\n' && p[i] != '\r' && p[i] != '\t')
            return false;
    return true;
}

void pst__front_json_call(pst__front_req *r, pst_str service, pst_str method)
{
    pst_server *s = r->s;
    char msg[700];
    const pst_service_desc *svc = pst__front_service(s, service);
    const pst_method_desc *m = svc ? pst_service_method(svc, method.ptr, method.len) : NULL;
    if (!m) {
        snprintf(msg, sizeof msg, "no method %.*s.%.*s (GET / lists them)",
                 (int)(service.len > 100 ? 100 : service.len), service.ptr,
                 (int)(method.len > 100 ? 100 : method.len), method.ptr);
        pst__metrics_perr(r->sc->shard, PST__PERR_UNKNOWN_METHOD);
        json_error(r, 404, "unknown_method", msg);
        return;
    }
    static const char empty[] = "{}";
    const void *doc = r->body;
    size_t len = r->body_len;
    if (blank(r->body, r->body_len)) {
        doc = empty;
        len = 2;
    }
    pst_json_reader rd;
    pst_error err = { 0, "" };
    char cors[300];
    pst_json_reader_init(&rd, doc, len, r->arena, &s->opt.codec, &err);
    json_call c;
    if (run_call(r, m, &rd, false, &c, &err) < 0) {
        json_error(r, 400, "bad_request", err.message);
        return;
    }
    size_t mark = r->out->len;
    switch (c.outcome) {
    case PST__OUTCOME_OK:
        if (write_success(r, &c, &err) < 0) {
            r->out->len = mark;
            r->out->err = 0;
            snprintf(msg, sizeof msg, "Internal error processing %s: cannot encode "
                                      "the result: %s",
                     m->name, err.message);
            json_error(r, 500, "application_exception", msg);
            return;
        }
        APPEND_LIT(r->out, "\n");
        pst__front_respond_at(r, m->oneway ? 202 : 200, "application/json", mark,
                              pst__front_cors(r, cors, sizeof cors));
        return;
    case PST__OUTCOME_DECLARED: {
        const pst_field *f = set_exception(m->result, c.result);
        const pst_struct_desc *ed = f->type->sdesc;
        APPEND_LIT(r->out, "{\"error\":{\"kind\":\"declared_exception\",\"type\":");
        pst_json_write_string(r->out, ed->name, strlen(ed->name));
        APPEND_LIT(r->out, ",\"field\":");
        pst_json_write_string(r->out, f->name, strlen(f->name));
        APPEND_LIT(r->out, ",\"value\":");
        if (pst_json_write_value(r->out, f->type, (const uint8_t *)c.result + f->offset,
                                 &s->opt.codec, &err) < 0) {
            r->out->len = mark;
            r->out->err = 0;
            json_error(r, 500, "application_exception", err.message);
            return;
        }
        APPEND_LIT(r->out, "}}\n");
        pst__front_respond_at(r, 422, "application/json", mark,
                              pst__front_cors(r, cors, sizeof cors));
        return;
    }
    default:
        snprintf(msg, sizeof msg, "%s",
                 c.handler_message ? c.handler_message : "Internal error processing");
        if (!c.handler_message)
            snprintf(msg, sizeof msg, "Internal error processing %s", m->name);
        json_error(r, 500, "application_exception", msg);
        return;
    }
}

/* ---- JSON-RPC 1.0 ------------------------------------------------------------- */

static void rpc_reply_error(pst__front_req *r, pst_str id, const char *message)
{
    pst_wbuf *w = r->out;
    APPEND_LIT(w, "{\"id\":");
    if (id.len)
        pst_wbuf_append(w, id.ptr, id.len);
    else
        APPEND_LIT(w, "null");
    APPEND_LIT(w, ",\"result\":null,\"error\":");
    pst_json_write_string(w, message, strlen(message));
    APPEND_LIT(w, "}\n");
}

void pst__front_jsonrpc(pst__front_req *r, const uint8_t *p, size_t n)
{
    pst_server *s = r->s;
    pst_error err = { 0, "" };
    pst_json_reader rd;
    pst_json_reader_init(&rd, p, n, r->arena, &s->opt.codec, &err);
    pst_json_iter it;
    pst_str name, method = { NULL, 0 }, id = { NULL, 0 }, params = { NULL, 0 };
    char msg[700];
    int rc = pst_json_object_begin(&rd, &it);
    while (rc >= 0 && (rc = pst_json_object_next(&rd, &it, &name)) == 1) {
        if (name.len == 6 && memcmp(name.ptr, "method", 6) == 0)
            rc = pst_json_read_string(&rd, &method);
        else if (name.len == 2 && memcmp(name.ptr, "id", 2) == 0)
            rc = pst_json_skip(&rd, &id);
        else if (name.len == 6 && memcmp(name.ptr, "params", 6) == 0)
            rc = pst_json_skip(&rd, &params);
        else
            rc = pst_json_skip(&rd, NULL);
    }
    if (rc < 0) {
        snprintf(msg, sizeof msg, "bad JSON-RPC request: %s", err.message);
        pst__metrics_perr(r->sc->shard, PST__PERR_BAD_MESSAGE);
        rpc_reply_error(r, id, msg);
        return;
    }
    /* "Service.method": the service is before the last dot */
    const char *dot = method.ptr ? memrchr(method.ptr, '.', method.len) : NULL;
    const pst_method_desc *m = NULL;
    if (dot) {
        pst_str svc_name = { method.ptr, (size_t)(dot - method.ptr) };
        const pst_service_desc *svc = pst__front_service(s, svc_name);
        if (svc)
            m = pst_service_method(svc, dot + 1,
                                   (size_t)(method.ptr + method.len - dot - 1));
    }
    if (!m) {
        snprintf(msg, sizeof msg, "rpc: can't find method %.*s",
                 (int)(method.len > 200 ? 200 : method.len),
                 method.ptr ? method.ptr : "");
        pst__metrics_perr(r->sc->shard, PST__PERR_UNKNOWN_METHOD);
        rpc_reply_error(r, id, msg);
        return;
    }
    static const char no_params[] = "[{}]";
    if (!params.len)
        params = (pst_str){ no_params, sizeof no_params - 1 };
    pst_json_reader pr;
    pst_json_reader_init(&pr, params.ptr, params.len, r->arena, &s->opt.codec, &err);
    json_call c;
    if (run_call(r, m, &pr, true, &c, &err) < 0) {
        snprintf(msg, sizeof msg, "bad arguments for %s: %s", m->name, err.message);
        rpc_reply_error(r, id, msg);
        return;
    }
    size_t mark = r->out->len;
    if (c.outcome == PST__OUTCOME_OK) {
        APPEND_LIT(r->out, "{\"id\":");
        if (id.len)
            pst_wbuf_append(r->out, id.ptr, id.len);
        else
            APPEND_LIT(r->out, "null");
        APPEND_LIT(r->out, ",\"result\":");
        if (write_success(r, &c, &err) == 0) {
            APPEND_LIT(r->out, ",\"error\":null}\n");
            return;
        }
        r->out->len = mark;
        r->out->err = 0;
        snprintf(msg, sizeof msg, "Internal error processing %s: cannot encode the "
                                  "result: %s",
                 m->name, err.message);
        rpc_reply_error(r, id, msg);
        return;
    }
    if (c.outcome == PST__OUTCOME_DECLARED) {
        const pst_field *f = set_exception(m->result, c.result);
        pst_wbuf tmp;
        pst_wbuf_init(&tmp, s->opt.codec.max_message);
        pst_json_write_value(&tmp, f->type, (const uint8_t *)c.result + f->offset,
                             &s->opt.codec, &err);
        snprintf(msg, sizeof msg, "%s: %.*s", f->type->sdesc->name,
                 (int)(tmp.len > 600 ? 600 : tmp.len), tmp.data ? (char *)tmp.data : "");
        pst_wbuf_free(&tmp);
        rpc_reply_error(r, id, msg);
        return;
    }
    if (c.handler_message)
        snprintf(msg, sizeof msg, "%s", c.handler_message);
    else
        snprintf(msg, sizeof msg, "Internal error processing %s", m->name);
    rpc_reply_error(r, id, msg);
}
