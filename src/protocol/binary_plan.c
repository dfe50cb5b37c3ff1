/*
 * binary_plan.c: flattened binary codecs for structs of a simple shape
 * (see binary_plan.h for what and why).
 *
 * A plan is an array of ops in wire order: one per field (a member struct's
 * op is followed by its fields' ops and its own OP_STOP; a container is one
 * op, its list elements' plan held by the op), then the outermost struct's
 * OP_STOP and OP_END. Each op knows where the field's subtree ends
 * (`next`), so an absent or unset field is skipped in one step.
 *
 * Plans live in a process-wide registry keyed by the descriptor's address,
 * built by the first thread that needs one and published with a
 * compare-and-swap (a thread that loses the race frees its copy); a shape
 * without a plan is recorded too, so it is not examined again. A plan also
 * records the descriptor's field table, field count and size, and is used
 * only while they match. When the registry is full, structs are walked as
 * before. A list's element struct gets its plan (from the registry) while
 * the list's holder is built; a struct that holds a list of itself ends,
 * MAX_PLAN_DEPTH deep, without one.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "protocol/binary_plan.h"

enum {
    OP_END,     /* the outermost struct is done */
    OP_STOP,    /* a struct's STOP; for a member, its field's isset bit */
    OP_BOOL,
    OP_I8,
    OP_I16,
    OP_I32,     /* also enums */
    OP_I64,     /* also doubles: 8 bytes, big-endian */
    OP_UUID,
    OP_STRING,  /* also binary */
    OP_STRUCT,  /* a member struct: its fields' ops follow */
    /* containers (encoding only: a plan that holds one is not read by) */
    OP_LIST,        /* list or set of fixed-width values or strings */
    OP_LIST_STRUCT, /* list or set of structs, each by its own plan */
    OP_MAP          /* keys and values fixed-width or strings */
    /* 13..15: no op */
};

/* The fast writer's dispatch code (plan_op.wcode): the op's code turned so
 * that BOOL is 0 and STOP 15, and W_OPT added for an optional field, so
 * that a field always written pays no test of its isset bit. Every value
 * below W_CODES has its case and the first and last are ops' (BOOL, STOP),
 * so that the compiler's jump table spans them all and the switch checks
 * no range. */
#define W_OPT 16u
#define W_CODES 32u
#define WC(code) (((code) + 14u) & 15u)
_Static_assert(WC(OP_BOOL) == 0 && WC(OP_STOP) == 15, "see WC");

PST__INLINE bool is_container(unsigned code)
{
    return code >= OP_LIST && code <= OP_MAP;
}

typedef struct plan_op {
    uint32_t header;   /* type byte, id big-endian: a little-endian word's
                          low three bytes */
    uint8_t code;
    uint8_t mask;      /* the field's bit in its isset byte */
    uint8_t optional;  /* encoded only when its bit is set */
    uint8_t required;  /* never absent on decode */
    uint8_t init;      /* OP_STRUCT: initialise the member first */
    uint8_t wcode;     /* encoding's dispatch: code, | W_OPT if optional */
    uint32_t at;       /* the member's offset in the outermost struct */
    uint32_t isset_at; /* its isset byte's offset there */
    uint32_t next;     /* the op after this field and its members */
    uint32_t run;      /* encoding: the most bytes the ops from this one on
                          write up to the next string's length word (or
                          the end), all fields present */
    union {
        const pst_struct_desc *sd; /* OP_STRUCT: the member's descriptor */
        const pst_type *type;      /* OP_LIST, OP_MAP: the field's type */
        const pst__bin_plan *sub;  /* OP_LIST_STRUCT: the elements' plan
                                      (its size: theirs) */
    } u;
} plan_op;

struct pst__bin_plan {
    const pst_field *fields;   /* the descriptor as planned */
    uint32_t size;
    uint32_t read_size;        /* size, or UINT32_MAX when the plan holds
                                  container ops (for encoding only) */
    uint16_t nfields;
    uint32_t depth;
    plan_op ops[];
};

#define MAX_PLAN_DEPTH 64   /* (a mistaken) self-inclusion ends here */
#define MAX_PLAN_OPS 4096

/* ---- building ------------------------------------------------------------ */

static uint8_t op_code(unsigned kind)
{
    switch (kind) {
    case PST_K_BOOL: return OP_BOOL;
    case PST_K_I8: return OP_I8;
    case PST_K_I16: return OP_I16;
    case PST_K_I32:
    case PST_K_ENUM: return OP_I32;
    case PST_K_I64:
    case PST_K_DOUBLE: return OP_I64;
    case PST_K_UUID: return OP_UUID;
    case PST_K_STRING:
    case PST_K_BINARY: return OP_STRING;
    case PST_K_STRUCT: return OP_STRUCT;
    case PST_K_LIST:
    case PST_K_SET: return OP_LIST; /* OP_LIST_STRUCT: see container_code */
    case PST_K_MAP: return OP_MAP;
    default: return OP_END; /* pointers: no plan */
    }
}

static const pst__bin_plan *plan_at(const pst_struct_desc *d, uint32_t level);

/* A container's element, key or value: fixed-width or a string. */
static bool plain_elem(const pst_type *t)
{
    return t && pst__kind_is_flat(t->kind);
}

/* The op for container field f of a struct at `level`, OP_END when it has
 * none (nested containers, struct values in maps, pointers, an element
 * struct without a plan); *sub gets a struct element's plan. */
static uint8_t container_code(const pst_field *f, uint32_t level,
                              const pst__bin_plan **sub)
{
    const pst_type *t = f->type;
    *sub = NULL;
    if (f->kind == PST_K_MAP)
        return plain_elem(t->elem) && plain_elem(t->value) ? OP_MAP : OP_END;
    if (plain_elem(t->elem))
        return OP_LIST;
    if (!t->elem || t->elem->kind != PST_K_STRUCT || !t->elem->sdesc)
        return OP_END;
    *sub = plan_at(t->elem->sdesc, level + 1);
    return *sub ? OP_LIST_STRUCT : OP_END;
}

/* Ops for d's fields and STOP, or 0 when d's shape has no plan; *depth
 * becomes the deepest struct nesting met (a list's element structs
 * included), *containers whether any field is a container. */
static size_t count_ops(const pst_struct_desc *d, uint32_t level,
                        uint32_t *depth, bool *containers)
{
    if (level > MAX_PLAN_DEPTH || d->kind == PST_UNION ||
        (d->nfields && !d->fields))
        return 0;
    if (level > *depth)
        *depth = level;
    size_t n = 1; /* STOP */
    for (unsigned i = 0; i < d->nfields; i++) {
        const pst_field *f = &d->fields[i];
        uint8_t code = op_code(f->kind);
        if (code == OP_END || !f->type || f->type->kind != f->kind)
            return 0;
        n++;
        if (code == OP_LIST || code == OP_MAP) {
            const pst__bin_plan *sub;
            code = container_code(f, level, &sub);
            if (code == OP_END)
                return 0;
            if (sub && level + sub->depth > *depth)
                *depth = level + sub->depth;
            *containers = true;
        }
        if (code == OP_STRUCT) {
            if (!f->type->sdesc)
                return 0;
            size_t m = count_ops(f->type->sdesc, level + 1, depth, containers);
            if (!m)
                return 0;
            n += m;
        }
        if (n > MAX_PLAN_OPS)
            return 0;
    }
    return n;
}

static uint32_t header_of(const pst_field *f)
{
    uint32_t id = (uint16_t)f->id;
    return (uint32_t)pst__kind_ttype[f->kind] | (id >> 8) << 8 |
           (id & 0xff) << 16;
}

/* d's ops from ops[*i] on; d sits at `base` in the outermost struct, and a
 * member's STOP sets its field's bit (stop_at, stop_mask). */
static void fill_ops(plan_op *ops, size_t *i, const pst_struct_desc *d,
                     uint32_t level, uint32_t base, uint32_t stop_at,
                     uint8_t stop_mask)
{
    for (unsigned k = 0; k < d->nfields; k++) {
        const pst_field *f = &d->fields[k];
        plan_op *op = &ops[(*i)++];
        op->header = header_of(f);
        op->code = op_code(f->kind);
        op->mask = (uint8_t)(1u << (f->isset_bit & 7));
        op->optional = (f->req & PST_REQ_OPTIONAL) != 0; /* as bw_struct */
        op->required = f->req == PST_REQ_REQUIRED;
        op->at = base + f->offset;
        op->isset_at = base + d->isset_offset + (f->isset_bit >> 3);
        if (op->code == OP_STRUCT) {
            const pst_struct_desc *sd = f->type->sdesc;
            op->u.sd = sd;
            /* as pst__nested_init, for a field met once */
            op->init = d->defaults || sd->defaults;
            fill_ops(ops, i, sd, level + 1, op->at, op->isset_at, op->mask);
        } else if (op->code == OP_LIST || op->code == OP_MAP) {
            /* as count_ops found it: the element's plan is kept */
            const pst__bin_plan *sub;
            op->code = container_code(f, level, &sub);
            if (sub)
                op->u.sub = sub;
            else
                op->u.type = f->type;
        }
        op->next = (uint32_t)*i;
    }
    plan_op *stop = &ops[(*i)++];
    stop->code = OP_STOP;
    stop->isset_at = stop_at;
    stop->mask = stop_mask;
    stop->next = (uint32_t)*i;
}

/* Bytes an op writes with its header; a string's up to its length word
 * (the payload is reserved when its length is known). */
static uint32_t op_bytes(uint8_t code)
{
    switch (code) {
    case OP_END: return 0;
    case OP_STOP: return 1;
    case OP_BOOL:
    case OP_I8: return 3 + 1;
    case OP_I16: return 3 + 2;
    case OP_I32: return 3 + 4;
    case OP_I64: return 3 + 8;
    case OP_UUID: return 3 + 16;
    case OP_STRING: return 3 + 4;
    default: return 3; /* OP_STRUCT: its fields and STOP follow;
                          containers: header only (the careful writer
                          takes them) */
    }
}

/* ops[i].run, from the end backwards: a string ends a run. */
static void fill_runs(plan_op *ops, size_t n)
{
    uint32_t run = 0;
    for (size_t i = n; i-- > 0;) {
        if (ops[i].code == OP_STRING || is_container(ops[i].code))
            run = 0;
        run += op_bytes(ops[i].code);
        ops[i].run = run;
    }
}

/* NULL when d has no plan or memory is short; d sits `level` deep in the
 * plans being built (element structs' plans are built first). */
static pst__bin_plan *plan_build(const pst_struct_desc *d, uint32_t level)
{
    uint32_t depth = 0;
    bool containers = false;
    size_t n = count_ops(d, level, &depth, &containers);
    if (!n)
        return NULL;
    pst__bin_plan *pl = calloc(1, sizeof *pl + (n + 1) * sizeof(plan_op));
    if (!pl)
        return NULL;
    pl->fields = d->fields;
    pl->size = d->size;
    pl->nfields = d->nfields;
    pl->depth = depth - level + 1;
    pl->read_size = containers ? UINT32_MAX : d->size;
    size_t i = 0;
    fill_ops(pl->ops, &i, d, level, 0, 0, 0);
    pl->ops[i].code = OP_END;
    for (size_t k = 0; k <= i; k++)
        pl->ops[k].wcode = (uint8_t)(WC(pl->ops[k].code) |
                                     (pl->ops[k].optional ? W_OPT : 0));
    fill_runs(pl->ops, i + 1);
    return pl;
}

/* ---- the registry ------------------------------------------------------- */

#define REGISTRY_SIZE 512u
#define PROBES 16u

typedef struct registry_entry {
    _Atomic(const pst_struct_desc *) desc;
    _Atomic(const pst__bin_plan *) plan;   /* NULL while being built */
} registry_entry;

static registry_entry registry[REGISTRY_SIZE];

/* Published for shapes without a plan; no descriptor's size matches it,
 * so plan_if_valid turns it away with the same compares. */
static const pst__bin_plan no_plan = { .size = UINT32_MAX,
                                       .read_size = UINT32_MAX };

static inline size_t registry_home(const pst_struct_desc *d)
{
    uint64_t h = (uint64_t)(uintptr_t)d;
    h ^= h >> 17;
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 40) & (REGISTRY_SIZE - 1);
}

static inline const pst__bin_plan *plan_if_valid(const pst__bin_plan *pl,
                                                 const pst_struct_desc *d)
{
    if (pl->size != d->size || pl->fields != d->fields ||
        pl->nfields != d->nfields)
        return NULL;
    return pl;
}

/* Build d's plan (or record that it has none) in entry e, which d owns. */
static const pst__bin_plan *publish(registry_entry *e, const pst_struct_desc *d,
                                    uint32_t level)
{
    pst__bin_plan *built = plan_build(d, level);
    const pst__bin_plan *mine = built ? built : &no_plan;
    const pst__bin_plan *expected = NULL;
    if (!built && count_ops(d, level, &(uint32_t){ 0 }, &(bool){ false }))
        return NULL; /* out of memory: try again next time */
    if (atomic_compare_exchange_strong_explicit(&e->plan, &expected, mine,
                                                memory_order_acq_rel,
                                                memory_order_acquire))
        return plan_if_valid(mine, d);
    free(built); /* another thread published first */
    return plan_if_valid(expected, d);
}

static __attribute__((noinline)) const pst__bin_plan *
plan_get_slow(const pst_struct_desc *d, uint32_t level)
{
    size_t home = registry_home(d);
    for (size_t n = 0; n < PROBES; n++) {
        registry_entry *e = &registry[(home + n) & (REGISTRY_SIZE - 1)];
        const pst_struct_desc *owner =
            atomic_load_explicit(&e->desc, memory_order_acquire);
        if (!owner) {
            const pst_struct_desc *expected = NULL;
            if (atomic_compare_exchange_strong_explicit(
                    &e->desc, &expected, d, memory_order_acq_rel,
                    memory_order_acquire))
                owner = d;
            else
                owner = expected;
        }
        if (owner != d)
            continue;
        const pst__bin_plan *pl =
            atomic_load_explicit(&e->plan, memory_order_acquire);
        if (pl)
            return plan_if_valid(pl, d);
        return publish(e, d, level);
    }
    return NULL; /* full around d's home: walk */
}

/* d's plan, built `level` deep in the plans being built when it has none
 * yet. A struct that holds a list of itself finds no plan of its own while
 * it is built and ends, MAX_PLAN_DEPTH deep, without one. */
static const pst__bin_plan *plan_at(const pst_struct_desc *d, uint32_t level)
{
    registry_entry *e = &registry[registry_home(d)];
    const pst__bin_plan *pl = NULL;
    if (atomic_load_explicit(&e->desc, memory_order_acquire) == d)
        pl = atomic_load_explicit(&e->plan, memory_order_acquire);
    return pl ? plan_if_valid(pl, d) : plan_get_slow(d, level);
}

/* Deeper than allowed: the walker fails as it should. */
PST__INLINE const pst__bin_plan *plan_fits(const pst__bin_plan *pl,
                                           uint32_t max_depth)
{
    if (pl->depth > max_depth || pl->depth > PST__MAX_DEPTH_CAP)
        return NULL;
    return pl;
}

/* plan_lookup past the registry's first probe (a tail call there, so that
 * its fast path saves no registers). */
static __attribute__((noinline)) const pst__bin_plan *
plan_lookup_slow(const pst_struct_desc *d, uint32_t max_depth, bool reading)
{
    const pst__bin_plan *pl = plan_get_slow(d, 1);
    if (!pl || (reading && pl->read_size != pl->size))
        return NULL;
    return plan_fits(pl, max_depth);
}

/* d's plan if it fits max_depth; for reading, only one without
 * containers. */
PST__INLINE const pst__bin_plan *plan_lookup(const pst_struct_desc *d,
                                             uint32_t max_depth, bool reading)
{
    registry_entry *e = &registry[registry_home(d)];
    const pst__bin_plan *pl = NULL;
    if (PST__LIKELY(atomic_load_explicit(&e->desc, memory_order_acquire) == d))
        pl = atomic_load_explicit(&e->plan, memory_order_acquire);
    if (PST__UNLIKELY(pl == NULL))
        return plan_lookup_slow(d, max_depth, reading);
    /* a reader compares read_size where plan_if_valid compares size
     * (equal, or UINT32_MAX as no descriptor's size is) */
    if ((reading ? pl->read_size : pl->size) != d->size ||
        pl->fields != d->fields || pl->nfields != d->nfields)
        return NULL;
    return plan_fits(pl, max_depth);
}

const pst__bin_plan *pst__bin_plan_get(const pst_struct_desc *d,
                                       uint32_t max_depth)
{
    return plan_lookup(d, max_depth, false);
}

/* As pst__bin_plan_get, where a plan with containers is told by its
 * read_size as no plan is by its size: no test more. */
const pst__bin_plan *pst__bin_plan_get_read(const pst_struct_desc *d,
                                            uint32_t max_depth)
{
    return plan_lookup(d, max_depth, true);
}

/* ---- decoding ------------------------------------------------------------ */

const uint8_t *pst__bin_plan_read(const uint8_t *p, const uint8_t *end,
                                  pst_arena *arena, const pst__bin_plan *pl,
                                  uint8_t *v)
{
    const plan_op *ops = pl->ops, *op = ops;
    for (;;) {
        if (op->code == OP_STOP) {
            /* anything but STOP here (an unknown or repeated field, one
             * out of order or of another type) is for the walker */
            if (PST__UNLIKELY(p >= end || *p != PST_TT_STOP))
                return NULL;
            p++;
            v[op->isset_at] |= op->mask; /* 0 for the outermost */
            op++;
            if (op->code == OP_END)
                return p;
            continue;
        }
        if (end - p < 4 || (pst__ld_le32(p) & 0xffffff) != op->header) {
            if (PST__UNLIKELY(op->required))
                return NULL;
            op = ops + op->next;    /* absent */
            continue;
        }
        p += 3;
        uint8_t *m = v + op->at;
        switch (op->code) {
        case OP_BOOL:                   /* a byte is left: 4 were */
            *(bool *)m = *p++ != 0;
            break;
        case OP_I8:
            *(int8_t *)m = (int8_t)*p++;
            break;
        case OP_I16:
            if (PST__UNLIKELY(end - p < 2))
                return NULL;
            *(int16_t *)m = (int16_t)pst__ld_be16(p);
            p += 2;
            break;
        case OP_I32:
            if (PST__UNLIKELY(end - p < 4))
                return NULL;
            *(int32_t *)m = (int32_t)pst__ld_be32(p);
            p += 4;
            break;
        case OP_I64: {
            if (PST__UNLIKELY(end - p < 8))
                return NULL;
            uint64_t x = pst__ld_be64(p);
            memcpy(m, &x, 8);
            p += 8;
            break;
        }
        case OP_UUID:
            if (PST__UNLIKELY(end - p < 16))
                return NULL;
            memcpy(m, p, 16);
            p += 16;
            break;
        case OP_STRING: {
            if (PST__UNLIKELY(end - p < 4))
                return NULL;
            uint32_t n = pst__ld_be32(p);
            p += 4;
            if (PST__UNLIKELY(n > INT32_MAX || (size_t)(end - p) < n))
                return NULL;
            pst_str *s = (pst_str *)m;
            if (n == 0) {
                s->ptr = "";
                s->len = 0;
                break;
            }
            uint8_t *dst = pst__arena_bytes(arena, n);
            if (PST__UNLIKELY(!dst))
                return NULL;
            pst__copy(dst, p, n);
            s->ptr = (const char *)dst;
            s->len = n;
            p += n;
            break;
        }
        case OP_STRUCT:
            if (op->init)
                pst__struct_init(op->u.sd, m);
            op++;           /* its fields; its STOP sets its bit */
            continue;
        default:
            return NULL;
        }
        v[op->isset_at] |= op->mask;
        op++;
    }
}

/* ---- encoding ------------------------------------------------------------ */

/* The careful writer reserves as bw_struct does, field by field, so the
 * buffer grows (or refuses) at the same points. */
#define OUT_NEED(n)                                                            \
    do {                                                                       \
        if (PST__UNLIKELY((size_t)(e->end - o) < (size_t)(n))) {               \
            o = pst__enc_grow(e, o, (n));                                      \
            if (!o)                                                            \
                return NULL;                                                   \
        }                                                                      \
    } while (0)

/* The header and a fixed-width value at o (room reserved); past them. The
 * header goes out as a word whose fourth byte the value overwrites (a
 * member struct's header is followed by at least its STOP). */
PST__INLINE uint8_t *put_fixed(uint8_t *o, const plan_op *op, const uint8_t *m)
{
    pst__st_le32(o, op->header);
    switch (op->code) {
    case OP_BOOL:
        o[3] = *(const bool *)m ? 1 : 0;
        return o + 4;
    case OP_I8:
        o[3] = *m;
        return o + 4;
    case OP_I16:
        pst__st_be16(o + 3, (uint16_t)*(const int16_t *)m);
        return o + 5;
    case OP_I32:
        pst__st_be32(o + 3, (uint32_t)*(const int32_t *)m);
        return o + 7;
    case OP_I64: {
        uint64_t x;
        memcpy(&x, m, 8);
        pst__st_be64(o + 3, x);
        return o + 11;
    }
    case OP_UUID:
        memcpy(o + 3, m, 16);
        return o + 19;
    default: /* OP_STRUCT: its fields follow */
        return o + 3;
    }
}

PST__INLINE uint8_t *run_fast(const plan_op *ops, const plan_op *op,
                              uint8_t *o, const uint8_t *end,
                              const uint8_t *v, const plan_op **at);
static uint8_t *write_careful(pst__enc *e, uint8_t *o, const plan_op *ops,
                              const plan_op *op, const uint8_t *v);

/* A container field (its header's room reserved): as the walker writes
 * it, reserving at the same points; struct elements by their plan. */
static uint8_t *write_container(pst__enc *e, uint8_t *o, const plan_op *op,
                                const uint8_t *m)
{
    pst__st_le32(o, op->header);
    if (op->code == OP_MAP)
        return pst__binary_write_plain_map(e, o + 3, op->u.type,
                                           (const pst_map *)m);
    if (op->code == OP_LIST)
        return pst__binary_write_plain_list(e, o + 3, op->u.type,
                                            (const pst_list *)m);
    /* OP_LIST_STRUCT, as bw_list writes a list of structs */
    const pst_list *l = (const pst_list *)m;
    const pst__bin_plan *sub = op->u.sub;
    uint32_t n = l->count;
    if (PST__UNLIKELY(n > INT32_MAX))
        return pst__enc_fail(e, PST_E_LIMIT);
    o += 3;
    OUT_NEED(5);
    o[0] = PST_TT_STRUCT;
    pst__st_be32(o + 1, n);
    o += 5;
    const uint8_t *data = l->data;
    for (uint32_t i = 0; i < n; i++) {
        /* pst__bin_plan_write, inline */
        const uint8_t *ev = data + (size_t)i * sub->size;
        const plan_op *at;
        o = run_fast(sub->ops, sub->ops, o, e->end, ev, &at);
        if (PST__UNLIKELY(at != NULL)) {
            o = write_careful(e, o, sub->ops, at, ev);
            if (PST__UNLIKELY(!o))
                return NULL;
        }
    }
    return o;
}

/* From op on with a reservation per field (inlined into its two callers,
 * write_careful and encode_rest, each one call from the fast path). */
PST__INLINE uint8_t *careful(pst__enc *e, uint8_t *o, const plan_op *ops,
                             const plan_op *op, const uint8_t *v)
{
    for (;;) {
        if (op->code == OP_STOP) {
            OUT_NEED(1);
            *o++ = PST_TT_STOP;
            op++;
            if (op->code == OP_END)
                return o;
            continue;
        }
        if (op->optional && !(v[op->isset_at] & op->mask)) {
            op = ops + op->next;    /* unset: not written */
            continue;
        }
        /* header + the widest fixed value (uuid) */
        OUT_NEED(3 + 16);
        const uint8_t *m = v + op->at;
        if (op->code == OP_STRING) {
            const pst_str *s = (const pst_str *)m;
            size_t n = s->len;
            if (PST__UNLIKELY(n > INT32_MAX))
                return pst__enc_fail(e, PST_E_LIMIT);
            OUT_NEED(3 + 4 + n);
            pst__st_le32(o, op->header);
            pst__st_be32(o + 3, (uint32_t)n);
            pst__copy(o + 7, (const uint8_t *)s->ptr, n);
            o += 7 + n;
        } else if (is_container(op->code)) {
            o = write_container(e, o, op, m);
            if (PST__UNLIKELY(!o))
                return NULL;
        } else if (PST__UNLIKELY(op->code < OP_BOOL || op->code > OP_STRUCT)) {
            return pst__enc_fail(e, PST_E_INVALID);
        } else {
            o = put_fixed(o, op, m);
        }
        op++;
    }
}

#define OPT_CASE(c)                                                            \
    case WC(c) | W_OPT:                                                        \
        if (!(v[op->isset_at] & op->mask))                                     \
            goto unset;                                                        \
        /* FALLTHROUGH */                                                      \
    case WC(c)

static __attribute__((noinline)) uint8_t *
write_careful(pst__enc *e, uint8_t *o, const plan_op *ops, const plan_op *op,
              const uint8_t *v)
{
    return careful(e, o, ops, op, v);
}

/* pst__copy for n <= COPY_INLINE_MAX, in 16-byte moves past 32 bytes
 * (the last one overlapping), never calling memcpy. */
#define COPY_INLINE_MAX 256u
PST__INLINE void copy_inline(uint8_t *dst, const uint8_t *src, size_t n)
{
    if (PST__LIKELY(n <= 32)) {
        pst__copy(dst, src, n);
        return;
    }
    for (size_t i = 0; i < n - 16; i += 16) {
        uint64_t a[2];
        memcpy(a, src + i, 16);
        memcpy(dst + i, a, 16);
    }
    uint64_t b[2];
    memcpy(b, src + n - 16, 16);
    memcpy(dst + n - 16, b, 16);
}

/* Fast: while the room left covers each op's run (every field present, up
 * to the next string's length, and that string's payload), write without
 * checking field by field. Returns the position; *at is NULL when the
 * struct is done, else the op (nothing of it written) from which the
 * careful writer goes on: room ran short, a container comes, or the op
 * fails there. Either way the bytes are the walker's. */
PST__INLINE uint8_t *run_fast(const plan_op *ops, const plan_op *op,
                              uint8_t *o, const uint8_t *end,
                              const uint8_t *v, const plan_op **at)
{
    if (PST__UNLIKELY((size_t)(end - o) < op->run))
        goto careful;
    for (;;) {
        const uint8_t *m = v + op->at;
        switch (op->wcode) {
        case WC(OP_STOP):
        case WC(OP_STOP) | W_OPT: /* (never built) */
            *o++ = PST_TT_STOP;
            if (op[1].code == OP_END) {
                *at = NULL;
                return o;
            }
            break;
        OPT_CASE(OP_STRING): {
            const pst_str *s = (const pst_str *)m;
            size_t n = s->len;
            /* (room for the length word is in the run before); a string
             * longer than copy_inline takes goes careful, so that no libc
             * call makes the fast path save registers */
            if (PST__UNLIKELY(n > COPY_INLINE_MAX ||
                              (size_t)(end - o) - 7 < n + op[1].run))
                goto careful;
            pst__st_le32(o, op->header);
            pst__st_be32(o + 3, (uint32_t)n);
            copy_inline(o + 7, (const uint8_t *)s->ptr, n);
            o += 7 + n;
            break;
        }
        /* put_fixed's cases, here so that one switch dispatches */
        OPT_CASE(OP_BOOL):
            pst__st_le32(o, op->header);
            o[3] = *(const bool *)m ? 1 : 0;
            o += 4;
            break;
        OPT_CASE(OP_I8):
            pst__st_le32(o, op->header);
            o[3] = *m;
            o += 4;
            break;
        OPT_CASE(OP_I16):
            pst__st_le32(o, op->header);
            pst__st_be16(o + 3, (uint16_t)*(const int16_t *)m);
            o += 5;
            break;
        OPT_CASE(OP_I32):
            pst__st_le32(o, op->header);
            pst__st_be32(o + 3, (uint32_t)*(const int32_t *)m);
            o += 7;
            break;
        OPT_CASE(OP_I64): {
            uint64_t x;
            memcpy(&x, m, 8);
            pst__st_le32(o, op->header);
            pst__st_be64(o + 3, x);
            o += 11;
            break;
        }
        OPT_CASE(OP_UUID):
            pst__st_le32(o, op->header);
            memcpy(o + 3, m, 16);
            o += 19;
            break;
        OPT_CASE(OP_STRUCT):
            pst__st_le32(o, op->header);
            o += 3;
            break;
        /* containers and the codes no op has: the careful writer (every
         * value of the mask has its case, see WC) */
        case WC(OP_END):
        case WC(OP_END) | W_OPT:
        case WC(OP_LIST):
        case WC(OP_LIST) | W_OPT:
        case WC(OP_LIST_STRUCT):
        case WC(OP_LIST_STRUCT) | W_OPT:
        case WC(OP_MAP):
        case WC(OP_MAP) | W_OPT:
        case WC(13): case WC(13) | W_OPT:
        case WC(14): case WC(14) | W_OPT:
        case WC(15): case WC(15) | W_OPT:
            goto careful;
        default: /* wcode < W_CODES, as plan_build makes it: no range
                    check */
            __builtin_unreachable();
        }
        op++;
        continue;
    unset:
        op = ops + op->next;    /* not written */
        if (PST__UNLIKELY((size_t)(end - o) < op->run))
            goto careful;
    }
careful:
    *at = op;
    return o;
}

uint8_t *pst__bin_plan_write(pst__enc *e, uint8_t *o, const pst__bin_plan *pl,
                             const uint8_t *v)
{
    const plan_op *at;
    o = run_fast(pl->ops, pl->ops, o, e->end, v, &at);
    if (PST__LIKELY(!at))
        return o;
    return write_careful(e, o, pl->ops, at, v);
}

/* The rest of pst__bin_plan_encode from op `at` on at o (NULL: from the
 * start, w not checked yet) through the careful writer, which records
 * failures in a pst__enc. Apart, so that the fast path keeps no registers
 * for it. */
static __attribute__((noinline)) int
encode_rest(pst_wbuf *w, const plan_op *ops, const plan_op *at, uint8_t *o,
            const uint8_t *v, const pst_codec_config *cfg)
{
    pst__enc e;
    if (o) {
        /* pst__enc_begin's work, its checks done by the caller */
        e.w = w;
        e.end = w->data + w->cap;
        e.max_depth = cfg->max_depth < PST__MAX_DEPTH_CAP ? cfg->max_depth
                                                          : PST__MAX_DEPTH_CAP;
        e.code = 0;
        e.walk_only = false;
    } else {
        o = pst__enc_begin(&e, w, cfg);
        if (!o)
            return pst__enc_end(&e, o);
    }
    return pst__enc_end(&e, careful(&e, o, ops, at, v));
}

/* pst__bin_plan_encode when the registry's first probe does not give a
 * plan fit for cfg or w is not ready: the lookup that builds, the walker,
 * pst__enc_begin's checks. */
static __attribute__((noinline)) int
encode_slow(pst_wbuf *w, const pst_struct_desc *d, const void *v,
            const pst_codec_config *cfg)
{
    uint32_t max_depth = cfg->max_depth < PST__MAX_DEPTH_CAP
                             ? cfg->max_depth
                             : PST__MAX_DEPTH_CAP;
    const pst__bin_plan *pl = plan_lookup(d, max_depth, false);
    if (!pl)
        return pst__binary_write_walked(w, d, v, cfg);
    return encode_rest(w, pl->ops, pl->ops, NULL, v, cfg);
}

/* Every call here but the fast path's end is a tail call, so that the
 * fast path saves no registers. */
int pst__bin_plan_encode(pst_wbuf *w, const pst_struct_desc *d, const void *v,
                         const pst_codec_config *cfg)
{
    if (!cfg)
        cfg = &pst__default_config;
    registry_entry *e = &registry[registry_home(d)];
    const pst__bin_plan *pl = NULL;
    if (PST__LIKELY(atomic_load_explicit(&e->desc, memory_order_acquire) == d))
        pl = atomic_load_explicit(&e->plan, memory_order_acquire);
    if (PST__UNLIKELY(!pl || !plan_if_valid(pl, d) ||
                      pl->depth > cfg->max_depth ||
                      pl->depth > PST__MAX_DEPTH_CAP || w->err || !w->data))
        return encode_slow(w, d, v, cfg);
    const plan_op *at;
    uint8_t *o = run_fast(pl->ops, pl->ops, w->data + w->len,
                          w->data + w->cap, v, &at);
    if (PST__UNLIKELY(at != NULL))
        return encode_rest(w, pl->ops, at, o, v, cfg);
    w->len = (size_t)(o - w->data); /* within cap: pst__enc_end's check holds */
    return 0;
}
