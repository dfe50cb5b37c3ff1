/*
 * compact_plan.c: flattened compact encoders for structs of a simple shape
 * (see compact_plan.h for what and why).
 *
 * A plan is an array of ops in wire order: one per field (a member struct's
 * op is followed by its fields' ops and its own OP_STOP; a container is one
 * op), then the outermost struct's OP_STOP and OP_END. Each op knows where
 * its field's subtree ends (`next`), so an unset optional field is skipped
 * in one step, and holds its header as written when the field before it in
 * its struct (`prev`, 0 for the first) was written.
 *
 * A precomputed header holds whenever the field before it in its struct
 * was written (a member struct's first field: always); only the header of
 * a field that follows unset optional fields is computed, from the last id
 * written, as the walker does (the careful writer; the fast one hands such
 * a struct over at its first unset field).
 *
 * Plans live in a process-wide registry keyed by the descriptor's address,
 * built by the first thread that needs one and published with a
 * compare-and-swap (a thread that loses the race frees its copy); a shape
 * without a plan is recorded too. A plan records the descriptor's field
 * table, field count and size, and is used only while they match.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "protocol/compact_plan.h"
#include "protocol/compact_wire.h"

enum {
    OP_END,       /* the outermost struct is done */
    OP_STOP,      /* a struct's STOP */
    OP_BOOL,
    OP_I8,
    OP_I16,
    OP_I32,       /* also enums */
    OP_I64,
    OP_DOUBLE,
    OP_UUID,
    OP_STRING,    /* also binary */
    OP_STRUCT,    /* a member struct: its fields' ops follow */
    OP_CONTAINER, /* list, set or map: the walker's writers */
    OP_LIST_STRUCT /* list or set of structs, each by its own plan */
};

typedef struct plan_op {
    uint32_t hdr;      /* header bytes when `prev` was written, as a
                          little-endian word (bool: its true type) */
    uint8_t hlen;      /* hdr's bytes in use (1..4) */
    uint8_t code;
    uint8_t optional;  /* written only when its bit is set */
    uint8_t mask;      /* the field's bit in its isset byte */
    uint8_t ctype;     /* compact type (bool: CT_TRUE) */
    uint8_t level;     /* struct levels below the outermost */
    int16_t id;        /* the field's id */
    int16_t prev;      /* the id of the field before it in its struct */
    uint32_t at;       /* the member's offset in the outermost struct */
    uint32_t isset_at; /* its isset byte's offset there */
    uint32_t next;     /* the op after this field and its members */
    uint32_t run;      /* the most bytes the ops from this one on write
                          up to the next string's payload, container or
                          the end, headers as precomputed */
    uint8_t wcode;     /* the fast writer's dispatch: code | W_OPT */
    union {
        const pst_type *type;      /* OP_CONTAINER: the field's type */
        const pst__cmp_plan *sub;  /* OP_LIST_STRUCT: the elements' plan */
        uint32_t srun;             /* OP_STRING: its run and the next op's,
                                      the room it needs besides its
                                      payload */
    } u;
} plan_op;

struct pst__cmp_plan {
    const pst_field *fields;   /* the descriptor as planned */
    uint32_t size;
    uint16_t nfields;
    uint32_t depth;
    plan_op ops[];
};

/* The fast writer's dispatch code (plan_op.wcode): the op's code, with
 * W_OPT added for an optional field, so that a field always written pays
 * no test of its isset bit; every value below W_CODES has its case and no
 * other value is built, so that the switch checks no range. */
#define W_OPT 16u
#define W_CODES 32u

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
    case PST_K_I64: return OP_I64;
    case PST_K_DOUBLE: return OP_DOUBLE;
    case PST_K_UUID: return OP_UUID;
    case PST_K_STRING:
    case PST_K_BINARY: return OP_STRING;
    case PST_K_STRUCT: return OP_STRUCT;
    case PST_K_LIST:
    case PST_K_SET:
    case PST_K_MAP: return OP_CONTAINER;
    default: return OP_END; /* pointers: no plan */
    }
}

static uint8_t code_ctype(uint8_t code, unsigned kind)
{
    static const uint8_t ct[] = {
        [OP_BOOL] = CT_TRUE,    [OP_I8] = CT_BYTE,      [OP_I16] = CT_I16,
        [OP_I32] = CT_I32,      [OP_I64] = CT_I64,      [OP_DOUBLE] = CT_DOUBLE,
        [OP_UUID] = CT_UUID,    [OP_STRING] = CT_BINARY, [OP_STRUCT] = CT_STRUCT,
    };
    if (code == OP_CONTAINER || code == OP_LIST_STRUCT)
        return kind == PST_K_MAP ? CT_MAP : kind == PST_K_SET ? CT_SET : CT_LIST;
    return ct[code];
}

static const pst__cmp_plan *plan_at(const pst_struct_desc *d, uint32_t level);

/* The plan of list field f's element structs, for a struct `level` deep
 * in the plans being built; NULL: the list is the walker's. */
static const pst__cmp_plan *elem_plan(const pst_field *f, uint32_t level)
{
    const pst_type *et = f->type->elem;
    if (f->kind == PST_K_MAP || !et || et->kind != PST_K_STRUCT || !et->sdesc)
        return NULL;
    return plan_at(et->sdesc, level + 1);
}

/* Ops for d's fields and STOP, or 0 when d's shape has no plan; *depth
 * becomes the deepest struct level met, a list's element structs
 * included. */
static size_t count_ops(const pst_struct_desc *d, uint32_t level,
                        uint32_t *depth)
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
        if (code == OP_CONTAINER) {
            const pst__cmp_plan *sub = elem_plan(f, level);
            if (sub && level + sub->depth > *depth)
                *depth = level + sub->depth;
        }
        if (code == OP_STRUCT) {
            if (!f->type->sdesc)
                return 0;
            size_t m = count_ops(f->type->sdesc, level + 1, depth);
            if (!m)
                return 0;
            n += m;
        }
        if (n > MAX_PLAN_OPS)
            return 0;
    }
    return n;
}

/* The header of a field of type ct and id `id` after the field `prev`, as
 * the walker writes it. */
static void header_of(plan_op *op, int id, int prev, uint8_t ct)
{
    uint8_t b[8] = { 0 };
    int delta = id - prev;
    if (delta > 0 && delta <= 15) {
        b[0] = (uint8_t)(delta << 4 | ct);
        op->hlen = 1;
    } else {
        b[0] = ct;
        op->hlen = (uint8_t)(cw_varint32(b + 1, zigzag32(id)) - b);
    }
    op->hdr = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
              (uint32_t)b[3] << 24;
}

/* d's ops from ops[*i] on; d sits at `base` in the outermost struct,
 * which is `top` deep in the plans being built, d `level` deep. */
static void fill_ops(plan_op *ops, size_t *i, const pst_struct_desc *d,
                     uint32_t level, uint32_t top, uint32_t base)
{
    int prev = 0;
    for (unsigned k = 0; k < d->nfields; k++) {
        const pst_field *f = &d->fields[k];
        plan_op *op = &ops[(*i)++];
        op->code = op_code(f->kind);
        const pst__cmp_plan *sub = NULL;
        if (op->code == OP_CONTAINER && (sub = elem_plan(f, level)) != NULL)
            op->code = OP_LIST_STRUCT; /* as count_ops found it */
        op->ctype = code_ctype(op->code, f->kind);
        header_of(op, f->id, prev, op->ctype);
        op->id = f->id;
        op->prev = (int16_t)prev;
        op->mask = (uint8_t)(1u << (f->isset_bit & 7));
        op->optional = (f->req & PST_REQ_OPTIONAL) != 0; /* as cw_fields */
        op->level = (uint8_t)(level - top);
        op->at = base + f->offset;
        op->isset_at = base + d->isset_offset + (f->isset_bit >> 3);
        if (op->code == OP_STRUCT)
            fill_ops(ops, i, f->type->sdesc, level + 1, top, op->at);
        else if (op->code == OP_CONTAINER)
            op->u.type = f->type;
        else if (op->code == OP_LIST_STRUCT)
            op->u.sub = sub;
        op->next = (uint32_t)*i;
        prev = f->id;
    }
    plan_op *stop = &ops[(*i)++];
    stop->code = OP_STOP;
    stop->next = (uint32_t)*i;
}

/* Most bytes an op writes with its precomputed header; a string's up to
 * its length varint (its payload is checked when its length is known). */
static uint32_t op_bytes(const plan_op *op)
{
    static const uint8_t value[] = {
        [OP_END] = 0,  [OP_STOP] = 1, [OP_BOOL] = 0,   [OP_I8] = 1,
        [OP_I16] = 3,  [OP_I32] = 5,  [OP_I64] = 10,   [OP_DOUBLE] = 8,
        [OP_UUID] = 16, [OP_STRING] = 5, [OP_STRUCT] = 0, [OP_CONTAINER] = 0,
        [OP_LIST_STRUCT] = 0,
    };
    return (op->code > OP_STOP ? op->hlen : 0) + value[op->code];
}

/* ops[i].run, from the end backwards: a string or a container ends a run.
 * A header goes out as a 4-byte word (its bytes past hlen overwritten by
 * what follows), so a field's run covers at least those 4 bytes. */
static void fill_runs(plan_op *ops, size_t n)
{
    uint32_t run = 0;
    for (size_t i = n; i-- > 0;) {
        if (ops[i].code == OP_STRING || ops[i].code >= OP_CONTAINER)
            run = 0;
        run += op_bytes(&ops[i]);
        if (ops[i].code > OP_STOP && run < 4)
            run = 4;
        ops[i].run = run;
    }
    for (size_t i = 0; i + 1 < n; i++)
        if (ops[i].code == OP_STRING)
            ops[i].u.srun = ops[i].run + ops[i + 1].run;
}

/* NULL when d has no plan or memory is short; d sits `level` deep in the
 * plans being built (element structs' plans are built first). */
static pst__cmp_plan *plan_build(const pst_struct_desc *d, uint32_t level)
{
    uint32_t depth = 0;
    size_t n = count_ops(d, level, &depth);
    if (!n)
        return NULL;
    pst__cmp_plan *pl = calloc(1, sizeof *pl + (n + 1) * sizeof(plan_op));
    if (!pl)
        return NULL;
    pl->fields = d->fields;
    pl->size = d->size;
    pl->nfields = d->nfields;
    pl->depth = depth - level + 1;
    size_t i = 0;
    fill_ops(pl->ops, &i, d, level, level, 0);
    pl->ops[i].code = OP_END;
    for (size_t k = 0; k <= i; k++)
        pl->ops[k].wcode =
            (uint8_t)(pl->ops[k].code | (pl->ops[k].optional ? W_OPT : 0));
    fill_runs(pl->ops, i + 1);
    return pl;
}

/* ---- the registry ------------------------------------------------------- */

#define REGISTRY_SIZE 512u
#define PROBES 16u

typedef struct registry_entry {
    _Atomic(const pst_struct_desc *) desc;
    _Atomic(const pst__cmp_plan *) plan;   /* NULL while being built */
} registry_entry;

static registry_entry registry[REGISTRY_SIZE];

/* Published for shapes without a plan; no descriptor's size matches it. */
static const pst__cmp_plan no_plan = { .size = UINT32_MAX };

static inline size_t registry_home(const pst_struct_desc *d)
{
    uint64_t h = (uint64_t)(uintptr_t)d;
    h ^= h >> 17;
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 40) & (REGISTRY_SIZE - 1);
}

static inline const pst__cmp_plan *plan_if_valid(const pst__cmp_plan *pl,
                                                 const pst_struct_desc *d)
{
    if (pl->size != d->size || pl->fields != d->fields ||
        pl->nfields != d->nfields)
        return NULL;
    return pl;
}

/* Build d's plan (or record that it has none) in entry e, which d owns. */
static const pst__cmp_plan *publish(registry_entry *e, const pst_struct_desc *d,
                                    uint32_t level)
{
    pst__cmp_plan *built = plan_build(d, level);
    const pst__cmp_plan *mine = built ? built : &no_plan;
    const pst__cmp_plan *expected = NULL;
    if (!built && count_ops(d, level, &(uint32_t){ 0 }))
        return NULL; /* out of memory: try again next time */
    if (atomic_compare_exchange_strong_explicit(&e->plan, &expected, mine,
                                                memory_order_acq_rel,
                                                memory_order_acquire))
        return plan_if_valid(mine, d);
    free(built); /* another thread published first */
    return plan_if_valid(expected, d);
}

static __attribute__((noinline)) const pst__cmp_plan *
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
        const pst__cmp_plan *pl =
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
static const pst__cmp_plan *plan_at(const pst_struct_desc *d, uint32_t level)
{
    registry_entry *e = &registry[registry_home(d)];
    const pst__cmp_plan *pl = NULL;
    if (PST__LIKELY(atomic_load_explicit(&e->desc, memory_order_acquire) == d))
        pl = atomic_load_explicit(&e->plan, memory_order_acquire);
    return pl ? plan_if_valid(pl, d) : plan_get_slow(d, level);
}

const pst__cmp_plan *pst__cmp_plan_get(const pst_struct_desc *d)
{
    return plan_at(d, 1);
}

uint32_t pst__cmp_plan_depth(const pst__cmp_plan *pl)
{
    return pl->depth;
}

/* ---- encoding ------------------------------------------------------------ */

/* Room for n more bytes at o, or return NULL (the failure is recorded);
 * reserved where and as much as the walker reserves, so that a buffer
 * grows (or refuses) at the same points. */
#define ENC_NEED(n)                                                            \
    do {                                                                       \
        if (PST__UNLIKELY((size_t)(e->end - o) < (size_t)(n))) {               \
            o = pst__enc_grow(e, o, (n));                                      \
            if (!o)                                                            \
                return NULL;                                                   \
        }                                                                      \
    } while (0)

/* `last` while the headers precomputed hold (no id is this low) */
#define FIXED INT_MIN

/* A fixed-width value of op's at m (room reserved) after its header at h;
 * past it. */
PST__INLINE uint8_t *put_value(uint8_t *o, uint8_t *h, unsigned code,
                               const uint8_t *m)
{
    switch (code) {
    case OP_BOOL:
        /* the header says CT_TRUE; CT_FALSE is the next type */
        *h += !*(const bool *)m;
        return o;
    case OP_I8:
        *o = *m;
        return o + 1;
    case OP_I16:
        return cw_varint32(o, zigzag32(*(const int16_t *)m));
    case OP_I32:
        return cw_varint32(o, zigzag32(*(const int32_t *)m));
    case OP_I64:
        return cw_varint64(o, zigzag64(*(const int64_t *)m));
    case OP_DOUBLE: {
        uint64_t x;
        memcpy(&x, m, 8);
        pst__st_le64(o, x);
        return o + 8;
    }
    case OP_UUID:
        memcpy(o, m, 16);
        return o + 16;
    default: /* OP_STRUCT: its fields follow */
        return o;
    }
}

#define OPT_CASE(c)                                                            \
    case (c) | W_OPT:                                                          \
        if (!(v[op->isset_at] & op->mask))                                     \
            goto careful;                                                      \
        /* FALLTHROUGH */                                                      \
    case (c)

/* The header word at o; past the header. */
#define PUT_HEADER()                                                           \
    (pst__st_le32(o, op->hdr), o + op->hlen)

/* Fast: while the room left covers each op's run (every field present,
 * up to the next string's payload, and that payload), write without
 * reserving field by field, headers as precomputed. Returns the position;
 * *at is NULL when the struct is done, else the op (nothing of it
 * written) from which the careful writer goes on: room ran short, a
 * container or an unset optional field comes. The bytes are the walker's
 * either way. */
PST__INLINE uint8_t *run_fast(const plan_op *op, uint8_t *o,
                              const uint8_t *end, const uint8_t *v,
                              const plan_op **at)
{
    if (PST__UNLIKELY((size_t)(end - o) < op->run))
        goto careful;
    for (;;) {
        const uint8_t *m = v + op->at;
        uint8_t *h = o;
        switch (op->wcode) {
        case OP_STOP:
        case OP_STOP | W_OPT: /* (never built) */
            *o++ = CT_STOP;
            if (op[1].code == OP_END) {
                *at = NULL;
                return o;
            }
            break;
        OPT_CASE(OP_STRING): {
            const pst_str *s = (const pst_str *)(const void *)m;
            size_t n = s->len;
            if (PST__UNLIKELY(n > INT32_MAX ||
                              (size_t)(end - o) < n + op->u.srun))
                goto careful;
            o = PUT_HEADER();
            o = cw_varint32(o, (uint32_t)n);
            pst__copy(o, (const uint8_t *)s->ptr, n);
            o += n;
            break;
        }
        OPT_CASE(OP_BOOL):
            o = PUT_HEADER();
            *h += !*(const bool *)m;
            break;
        OPT_CASE(OP_I8):
            o = PUT_HEADER();
            *o++ = *m;
            break;
        OPT_CASE(OP_I16):
            o = PUT_HEADER();
            o = cw_varint32(o, zigzag32(*(const int16_t *)m));
            break;
        OPT_CASE(OP_I32):
            o = PUT_HEADER();
            o = cw_varint32(o, zigzag32(*(const int32_t *)m));
            break;
        OPT_CASE(OP_I64):
            o = PUT_HEADER();
            o = cw_varint64(o, zigzag64(*(const int64_t *)m));
            break;
        OPT_CASE(OP_DOUBLE): {
            uint64_t x;
            memcpy(&x, m, 8);
            o = PUT_HEADER();
            pst__st_le64(o, x);
            o += 8;
            break;
        }
        OPT_CASE(OP_UUID):
            o = PUT_HEADER();
            memcpy(o, m, 16);
            o += 16;
            break;
        OPT_CASE(OP_STRUCT):
            o = PUT_HEADER();
            break;
        /* containers and the codes no op has: the careful writer */
        case OP_END:
        case OP_END | W_OPT:
        case OP_CONTAINER:
        case OP_CONTAINER | W_OPT:
        case OP_LIST_STRUCT:
        case OP_LIST_STRUCT | W_OPT:
        case 13: case 13 | W_OPT:
        case 14: case 14 | W_OPT:
        case 15: case 15 | W_OPT:
            goto careful;
        default: /* wcode < W_CODES, as plan_build makes it: no range
                    check */
            __builtin_unreachable();
        }
        op++;
    }
careful:
    *at = op;
    return o;
}

static uint8_t *write_careful(pst__enc *e, uint8_t *o, const plan_op *ops,
                              const plan_op *op, const uint8_t *v,
                              uint32_t depth);

/* A list or set of structs by their plan sub (t's elements), as the
 * walker's cw_list writes it; depth: the elements'. */
static uint8_t *write_structs(pst__enc *e, uint8_t *o, const pst__cmp_plan *sub,
                              const pst_list *l, uint32_t depth)
{
    uint32_t n = l->count;
    if (PST__UNLIKELY(n > INT32_MAX))
        return pst__enc_fail(e, PST_E_LIMIT);
    ENC_NEED(6);
    if (n <= 14) {
        *o++ = (uint8_t)(n << 4 | CT_STRUCT);
    } else {
        *o++ = (uint8_t)(0xf0 | CT_STRUCT);
        o = cw_varint32(o, n);
    }
    const uint8_t *data = l->data;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *ev = data + (size_t)i * sub->size;
        const plan_op *at;
        o = run_fast(sub->ops, o, e->end, ev, &at);
        if (PST__UNLIKELY(at != NULL)) {
            o = write_careful(e, o, sub->ops, at, ev, depth);
            if (PST__UNLIKELY(!o))
                return NULL;
        }
    }
    return o;
}

/* From op on, reserving field by field as the walker does; op is the
 * first field of its struct or follows one that was written. */
static uint8_t *
write_careful(pst__enc *e, uint8_t *o, const plan_op *ops, const plan_op *op,
              const uint8_t *v, uint32_t depth)
{
    int last = FIXED; /* else the id last written in this struct */
    for (;;) {
        if (op->code == OP_STOP) {
            ENC_NEED(1);
            *o++ = CT_STOP;
            if (op[1].code == OP_END)
                return o;
            op++; /* a member's end: the member was written (FIXED) */
            continue;
        }
        if (op->optional && !(v[op->isset_at] & op->mask)) {
            if (last == FIXED) /* every field before it was written */
                last = op->prev;
            op = ops + op->next;
            continue;
        }
        const uint8_t *m = v + op->at;
        /* header (type + up to 3 id bytes) + the widest fixed value */
        ENC_NEED(4 + 16);
        uint8_t *h = o;
        if (last == FIXED) {
            pst__st_le32(o, op->hdr);
            o += op->hlen;
        } else {
            int delta = op->id - last;
            if (delta > 0 && delta <= 15) {
                *o++ = (uint8_t)(delta << 4 | op->ctype);
            } else {
                *o++ = op->ctype;
                o = cw_varint32(o, zigzag32(op->id));
            }
            last = FIXED; /* this one written: the next's holds */
        }
        if (op->code == OP_STRING) {
            const pst_str *s = (const pst_str *)(const void *)m;
            size_t n = s->len;
            if (PST__UNLIKELY(n > INT32_MAX))
                return pst__enc_fail(e, PST_E_LIMIT);
            ENC_NEED(5 + n);
            o = cw_varint32(o, (uint32_t)n);
            pst__copy(o, (const uint8_t *)s->ptr, n);
            o += n;
        } else if (op->code >= OP_CONTAINER) {
            o = op->code == OP_CONTAINER
                    ? pst__compact_write_container(e, o, op->u.type, m,
                                                   depth + op->level)
                    : write_structs(e, o, op->u.sub, (const pst_list *)m,
                                    depth + op->level + 1);
            if (PST__UNLIKELY(!o))
                return NULL;
            /* the fields after it as fast as the room allows */
            const plan_op *at;
            o = run_fast(op + 1, o, e->end, v, &at);
            if (!at)
                return o;
            op = at;
            continue;
        } else if (op->code == OP_STRUCT) {
            /* its fields follow, with their own headers precomputed */
        } else if (PST__UNLIKELY(op->code < OP_BOOL || op->code > OP_UUID)) {
            return pst__enc_fail(e, PST_E_INVALID);
        } else {
            o = put_value(o, h, op->code, m);
        }
        op++;
    }
}

uint8_t *pst__cmp_plan_write(pst__enc *e, uint8_t *o, const pst__cmp_plan *pl,
                             const uint8_t *v, uint32_t depth)
{
    const plan_op *at;
    o = run_fast(pl->ops, o, e->end, v, &at);
    if (PST__LIKELY(!at))
        return o;
    return write_careful(e, o, pl->ops, at, v, depth);
}

/* The rest of pst__cmp_plan_encode from op `at` on at o (NULL: from the
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
    return pst__enc_end(&e, write_careful(&e, o, ops, at, v, 1));
}

/* pst__cmp_plan_encode when the registry's first probe does not give a
 * plan fit for cfg or w is not ready: the lookup that builds, the walker,
 * pst__enc_begin's checks. */
static __attribute__((noinline)) int
encode_slow(pst_wbuf *w, const pst_struct_desc *d, const void *v,
            const pst_codec_config *cfg)
{
    uint32_t max_depth = cfg->max_depth < PST__MAX_DEPTH_CAP
                             ? cfg->max_depth
                             : PST__MAX_DEPTH_CAP;
    const pst__cmp_plan *pl = plan_at(d, 1);
    if (!pl || pl->depth > max_depth)
        return pst__compact_write_walked(w, d, v, cfg);
    return encode_rest(w, pl->ops, pl->ops, NULL, v, cfg);
}

/* Every call here but the fast path's end is a tail call, so that the
 * fast path saves no registers. */
int pst__cmp_plan_encode(pst_wbuf *w, const pst_struct_desc *d, const void *v,
                         const pst_codec_config *cfg)
{
    if (!cfg)
        cfg = &pst__default_config;
    registry_entry *e = &registry[registry_home(d)];
    const pst__cmp_plan *pl = NULL;
    if (PST__LIKELY(atomic_load_explicit(&e->desc, memory_order_acquire) == d))
        pl = atomic_load_explicit(&e->plan, memory_order_acquire);
    if (PST__UNLIKELY(!pl || !plan_if_valid(pl, d) ||
                      pl->depth > cfg->max_depth ||
                      pl->depth > PST__MAX_DEPTH_CAP || w->err || !w->data))
        return encode_slow(w, d, v, cfg);
    const plan_op *at;
    uint8_t *o = run_fast(pl->ops, w->data + w->len, w->data + w->cap, v, &at);
    if (PST__UNLIKELY(at != NULL))
        return encode_rest(w, pl->ops, at, o, v, cfg);
    w->len = (size_t)(o - w->data); /* within cap: pst__enc_end's check holds */
    return 0;
}
