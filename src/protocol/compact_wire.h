/*
 * compact_wire.h: the compact protocol's type codes and its varint and
 * zigzag writers, shared by the walker (compact.c) and the encoding plans
 * (compact_plan.c).
 */
#ifndef POSTERN_PROTOCOL_COMPACT_WIRE_H
#define POSTERN_PROTOCOL_COMPACT_WIRE_H

#include "protocol/codec.h"

enum {
    CT_STOP = 0,
    CT_TRUE = 1,
    CT_FALSE = 2,
    CT_BYTE = 3,
    CT_I16 = 4,
    CT_I32 = 5,
    CT_I64 = 6,
    CT_DOUBLE = 7,
    CT_BINARY = 8,
    CT_LIST = 9,
    CT_SET = 10,
    CT_MAP = 11,
    CT_STRUCT = 12,
    CT_UUID = 13,
};

/* Varints, unrolled: each test looks at v itself, not at a value shifted
 * by the previous step, so the bytes do not wait on each other. The
 * caller has reserved the widest form (5 or 10 bytes). */
PST__INLINE uint8_t *cw_varint32(uint8_t *o, uint32_t v)
{
    if (v < (1u << 7)) {
        o[0] = (uint8_t)v;
        return o + 1;
    }
    o[0] = (uint8_t)(v | 0x80);
    if (v < (1u << 14)) {
        o[1] = (uint8_t)(v >> 7);
        return o + 2;
    }
    o[1] = (uint8_t)((v >> 7) | 0x80);
    if (v < (1u << 21)) {
        o[2] = (uint8_t)(v >> 14);
        return o + 3;
    }
    o[2] = (uint8_t)((v >> 14) | 0x80);
    if (v < (1u << 28)) {
        o[3] = (uint8_t)(v >> 21);
        return o + 4;
    }
    o[3] = (uint8_t)((v >> 21) | 0x80);
    o[4] = (uint8_t)(v >> 28);
    return o + 5;
}

PST__INLINE uint8_t *cw_varint64(uint8_t *o, uint64_t v)
{
    if (v < (1u << 28))
        return cw_varint32(o, (uint32_t)v);
    o[0] = (uint8_t)(v | 0x80);
    o[1] = (uint8_t)((v >> 7) | 0x80);
    o[2] = (uint8_t)((v >> 14) | 0x80);
    o[3] = (uint8_t)((v >> 21) | 0x80);
    o += 4;
    v >>= 28;
    while (v >= 0x80) {
        *o++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *o++ = (uint8_t)v;
    return o;
}

PST__INLINE uint32_t zigzag32(int32_t n)
{
    return ((uint32_t)n << 1) ^ (uint32_t)(n >> 31);
}

PST__INLINE uint64_t zigzag64(int64_t n)
{
    return ((uint64_t)n << 1) ^ (uint64_t)(n >> 63);
}

#endif
