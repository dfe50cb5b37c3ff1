/*
 * postern/buffer.h: the two byte buffers every layer above memory shares.
 *
 *   pst_wbuf  a growable output buffer with a bound and a sticky error:
 *             writers reserve, append, and check w->err once at the end.
 *   pst_rbuf  a read view over bytes that stay valid while they are read,
 *             remembering where it started so errors can give offsets.
 *
 * They sit below the protocols (which write and read through them), the
 * HTTP responses and the status pages, so they have a header of their own.
 * Ownership: a pst_wbuf owns its data (pst_wbuf_free releases it); a
 * pst_rbuf owns nothing. Thread-safety: a buffer belongs to one thread.
 */
#ifndef POSTERN_BUFFER_H
#define POSTERN_BUFFER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Growable output buffer, bounded by `max` bytes (0 = max_message default).
 * Writers record the first failure in `err` and stop. */
typedef struct pst_wbuf {
    uint8_t *data;
    size_t len, cap, max;
    int err;
} pst_wbuf;

void pst_wbuf_init(pst_wbuf *w, size_t max);
void pst_wbuf_free(pst_wbuf *w);
/* Make room for n more bytes; 0 or PST_E_NOMEM / PST_E_LIMIT (also kept in
 * w->err). */
int pst_wbuf__grow(pst_wbuf *w, size_t n);
static inline int pst_wbuf_reserve(pst_wbuf *w, size_t n)
{
    if (w->cap - w->len >= n)
        return 0;
    return pst_wbuf__grow(w, n);
}
int pst_wbuf_append(pst_wbuf *w, const void *p, size_t n);

/* Input: a view over bytes that stay valid while decoding. `start` lets
 * errors give offsets; `err` receives the detail. */
typedef struct pst_rbuf {
    const uint8_t *p, *end, *start;
    pst_error *err;       /* may be NULL */
} pst_rbuf;

static inline void pst_rbuf_init(pst_rbuf *r, const void *data, size_t n,
                                 pst_error *err)
{
    r->start = r->p = (const uint8_t *)data;
    r->end = r->p + n;
    r->err = err;
}

#endif
