/*
 * codec.h: what the binary and compact walkers share: byte order, the
 * decoder and encoder state, per-kind tables, and the (cold) error paths.
 *
 * Decoders return the position after what they read, or NULL after
 * recording the failure in their pst__dec. Encoders write through a local
 * output pointer `o` and return the new position, or NULL after recording
 * the failure; the wbuf's length moves only when a whole write succeeds.
 */
#ifndef POSTERN_PROTOCOL_CODEC_H
#define POSTERN_PROTOCOL_CODEC_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/arena_internal.h"
#include "core/struct_init.h"
#include "postern/protocol.h"

#define PST__LIKELY(x) __builtin_expect(!!(x), 1)
#define PST__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define PST__COLD __attribute__((cold, noinline))
#define PST__NOINLINE __attribute__((noinline))
#define PST__INLINE static inline __attribute__((always_inline))

/* Depth, as Thrift counts it, is struct nesting (the top-level struct is
 * 1); containers do not count, so values that Thrift C++ accepts are
 * accepted. Walking a described type, container nesting is bounded by the
 * descriptors; skipping unknown data it is bounded by max_frames (structs
 * and containers together, 4 * max_depth + 64). Whatever the config says,
 * depth stays under this cap: each level costs a stack frame. */
#define PST__MAX_DEPTH_CAP 1000u

/* ---- byte order ---------------------------------------------------------- */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define PST__BE(bits, x) (x)
#define PST__LE(bits, x) __builtin_bswap##bits(x)
#else
#define PST__BE(bits, x) __builtin_bswap##bits(x)
#define PST__LE(bits, x) (x)
#endif

PST__INLINE uint16_t pst__ld_be16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return PST__BE(16, v);
}
PST__INLINE uint32_t pst__ld_be32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return PST__BE(32, v);
}
PST__INLINE uint64_t pst__ld_be64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return PST__BE(64, v);
}
PST__INLINE uint64_t pst__ld_le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return PST__LE(64, v);
}
PST__INLINE uint32_t pst__ld_le32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return PST__LE(32, v);
}
PST__INLINE void pst__st_le32(uint8_t *p, uint32_t v)
{
    v = PST__LE(32, v);
    memcpy(p, &v, 4);
}
PST__INLINE void pst__st_be16(uint8_t *p, uint16_t v)
{
    v = PST__BE(16, v);
    memcpy(p, &v, 2);
}
PST__INLINE void pst__st_be32(uint8_t *p, uint32_t v)
{
    v = PST__BE(32, v);
    memcpy(p, &v, 4);
}
PST__INLINE void pst__st_be64(uint8_t *p, uint64_t v)
{
    v = PST__BE(64, v);
    memcpy(p, &v, 8);
}
PST__INLINE void pst__st_le64(uint8_t *p, uint64_t v)
{
    v = PST__LE(64, v);
    memcpy(p, &v, 8);
}

/* Copy n bytes; short copies (the common string) without a libc call. */
PST__INLINE void pst__copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    if (n <= 16) {
        if (n >= 8) {
            uint64_t a, b;
            memcpy(&a, src, 8);
            memcpy(&b, src + n - 8, 8);
            memcpy(dst, &a, 8);
            memcpy(dst + n - 8, &b, 8);
        } else if (n >= 4) {
            uint32_t a, b;
            memcpy(&a, src, 4);
            memcpy(&b, src + n - 4, 4);
            memcpy(dst, &a, 4);
            memcpy(dst + n - 4, &b, 4);
        } else {
            for (size_t i = 0; i < n; i++)
                dst[i] = src[i];
        }
    } else if (n <= 32) {
        uint64_t a[2], b[2];
        memcpy(a, src, 16);
        memcpy(b, src + n - 16, 16);
        memcpy(dst, a, 16);
        memcpy(dst + n - 16, b, 16);
    } else {
        memcpy(dst, src, n);
    }
}

/* dst[i] = byte-swapped src[i] for n 8-byte values (binary protocol's
 * doubles and i64s); either side may be unaligned. */
PST__INLINE void pst__bswap64_array(uint8_t *restrict dst,
                                    const uint8_t *restrict src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t x;
        memcpy(&x, src + 8 * i, 8);
        x = PST__BE(64, x);
        memcpy(dst + 8 * i, &x, 8);
    }
}

/* ---- per-kind tables ----------------------------------------------------- */

/* Per-kind tables cover every uint8_t value, so a kind from a descriptor
 * indexes them without a range check; kinds that do not exist map to 0. */
#define PST__NKINDS 256

/* The binary wire type (TType) of each kind; 0 for a kind that does not
 * exist, which never matches a wire type. */
extern const uint8_t pst__kind_ttype[PST__NKINDS];

const char *pst__ttype_name(unsigned ttype);

/* Fewest wire bytes a value of each TType takes, per protocol (0: invalid
 * in a container); container counts are checked against these before any
 * allocation. */
extern const uint8_t pst__binary_min_size[17];
extern const uint8_t pst__compact_min_size[17];

/* ---- decoding ------------------------------------------------------------ */

typedef struct pst__dec {
    const uint8_t *base;  /* where this read began; max_message counts here */
    const uint8_t *start; /* error offsets count from here (r->start)      */
    const uint8_t *end;   /* input end, capped at base + max_message        */
    pst_arena *arena;
    pst_error *err;
    uint64_t max_message;
    uint32_t max_depth;   /* struct nesting, as Thrift counts it */
    uint32_t max_frames;  /* struct + container nesting while skipping */
    int code;             /* the failure, once there is one */
} pst__dec;

extern const pst_codec_config pst__default_config;

PST__INLINE void pst__dec_init(pst__dec *c, const uint8_t *base,
                               const uint8_t *end, const uint8_t *start,
                               pst_error *err, pst_arena *a,
                               const pst_codec_config *cfg)
{
    if (!cfg)
        cfg = &pst__default_config;
    c->base = base;
    c->start = start ? start : base;
    c->max_message = cfg->max_message;
    if (PST__UNLIKELY((uint64_t)(end - base) > c->max_message))
        end = base + c->max_message;
    c->end = end;
    c->arena = a;
    c->err = err;
    c->max_depth = cfg->max_depth < PST__MAX_DEPTH_CAP ? cfg->max_depth
                                                        : PST__MAX_DEPTH_CAP;
    c->max_frames = 4 * c->max_depth + 64;
    c->code = 0;
}

/* Record a failure at `at`, in struct d / field f when known (either may
 * be NULL); the message ends with the offset. Returns NULL. */
const uint8_t *pst__dec_fail(pst__dec *c, int code, const uint8_t *at,
                             const pst_struct_desc *d, const pst_field *f,
                             const char *fmt, ...) PST__COLD
    __attribute__((format(printf, 6, 7)));
/* `need` bytes are needed at `at` for `what` and fewer are left:
 * PST_E_LIMIT if that would pass max_message, else PST_E_SHORT. */
const uint8_t *pst__dec_short(pst__dec *c, const uint8_t *at, uint64_t need,
                              const pst_struct_desc *d, const pst_field *f,
                              const char *what) PST__COLD;
/* The arena refused `size` bytes. */
const uint8_t *pst__dec_nomem(pst__dec *c, const uint8_t *at, size_t size,
                              const pst_struct_desc *d,
                              const pst_field *f) PST__COLD;
/* Nesting too deep: structs past max_depth, or (frames != 0) structs and
 * containers together past max_frames while skipping. */
const uint8_t *pst__dec_depth(pst__dec *c, const uint8_t *at,
                              const pst_struct_desc *d, const pst_field *f,
                              int frames) PST__COLD;
/* A container's element (or key/value) wire type is not the declared one. */
const uint8_t *pst__dec_elem_type(pst__dec *c, const uint8_t *at,
                                  const pst_struct_desc *d,
                                  const pst_field *f, const char *what,
                                  unsigned got_ttype,
                                  unsigned want_ttype) PST__COLD;
const uint8_t *pst__dec_bad_desc(pst__dec *c, const uint8_t *at,
                                 const pst_struct_desc *d,
                                 const pst_field *f) PST__COLD;
/* Skipping field `id` of d failed: say so in front of the message (the
 * skipper knows no names). Returns NULL. */
const uint8_t *pst__dec_skip_context(pst__dec *c, const pst_struct_desc *d,
                                     int id) PST__COLD;
/* After STOP: required fields present (a union has one member set at
 * most, see pst__union_member_read). */
const uint8_t *pst__dec_check_struct(pst__dec *c, const uint8_t *p,
                                     const pst_struct_desc *d,
                                     const uint8_t *v) PST__COLD;

/* Does the struct need the post-STOP check at all? The walkers ask only
 * when some field may be missing (not every field was read, in order):
 * then structs with a required field do. The scan is over a few bytes per
 * field and stops at the first required one. */
PST__INLINE int pst__dec_struct_needs_check(const pst_struct_desc *d)
{
    for (unsigned i = 0; i < d->nfields; i++)
        if (d->fields[i].req == PST_REQ_REQUIRED)
            return 1;
    return 0;
}

/* After a set or map is decoded: each element or key once, at its first
 * position, a map key with the last value read, as Apache Thrift's C++
 * and Python readers leave them (unique.c says which key types compare).
 * pst__keys_may_repeat is the cheap first look (n >= 2); pst__dec_unique
 * does the work (values NULL for a set) and returns p, or NULL when out of
 * memory (recorded in c). */
bool pst__keys_may_repeat(unsigned kind, const void *keys, uint32_t n);
const uint8_t *pst__dec_unique(pst__dec *c, const uint8_t *p, const pst_type *k,
                               void *keys, const pst_type *v, void *values,
                               uint32_t *count, const pst_struct_desc *d,
                               const pst_field *f) PST__COLD;

/* A kind whose value is one C value with nothing under it: the scalars,
 * uuid, strings and binaries (not a struct, container or pointer). Set and
 * map dedupe compares such keys directly (unique.c); encoding plans write
 * such container elements without the walker (binary_plan.c). */
PST__INLINE bool pst__kind_is_flat(unsigned kind)
{
    switch (kind) {
    case PST_K_BOOL:
    case PST_K_I8:
    case PST_K_I16:
    case PST_K_I32:
    case PST_K_ENUM:
    case PST_K_I64:
    case PST_K_DOUBLE:
    case PST_K_UUID:
    case PST_K_STRING:
    case PST_K_BINARY:
        return true;
    default:
        return false;
    }
}

/* Must an inline struct member m of d (field f) be initialised before its
 * fields are decoded into it? Not the first time, when d had no defaults
 * and its own type has none: d's initialisation zeroed it already, which
 * is what initialising it would do again. */
PST__INLINE bool pst__nested_init(const pst_struct_desc *d, const pst_field *f,
                                  const uint8_t *isset, const uint8_t *m)
{
    (void)m;
    return d->defaults || f->type->sdesc->defaults ||
           ((isset[f->isset_bit >> 3] >> (f->isset_bit & 7)) & 1);
}

PST__INLINE void pst__isset_on(uint8_t *isset, unsigned bit)
{
    isset[bit >> 3] |= (uint8_t)(1u << (bit & 7));
}

/* A second member of union d arrived (f, just read into v) while another
 * is set: decide which one stays (codec.c). */
void pst__union_second_member(const pst_struct_desc *d, uint8_t *v,
                              const pst_field *f) PST__COLD;

/* Member f of union d was read into v: it becomes the member set, unless
 * another one is set already (Apache Thrift C++ and Python write a
 * union's default member as well as the one set), which
 * pst__union_second_member decides. Unions only. */
PST__INLINE void pst__union_member_read(const pst_struct_desc *d, uint8_t *v,
                                        const pst_field *f)
{
    uint8_t *isset = v + d->isset_offset;
    for (unsigned i = 0; i < d->nfields; i++) {
        unsigned b = d->fields[i].isset_bit;
        if (&d->fields[i] != f && ((isset[b >> 3] >> (b & 7)) & 1)) {
            pst__union_second_member(d, v, f);
            return;
        }
    }
    pst__isset_on(isset, f->isset_bit);
}

/* A copy of n input bytes in the arena (strings are copied: the input
 * buffer may be reused as soon as the decoder returns). */
PST__INLINE const uint8_t *pst__dec_str(pst__dec *c, const uint8_t *p,
                                        size_t n, pst_str *s,
                                        const pst_struct_desc *d,
                                        const pst_field *f)
{
    if (n == 0) {
        s->ptr = "";
        s->len = 0;
        return p;
    }
    uint8_t *dst = pst__arena_bytes(c->arena, n);
    if (PST__UNLIKELY(!dst))
        return pst__dec_nomem(c, p, n, d, f);
    pst__copy(dst, p, n);
    s->ptr = (const char *)dst;
    s->len = n;
    return p + n;
}

/* ---- encoding ------------------------------------------------------------ */

typedef struct pst__enc {
    pst_wbuf *w;
    uint8_t *end;        /* w->data + w->cap */
    uint32_t max_depth;
    int code;
    bool walk_only;      /* member structs and list elements never by plan (tests) */
} pst__enc;

/* Bytes an encoder may reserve beyond w->max (never counted in w->cap). */
#define PST__ENC_SLACK 32u

uint8_t *pst__enc_start(pst__enc *e) PST__COLD;
uint8_t *pst__enc_grow(pst__enc *e, uint8_t *o, size_t n) PST__COLD;
/* The write ended past w->max: PST_E_LIMIT, recorded. */
int pst__enc_over(pst__enc *e) PST__COLD;

/* Start writing at w->data + w->len; NULL if the buffer cannot start. */
PST__INLINE uint8_t *pst__enc_begin(pst__enc *e, pst_wbuf *w,
                                    const pst_codec_config *cfg)
{
    if (!cfg)
        cfg = &pst__default_config;
    e->w = w;
    e->walk_only = false;
    e->max_depth = cfg->max_depth < PST__MAX_DEPTH_CAP ? cfg->max_depth
                                                        : PST__MAX_DEPTH_CAP;
    if (PST__UNLIKELY(w->err || !w->data))
        return pst__enc_start(e);
    e->code = 0;
    e->end = w->data + w->cap;
    return w->data + w->len;
}

/* Commit (o != NULL) or drop (o == NULL) what was written; the status. */
PST__INLINE int pst__enc_end(pst__enc *e, uint8_t *o)
{
    if (PST__UNLIKELY(!o))
        return e->code;
    size_t len = (size_t)(o - e->w->data);
    if (PST__UNLIKELY(len > e->w->cap))
        return pst__enc_over(e);
    e->w->len = len;
    return 0;
}
uint8_t *pst__enc_fail(pst__enc *e, int code) PST__COLD;

/* Room for n more bytes at o; NULL when the buffer cannot grow. */
PST__INLINE uint8_t *pst__enc_need(pst__enc *e, uint8_t *o, size_t n)
{
    if (PST__LIKELY((size_t)(e->end - o) >= n))
        return o;
    return pst__enc_grow(e, o, n);
}

#endif
