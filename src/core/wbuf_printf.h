/*
 * wbuf_printf.h: formatted text onto an output buffer, for the pages and
 * the Prometheus text the server writes (not public API).
 */
#ifndef POSTERN_CORE_WBUF_PRINTF_H
#define POSTERN_CORE_WBUF_PRINTF_H

#include "postern/buffer.h"

/* Append printf(fmt, ...) to w, whole (no length cap but w's max); 0 or
 * w's sticky error. */
int pst__wbuf_printf(pst_wbuf *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
