/*
 * walk_steps.h: the steps of decoding a described struct that do not
 * depend on the byte layout, taken the same way by every walker: binary.c
 * and compact.c (whose field and element loops are specialised to their
 * layout, for speed) and the generic walker walk.c (JSON, and any protocol
 * added on it). Each walker reads its own headers and values; these decide
 * what is accepted, what is kept and what the error says:
 *
 *   container header read  -> pst__dec_list_check / pst__dec_map_check
 *                             (then the walker allocates and reads items)
 *   container items read   -> pst__dec_list_done / pst__dec_map_done
 *   field value read       -> pst__dec_field_done
 *   STOP read              -> pst__dec_struct_done
 *
 * All inline: they sit on the decoders' hot paths. Failures are recorded in
 * c (naming d and f) and NULL is returned, as everywhere in pst__dec.
 */
#ifndef POSTERN_PROTOCOL_WALK_STEPS_H
#define POSTERN_PROTOCOL_WALK_STEPS_H

#include "protocol/codec.h"

/* A member struct stored inline in a container must fit its slot. */
PST__INLINE bool pst__slot_too_small(const pst_type *t)
{
    return t->kind == PST_K_STRUCT && t->size < t->sdesc->size;
}

/* A list or set of n elements whose wire type is `got`, header at `at`,
 * items from p on: the element type must be the descriptor's, and the
 * bytes left must hold n elements of min_size[type] bytes each (every
 * protocol's table says at least 1 for each value type) before anything is
 * allocated. The errors name the container as
 * `what` ("list", "set") and its element as `elem_what`. p, or NULL. */
PST__INLINE const uint8_t *
pst__dec_list_check(pst__dec *c, const uint8_t *at, const uint8_t *p,
                    const pst_type *t, unsigned got, uint32_t n,
                    const uint8_t min_size[17], const char *what,
                    const char *elem_what, const pst_struct_desc *d,
                    const pst_field *f)
{
    const pst_type *e = t->elem;
    unsigned want = pst__kind_ttype[e->kind];
    if (PST__UNLIKELY(got != want))
        return pst__dec_elem_type(c, at, d, f, elem_what, got, want);
    uint64_t need = (uint64_t)n * min_size[want];
    if (PST__UNLIKELY((uint64_t)(c->end - p) < need))
        return pst__dec_short(c, p, need, d, f, what);
    if (PST__UNLIKELY(pst__slot_too_small(e)))
        return pst__dec_bad_desc(c, p, d, f);
    return p;
}

/* The same for a map of n entries with key and value types gk, gv. */
PST__INLINE const uint8_t *
pst__dec_map_check(pst__dec *c, const uint8_t *at, const uint8_t *p,
                   const pst_type *t, unsigned gk, unsigned gv, uint32_t n,
                   const uint8_t min_size[17], const pst_struct_desc *d,
                   const pst_field *f)
{
    const pst_type *k = t->elem, *v = t->value;
    unsigned wk = pst__kind_ttype[k->kind], wv = pst__kind_ttype[v->kind];
    if (PST__UNLIKELY(gk != wk))
        return pst__dec_elem_type(c, at, d, f, "map key", gk, wk);
    if (PST__UNLIKELY(gv != wv))
        return pst__dec_elem_type(c, at, d, f, "map value", gv, wv);
    uint64_t need = (uint64_t)n * ((unsigned)min_size[wk] + min_size[wv]);
    if (PST__UNLIKELY((uint64_t)(c->end - p) < need))
        return pst__dec_short(c, p, need, d, f, "map");
    if (PST__UNLIKELY(pst__slot_too_small(k) || pst__slot_too_small(v)))
        return pst__dec_bad_desc(c, p, d, f);
    return p;
}

/* After a list or set of type t was read into l (p past it, or NULL after
 * a failure): a set holds each element once, as Thrift's readers leave it;
 * a list is as sent. */
PST__INLINE const uint8_t *pst__dec_list_done(pst__dec *c, const uint8_t *p,
                                             const pst_type *t, pst_list *l,
                                             const pst_struct_desc *d,
                                             const pst_field *f)
{
    if (PST__UNLIKELY(t->kind == PST_K_SET) && p && l->count > 1 &&
        pst__keys_may_repeat(t->elem->kind, l->data, l->count))
        return pst__dec_unique(c, p, t->elem, l->data, NULL, NULL, &l->count,
                               d, f);
    return p;
}

/* After a map: each key once, with the last value read for it. */
PST__INLINE const uint8_t *pst__dec_map_done(pst__dec *c, const uint8_t *p,
                                            const pst_type *t, pst_map *m,
                                            const pst_struct_desc *d,
                                            const pst_field *f)
{
    if (p && m->count > 1 &&
        pst__keys_may_repeat(t->elem->kind, m->keys, m->count))
        return pst__dec_unique(c, p, t->elem, m->keys, t->value, m->values,
                               &m->count, d, f);
    return p;
}

/* Field f of struct v (described by d; isset = v + d->isset_offset, which
 * a field loop keeps at hand) was read: its isset bit, or for a union, the
 * member it now holds (two on the wire: Thrift's rule). */
PST__INLINE void pst__dec_field_done(const pst_struct_desc *d, uint8_t *v,
                                     uint8_t *isset, const pst_field *f)
{
    if (PST__UNLIKELY(d->kind == PST_UNION))
        pst__union_member_read(d, v, f);
    else
        pst__isset_on(isset, f->isset_bit);
}

/* The struct's STOP was read (p past it): required fields present and a
 * union's one member, checked unless `complete` says every field came in
 * order and none was left out (then nothing can be missing). */
PST__INLINE const uint8_t *pst__dec_struct_done(pst__dec *c, const uint8_t *p,
                                               const pst_struct_desc *d,
                                               uint8_t *v, bool complete)
{
    if (PST__UNLIKELY(!complete) && pst__dec_struct_needs_check(d))
        return pst__dec_check_struct(c, p, d, v);
    return p;
}

#endif
