/* conn_registry.c: the open connections, for GET /connections (see
 * conn_registry.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/wbuf_printf.h"
#include "conn_registry.h"
#include "transport/transport_internal.h"

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pst__conn_registry_init(pst__conn_registry *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
}

void pst__conn_registry_destroy(pst__conn_registry *r)
{
    pthread_mutex_destroy(&r->lock);
}

void pst__conn_register(pst__conn_registry *r, pst__conn_entry *e, int fd,
                        const char *peer)
{
    memset(e, 0, sizeof *e);
    e->fd = fd;
    e->peer = peer;
    e->opened_ms = wall_ms();
    atomic_init(&e->kind, (uint8_t)PST__KIND_COUNT);
    pthread_mutex_lock(&r->lock);
    e->id = ++r->last_id;
    e->next = r->head;
    if (r->head)
        r->head->prev = e;
    r->head = e;
    r->count++;
    pthread_mutex_unlock(&r->lock);
}

void pst__conn_unregister(pst__conn_registry *r, pst__conn_entry *e)
{
    pthread_mutex_lock(&r->lock);
    if (e->prev)
        e->prev->next = e->next;
    else if (r->head == e)
        r->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    e->prev = e->next = NULL;
    r->count--;
    pthread_mutex_unlock(&r->lock);
}

/* the text below is mostly formatted lines: a short name for them */
#define put pst__wbuf_printf

void pst__conn_registry_write(pst__conn_registry *r, pst_wbuf *w, bool json,
                              unsigned max)
{
    int64_t now = wall_ms();
    pthread_mutex_lock(&r->lock);
    if (json)
        put(w, "{\"open\":%llu,\"connections\":[", (unsigned long long)r->count);
    else
        put(w, "%llu open connections%s\n%-46s %-15s %10s %14s %14s %10s\n",
            (unsigned long long)r->count, r->count > max ? " (the newest shown)" : "",
            "peer", "kind", "age_s", "bytes_in", "bytes_out", "calls");
    unsigned shown = 0;
    for (pst__conn_entry *e = r->head; e && shown < max; e = e->next, shown++) {
        char peer[128];
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        if (e->peer)
            snprintf(peer, sizeof peer, "%s", e->peer);
        else if (getpeername(e->fd, (struct sockaddr *)&ss, &len) == 0)
            pst__sockaddr_format(&ss, len, peer, sizeof peer);
        else
            snprintf(peer, sizeof peer, "fd %d", e->fd);
        pst__conn_kind k = (pst__conn_kind)atomic_load_explicit(&e->kind,
                                                                memory_order_relaxed);
        const char *kind = k < PST__KIND_COUNT ? pst__conn_kind_name(k) : "new";
        double age = (double)(now - e->opened_ms) / 1000;
        unsigned long long in = pst__count_get(&e->bytes_in),
                           out = pst__count_get(&e->bytes_out),
                           calls = pst__count_get(&e->calls);
        if (json)
            put(w, "%s{\"peer\":\"%s\",\"kind\":\"%s\",\"age_seconds\":%.3f,"
                   "\"bytes_in\":%llu,\"bytes_out\":%llu,\"calls\":%llu}",
                shown ? "," : "", peer, kind, age, in, out, calls);
        else
            put(w, "%-46s %-15s %10.1f %14llu %14llu %10llu\n", peer, kind, age, in,
                out, calls);
    }
    pthread_mutex_unlock(&r->lock);
    if (json)
        put(w, "]}\n");
}
