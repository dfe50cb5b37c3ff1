/*
 * binary_plan.h: binary protocol fast paths for structs of a simple shape.
 *
 * The table walkers (binary.c) handle every struct, field by field through
 * the descriptors, recursing into member structs. For a struct whose fields
 * are, all the way down through inline member structs, scalars, strings,
 * binaries and uuids (no containers, no pointers, no unions), the walk is
 * the same every time, so it is flattened once into a plan: one op per
 * field with its wire header as a word, the member's offset and its isset
 * byte and bit from the outermost struct, and where the field's subtree
 * ends. Decoding then compares three input bytes with the op's header and
 * stores the value; encoding writes the header word and the value.
 *
 * Encoding plans also take container fields whose elements are plain
 * (fixed-width values or strings; lists and sets also of structs that have
 * a plan themselves, kept in the op; maps of plain keys and values): the
 * fast writer hands them to the careful one, which writes them with the
 * walker's list and map writers. Such a plan is never used for reading
 * (pst__bin_plan_get_read gives none; the walker reads containers).
 *
 * A plan answers exactly as the walkers do. Encoding by plan writes the
 * same bytes and fails the same way. Decoding by plan handles the input
 * every Thrift writer produces (fields in id order, optional and default
 * fields possibly absent); anything else (an unknown or repeated field,
 * fields out of order, another wire type, a truncated or malformed value, a
 * required field missing) makes it give up without recording anything,
 * and the caller decodes the same bytes again with the walker, which then
 * answers or words the error as always.
 *
 * Plans are built on first use per descriptor and kept for the process
 * (see binary_plan.c for the registry). Thread-safe.
 */
#ifndef POSTERN_PROTOCOL_BINARY_PLAN_H
#define POSTERN_PROTOCOL_BINARY_PLAN_H

#include "protocol/codec.h"

typedef struct pst__bin_plan pst__bin_plan;

/* d's plan, or NULL when d's shape has none, when it nests structs deeper
 * than max_depth (the walker then fails as it should), or when plans
 * cannot be kept. */
const pst__bin_plan *pst__bin_plan_get(const pst_struct_desc *d,
                                       uint32_t max_depth);

/* d's plan for reading: none when it holds containers (only encoding
 * takes them). */
const pst__bin_plan *pst__bin_plan_get_read(const pst_struct_desc *d,
                                            uint32_t max_depth);

/* Decode [p, end) into v (initialised already) by plan, strings into
 * arena; the position after the struct, or NULL when the input is not of
 * the plan's shape (v and the arena may then hold partial results). `end`
 * is the decoder's: capped at max_message. */
const uint8_t *pst__bin_plan_read(const uint8_t *p, const uint8_t *end,
                                  pst_arena *arena, const pst__bin_plan *pl,
                                  uint8_t *v);

/* Encode v by plan at o; the position after it, or NULL after recording
 * the failure in e (as bw_struct would). */
uint8_t *pst__bin_plan_write(pst__enc *e, uint8_t *o, const pst__bin_plan *pl,
                             const uint8_t *v);

/* pst_protocol_binary's write_struct: by d's plan, or when it has none by
 * pst__binary_write_walked (binary.c: the walker, member structs by plan). */
int pst__bin_plan_encode(pst_wbuf *w, const pst_struct_desc *d, const void *v,
                         const pst_codec_config *cfg);
int pst__binary_write_walked(pst_wbuf *w, const pst_struct_desc *d,
                             const void *v, const pst_codec_config *cfg);

/* A list or set field's value (t: its type, elements fixed-width or
 * strings) and a map's (keys and values so), as the walker writes them
 * (binary.c); for plans. */
uint8_t *pst__binary_write_plain_list(pst__enc *e, uint8_t *o,
                                      const pst_type *t, const pst_list *l);
uint8_t *pst__binary_write_plain_map(pst__enc *e, uint8_t *o,
                                     const pst_type *t, const pst_map *m);

/* The binary walkers alone, never a plan (binary.c): what plans are held
 * to, in the tests. Same contracts as pst_protocol_binary's read_struct and
 * write_struct. */
int pst__binary_walk_read(pst_rbuf *r, const pst_struct_desc *d, void *v,
                          pst_arena *a, const pst_codec_config *cfg);
int pst__binary_walk_write(pst_wbuf *w, const pst_struct_desc *d,
                           const void *v, const pst_codec_config *cfg);

#endif
