/* zlib_internal.h: what the library's servers ask of the zlib core and
 * stream (postern/zlib.h) beyond the public calls. */
#ifndef POSTERN_TRANSPORT_ZLIB_INTERNAL_H
#define POSTERN_TRANSPORT_ZLIB_INTERNAL_H

#include <stddef.h>

#include "postern/zlib.h"

/* Messages shorter than n bytes (0: none) are written as stored blocks
 * (deflate level 0) ended on their byte boundary, the others at the
 * deflater's level with a sync flush; zlib switches between the two with
 * deflateParams. Any inflater reads both (RFC 1951 block types 0-2). */
void pst__zlib_deflater_store_below(pst_zlib_deflater *z, size_t n);

/* The same for a zlib stream's writing side; s must come from
 * pst_stream_zlib_new. */
void pst__zlib_stream_store_below(pst_stream *s, size_t n);

#endif
