/*
 * header_internal.h: the THeader codec's pieces that the servers share
 * beyond postern/header.h. Not public API.
 */
#ifndef POSTERN_TRANSPORT_HEADER_INTERNAL_H
#define POSTERN_TRANSPORT_HEADER_INTERNAL_H

#include "postern/header.h"

/* pst_header_write without the 4-byte length: for callers whose framing
 * writes it (a server's framed reply path). */
int pst__header_write_body(pst_wbuf *out, const pst_header_frame *f,
                           const void *payload, size_t n, pst_error *err);

#endif
