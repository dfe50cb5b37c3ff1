/*
 * wbuf.c: the growable, bounded output buffer every encoder writes into.
 * Capacity doubles; `max` bounds it; the first failure sticks in `err`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/wbuf_printf.h"
#include "postern/buffer.h"

#define WBUF_DEFAULT_MAX 104857600u /* Thrift's max message size */
#define WBUF_FIRST_CAP 256u

void pst_wbuf_init(pst_wbuf *w, size_t max)
{
    w->data = NULL;
    w->len = w->cap = 0;
    w->max = max ? max : WBUF_DEFAULT_MAX;
    w->err = 0;
}

void pst_wbuf_free(pst_wbuf *w)
{
    free(w->data);
    w->data = NULL;
    w->len = w->cap = 0;
}

int pst_wbuf__grow(pst_wbuf *w, size_t n)
{
    if (w->err)
        return w->err;
    if (w->cap - w->len >= n)
        return 0;
    if (n > w->max || w->len > w->max - n)
        return w->err = PST_E_LIMIT;
    size_t need = w->len + n;
    size_t cap = w->cap ? w->cap : WBUF_FIRST_CAP;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > w->max)
        cap = w->max;
    uint8_t *data = realloc(w->data, cap);
    if (!data)
        return w->err = PST_E_NOMEM;
    w->data = data;
    w->cap = cap;
    return 0;
}

int pst_wbuf_append(pst_wbuf *w, const void *p, size_t n)
{
    if (w->err)
        return w->err;
    int rc = pst_wbuf_reserve(w, n);
    if (rc)
        return rc;
    if (n)
        memcpy(w->data + w->len, p, n);
    w->len += n;
    return 0;
}

int pst__wbuf_printf(pst_wbuf *w, const char *fmt, ...)
{
    if (w->err)
        return w->err;
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return 0;
    if ((size_t)n < sizeof small)
        return pst_wbuf_append(w, small, (size_t)n);
    /* longer than the stack buffer: format again, straight into w */
    if (pst_wbuf_reserve(w, (size_t)n + 1) != 0)
        return w->err;
    va_start(ap, fmt);
    vsnprintf((char *)w->data + w->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    w->len += (size_t)n;
    return 0;
}
