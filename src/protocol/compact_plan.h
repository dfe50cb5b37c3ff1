/*
 * compact_plan.h: compact protocol encoding plans for structs of a simple
 * shape (decoding stays with the walker).
 *
 * The walker (compact.c) writes a struct field by field through its
 * descriptor: the optional test, the kind's compact type, the header's id
 * delta, a reservation and a dispatch per field. For a struct whose fields
 * are, all the way down through inline member structs, scalars, strings,
 * binaries, uuids and containers (no unions, no struct pointers), that
 * work is the same every time, so it is flattened once into a plan: one op
 * per field with its header bytes precomputed for the case that the field
 * before it was written (a header's id delta depends on the previous field
 * written, which changes only when an optional field is unset; from such a
 * field on, the struct's headers are computed as the walker computes them).
 * Containers are written by the walker's list and map writers; a list or
 * set of structs that have a plan goes element by element through that
 * plan (a struct holding a list of itself gets none).
 *
 * Encoding by plan writes the same bytes and fails the same way as the
 * walker. Plans are built on first use per descriptor and kept for the
 * process. Thread-safe.
 */
#ifndef POSTERN_PROTOCOL_COMPACT_PLAN_H
#define POSTERN_PROTOCOL_COMPACT_PLAN_H

#include "protocol/codec.h"

typedef struct pst__cmp_plan pst__cmp_plan;

/* d's plan, or NULL when d's shape has none or plans cannot be kept. */
const pst__cmp_plan *pst__cmp_plan_get(const pst_struct_desc *d);

/* Struct levels the plan spans, member structs and the element structs
 * of its lists included (1: none). */
uint32_t pst__cmp_plan_depth(const pst__cmp_plan *pl);

/* Encode v by plan at o, the struct `depth` deep (its depth plus the
 * plan's, less one, within e->max_depth: the caller checks); the position
 * after it, or NULL after recording the failure in e. */
uint8_t *pst__cmp_plan_write(pst__enc *e, uint8_t *o, const pst__cmp_plan *pl,
                             const uint8_t *v, uint32_t depth);

/* pst_protocol_compact's write_struct: by d's plan, or when it has none
 * (or it nests deeper than cfg allows) by pst__compact_write_walked
 * (compact.c: the walker, list elements by plan). */
int pst__cmp_plan_encode(pst_wbuf *w, const pst_struct_desc *d, const void *v,
                         const pst_codec_config *cfg);
int pst__compact_write_walked(pst_wbuf *w, const pst_struct_desc *d,
                              const void *v, const pst_codec_config *cfg);

/* A list, set or map field's value (t: its type) as the walker writes it
 * (compact.c), for plans; depth: the holding struct's. */
uint8_t *pst__compact_write_container(pst__enc *e, uint8_t *o,
                                      const pst_type *t, const uint8_t *m,
                                      uint32_t depth);

/* The compact walker alone, never a plan (compact.c): what plans are held
 * to, in the tests. Same contract as pst_protocol_compact's write_struct. */
int pst__compact_walk_write(pst_wbuf *w, const pst_struct_desc *d,
                            const void *v, const pst_codec_config *cfg);

#endif
