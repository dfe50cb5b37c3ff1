/*
 * walk.h: the generic walker. It encodes and decodes any described struct
 * by driving a protocol's primitive writes and reads, in the shape of
 * Apache Thrift's TProtocol (struct, field, map, list/set begin and end,
 * one call per scalar), so that a new protocol is one file of primitives
 * plus its tests. Binary and compact keep walkers of their own because
 * the codec benchmark shows that inlining the byte layout into the walk
 * pays for them; JSON (and later debug) walk here. The decisions every
 * walker takes alike (element types, room before allocating, set and map
 * dedupe, isset or union member, required fields) are walk_steps.h's.
 *
 * A protocol's state begins with a pst__walk_out or pst__walk_in and the
 * operations cast it back. Writers append to out->w (a pst_wbuf with its
 * sticky error) and may record a failure in out->code; the walker checks
 * both after each field and element. Readers return 0, or -1 after
 * recording the failure with pst__dec_fail and friends on in->c, naming
 * in->d / in->f (the struct and field being read, kept by the walker).
 */
#ifndef POSTERN_PROTOCOL_WALK_H
#define POSTERN_PROTOCOL_WALK_H

#include "protocol/codec.h"

typedef struct pst__walk_out pst__walk_out;
typedef struct pst__walk_in pst__walk_in;

typedef struct pst__walk_out_ops {
    void (*struct_begin)(pst__walk_out *o, const pst_struct_desc *d);
    void (*struct_end)(pst__walk_out *o);
    /* ttype: the field's wire type (pst__kind_ttype of its kind) */
    void (*field_begin)(pst__walk_out *o, const pst_field *f, unsigned ttype);
    void (*field_end)(pst__walk_out *o);
    void (*field_stop)(pst__walk_out *o);
    void (*map_begin)(pst__walk_out *o, unsigned ktype, unsigned vtype,
                      uint32_t count);
    void (*map_end)(pst__walk_out *o);
    /* ctype: PST_TT_LIST or PST_TT_SET */
    void (*coll_begin)(pst__walk_out *o, unsigned ctype, unsigned etype,
                       uint32_t count);
    void (*coll_end)(pst__walk_out *o, unsigned ctype);
    void (*w_bool)(pst__walk_out *o, bool v);
    void (*w_i8)(pst__walk_out *o, int8_t v);
    void (*w_i16)(pst__walk_out *o, int16_t v);
    void (*w_i32)(pst__walk_out *o, int32_t v);
    void (*w_i64)(pst__walk_out *o, int64_t v);
    void (*w_double)(pst__walk_out *o, double v);
    void (*w_string)(pst__walk_out *o, const pst_str *s);
    void (*w_binary)(pst__walk_out *o, const pst_str *s);
    void (*w_uuid)(pst__walk_out *o, const uint8_t bytes[16]);
} pst__walk_out_ops;

struct pst__walk_out {
    const pst__walk_out_ops *ops;
    pst_wbuf *w;
    uint32_t max_depth;
    int code;            /* a failure the protocol found (0: none) */
};

typedef struct pst__walk_in_ops {
    int (*struct_begin)(pst__walk_in *in);
    int (*struct_end)(pst__walk_in *in);
    /* *ttype = PST_TT_STOP after the last field (nothing consumed then:
     * struct_end reads the struct's end) */
    int (*field_begin)(pst__walk_in *in, unsigned *ttype, int16_t *id);
    int (*field_end)(pst__walk_in *in);
    int (*map_begin)(pst__walk_in *in, unsigned *ktype, unsigned *vtype,
                     uint32_t *count);
    int (*map_end)(pst__walk_in *in);
    int (*coll_begin)(pst__walk_in *in, unsigned ctype, unsigned *etype,
                      uint32_t *count);
    int (*coll_end)(pst__walk_in *in, unsigned ctype);
    int (*r_bool)(pst__walk_in *in, bool *v);
    int (*r_i8)(pst__walk_in *in, int8_t *v);
    int (*r_i16)(pst__walk_in *in, int16_t *v);
    int (*r_i32)(pst__walk_in *in, int32_t *v);
    int (*r_i64)(pst__walk_in *in, int64_t *v);
    int (*r_double)(pst__walk_in *in, double *v);
    /* s == NULL: skip the value without allocating */
    int (*r_string)(pst__walk_in *in, pst_str *s);
    int (*r_binary)(pst__walk_in *in, pst_str *s);
    int (*r_uuid)(pst__walk_in *in, uint8_t bytes[16]);
    /* Fewest bytes one value of each wire type takes (0: not a value):
     * container counts are checked against the bytes left before any
     * allocation. */
    uint8_t min_size[17];
} pst__walk_in_ops;

struct pst__walk_in {
    const pst__walk_in_ops *ops;
    pst__dec c;                 /* limits, arena, error, input end */
    const uint8_t *p;           /* where reading is */
    const pst_struct_desc *d;   /* being read, for error messages */
    const pst_field *f;
};

/* Encode v (described by d) after what o->w holds. On failure nothing is
 * appended, o->w->err is set, and the status is returned. */
int pst__walk_write(pst__walk_out *o, const pst_struct_desc *d, const void *v);

/* Decode a struct at in->p into v (from d's defaults); in->p moves past it
 * on success. 0 or the failure code (recorded in in->c). */
int pst__walk_read(pst__walk_in *in, const pst_struct_desc *d, void *v);

/* Skip one value of wire type ttype (PST_TT_STRUCT for a whole struct). */
int pst__walk_skip(pst__walk_in *in, unsigned ttype);

/* ---- for text protocols' readers (JSON, debug) -------------------------- */

/* Record a failure at in->p (code, fmt with one %s for arg) naming in's
 * struct and field; returns -1. */
int pst__walk_in_fail(pst__walk_in *in, int code, const char *fmt,
                      const char *arg) PST__COLD;
/* Record that the input ends before `what` is complete; returns -1. */
int pst__walk_in_short(pst__walk_in *in, const char *what) PST__COLD;
/* The byte at p for an error message: 'x', or 0xNN when not printable. */
const char *pst__walk_show_byte(const uint8_t *p, char buf[8]);

/* Skip JSON's whitespace (space, tab, CR, LF), which the debug text uses
 * too. */
static inline void pst__walk_in_skip_ws(pst__walk_in *in)
{
    const uint8_t *p = in->p, *end = in->c.end;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    in->p = p;
}

#endif
