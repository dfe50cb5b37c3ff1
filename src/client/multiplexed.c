/* multiplexed.c: a client view that calls one service of a multiplexed
 * server, "Service:method" on the wire (see postern/multiplex.h).
 *
 * Calls carry a method descriptor, and the name on the wire is its name;
 * so the view keeps, per method it has called, a copy of the descriptor
 * named "Service:method" and passes that to the client behind it. Copies
 * live as long as the view (a pipeline may still hold one for a call
 * whose caller gave up). They hang on a list that is only ever prepended
 * to with a compare-and-swap, so threads sharing a view over a pipeline or
 * a pool look up without a lock; a service has few methods, and each
 * lookup compares pointers only. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "client/view_internal.h"
#include "postern/multiplex.h"

#define MAX_SERVICE_NAME 255u

typedef struct prefixed {
    const pst_method_desc *orig;
    pst_method_desc desc;       /* orig, named "Service:method" */
    struct prefixed *next;
    char name[];
} prefixed;

typedef struct mx_view {
    pst_client *inner;
    _Atomic(prefixed *) head;
    size_t slen;
    char service[];
} mx_view;

static prefixed *find(prefixed *p, const pst_method_desc *m)
{
    for (; p; p = p->next)
        if (p->orig == m)
            return p;
    return NULL;
}

/* The prefixed copy of m, made on its first call; NULL: out of memory. */
static const pst_method_desc *prefixed_desc(mx_view *v,
                                            const pst_method_desc *m)
{
    prefixed *head = atomic_load_explicit(&v->head, memory_order_acquire);
    prefixed *p = find(head, m);
    if (p)
        return &p->desc;
    size_t mlen = strlen(m->name);
    p = malloc(sizeof *p + v->slen + 1 + mlen + 1);
    if (!p)
        return NULL;
    p->orig = m;
    p->desc = *m;
    memcpy(p->name, v->service, v->slen);
    p->name[v->slen] = PST_MULTIPLEX_SEPARATOR;
    memcpy(p->name + v->slen + 1, m->name, mlen + 1);
    p->desc.name = p->name;
    for (;;) {
        p->next = head;
        if (atomic_compare_exchange_weak_explicit(&v->head, &head, p,
                                                  memory_order_acq_rel,
                                                  memory_order_acquire))
            return &p->desc;
        /* Another thread prepended meanwhile, maybe this very method. */
        prefixed *other = find(head, m);
        if (other) {
            free(p);
            return &other->desc;
        }
    }
}

static int mx_call(void *self, const pst_method_desc *m, const void *args,
                   void *result, pst_arena *a)
{
    mx_view *v = self;
    const pst_method_desc *pm = m && m->name ? prefixed_desc(v, m) : m;
    if (!pm)
        return PST_E_NOMEM;
    return pst_client_call(v->inner, pm, args, result, a);
}

static int mx_call_until(void *self, const pst_method_desc *m,
                         const void *args, void *result, pst_arena *a,
                         pst_deadline deadline)
{
    mx_view *v = self;
    const pst_method_desc *pm = m && m->name ? prefixed_desc(v, m) : m;
    if (!pm)
        return PST_E_NOMEM;
    return pst_client_call_until(v->inner, pm, args, result, a, deadline);
}

static const pst_app_exception *mx_app_exception(const void *self)
{
    return pst_client_app_exception(((const mx_view *)self)->inner);
}

static const pst_error *mx_error(const void *self)
{
    return pst_client_error(((const mx_view *)self)->inner);
}

static bool mx_broken(const void *self)
{
    return pst_client_broken(((const mx_view *)self)->inner);
}

static void mx_free(void *self)
{
    mx_view *v = self;
    prefixed *p = atomic_load_explicit(&v->head, memory_order_acquire);
    while (p) {
        prefixed *next = p->next;
        free(p);
        p = next;
    }
    free(v);
}

static const pst_client_ops mx_ops = {
    .call = mx_call,
    .app_exception = mx_app_exception,
    .error = mx_error,
    .call_until = mx_call_until,
    .broken = mx_broken,
};

pst_client *pst_client_multiplexed(pst_client *inner, const char *service)
{
    if (!inner || !service)
        return NULL;
    size_t slen = strlen(service);
    if (slen == 0 || slen > MAX_SERVICE_NAME ||
        memchr(service, PST_MULTIPLEX_SEPARATOR, slen))
        return NULL;
    mx_view *v = malloc(sizeof *v + slen + 1);
    if (!v)
        return NULL;
    v->inner = inner;
    atomic_init(&v->head, NULL);
    v->slen = slen;
    memcpy(v->service, service, slen + 1);
    return pst__client_view_owning(&mx_ops, v, mx_free);
}
