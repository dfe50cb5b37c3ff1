/*
 * conn_registry.h: the open connections, for GET /connections.
 *
 * Each connection embeds a pst__conn_entry (about 56 bytes), linked into
 * its server's list while open. Linking and unlinking take the list's
 * mutex (once per connection, not per call); the counters are written only
 * by the thread serving the connection, as relaxed atomic stores, and read
 * by the page under the mutex. A connection unregisters before it frees its
 * entry, and before it closes its socket unless it gave its peer's name.
 *
 * Thread-safety: register/unregister and the page from any thread; the
 * counting helpers from the connection's own thread.
 */
#ifndef POSTERN_SERVER_CONN_REGISTRY_H
#define POSTERN_SERVER_CONN_REGISTRY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include "metrics.h"
#include "postern/protocol.h"

typedef struct pst__conn_entry {
    struct pst__conn_entry *prev, *next;
    int fd;                            /* open while registered: the page
                                          asks it for the peer's address */
    const char *peer;                  /* or this name, when the connection
                                          may close fd before unregistering
                                          (it outlives the registration) */
    int64_t opened_ms;                 /* CLOCK_REALTIME */
    uint64_t id;                       /* 1, 2, ... in the order the server
                                          registered its connections */
    _Atomic uint8_t kind;              /* pst__conn_kind; COUNT: not told yet */
    pst__counter bytes_in, bytes_out, calls;
} pst__conn_entry;

typedef struct pst__conn_registry {
    pthread_mutex_t lock;
    pst__conn_entry *head;
    uint64_t count;
    uint64_t last_id;                  /* the id given last */
} pst__conn_registry;

void pst__conn_registry_init(pst__conn_registry *r);
void pst__conn_registry_destroy(pst__conn_registry *r);

/* Link e for the connection on fd; peer (may be NULL) as above. */
void pst__conn_register(pst__conn_registry *r, pst__conn_entry *e, int fd,
                        const char *peer);
void pst__conn_unregister(pst__conn_registry *r, pst__conn_entry *e);

static inline void pst__conn_entry_kind(pst__conn_entry *e, pst__conn_kind k)
{
    atomic_store_explicit(&e->kind, (uint8_t)k, memory_order_relaxed);
}

static inline void pst__conn_entry_count(pst__conn_entry *e, uint64_t in,
                                         uint64_t out, uint64_t calls)
{
    pst__count_add(&e->bytes_in, in);
    pst__count_add(&e->bytes_out, out);
    pst__count_add(&e->calls, calls);
}

/* The list as text (one line per connection) or JSON, at most `max`
 * entries (the total is given either way). */
void pst__conn_registry_write(pst__conn_registry *r, pst_wbuf *w, bool json,
                              unsigned max);

#endif
