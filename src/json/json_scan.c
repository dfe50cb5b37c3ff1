/*
 * json_scan.c: JSON's grammar (RFC 8259) at the byte level: strings with
 * their escapes and UTF-8, numbers, skipping whole values; and the one
 * error path every reader failure goes through.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json/json_internal.h"

const uint8_t pst__json_str_stop[256] = {
    /* control characters */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
    /* 0x80..0xff */
    [0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* ---- failures ------------------------------------------------------------ */

void pst__jfail_init(pst__jfail *f)
{
    f->code = 0;
    f->at = 0;
    f->what[0] = '\0';
    f->path_pos = sizeof f->path - 1;
    f->path[f->path_pos] = '\0';
    f->path_cut = false;
}

const char *pst__jfail_set(pst__jfail *f, const char *start, const char *p,
                           int code, const char *fmt, ...)
{
    if (f->code)
        return NULL;
    f->code = code;
    f->at = (size_t)(p - start);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof f->what, fmt, ap);
    va_end(ap);
    return NULL;
}

void pst__jfail_prepend(pst__jfail *f, const char *seg, size_t n)
{
    if (f->path_cut)
        return;
    if (n > f->path_pos) {
        /* keep the innermost segments: they say the most */
        f->path_cut = true;
        return;
    }
    f->path_pos -= n;
    memcpy(f->path + f->path_pos, seg, n);
}

int pst__jfail_report(const pst__jfail *f, pst_error *e)
{
    const char *path = f->path + f->path_pos;
    if (*path == '.')
        path++;
    if (*path)
        pst_error_set(e, f->code, "%s%s: %s at byte %zu",
                      f->path_cut ? "..." : "", path, f->what, f->at);
    else
        pst_error_set(e, f->code, "%s at byte %zu", f->what, f->at);
    return f->code;
}

const char *pst__json_kind_name(const char *p, const char *end)
{
    if (p >= end)
        return "end of input";
    switch (*p) {
    case '{':
        return "object";
    case '[':
        return "array";
    case '"':
        return "string";
    case 't':
    case 'f':
        return "boolean";
    case 'n':
        return "null";
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return "number";
    }
    return "invalid character";
}

/* ---- strings ------------------------------------------------------------- */

static int hex4(const char *p, const char *end)
{
    if (end - p < 4)
        return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    return v;
}

const char *pst__json_scan_string(pst__jfail *f, const char *start,
                                  const char *p, const char *end,
                                  pst_str *raw, bool *escaped)
{
    const char *q = p + 1;
    bool esc = false;
    for (;;) {
        q += pst__json_plain_run((const uint8_t *)q, (size_t)(end - q));
        if (PST__UNLIKELY(q >= end))
            return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                                  "unterminated string");
        uint8_t c = (uint8_t)*q;
        if (c == '"')
            break;
        if (c == '\\') {
            esc = true;
            if (end - q < 2)
                return pst__jfail_set(f, start, q, PST_E_SYNTAX,
                                      "unterminated string");
            switch (q[1]) {
            case '"': case '\\': case '/': case 'b':
            case 'f': case 'n': case 'r': case 't':
                q += 2;
                continue;
            case 'u': {
                int u = hex4(q + 2, end);
                if (u < 0)
                    return pst__jfail_set(f, start, q, PST_E_SYNTAX,
                                          "bad \\u escape");
                if (u >= 0xdc00 && u <= 0xdfff)
                    return pst__jfail_set(f, start, q, PST_E_SYNTAX,
                                          "\\u%04x: a low surrogate without "
                                          "a high one", u);
                if (u >= 0xd800 && u <= 0xdbff) {
                    int lo = end - q >= 12 && q[6] == '\\' && q[7] == 'u'
                                 ? hex4(q + 8, end)
                                 : -1;
                    if (lo < 0xdc00 || lo > 0xdfff)
                        return pst__jfail_set(f, start, q, PST_E_SYNTAX,
                                              "\\u%04x: a high surrogate "
                                              "without a low one", u);
                    q += 12;
                } else {
                    q += 6;
                }
                continue;
            }
            default:
                return pst__jfail_set(f, start, q, PST_E_SYNTAX,
                                      "bad escape \\%c",
                                      (q[1] > 0x20 && q[1] < 0x7f) ? q[1]
                                                                    : '?');
            }
        }
        if (c < 0x20)
            return pst__jfail_set(f, start, q, PST_E_SYNTAX,
                                  "control character 0x%02x in a string "
                                  "(must be escaped)", c);
        size_t k = pst__utf8_seq((const uint8_t *)q, (size_t)(end - q));
        if (!k)
            return pst__jfail_set(f, start, q, PST_E_SYNTAX,
                                  "invalid UTF-8 in a string");
        q += k;
    }
    raw->ptr = p + 1;
    raw->len = (size_t)(q - (p + 1));
    *escaped = esc;
    return q + 1;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t pst__json_unescape(char *dst, const char *raw, size_t n)
{
    const char *p = raw, *end = raw + n;
    char *o = dst;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        size_t run = bs ? (size_t)(bs - p) : (size_t)(end - p);
        memmove(o, p, run);
        o += run;
        p += run;
        if (!bs)
            break;
        char c = p[1];
        p += 2;
        switch (c) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp = (unsigned)hex4(p, end);
            p += 4;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                unsigned lo = (unsigned)hex4(p + 2, end);
                p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            o += put_utf8(o, cp);
            break;
        }
        default: *o++ = c; break; /* " \ / */
        }
    }
    return (size_t)(o - dst);
}

/* ---- numbers ------------------------------------------------------------- */

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

const char *pst__json_scan_number(pst__jfail *f, const char *start,
                                  const char *p, const char *end,
                                  bool *is_int)
{
    const char *q = p;
    bool integer = true;
    if (q < end && *q == '-')
        q++;
    if (q >= end || !is_digit(*q))
        return pst__jfail_set(f, start, p, PST_E_SYNTAX, "bad number");
    if (*q == '0') {
        q++;
        if (q < end && is_digit(*q))
            return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                                  "bad number (leading zero)");
    } else {
        while (q < end && is_digit(*q))
            q++;
    }
    if (q < end && *q == '.') {
        integer = false;
        q++;
        if (q >= end || !is_digit(*q))
            return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                                  "bad number (no digit after '.')");
        while (q < end && is_digit(*q))
            q++;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        integer = false;
        q++;
        if (q < end && (*q == '+' || *q == '-'))
            q++;
        if (q >= end || !is_digit(*q))
            return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                                  "bad number (no digit in the exponent)");
        while (q < end && is_digit(*q))
            q++;
    }
    *is_int = integer;
    return q;
}

/* ---- skipping ------------------------------------------------------------ */

static const char *skip_literal(pst__jfail *f, const char *start,
                                const char *p, const char *end)
{
    static const char *const words[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if (*p == words[i][0]) {
            if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0)
                return p + n;
            break;
        }
    }
    if (p >= end)
        return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                              "unexpected end of input");
    return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                          "expected a value, got %s",
                          pst__json_kind_name(p, end));
}

/* Containers are tracked as a bit stack (1 = object), so nesting costs
 * no recursion and 1 bit per level. */
#define SKIP_MAX_FRAMES 4160u

const char *pst__json_skip_value(pst__jfail *f, const char *start,
                                 const char *p, const char *end,
                                 uint32_t max_frames)
{
    uint8_t stack[SKIP_MAX_FRAMES / 8];
    uint32_t depth = 0;
    if (max_frames > SKIP_MAX_FRAMES)
        max_frames = SKIP_MAX_FRAMES;
    for (;;) {
        /* a value */
        p = pst__json_ws(p, end);
        if (p >= end)
            return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                                  "unexpected end of input");
        char c = *p;
        if (c == '{' || c == '[') {
            if (depth >= max_frames)
                return pst__jfail_set(f, start, p, PST_E_LIMIT,
                                      "arrays and objects nested deeper "
                                      "than %u", max_frames);
            bool obj = c == '{';
            if (obj)
                stack[depth >> 3] |= (uint8_t)(1u << (depth & 7));
            else
                stack[depth >> 3] &= (uint8_t)~(1u << (depth & 7));
            depth++;
            p = pst__json_ws(p + 1, end);
            if (p < end && *p == (obj ? '}' : ']')) {
                p++;
                depth--;
                goto after_value;
            }
            if (obj)
                goto member_name;
            continue;
        } else if (c == '"') {
            pst_str raw;
            bool esc;
            p = pst__json_scan_string(f, start, p, end, &raw, &esc);
        } else if (c == '-' || is_digit(c)) {
            bool is_int;
            p = pst__json_scan_number(f, start, p, end, &is_int);
        } else {
            p = skip_literal(f, start, p, end);
        }
        if (!p)
            return NULL;
    after_value:
        for (;;) {
            if (depth == 0)
                return p;
            bool obj = (stack[(depth - 1) >> 3] >> ((depth - 1) & 7)) & 1;
            p = pst__json_ws(p, end);
            if (p >= end)
                return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                                      "unexpected end of input");
            if (*p == ',') {
                p++;
                if (obj)
                    goto member_name;
                break; /* the next element */
            }
            if (*p == (obj ? '}' : ']')) {
                p++;
                depth--;
                continue;
            }
            return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                                  obj ? "expected ',' or '}'"
                                      : "expected ',' or ']'");
        }
        continue;
    member_name:
        p = pst__json_ws(p, end);
        if (p >= end || *p != '"')
            return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                                  p >= end ? "unexpected end of input"
                                           : "expected a member name");
        {
            pst_str raw;
            bool esc;
            p = pst__json_scan_string(f, start, p, end, &raw, &esc);
            if (!p)
                return NULL;
        }
        p = pst__json_ws(p, end);
        if (p >= end || *p != ':')
            return pst__jfail_set(f, start, p, PST_E_SYNTAX,
                                  "expected ':' after a member name");
        p++;
    }
}
