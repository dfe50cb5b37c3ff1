/*
 * postern/protocol.h: protocols turn typed values into bytes and back.
 *
 * A protocol is a small const table of functions chosen once per connection.
 * Its walker encodes or decodes a whole struct from its descriptor in one
 * call, over contiguous memory: a message is always complete in memory before
 * it is decoded (framed transports deliver whole frames; unframed ones find
 * the message's end with message_length first). Protocols know nothing of
 * sockets. Binary, compact, JSON and debug (debug.h) are built in. THeader
 * (header.h) is a framing that carries binary or compact; multiplexing
 * (multiplex.h) is done by the processor and a client view, over any of
 * them, as the service name in the method name.
 *
 * Thread-safety: protocol tables are immutable; buffers belong to one thread.
 */
#ifndef POSTERN_PROTOCOL_H
#define POSTERN_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buffer.h"
#include "error.h"
#include "types.h"

/* Limits and wire options; every reader and server takes one.
 * PST_CODEC_CONFIG_INIT holds Apache Thrift's defaults. */
typedef struct pst_codec_config {
    uint64_t max_message;   /* bytes in one message (104,857,600) */
    uint32_t max_frame;     /* bytes in one frame (16,384,000) */
    uint32_t max_depth;     /* struct nesting, counted as Thrift does:
                               the top-level struct is 1, containers do
                               not count (64); skipping unknown data also
                               bounds structs and containers together */
    bool strict_read;       /* binary: reject old headers without version */
} pst_codec_config;

#define PST_CODEC_CONFIG_INIT { 104857600u, 16384000u, 64u, false }

typedef enum pst_msg_type {
    PST_MSG_CALL = 1,
    PST_MSG_REPLY = 2,
    PST_MSG_EXCEPTION = 3,
    PST_MSG_ONEWAY = 4
} pst_msg_type;

typedef struct pst_msg_header {
    pst_str name;          /* points into the input buffer when read */
    int32_t type;          /* pst_msg_type */
    int32_t seqid;
} pst_msg_header;

typedef struct pst_protocol {
    const char *name;      /* "binary", "compact", ... */

    int (*write_message_begin)(pst_wbuf *w, const pst_msg_header *h);
    int (*read_message_begin)(pst_rbuf *r, pst_msg_header *h,
                              const pst_codec_config *cfg);

    /* Encode the struct v described by d (fields in id order, then STOP)
     * after what w holds. Optional fields are written when their isset bit
     * is on, a union's one member likewise, default and required fields
     * always, a NULL STRUCT_PTR never. On failure nothing is appended and
     * w->err is set (structs nested past cfg->max_depth: PST_E_LIMIT). */
    int (*write_struct)(pst_wbuf *w, const pst_struct_desc *d, const void *v,
                        const pst_codec_config *cfg);
    /* Decode into v (initialised from d's defaults first). Strings,
     * binaries, lists and pointers are allocated from arena a: strings are
     * copies, so the input buffer may be reused as soon as this returns.
     * Checks every size against the bytes left before allocating, depth
     * against cfg->max_depth, required fields, and rejects unknown wire
     * types; unknown field ids, and known ids with another wire type, are
     * skipped (as Thrift does). A union with two members on the wire
     * keeps the one really set (Thrift writes a union's default member
     * too; that one gives way, else the last one read stays); a set
     * (map) of scalars, uuids, strings or binaries holds each element
     * (key) once, at its first position, with a map key's last value
     * (docs/thrift-differences.md). On failure r->p does not move, r->err
     * says what and where, and v is partly written. A truncated value is
     * PST_E_SHORT; one that would pass cfg->max_message, PST_E_LIMIT. */
    int (*read_struct)(pst_rbuf *r, const pst_struct_desc *d, void *v,
                       pst_arena *a, const pst_codec_config *cfg);
    /* Skip one struct without decoding it (unknown methods' arguments). */
    int (*skip_struct)(pst_rbuf *r, const pst_codec_config *cfg);

    /* Unframed transports: the length of the complete message (header and
     * body) starting at p, PST_E_SHORT when more bytes are needed, or an
     * error for bytes that can never become a valid message. */
    int (*message_length)(const uint8_t *p, size_t n,
                          const pst_codec_config *cfg, size_t *len,
                          pst_error *err);

    /* After the struct, for protocols whose messages have a trailer (JSON's
     * closing ']'); NULL when there is none. Writers of a message call
     * pst_protocol_write_message_end after write_struct. Readers may leave
     * the trailer unread: message_length and frames already delimit the
     * message, and read_message_end only checks it. */
    int (*write_message_end)(pst_wbuf *w);
    int (*read_message_end)(pst_rbuf *r, const pst_codec_config *cfg);
} pst_protocol;

static inline int pst_protocol_write_message_end(const pst_protocol *p,
                                                 pst_wbuf *w)
{
    return p->write_message_end ? p->write_message_end(w) : 0;
}
static inline int pst_protocol_read_message_end(const pst_protocol *p,
                                                pst_rbuf *r,
                                                const pst_codec_config *cfg)
{
    return p->read_message_end ? p->read_message_end(r, cfg) : 0;
}

extern const pst_protocol pst_protocol_binary;
extern const pst_protocol pst_protocol_compact;
/* TJSONProtocol (Thrift C++ 0.17's bytes), on the generic walker. */
extern const pst_protocol pst_protocol_json;

/* By name ("binary", "compact", "json", "debug"), or NULL. */
const pst_protocol *pst_protocol_by_name(const char *name);

/* ---- TApplicationException --------------------------------------------- */

typedef enum pst_app_exception_type {
    PST_APPEX_UNKNOWN = 0,
    PST_APPEX_UNKNOWN_METHOD = 1,
    PST_APPEX_INVALID_MESSAGE_TYPE = 2,
    PST_APPEX_WRONG_METHOD_NAME = 3,
    PST_APPEX_BAD_SEQUENCE_ID = 4,
    PST_APPEX_MISSING_RESULT = 5,
    PST_APPEX_INTERNAL_ERROR = 6,
    PST_APPEX_PROTOCOL_ERROR = 7,
    PST_APPEX_INVALID_TRANSFORM = 8,
    PST_APPEX_INVALID_PROTOCOL = 9,
    PST_APPEX_UNSUPPORTED_CLIENT_TYPE = 10
} pst_app_exception_type;

/* struct TApplicationException { 1: string message, 2: i32 type } */
typedef struct pst_app_exception {
    pst_str message;
    int32_t type;          /* pst_app_exception_type */
    uint8_t isset_[1];
} pst_app_exception;

extern const pst_struct_desc pst_app_exception_desc;
/* "UNKNOWN_METHOD", ...; "UNKNOWN" for values outside the list. */
const char *pst_app_exception_type_name(int32_t type);

#endif
