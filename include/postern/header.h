/*
 * postern/header.h: THeader (Thrift's THeaderTransport / THeaderProtocol,
 * magic 0x0FFF): a framed message with a header that names the protocol
 * inside (binary or compact), transforms of the payload (zlib) and info
 * key/value headers. The frame, big-endian:
 *
 *   u32 length (of all that follows)   u16 0x0FFF   u16 flags   i32 seqid
 *   u16 header length / 4
 *   header: varint protocol id (0 binary, 2 compact), varint transform
 *           count, varint ids (1 zlib); then info blocks: varint 1
 *           (key/value), varint count, count x (varint len, key, varint
 *           len, value); zero padding to the header length
 *   payload: the message in that protocol, after the transforms (zlib:
 *           one complete zlib stream, Python's zlib.compress)
 *
 * Servers: every model answers header frames, from their first bytes
 * (0x0F 0xFF after a frame length, or after two: a header frame inside a
 * plain frame, as Thrift's THeaderProtocol over TFramedTransport sends
 * it), in the request's format: its protocol, its transforms, its flags
 * and seqid, its framing. Plain framed and unframed clients
 * are served on the same port as ever. Handlers see the request's info
 * headers with pst_header_request and add to the reply's with
 * pst_header_reply_set.
 * Clients: pst_transport_header_new over a socket (or TLS, zlib) stream;
 * over Thrift over HTTP, pst_transport_http_use_header
 * (postern/header_http.h): each POST body one header frame.
 *
 * Ownership: frames and headers read point into the caller's bytes (or its
 * arena / buffer) and live as long as those. Thread-safety: the codec
 * functions are reentrant; a transport is used by one thread at a time.
 */
#ifndef POSTERN_HEADER_H
#define POSTERN_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "protocol.h"
#include "transport.h"

#define PST_HEADER_MAGIC 0x0FFFu
#define PST_HEADER_PROTOCOL_BINARY 0
#define PST_HEADER_PROTOCOL_COMPACT 2
#define PST_HEADER_TRANSFORM_ZLIB 1
#define PST_HEADER_MAX_TRANSFORMS 8   /* more in one frame is refused */
#define PST_HEADER_INFO_KEY_VALUE 1

typedef struct pst_header_kv {
    pst_str key, value;
} pst_header_kv;

typedef struct pst_header_frame {
    uint16_t flags;
    int32_t seqid;
    int32_t protocol_id;                       /* PST_HEADER_PROTOCOL_* */
    uint8_t transforms[PST_HEADER_MAX_TRANSFORMS]; /* in the order applied
                                                     when writing */
    uint32_t ntransforms;
    const pst_header_kv *headers;              /* info key/values */
    uint32_t nheaders;
} pst_header_frame;

/* The protocol for a header protocol id (binary, compact), or NULL. */
const pst_protocol *pst_header_protocol(int32_t id);
/* The id of a protocol a header can carry, or -1. */
int32_t pst_header_protocol_id(const pst_protocol *p);

/* True when a frame body (what follows the 4-byte length) starts with the
 * header magic. */
static inline int pst_header_is_frame(const uint8_t *body, size_t n)
{
    return n >= 2 && body[0] == 0x0F && body[1] == 0xFF;
}

/* Read one frame body (body[0..n), after the length): fills *f (headers
 * allocated from a, their strings pointing into body) and the payload: a
 * view into body, or with the zlib transform the inflated bytes appended
 * to `inflated` (bounded by cfg->max_message: a payload that inflates past
 * it is PST_E_LIMIT naming it). Unknown transforms and protocol ids, and
 * lengths past the frame, are PST_E_PROTOCOL with what and where; unknown
 * info block types end the info headers, as Thrift's readers do. */
int pst_header_read(const uint8_t *body, size_t n, const pst_codec_config *cfg,
                    pst_arena *a, pst_header_frame *f, pst_wbuf *inflated,
                    const uint8_t **payload, size_t *payload_len,
                    pst_error *err);

/* Append a whole frame (with its 4-byte length) carrying payload[0..n)
 * with f's flags, seqid, protocol id, transforms and info headers (an info
 * block only when there are headers), as Thrift writes it. */
int pst_header_write(pst_wbuf *out, const pst_header_frame *f,
                     const void *payload, size_t n, pst_error *err);

/* ---- the client's transport -------------------------------------------- */

/* pst_transport_header_new flags. */
#define PST_HEADER_ZLIB 0x1u      /* the zlib transform on every message */
#define PST_HEADER_IN_FRAMES 0x2u /* each header frame inside a plain frame
                                     (another 4-byte length before it): what
                                     Thrift's THeaderProtocol over a
                                     TFramedTransport puts on the wire */

/* A THeader message layer over s (which it then owns; NULL, with s freed:
 * out of memory, or inner neither binary nor compact; NULL inner is
 * binary): each message written goes out as a header frame with inner's id
 * (the client's protocol must be inner too) and the message's seqid,
 * shaped by flags (PST_HEADER_*). Each message read is the payload of the
 * next frame (a header frame, or a plain frame from a server that answers
 * so). Built as a stream under the framed transport: max_frame bounds the
 * frames, pst_transport_name says "framed". */
pst_transport *pst_transport_header_new(pst_stream *s,
                                        const pst_transport_options *o,
                                        const pst_protocol *inner, unsigned flags);

/* Info headers for the next message written on t (then cleared, as
 * Thrift's THeaderTransport does). Strings are copied; PST_E_INVALID for a
 * transport that is not a header one. */
int pst_transport_header_set(pst_transport *t, const char *key,
                             const char *value);

/* The info headers of the last message read on t (valid until the next
 * read); NULL and 0 when none. */
const pst_header_kv *pst_transport_header_received(const pst_transport *t,
                                                   uint32_t *n);

/* ---- the server's side ------------------------------------------------- */

/* In a handler serving a header frame: the request's info headers (valid
 * until the handler returns); NULL and *n = 0 otherwise. Per thread. */
const pst_header_kv *pst_header_request(uint32_t *n);

/* In a handler serving a header frame: add an info header to its reply
 * (key and value copied; at most PST_HEADER_MAX_REPLY_HEADERS). 0, or
 * PST_E_INVALID outside such a handler, PST_E_LIMIT, PST_E_NOMEM. */
#define PST_HEADER_MAX_REPLY_HEADERS 16
int pst_header_reply_set(const char *key, const char *value);

#endif
