/*
 * json_text.c: the text forms of values JSON has no type for (base64,
 * uuids), doubles that read back exactly, exact 64-bit integers, and UTF-8
 * validation.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json_internal.h"

/* ---- UTF-8 ----------------------------------------------------------------- */

/* RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF. */
size_t pst__utf8_seq(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xc2)
        return 0;
    if (c < 0xe0) {
        if (n < 2 || (s[1] & 0xc0) != 0x80)
            return 0;
        return 2;
    }
    if (c < 0xf0) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if (c == 0xe0 && s[1] < 0xa0)
            return 0; /* overlong */
        if (c == 0xed && s[1] >= 0xa0)
            return 0; /* surrogate */
        return 3;
    }
    if (c < 0xf5) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
            (s[3] & 0xc0) != 0x80)
            return 0;
        if (c == 0xf0 && s[1] < 0x90)
            return 0; /* overlong */
        if (c == 0xf4 && s[1] >= 0x90)
            return 0; /* past U+10FFFF */
        return 4;
    }
    return 0;
}

bool pst__utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* eight ASCII bytes at a time */
        if (n - i >= 8) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            if (!(x & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        size_t k = pst__utf8_seq(s + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

/* ---- base64 ---------------------------------------------------------------- */

static const char b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t pst__base64_encode(char *dst, const uint8_t *src, size_t n)
{
    char *o = dst;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 |
                     src[i + 2];
        o[0] = b64_chars[v >> 18];
        o[1] = b64_chars[(v >> 12) & 63];
        o[2] = b64_chars[(v >> 6) & 63];
        o[3] = b64_chars[v & 63];
        o += 4;
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)src[i] << 16;
        o[0] = b64_chars[v >> 18];
        o[1] = b64_chars[(v >> 12) & 63];
        o[2] = o[3] = '=';
        o += 4;
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8;
        o[0] = b64_chars[v >> 18];
        o[1] = b64_chars[(v >> 12) & 63];
        o[2] = b64_chars[(v >> 6) & 63];
        o[3] = '=';
        o += 4;
    }
    return (size_t)(o - dst);
}

/* 0..63, or 64 for a byte outside both alphabets. */
static uint8_t b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return (uint8_t)(c - 'A');
    if (c >= 'a' && c <= 'z')
        return (uint8_t)(c - 'a' + 26);
    if (c >= '0' && c <= '9')
        return (uint8_t)(c - '0' + 52);
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return 64;
}

long long pst__base64_decode(uint8_t *dst, const char *src, size_t n)
{
    const uint8_t *s = (const uint8_t *)src;
    /* padding: only at the end, only to complete a group of four */
    size_t pad = 0;
    while (n > 0 && s[n - 1] == '=' && pad < 2) {
        n--;
        pad++;
    }
    if (pad && (n + pad) % 4 != 0)
        return -1;
    if (n % 4 == 1)
        return -1; /* one char holds 6 bits: never a whole byte */
    uint8_t *o = dst;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint8_t a = b64_value(s[i]), b = b64_value(s[i + 1]),
                c = b64_value(s[i + 2]), d = b64_value(s[i + 3]);
        if ((a | b | c | d) & 64)
            return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | d;
        o[0] = (uint8_t)(v >> 16);
        o[1] = (uint8_t)(v >> 8);
        o[2] = (uint8_t)v;
        o += 3;
    }
    size_t rest = n - i;
    if (rest) {
        uint8_t a = b64_value(s[i]), b = b64_value(s[i + 1]);
        uint8_t c = rest == 3 ? b64_value(s[i + 2]) : 0;
        if ((a | b | c) & 64)
            return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6;
        *o++ = (uint8_t)(v >> 16);
        if (rest == 3)
            *o++ = (uint8_t)(v >> 8);
    }
    return (long long)(o - dst);
}

/* ---- uuid ------------------------------------------------------------------ */

void pst__uuid_format(char dst[36], const pst_uuid *u)
{
    static const char hex[] = "0123456789abcdef";
    char *o = dst;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[u->bytes[i] >> 4];
        *o++ = hex[u->bytes[i] & 15];
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool pst__uuid_parse(pst_uuid *u, const char *s, size_t n)
{
    if (n != 36)
        return false;
    size_t j = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            if (s[j++] != '-')
                return false;
        }
        int hi = hex_value(s[j]), lo = hex_value(s[j + 1]);
        if (hi < 0 || lo < 0)
            return false;
        u->bytes[i] = (uint8_t)(hi << 4 | lo);
        j += 2;
    }
    return true;
}

/* ---- numbers --------------------------------------------------------------- */

/* snprintf writes the locale's decimal point; JSON wants '.'. */
static void fix_decimal_point(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',')
            s[i] = '.';
}

size_t pst__double_format(char dst[32], double d)
{
    if (isnan(d)) {
        memcpy(dst, "NaN", 3);
        return 3;
    }
    if (isinf(d)) {
        if (d < 0) {
            memcpy(dst, "-Infinity", 9);
            return 9;
        }
        memcpy(dst, "Infinity", 8);
        return 8;
    }
    /* Integers of up to 2^53 print exactly and quickly. */
    if (fabs(d) < 9007199254740992.0 && d == (double)(int64_t)d &&
        !(d == 0 && signbit(d))) {
        return pst__i64_format(dst, (int64_t)d);
    }
    /* Fewest of 15, 16, 17 significant digits that read back the same
     * double: 17 always do (IEEE 754 binary64). */
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(dst, 32, "%.*g", prec, d);
        if (n <= 0 || n >= 32)
            break;
        fix_decimal_point(dst, (size_t)n);
        if (prec == 17 || strtod(dst, NULL) == d)
            break;
    }
    return n > 0 && n < 32 ? (size_t)n : 0;
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

size_t pst__i64_format(char dst[24], int64_t x)
{
    uint64_t u = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
    size_t len = 0;
    if (x < 0)
        dst[len++] = '-';
    if (u < 10) {
        dst[len] = (char)('0' + u);
        return len + 1;
    }
    /* digits from the back, two at a time */
    char tmp[24];
    size_t n = sizeof tmp;
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        n -= 2;
        memcpy(tmp + n, digit_pairs + 2 * r, 2);
    }
    if (u >= 10) {
        n -= 2;
        memcpy(tmp + n, digit_pairs + 2 * u, 2);
    } else {
        tmp[--n] = (char)('0' + u);
    }
    memcpy(dst + len, tmp + n, sizeof tmp - n);
    return len + sizeof tmp - n;
}

int pst__i64_parse(const char *s, size_t n, int64_t *out)
{
    bool neg = false;
    size_t i = 0;
    if (i < n && s[i] == '-') {
        neg = true;
        i++;
    }
    if (i == n)
        return -1;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (; i < n; i++) {
        unsigned dgt = (unsigned)(s[i] - '0');
        if (dgt > 9)
            return -1;
        if (v > (limit - dgt) / 10)
            return -1;
        v = v * 10 + dgt;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}
