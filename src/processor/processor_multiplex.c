/* processor_multiplex.c: several services behind one processor (see
 * postern/multiplex.h).
 *
 * The table's processor is an ordinary pst_processor whose service
 * descriptor has no methods of its own and the default service as its
 * base: a bare name is found by the usual lookup and runs on the usual
 * path, with the default's handler. Only a name the lookup misses
 * ("S:m", or no default) reaches pst__multiplex_process, on the
 * processor's cold path, so a single-service server pays nothing for
 * multiplexing. The descriptor is the table's first member; its name
 * pointer marks it as a table's. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "processor/processor_internal.h"
#include "postern/multiplex.h"

#define MAX_SERVICE_NAME 255u
/* Room for the longest message we write, names clipped to 128 bytes. */
#define MSG_SIZE 384

const char pst__multiplex_service_name[] = "multiplexed";

typedef struct mx_entry {
    char *name;
    size_t len;
    pst_processor proc;
} mx_entry;

struct pst_multiplex {
    pst_service_desc desc;  /* first: the processor's service */
    pst_processor proc;     /* what servers are given */
    mx_entry *entries;
    size_t n, cap;
};

static bool name_ok(const char *name)
{
    if (!name)
        return false;
    size_t len = strlen(name);
    return len > 0 && len <= MAX_SERVICE_NAME &&
           !memchr(name, PST_MULTIPLEX_SEPARATOR, len);
}

pst_multiplex *pst_multiplex_new(void)
{
    pst_multiplex *mx = calloc(1, sizeof *mx);
    if (!mx)
        return NULL;
    mx->desc.name = pst__multiplex_service_name;
    mx->proc.service = &mx->desc;
    return mx;
}

const pst_processor *pst_multiplex_find(const pst_multiplex *mx,
                                        const char *name, size_t len)
{
    for (size_t i = 0; mx && i < mx->n; i++)
        if (mx->entries[i].len == len &&
            memcmp(mx->entries[i].name, name, len) == 0)
            return &mx->entries[i].proc;
    return NULL;
}

int pst_multiplex_add(pst_multiplex *mx, const char *name,
                      const pst_processor *proc)
{
    if (!mx || !name_ok(name) || !proc || !proc->service ||
        pst_multiplex_find(mx, name, strlen(name)))
        return PST_E_INVALID;
    if (mx->n == mx->cap) {
        size_t cap = mx->cap ? 2 * mx->cap : 4;
        mx_entry *e = realloc(mx->entries, cap * sizeof *e);
        if (!e)
            return PST_E_NOMEM;
        mx->entries = e;
        mx->cap = cap;
    }
    size_t len = strlen(name);
    char *copy = malloc(len + 1);
    if (!copy)
        return PST_E_NOMEM;
    memcpy(copy, name, len + 1);
    mx->entries[mx->n++] = (mx_entry){ copy, len, *proc };
    return 0;
}

int pst_multiplex_set_default(pst_multiplex *mx, const pst_processor *proc)
{
    if (!mx || (proc && !proc->service))
        return PST_E_INVALID;
    mx->desc.base = proc ? proc->service : NULL;
    mx->proc.handler = proc ? proc->handler : NULL;
    mx->proc.user = proc ? proc->user : NULL;
    return 0;
}

const pst_processor *pst_multiplex_processor(const pst_multiplex *mx)
{
    return mx ? &mx->proc : NULL;
}

void pst_multiplex_free(pst_multiplex *mx)
{
    if (!mx)
        return;
    for (size_t i = 0; i < mx->n; i++)
        free(mx->entries[i].name);
    free(mx->entries);
    free(mx);
}

static int clip(size_t len)
{
    return (int)(len > 128 ? 128 : len);
}

int pst__multiplex_process(const pst_processor *proc,
                           const pst_protocol *proto, pst_rbuf *r,
                           const pst_msg_header *h, bool reply, pst_wbuf *out,
                           pst_arena *arena, const pst_codec_config *cfg,
                           pst_error *err, pst__call_report *rep)
{
    const pst_multiplex *mx =
        (const pst_multiplex *)((const char *)proc->service -
                                offsetof(pst_multiplex, desc));
    char msg[MSG_SIZE];
    const char *name = h->name.ptr ? h->name.ptr : "";
    const char *sep = memchr(name, PST_MULTIPLEX_SEPARATOR, h->name.len);
    if (!sep) {
        /* A bare name the default service (if any) does not have. */
        if (mx->desc.base)
            snprintf(msg, sizeof msg, "Invalid method name: '%.*s'",
                     clip(h->name.len), name);
        else
            snprintf(msg, sizeof msg,
                     "Unknown method '%.*s': this server hosts several "
                     "services and has no default; call 'Service:%.*s'",
                     clip(h->name.len), name, clip(h->name.len), name);
        return pst__unknown_method(proto, r, out, h, reply, msg, cfg, err);
    }
    size_t slen = (size_t)(sep - name);
    const pst_processor *sub = pst_multiplex_find(mx, name, slen);
    if (!sub) {
        snprintf(msg, sizeof msg, "Unknown service: '%.*s' (in '%.*s')",
                 clip(slen), name, clip(h->name.len), name);
        return pst__unknown_method(proto, r, out, h, reply, msg, cfg, err);
    }
    /* From here the call is the service's own: it sees, and its reply
     * names, the bare method, as under Thrift's multiplexed processor. */
    pst_msg_header bare = { { sep + 1, h->name.len - slen - 1 }, h->type,
                            h->seqid };
    const pst_method_desc *m =
        pst_service_method(sub->service, bare.name.ptr, bare.name.len);
    if (!m) {
        snprintf(msg, sizeof msg, "Invalid method name: '%.*s'",
                 clip(bare.name.len), bare.name.ptr);
        return pst__unknown_method(proto, r, out, &bare, reply, msg, cfg,
                                   err);
    }
    return pst__process_method(sub, proto, r, &bare, m, reply, out, arena,
                               cfg, err, rep);
}
