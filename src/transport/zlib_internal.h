/* zlib_internal.h: what the library's servers ask of the zlib core and
 * stream (postern/zlib.h) beyond the public calls. */
#ifndef POSTERN_TRANSPORT_ZLIB_INTERNAL_H
#define POSTERN_TRANSPORT_ZLIB_INTERNAL_H

#include <stddef.h>

#include "postern/zlib.h"

/* Messages shorter than n bytes (0: none) are written as stored blocks
 * (deflate level 0), the others at the deflater's level, every one ended
 * with a sync flush; zlib switches between the two with deflateParams.
 * Any inflater reads both (RFC 1951 block types 0-2). */
void pst__zlib_deflater_store_below(pst_zlib_deflater *z, size_t n);

/* Neither compute nor check the Adler-32 of what z inflates. A zlib
 * stream's sum covers all of it and arrives only when the peer ends the
 * stream, after every message in it has been read and served: for an RPC
 * connection it guards nothing, and costs ~5 instructions a byte (the
 * deflate blocks' own structure still catches garbage). */
void pst__zlib_inflater_skip_check(pst_zlib_inflater *z);

/* A server's side of a zlib stream (s from pst_stream_zlib_new): replies
 * under store_below bytes stored, and the requests' Adler-32 skipped, as
 * above. */
void pst__zlib_stream_for_server(pst_stream *s, size_t store_below);

#endif
