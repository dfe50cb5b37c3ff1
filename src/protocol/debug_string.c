/*
 * debug_string.c: the debug protocol's text in a C string (debug.h), for
 * log lines: malloc'ed, or cut to a caller's buffer like snprintf.
 */
#include <stdlib.h>
#include <string.h>

#include "postern/debug.h"

char *pst_debug_string(const pst_struct_desc *d, const void *v,
                       const pst_debug_options *opt)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    if (pst_debug_print(&w, d, v, opt) != 0 || pst_wbuf_append(&w, "", 1) < 0) {
        pst_wbuf_free(&w);
        return NULL;
    }
    return (char *)w.data; /* the wbuf's block is malloc'ed: ours now */
}

long pst_debug_snprint(char *buf, size_t cap, const pst_struct_desc *d,
                       const void *v, const pst_debug_options *opt)
{
    if (cap)
        buf[0] = '\0';
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    int rc = pst_debug_print(&w, d, v, opt);
    if (rc != 0) {
        pst_wbuf_free(&w);
        return rc;
    }
    if (cap) {
        size_t n = w.len < cap - 1 ? w.len : cap - 1;
        if (n)
            memcpy(buf, w.data, n);
        buf[n] = '\0';
    }
    long len = (long)w.len;
    pst_wbuf_free(&w);
    return len;
}
