/*
 * postern/types.h: how Thrift values look in C, and the descriptor tables
 * that tell the codecs how to walk them.
 *
 * The compiler (`postern gen`) turns every IDL struct, union and exception
 * into a plain C struct plus a const pst_struct_desc. One table walker per
 * protocol encodes and decodes every type from these tables; nothing is
 * generated per type but the tables and thin typed wrappers.
 *
 * In-memory representation, by kind:
 *   bool            bool
 *   i8 i16 i32 i64  int8_t int16_t int32_t int64_t
 *   double          double
 *   enum            int32_t
 *   string, binary  pst_str  {ptr, len}; not NUL-terminated on decode
 *   uuid            pst_uuid (16 bytes, RFC 4122 order, as written on the wire)
 *   struct          the generated struct, inline (PST_K_STRUCT) or, for types
 *                   that contain themselves, a pointer (PST_K_STRUCT_PTR, NULL
 *                   when absent)
 *   list, set       pst_list {data, count}: count elements stored contiguously,
 *                   each of its element type's C size
 *   map             pst_map {keys, values, count}: two parallel arrays
 *
 * Every generated struct ends with `uint8_t isset_[N]`: one bit per field,
 * in field order. Decoding sets the bit of each field it reads; encoding
 * writes an optional field only when its bit is set, and a union's single
 * member only when set. Default and required fields are always written. A
 * descriptor's defaults instance leaves required fields' bits clear, so a
 * decoder can tell that a required field was not on the wire.
 *
 * Decoded strings, lists and nested pointers point into the arena given to
 * the decoder (or into the input buffer, see protocol.h) and live as long as
 * it does. Descriptors are immutable and safe to share between threads.
 */
#ifndef POSTERN_TYPES_H
#define POSTERN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pst_str {
    const char *ptr;
    size_t len;
} pst_str;

/* A pst_str from a NUL-terminated C string literal or variable. */
#define PST_STR(s) ((pst_str){ (s), sizeof(s) - 1 })
pst_str pst_str_c(const char *s); /* strlen-based, s may be NULL */

typedef struct pst_list {   /* also used for set<T> */
    void *data;
    uint32_t count;
} pst_list;

typedef struct pst_map {
    void *keys;
    void *values;
    uint32_t count;
} pst_map;

typedef struct pst_uuid {
    uint8_t bytes[16];
} pst_uuid;

/* What a value is in C (finer than the wire type: string vs binary, enum). */
typedef enum pst_kind {
    PST_K_BOOL = 1,
    PST_K_I8,
    PST_K_I16,
    PST_K_I32,
    PST_K_I64,
    PST_K_DOUBLE,
    PST_K_STRING,
    PST_K_BINARY,
    PST_K_UUID,
    PST_K_ENUM,
    PST_K_STRUCT,      /* inline */
    PST_K_STRUCT_PTR,  /* pointer, for self-containing types */
    PST_K_LIST,
    PST_K_SET,
    PST_K_MAP
} pst_kind;

/* Thrift's wire type ids (TType), as the binary protocol writes them. */
typedef enum pst_ttype {
    PST_TT_STOP = 0,
    PST_TT_VOID = 1,
    PST_TT_BOOL = 2,
    PST_TT_I8 = 3,
    PST_TT_DOUBLE = 4,
    PST_TT_I16 = 6,
    PST_TT_I32 = 8,
    PST_TT_I64 = 10,
    PST_TT_STRING = 11,
    PST_TT_STRUCT = 12,
    PST_TT_MAP = 13,
    PST_TT_SET = 14,
    PST_TT_LIST = 15,
    PST_TT_UUID = 16
} pst_ttype;

struct pst_struct_desc;
struct pst_enum_desc;

/* A type: base types are the library's pst_type_* below; the compiler emits
 * container and struct types as static const tables. */
typedef struct pst_type {
    uint8_t kind;                        /* pst_kind */
    uint8_t ttype;                       /* pst_ttype on the wire */
    uint32_t size;                       /* C size of one value (list stride) */
    const struct pst_struct_desc *sdesc; /* STRUCT, STRUCT_PTR */
    const struct pst_enum_desc *edesc;   /* ENUM (names for JSON/debug) */
    const struct pst_type *elem;         /* LIST, SET: element; MAP: key */
    const struct pst_type *value;        /* MAP: value */
} pst_type;

extern const pst_type pst_type_bool, pst_type_i8, pst_type_i16, pst_type_i32,
    pst_type_i64, pst_type_double, pst_type_string, pst_type_binary,
    pst_type_uuid;

typedef enum pst_requiredness {
    PST_REQ_DEFAULT = 0,
    PST_REQ_REQUIRED = 1,
    PST_REQ_OPTIONAL = 2
} pst_requiredness;

typedef struct pst_field {
    int16_t id;          /* Thrift field id (negative for implicit ids) */
    uint8_t kind;        /* == type->kind, for the walker's fast path */
    uint8_t req;         /* pst_requiredness */
    uint16_t isset_bit;  /* bit index in the struct's isset_ bytes */
    uint32_t offset;     /* offsetof the member in the C struct */
    const pst_type *type;
    const char *name;    /* IDL name */
} pst_field;

typedef enum pst_struct_kind {
    PST_STRUCT = 0,
    PST_UNION = 1,
    PST_EXCEPTION = 2
} pst_struct_kind;

typedef struct pst_struct_desc {
    const char *name;            /* IDL name, e.g. "Xtruct" */
    uint32_t size;               /* sizeof the C struct */
    uint32_t isset_offset;       /* offsetof its isset_ bytes */
    uint16_t nfields;
    uint8_t kind;                /* pst_struct_kind */
    const pst_field *fields;     /* sorted by id, ascending */
    const void *defaults;        /* instance with IDL default values, or NULL
                                    (all zero); decoders start from it */
} pst_struct_desc;

typedef struct pst_enum_value {
    const char *name;
    int32_t value;
} pst_enum_value;

typedef struct pst_enum_desc {
    const char *name;
    uint32_t count;
    const pst_enum_value *values;  /* in IDL order */
} pst_enum_desc;

/* isset_ bit helpers over a struct instance and its descriptor. */
static inline bool pst_isset(const struct pst_struct_desc *d, const void *v,
                             unsigned bit)
{
    const uint8_t *bits = (const uint8_t *)v + d->isset_offset;
    return (bits[bit >> 3] >> (bit & 7)) & 1u;
}
static inline void pst_set_isset(const struct pst_struct_desc *d, void *v,
                                 unsigned bit, bool on)
{
    uint8_t *bits = (uint8_t *)v + d->isset_offset;
    if (on)
        bits[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    else
        bits[bit >> 3] &= (uint8_t)~(1u << (bit & 7));
}

/* Reset v to the descriptor's defaults (zero, then IDL default values). */
void pst_struct_init(const pst_struct_desc *d, void *v);
/* Field by id, or NULL. */
const pst_field *pst_struct_field(const pst_struct_desc *d, int16_t id);
/* Enum name for a value, or NULL. */
const char *pst_enum_name(const pst_enum_desc *d, int32_t value);

/* ---- services ---------------------------------------------------------- */

struct pst_call;

/* Generated per method: unpack `args`, call the handler's function pointer,
 * leave the outcome in `result`. Returns the handler's status. */
typedef int (*pst_invoke_fn)(const void *handler, struct pst_call *call,
                             const void *args, void *result);

typedef struct pst_method_desc {
    const char *name;
    const pst_struct_desc *args;    /* "<method>_args" */
    const pst_struct_desc *result;  /* "<method>_result": field 0 `success`
                                       (unless void), then each declared
                                       exception; NULL for oneway */
    bool oneway;
    pst_invoke_fn invoke;
} pst_method_desc;

typedef struct pst_service_desc {
    const char *name;
    const struct pst_service_desc *base;  /* `extends`, or NULL; a derived
                                             handler struct starts with its
                                             base's handler struct */
    uint32_t nmethods;
    const pst_method_desc *methods;       /* own methods, IDL order */
    const char *idl;                      /* the IDL text the service was
                                             generated from, its includes
                                             after it (GET /schema), or NULL */
} pst_service_desc;

/* Method by name through the extends chain, or NULL. */
const pst_method_desc *pst_service_method(const pst_service_desc *s,
                                          const char *name, size_t len);

#endif
