/* call_codec.c: a call's request bytes and its reply's meaning, shared by
 * the pipelining client and the pool (see conn.h). */
#include <string.h>

#include "client/conn.h"

int pst__encode_request(pst_wbuf *w, const pst_protocol *proto,
                        bool framed, const pst_codec_config *cfg,
                        const pst_method_desc *m, const void *args,
                        int32_t seqid, pst_error *err)
{
    w->len = 0;
    w->err = 0;
    if (framed && pst_wbuf_append(w, "\0\0\0\0", 4) < 0)
        return pst_error_set(err, w->err, "request for %s: %s", m->name,
                             pst_strerror(w->err));
    pst_msg_header h = { pst_str_c(m->name),
                         m->oneway ? PST_MSG_ONEWAY : PST_MSG_CALL, seqid };
    int rc = proto->write_message_begin(w, &h);
    if (rc == 0)
        rc = proto->write_struct(w, m->args, args, cfg);
    if (rc == 0)
        rc = pst_protocol_write_message_end(proto, w);
    if (rc == 0 && w->err)
        rc = w->err;
    if (rc < 0)
        return pst_error_set(err, rc, "encoding the request for %s: %s",
                             m->name, pst_strerror(rc));
    if (framed) {
        size_t body = w->len - 4;
        if (body > cfg->max_frame)
            return pst_error_set(err, PST_E_LIMIT,
                                 "request for %s of %zu bytes exceeds "
                                 "max_frame %u", m->name, body,
                                 cfg->max_frame);
        w->data[0] = (uint8_t)(body >> 24);
        w->data[1] = (uint8_t)(body >> 16);
        w->data[2] = (uint8_t)(body >> 8);
        w->data[3] = (uint8_t)body;
    }
    return 0;
}

/* As Apache Thrift's generated recv_*: success if set, else the first
 * declared exception that is set, else MISSING_RESULT unless void. */
static int classify(const pst_struct_desc *d, const void *result)
{
    bool has_success = false;
    for (uint16_t i = 0; i < d->nfields; i++) {
        const pst_field *f = &d->fields[i];
        if (f->id == 0) {
            has_success = true;
            if (pst_isset(d, result, f->isset_bit))
                return 0;
        }
    }
    for (uint16_t i = 0; i < d->nfields; i++) {
        const pst_field *f = &d->fields[i];
        if (f->id != 0 && pst_isset(d, result, f->isset_bit))
            return PST_E_DECLARED_EXCEPTION;
    }
    return has_success ? PST_E_MISSING_RESULT : 0;
}

int pst__decode_reply(const pst_protocol *proto, const pst_codec_config *cfg,
                      const pst_method_desc *m, const uint8_t *msg,
                      size_t len, void *result, pst_arena *a,
                      pst_call_info *info)
{
    pst_error *err = info ? &info->error : NULL;
    pst_rbuf r;
    pst_rbuf_init(&r, msg, len, err);
    pst_msg_header h;
    int rc = proto->read_message_begin(&r, &h, cfg);
    if (rc < 0)
        return pst_error_set(err, rc, "reply to %s: unreadable header",
                             m->name);

    if (h.type == PST_MSG_EXCEPTION) {
        pst_app_exception ex;
        rc = proto->read_struct(&r, &pst_app_exception_desc, &ex, a, cfg);
        if (rc < 0)
            return pst_error_set(err, rc, "reply to %s: undecodable "
                                 "TApplicationException: %s", m->name,
                                 pst_strerror(rc));
        if (info)
            info->app_exception = ex;
        return pst_error_set(err, PST_E_APP_EXCEPTION,
                             "%s failed on the server: %s: %.*s", m->name,
                             pst_app_exception_type_name(ex.type),
                             (int)(ex.message.len > 120 ? 120 : ex.message.len),
                             ex.message.ptr ? ex.message.ptr : "");
    }

    const pst_struct_desc *d = m->result;
    if (!result) {
        /* Void methods may pass no result; decode somewhere to check it. */
        result = pst_arena_alloc(a, d->size ? d->size : 1);
        if (!result)
            return pst_error_set(err, PST_E_NOMEM, "reply to %s: no memory",
                                 m->name);
    }
    rc = proto->read_struct(&r, d, result, a, cfg);
    if (rc < 0)
        return pst_error_set(err, rc, "reply to %s: %s", m->name,
                             pst_strerror(rc));
    rc = classify(d, result);
    if (rc == PST_E_MISSING_RESULT)
        return pst_error_set(err, rc, "reply to %s carried no result",
                             m->name);
    if (rc == PST_E_DECLARED_EXCEPTION)
        return pst_error_set(err, rc, "%s raised a declared exception",
                             m->name);
    return 0;
}
