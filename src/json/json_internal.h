/*
 * json_internal.h: what the JSON reader, decoder and encoder share: the
 * character classes, the scanning of strings and numbers, and the text
 * forms of values (base64, uuids, doubles) that JSON has no type for.
 *
 * Scanners take [p, end) and return the position after what they read, or
 * NULL with a description in a pst__jfail (so one error path words every
 * failure with its byte offset and the path of field names to it).
 */
#ifndef POSTERN_JSON_INTERNAL_H
#define POSTERN_JSON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postern/json.h"
#include "protocol/codec.h"

/* ---- character classes --------------------------------------------------- */

/* Bytes a string scanner must stop at: `"`, `\`, control characters and
 * everything from 0x80 (UTF-8 to validate). */
extern const uint8_t pst__json_str_stop[256];

/* Bytes before the first one a string scanner must stop at in s[0..n):
 * eight at a time (a byte below 0x20 or from 0x80, `"` or `\`). */
PST__INLINE size_t pst__json_plain_run(const uint8_t *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
        /* a zero byte in q or b, a byte below 0x20, or the top bit: stop */
        uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) |
                       ((x - ones * 0x20) & ~x) | x;
        if (hit & high)
            break;
    }
    while (i < n && !pst__json_str_stop[s[i]])
        i++;
    return i;
}

/* Does the NUL-terminated name `field` equal name[0..n)? name may hold
 * NULs (\u0000 in JSON): field's end is checked before each byte, so a
 * shorter field is never read past. */
PST__INLINE bool pst__json_name_is(const char *field, const char *name,
                                   size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (field[i] == '\0' || field[i] != name[i])
            return false;
    return field[n] == '\0';
}

PST__INLINE const char *pst__json_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

/* ---- failures ------------------------------------------------------------ */

/* The first failure of a read: code, what, where (offset into the
 * document); the path of field names is built as the walk unwinds. */
typedef struct pst__jfail {
    int code;
    size_t at;
    char what[120];
    char path[128]; /* filled from the back: path + path_pos is the text */
    size_t path_pos;
    bool path_cut;  /* segments were dropped for room */
} pst__jfail;

void pst__jfail_init(pst__jfail *f);
/* Record a failure at p (the first one sticks). Returns NULL. */
const char *pst__jfail_set(pst__jfail *f, const char *start, const char *p,
                           int code, const char *fmt, ...) PST__COLD
    __attribute__((format(printf, 5, 6)));
/* Put ".name" (or "[3]", "[key]") in front of the path. */
void pst__jfail_prepend(pst__jfail *f, const char *seg, size_t n) PST__COLD;
/* Into e: "path: what at byte N" (or "what at byte N"). Returns code. */
int pst__jfail_report(const pst__jfail *f, pst_error *e) PST__COLD;
/* The name of the JSON value starting at p, for "expected X, got Y". */
const char *pst__json_kind_name(const char *p, const char *end);

/* ---- scanning ------------------------------------------------------------ */

/* A string whose opening quote is at p: returns the position after the
 * closing quote; *raw is the text between the quotes, *escaped whether it
 * holds backslashes (unescaped, it is never longer than raw). Validates escapes and UTF-8. */
const char *pst__json_scan_string(pst__jfail *f, const char *start,
                                  const char *p, const char *end,
                                  pst_str *raw, bool *escaped);
/* Unescape a scanned string's raw text (already validated) into dst,
 * which has room for raw->len bytes; returns the length written. */
size_t pst__json_unescape(char *dst, const char *raw, size_t n);

/* A number token at p (JSON grammar): the position after it; *is_int when
 * it has neither fraction nor exponent. */
const char *pst__json_scan_number(pst__jfail *f, const char *start,
                                  const char *p, const char *end,
                                  bool *is_int);

/* Iterative skip of one value (structure and strings validated), at most
 * max_frames nested arrays and objects. */
const char *pst__json_skip_value(pst__jfail *f, const char *start,
                                 const char *p, const char *end,
                                 uint32_t max_frames);

/* Is s[0..n) valid UTF-8? */
bool pst__utf8_valid(const uint8_t *s, size_t n);
/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
size_t pst__utf8_seq(const uint8_t *s, size_t n);

/* The field of d named name[0..n) (n > 0), trying `want` (the one after
 * the previous match) first; NULL if none. Thread-safe. */
const pst_field *pst__json_field(const pst_struct_desc *d,
                                 const pst_field *want, const char *name,
                                 size_t n);

/* ---- text forms ---------------------------------------------------------- */

/* Base64 (standard alphabet, padded) of n bytes: 4 * ((n + 2) / 3) chars. */
size_t pst__base64_encode(char *dst, const uint8_t *src, size_t n);
/* Standard or URL-safe, padded or not; -1 if malformed. dst has room for
 * n * 3 / 4 + 3 bytes. */
long long pst__base64_decode(uint8_t *dst, const char *src, size_t n);

/* The 36 characters of the canonical form. */
void pst__uuid_format(char dst[36], const pst_uuid *u);
bool pst__uuid_parse(pst_uuid *u, const char *s, size_t n);

/* Shortest of %.15g/%.16g/%.17g that reads back exactly; NaN and the
 * infinities as NaN, Infinity, -Infinity (unquoted: the caller quotes).
 * At most 32 characters; returns the length. */
size_t pst__double_format(char dst[32], double d);

/* Decimal text of x; at most 20 characters; returns the length. */
size_t pst__i64_format(char dst[24], int64_t x);

/* An integer literal (JSON grammar, no fraction or exponent) as int64:
 * 0, or -1 when out of range. */
int pst__i64_parse(const char *s, size_t n, int64_t *out);

#endif
