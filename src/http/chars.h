/*
 * chars.h: byte classes of HTTP/1.1 (RFC 9110 5.6.2, 5.5; RFC 9112 3),
 * shared by the head parser and the chunked decoder. One table lookup per
 * byte; the tables are built at compile time.
 */
#ifndef POSTERN_HTTP_CHARS_H
#define POSTERN_HTTP_CHARS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum {
    PST__HC_TCHAR = 1u << 0,  /* token: ALPHA DIGIT !#$%&'*+-.^_`|~ */
    PST__HC_FIELD = 1u << 1,  /* field value: HT SP VCHAR obs-text */
    PST__HC_TARGET = 1u << 2, /* request-target: VCHAR (0x21..0x7e) */
    PST__HC_HEX = 1u << 3     /* HEXDIG */
};

extern const uint8_t pst__http_class[256];

static inline bool pst__http_tchar(uint8_t c)
{
    return pst__http_class[c] & PST__HC_TCHAR;
}

static inline bool pst__http_field_char(uint8_t c)
{
    return pst__http_class[c] & PST__HC_FIELD;
}

/* Eight bytes at a time (SWAR): a word with no byte that could be wrong
 * is passed whole; a word that might hold one is looked at byte by byte.
 * "Any byte below n" for n <= 128 is exact (no false negatives). */
#define PST__HTTP_ONES 0x0101010101010101ull
#define PST__HTTP_HIGHS 0x8080808080808080ull

static inline uint64_t pst__http_below(uint64_t x, unsigned n)
{
    return (x - PST__HTTP_ONES * n) & ~x & PST__HTTP_HIGHS;
}

/* The first byte of [s, e) that is not a field-value byte, or e. */
static inline const uint8_t *pst__http_skip_field(const uint8_t *s,
                                                  const uint8_t *e)
{
    const uint8_t *start = s;
    while (e - s >= 8) {
        uint64_t x;
        memcpy(&x, s, 8);
        /* controls (HT among them) and DEL are the suspects */
        if (pst__http_below(x, 0x20) |
            pst__http_below(x ^ (PST__HTTP_ONES * 0x7f), 1)) {
            for (int i = 0; i < 8; i++)
                if (!pst__http_field_char(s[i]))
                    return s + i;
        }
        s += 8;
    }
    if (s < e && e - start >= 8) {
        /* the tail as the last eight bytes, overlapping the word before:
         * when it is clean, no byte loop */
        uint64_t x;
        memcpy(&x, e - 8, 8);
        if (!(pst__http_below(x, 0x20) |
              pst__http_below(x ^ (PST__HTTP_ONES * 0x7f), 1)))
            return e;
    }
    while (s < e && pst__http_field_char(*s))
        s++;
    return s;
}

/* The first byte of [s, e) that is not a request-target byte (VCHAR), or
 * e: the SP after the target, or a fault. */
static inline const uint8_t *pst__http_skip_target(const uint8_t *s,
                                                   const uint8_t *e)
{
    while (e - s >= 8) {
        uint64_t x;
        memcpy(&x, s, 8);
        if (pst__http_below(x, 0x21) | (x & PST__HTTP_HIGHS) |
            pst__http_below(x ^ (PST__HTTP_ONES * 0x7f), 1)) {
            for (int i = 0; i < 8; i++)
                if (!(pst__http_class[s[i]] & PST__HC_TARGET))
                    return s + i;
        }
        s += 8;
    }
    while (s < e && (pst__http_class[*s] & PST__HC_TARGET))
        s++;
    return s;
}

static inline int pst__http_hex(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

#endif
