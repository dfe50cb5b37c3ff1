/*
 * postern/zlib.h: Thrift's TZlibTransport: one zlib (RFC 1950) stream per
 * direction, each message (each write) ended with a sync flush so that the
 * peer can decompress it whole before the next one is written. The zlib
 * header opens each direction once (0x78 ...), never each message.
 *
 * Two shapes over the same code:
 *   - a push-style core (bytes in -> bytes out into the caller's memory, no
 *     fd), for loops that own their sockets: pst_zlib_inflater,
 *     pst_zlib_deflater;
 *   - a wrapping pst_stream (transport.h) for clients and blocking servers:
 *     pst_stream_zlib_new.
 *
 * No zlib bomb: inflating never writes past the capacity the caller gives,
 * and the stream hands out at most what its reader asked for, so a message
 * layer over it (framed, unframed) stops at max_frame / max_message with an
 * error naming that limit, however small the compressed input.
 *
 * Ownership: an inflater or deflater belongs to its creator (free with the
 * matching _free). The zlib stream owns the stream it wraps.
 * Thread-safety: none inside one object; the zlib stream keeps its reading
 * and writing state apart, so as with a socket stream, one thread may read
 * while one other writes.
 */
#ifndef POSTERN_ZLIB_H
#define POSTERN_ZLIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "error.h"
#include "protocol.h"
#include "transport.h"

/* Deflate level Thrift C++ uses by default (zlib's 6); Python's is 9.
 * postern's servers deflate their replies at level 1 and write replies
 * under 128 bytes as stored (uncompressed) deflate blocks, whose Huffman
 * trees would cost more than compressing them saves; any inflater reads
 * both. Clients use the level they are given. */
#define PST_ZLIB_LEVEL_DEFAULT (-1)

/* ---- push-style core --------------------------------------------------- */

typedef struct pst_zlib_inflater pst_zlib_inflater;
typedef struct pst_zlib_deflater pst_zlib_deflater;

/* NULL when out of memory. */
pst_zlib_inflater *pst_zlib_inflater_new(void);
void pst_zlib_inflater_free(pst_zlib_inflater *z);

/* Decompress from in[0..n) into out[0..cap): *used input bytes taken,
 * *made output bytes written (either may be 0: a header alone makes no
 * output; a full out leaves input for the next call). Returns 0,
 * PST_E_CLOSED once the peer ended its stream (nothing more will come out),
 * or PST_E_PROTOCOL for bytes that are not zlib (err: what and at which
 * compressed offset). */
int pst_zlib_inflate(pst_zlib_inflater *z, const void *in, size_t n,
                     size_t *used, void *out, size_t cap, size_t *made,
                     pst_error *err);

/* Compressed bytes taken so far (for offsets in errors). */
uint64_t pst_zlib_inflater_total_in(const pst_zlib_inflater *z);

/* level: 0..9 or PST_ZLIB_LEVEL_DEFAULT. NULL when out of memory or for a
 * bad level. */
pst_zlib_deflater *pst_zlib_deflater_new(int level);
void pst_zlib_deflater_free(pst_zlib_deflater *z);

/* Compress iov[0..iovcnt) as one message and sync-flush it (Thrift's
 * flush()), appending the bytes to out (bounded by out->max: PST_E_LIMIT).
 * Returns 0 or an error with detail. */
int pst_zlib_deflate(pst_zlib_deflater *z, const struct iovec *iov, int iovcnt,
                     pst_wbuf *out, pst_error *err);

/* One-shot forms for whole buffers (THeader's zlib transform, which is
 * Python's zlib.compress / decompress): a complete zlib stream.
 * pst_zlib_compress appends to out. pst_zlib_uncompress appends at most
 * max bytes to out: a stream that inflates past max is PST_E_LIMIT naming
 * it, found without allocating past it. */
int pst_zlib_compress(const void *in, size_t n, pst_wbuf *out, pst_error *err);
int pst_zlib_uncompress(const void *in, size_t n, uint64_t max, pst_wbuf *out,
                        pst_error *err);

/* ---- the stream -------------------------------------------------------- */

/* A zlib stream over inner, which it then owns (also on failure: NULL means
 * out of memory and inner has been freed). pre[0..n) are compressed bytes
 * already read from inner (a server's sniffed first bytes); they are
 * decompressed before anything else is read. level as for the deflater.
 * Reads honour the timeout and wake fd of pst_stream_read across the inner
 * reads one call needs; writes compress and sync-flush each write call
 * (each message) and write it whole. The stream has no write_some, so a
 * transport over it times writes with write_timeout_ms only. */
pst_stream *pst_stream_zlib_new(pst_stream *inner, const void *pre, size_t n,
                                int level);

#endif
