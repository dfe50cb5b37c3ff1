/*
 * debug_internal.h: what the debug protocol's writer (debug_write.c) and
 * reader (debug_read.c) share; debug.c puts them in one protocol table
 * and describes the text. Not public API.
 */
#ifndef POSTERN_PROTOCOL_DEBUG_INTERNAL_H
#define POSTERN_PROTOCOL_DEBUG_INTERNAL_H

#include "postern/debug.h"
#include "protocol/walk.h"

/* One state per struct or container level: skipping bounds nesting by
 * max_frames, described types by their descriptors and max_depth. */
#define PST__DEBUG_MAX_NEST (4u * PST__MAX_DEPTH_CAP + 64u + 16u)

/* What comes next at a level: a struct's fields, a list's "[i] = "
 * elements, a set's elements, a map's key or its " -> " value. */
enum {
    PST__DBG_TOP,
    PST__DBG_STRUCT,
    PST__DBG_LIST,
    PST__DBG_SET,
    PST__DBG_MAP_KEY,
    PST__DBG_MAP_VALUE
};

/* Thrift's names for wire types ("bool", "byte", "i16", ..., "uuid"). */
extern const char *const pst__debug_type_names[17];
extern const char pst__debug_hex[17];

int pst__debug_write_struct(pst_wbuf *w, const pst_struct_desc *d,
                            const void *v, const pst_codec_config *cfg);
int pst__debug_write_message_begin(pst_wbuf *w, const pst_msg_header *h);
int pst__debug_write_message_end(pst_wbuf *w);

int pst__debug_read_struct(pst_rbuf *r, const pst_struct_desc *d, void *v,
                           pst_arena *a, const pst_codec_config *cfg);
int pst__debug_skip_struct(pst_rbuf *r, const pst_codec_config *cfg);
int pst__debug_read_message_begin(pst_rbuf *r, pst_msg_header *h,
                                  const pst_codec_config *cfg);
int pst__debug_read_message_end(pst_rbuf *r, const pst_codec_config *cfg);
int pst__debug_message_length(const uint8_t *p, size_t n,
                              const pst_codec_config *cfg, size_t *len,
                              pst_error *err);

#endif
