/*
 * debug_read.c: the debug protocol's reader (debug.c describes the text),
 * and pst_debug_parse. Liberal where people write text: any whitespace,
 * optional trailing commas and field names; strict where values are:
 * counts and list indexes checked, numbers in range, every escape known.
 * Errors name the offset.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "protocol/debug_internal.h"

typedef struct dr {
    pst__walk_in base;
    uint32_t top;
    uint8_t st[PST__DEBUG_MAX_NEST];
    uint32_t idx[PST__DEBUG_MAX_NEST];
} dr;

#define DR(in) ((dr *)(in))

/* The literal s (after whitespace), or a failure naming what it was for. */
static int dr_expect(dr *j, const char *s, const char *what)
{
    pst__walk_in_skip_ws(&j->base);
    size_t n = strlen(s);
    const uint8_t *p = j->base.p;
    for (size_t i = 0; i < n; i++) {
        if (p + i >= j->base.c.end)
            return pst__walk_in_short(&j->base, what);
        if (p[i] != (uint8_t)s[i]) {
            char b[8], msg[80];
            j->base.p = p + i;
            snprintf(msg, sizeof msg, "expected '%s' %s, found %%s", s, what);
            return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, msg,
                                     pst__walk_show_byte(p + i, b));
        }
    }
    j->base.p = p + n;
    return 0;
}

/* An optional literal byte; true when it was there. */
static bool dr_accept(dr *j, char ch)
{
    pst__walk_in_skip_ws(&j->base);
    if (j->base.p < j->base.c.end && *j->base.p == (uint8_t)ch) {
        j->base.p++;
        return true;
    }
    return false;
}

static inline bool ident_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* An identifier (letters, digits, '_', '.'), possibly empty. */
static void dr_ident(dr *j, const uint8_t **s, size_t *n)
{
    pst__walk_in_skip_ws(&j->base);
    const uint8_t *p = j->base.p, *end = j->base.c.end;
    *s = p;
    while (p < end && ident_char(*p))
        p++;
    *n = (size_t)(p - *s);
    j->base.p = p;
}

/* An integer in [lo, hi]: decimal with an optional '-', or 0x hex (for a
 * byte, its two's complement: 0x80 is -128). */
static int dr_int(dr *j, int64_t lo, int64_t hi, const char *what,
                  int64_t *out)
{
    pst__walk_in_skip_ws(&j->base);
    const uint8_t *at = j->base.p, *p = at, *end = j->base.c.end;
    char tok[32];
    size_t n = 0;
    /* a sign only first: "0->" is 0 and a map's arrow */
    while (p < end && (ident_char(*p) || (p == at && (*p == '-' || *p == '+')))) {
        if (n + 1 >= sizeof tok) {
            return pst__walk_in_fail(&j->base, PST_E_PROTOCOL,
                                     "%s has too many characters",
                           what);
        }
        tok[n++] = (char)*p++;
    }
    tok[n] = '\0';
    if (p >= end)
        return pst__walk_in_short(&j->base, what); /* more digits may follow */
    const char *s = tok;
    bool neg = *s == '-';
    if (neg)
        s++;
    uint64_t u = 0;
    bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex)
        s += 2;
    if (!*s)
        goto bad;
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (hex && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
            d = (unsigned)((*s | 0x20) - 'a' + 10);
        else
            goto bad;
        unsigned base = hex ? 16 : 10;
        if (u > (UINT64_MAX - d) / base)
            goto range;
        u = u * base + d;
    }
    if (hex && !neg && lo == INT8_MIN && hi == INT8_MAX && u <= 0xff) {
        *out = (int8_t)(uint8_t)u;
        j->base.p = p;
        return 0;
    }
    if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
        goto range;
    int64_t v = neg ? (int64_t)(0 - u) : (int64_t)u;
    if (v < lo || v > hi)
        goto range;
    *out = v;
    j->base.p = p;
    return 0;
bad : {
    char msg[64];
    snprintf(msg, sizeof msg, "expected %s, found '%%s'", what);
    if (n == 0) {
        char b[8];
        snprintf(msg, sizeof msg, "expected %s, found %%s", what);
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, msg,
                                 pst__walk_show_byte(at, b));
    }
    return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, msg, tok);
}
range : {
    char msg[64];
    snprintf(msg, sizeof msg, "%s value %%s out of range", what);
    return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, msg, tok);
}
}

/* A type name between the current position and the next non-letter. */
static int dr_type(dr *j, unsigned *tt)
{
    const uint8_t *s;
    size_t n;
    dr_ident(j, &s, &n);
    for (unsigned t = 0; t < 17; t++) {
        const char *name = pst__debug_type_names[t];
        if (name && strlen(name) == n && memcmp(name, s, n) == 0) {
            *tt = t;
            return 0;
        }
    }
    if (n == 2 && memcmp(s, "i8", 2) == 0) {
        *tt = PST_TT_I8;
        return 0;
    }
    if (j->base.p >= j->base.c.end)
        return pst__walk_in_short(&j->base, "type name");
    char what[16];
    snprintf(what, sizeof what, "%.*s", (int)(n < 12 ? n : 12),
             (const char *)s);
    j->base.p = s;
    return pst__walk_in_fail(&j->base, PST_E_BAD_TYPE, "unknown type name \"%s\"", what);
}

static int dr_push(dr *j, uint8_t state)
{
    if (j->top == PST__DEBUG_MAX_NEST)
        return pst__walk_in_fail(&j->base, PST_E_LIMIT, "nested deeper than %s",
                       "the reader's limit");
    j->st[j->top] = state;
    j->idx[j->top] = 0;
    j->top++;
    return 0;
}

/* Before a value, what its level puts there: "[i] =" in a list, "->"
 * before a map's value. */
static int dr_start_item(dr *j)
{
    uint32_t t = j->top - 1;
    switch (j->st[t]) {
    case PST__DBG_MAP_VALUE:
        return dr_expect(j, "->", "between a map's key and value");
    case PST__DBG_LIST: {
        int64_t i;
        if (dr_expect(j, "[", "before a list element's index") < 0 ||
            dr_int(j, 0, UINT32_MAX, "list index", &i) < 0)
            return -1;
        if ((uint64_t)i != j->idx[t]) {
            char b[24];
            snprintf(b, sizeof b, "%u", j->idx[t]);
            return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "list index out of order: "
                                              "expected [%s]", b);
        }
        j->idx[t]++;
        return dr_expect(j, "]", "after a list index") < 0 ||
                       dr_expect(j, "=", "after a list index")
                   ? -1
                   : 0;
    }
    }
    return 0;
}

static void dr_end_item(dr *j)
{
    uint8_t *s = &j->st[j->top - 1];
    if (*s == PST__DBG_MAP_KEY) {
        *s = PST__DBG_MAP_VALUE;
        return;
    }
    if (*s == PST__DBG_MAP_VALUE)
        *s = PST__DBG_MAP_KEY;
    if (*s != PST__DBG_TOP)
        dr_accept(j, ',');
}

static int dr_close(dr *j, const char *what)
{
    if (dr_expect(j, "}", what) < 0)
        return -1;
    if (j->top > 1)
        j->top--;
    dr_end_item(j);
    return 0;
}

static int r_struct_begin(pst__walk_in *in)
{
    dr *j = DR(in);
    const uint8_t *s;
    size_t n;
    if (dr_start_item(j) < 0)
        return -1;
    dr_ident(j, &s, &n); /* the struct's name: for people, not checked */
    if (dr_expect(j, "{", "to open a struct") < 0)
        return -1;
    return dr_push(j, PST__DBG_STRUCT);
}
static int r_struct_end(pst__walk_in *in)
{
    return dr_close(DR(in), "to close a struct");
}
static int r_field_begin(pst__walk_in *in, unsigned *tt, int16_t *id)
{
    dr *j = DR(in);
    pst__walk_in_skip_ws(&j->base);
    if (in->p >= in->c.end)
        return pst__walk_in_short(&j->base, "field");
    if (*in->p == '}') {
        *tt = PST_TT_STOP;
        return 0;
    }
    int64_t v;
    const uint8_t *s;
    size_t n;
    if (dr_int(j, INT16_MIN, INT16_MAX, "field id", &v) < 0 ||
        dr_expect(j, ":", "after a field id") < 0)
        return -1;
    dr_ident(j, &s, &n); /* the field's name: fields are found by id */
    if (dr_expect(j, "(", "before a field's type") < 0 || dr_type(j, tt) < 0 ||
        dr_expect(j, ")", "after a field's type") < 0 ||
        dr_expect(j, "=", "before a field's value") < 0)
        return -1;
    *id = (int16_t)v;
    return 0;
}
static int r_field_end(pst__walk_in *in)
{
    (void)in;
    return 0;
}

/* "<count>] {" after a container's types. */
static int dr_count(dr *j, const char *what, uint32_t *n)
{
    int64_t v;
    if (dr_expect(j, "[", what) < 0 || dr_int(j, 0, INT32_MAX, what, &v) < 0 ||
        dr_expect(j, "]", what) < 0 || dr_expect(j, "{", what) < 0)
        return -1;
    *n = (uint32_t)v;
    return 0;
}

static int r_map_begin(pst__walk_in *in, unsigned *kt, unsigned *vt,
                       uint32_t *n)
{
    dr *j = DR(in);
    if (dr_start_item(j) < 0 || dr_expect(j, "map<", "to open a map") < 0 ||
        dr_type(j, kt) < 0 || dr_expect(j, ",", "between a map's types") < 0 ||
        dr_type(j, vt) < 0 || dr_expect(j, ">", "after a map's types") < 0 ||
        dr_count(j, "map size", n) < 0)
        return -1;
    return dr_push(j, PST__DBG_MAP_KEY);
}
static int r_map_end(pst__walk_in *in)
{
    return dr_close(DR(in), "to close a map");
}
static int r_coll_begin(pst__walk_in *in, unsigned ct, unsigned *et,
                        uint32_t *n)
{
    dr *j = DR(in);
    bool set = ct == PST_TT_SET;
    if (dr_start_item(j) < 0 ||
        dr_expect(j, set ? "set<" : "list<",
                  set ? "to open a set" : "to open a list") < 0 ||
        dr_type(j, et) < 0 || dr_expect(j, ">", "after an element type") < 0 ||
        dr_count(j, set ? "set size" : "list size", n) < 0)
        return -1;
    return dr_push(j, set ? PST__DBG_SET : PST__DBG_LIST);
}
static int r_coll_end(pst__walk_in *in, unsigned ct)
{
    return dr_close(DR(in), ct == PST_TT_SET ? "to close a set"
                                             : "to close a list");
}

static int r_bool(pst__walk_in *in, bool *v)
{
    dr *j = DR(in);
    const uint8_t *s;
    size_t n;
    if (dr_start_item(j) < 0)
        return -1;
    dr_ident(j, &s, &n);
    if (n == 4 && memcmp(s, "true", 4) == 0)
        *v = true;
    else if (n == 5 && memcmp(s, "false", 5) == 0)
        *v = false;
    else {
        if (in->p >= in->c.end)
            return pst__walk_in_short(&j->base, "bool");
        in->p = s;
        char b[8];
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL,
                                 "expected true or false, found %s",
                       pst__walk_show_byte(s, b));
    }
    dr_end_item(j);
    return 0;
}

static int dr_int_item(dr *j, int64_t lo, int64_t hi, const char *what,
                       int64_t *v)
{
    if (dr_start_item(j) < 0 || dr_int(j, lo, hi, what, v) < 0)
        return -1;
    dr_end_item(j);
    return 0;
}
static int r_i8(pst__walk_in *in, int8_t *v)
{
    int64_t x;
    if (dr_int_item(DR(in), INT8_MIN, INT8_MAX, "byte", &x) < 0)
        return -1;
    *v = (int8_t)x;
    return 0;
}
static int r_i16(pst__walk_in *in, int16_t *v)
{
    int64_t x;
    if (dr_int_item(DR(in), INT16_MIN, INT16_MAX, "i16", &x) < 0)
        return -1;
    *v = (int16_t)x;
    return 0;
}
static int r_i32(pst__walk_in *in, int32_t *v)
{
    int64_t x;
    if (dr_int_item(DR(in), INT32_MIN, INT32_MAX, "i32", &x) < 0)
        return -1;
    *v = (int32_t)x;
    return 0;
}
static int r_i64(pst__walk_in *in, int64_t *v)
{
    return dr_int_item(DR(in), INT64_MIN, INT64_MAX, "i64", v);
}

/* Decimal (strtod's syntax without hex or names), nan, nan(0xPAYLOAD),
 * inf, each with an optional sign. */
static int r_double(pst__walk_in *in, double *v)
{
    dr *j = DR(in);
    if (dr_start_item(j) < 0)
        return -1;
    pst__walk_in_skip_ws(&j->base);
    const uint8_t *at = in->p, *p = at, *end = in->c.end;
    char tok[48];
    size_t n = 0;
    /* a sign first or after an exponent's e: "1->" is 1 and an arrow */
    while (p < end &&
           (ident_char(*p) || *p == '(' || *p == ')' ||
            ((*p == '-' || *p == '+') &&
             (p == at || (p[-1] | 0x20) == 'e')))) {
        if (n + 1 >= sizeof tok)
            return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "%s",
                                     "double has too many "
                                     "characters");
        tok[n++] = (char)*p++;
        if (p[-1] == ')')
            break;
    }
    tok[n] = '\0';
    if (p >= end)
        return pst__walk_in_short(&j->base, "double");
    const char *s = tok;
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    uint64_t bits;
    if (!strcmp(s, "inf")) {
        *v = neg ? -INFINITY : INFINITY;
    } else if (!strncmp(s, "nan", 3)) {
        uint64_t payload = 0x0008000000000000ull;
        if (s[3]) {
            char *e = NULL;
            if (strncmp(s + 3, "(0x", 3) != 0)
                goto bad;
            payload = strtoull(s + 6, &e, 16);
            if (!e || e == s + 6 || strcmp(e, ")") != 0 || payload == 0 ||
                payload > 0x000fffffffffffffull)
                goto bad;
        }
        bits = 0x7ff0000000000000ull | payload | (neg ? 1ull << 63 : 0);
        memcpy(v, &bits, 8);
    } else {
        bool digit = false;
        for (const char *q = s; *q; q++) {
            if (*q >= '0' && *q <= '9')
                digit = true;
            else if (!strchr(".eE+-", *q))
                goto bad;
        }
        char *e = NULL;
        double d = digit ? strtod(tok, &e) : 0;
        if (!digit || !e || *e)
            goto bad;
        *v = d;
    }
    in->p = p;
    dr_end_item(j);
    return 0;
bad:
    if (n == 0) {
        char b[8];
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "expected a double, found %s",
                       pst__walk_show_byte(at, b));
    }
    return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "expected a double, found '%s'",
                             tok);
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* A quoted string, unescaped into the arena (s == NULL: checked only). */
static int r_text(pst__walk_in *in, pst_str *s)
{
    dr *j = DR(in);
    if (dr_start_item(j) < 0 || dr_expect(j, "\"", "to open a string") < 0)
        return -1;
    const uint8_t *p = in->p, *end = in->c.end, *q = p;
    bool esc = false;
    for (;;) { /* find the closing quote first: the copy's size */
        while (q < end && *q != '"' && *q != '\\')
            q++;
        if (q >= end)
            return pst__walk_in_short(&j->base, "string");
        if (*q == '"')
            break;
        esc = true;
        q += 2;
        if (q > end)
            return pst__walk_in_short(&j->base, "string");
    }
    size_t raw = (size_t)(q - p);
    uint8_t *dst = NULL;
    if (s && raw) {
        dst = pst__arena_bytes(in->c.arena, raw);
        if (!dst) {
            pst__dec_nomem(&in->c, p, raw, in->d, in->f);
            return -1;
        }
    }
    size_t k = 0;
    if (!esc) {
        if (dst)
            memcpy(dst, p, raw);
        k = raw;
    } else {
        for (const uint8_t *r = p; r < q;) {
            uint8_t c = *r;
            if (c != '\\') {
                if (dst)
                    dst[k] = c;
                k++;
                r++;
                continue;
            }
            uint8_t out;
            switch (r[1]) {
            case '\\': out = '\\'; break;
            case '"': out = '"'; break;
            case 'a': out = '\a'; break;
            case 'b': out = '\b'; break;
            case 'f': out = '\f'; break;
            case 'n': out = '\n'; break;
            case 'r': out = '\r'; break;
            case 't': out = '\t'; break;
            case 'v': out = '\v'; break;
            case 'x': {
                int hi = r + 2 < q ? hexval(r[2]) : -1;
                int lo = r + 3 < q ? hexval(r[3]) : -1;
                if (hi < 0 || lo < 0) {
                    in->p = r;
                    return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "%s",
                                   "\\x escape needs two hex digits");
                }
                out = (uint8_t)(hi << 4 | lo);
                r += 2;
                break;
            }
            default: {
                char b[8];
                in->p = r + 1;
                return pst__walk_in_fail(&j->base, PST_E_PROTOCOL,
                                         "unknown string escape \\%s",
                               pst__walk_show_byte(r + 1, b));
            }
            }
            r += 2;
            if (dst)
                dst[k] = out;
            k++;
        }
    }
    in->p = q + 1;
    if (end - in->p >= 3 && memcmp(in->p, "...", 3) == 0)
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "%s",
                       "string was shortened when printed (max_string): "
                       "its value is not in the text");
    if (s) {
        s->ptr = k ? (const char *)dst : "";
        s->len = k;
    }
    dr_end_item(j);
    return 0;
}

static int r_uuid(pst__walk_in *in, uint8_t b[16])
{
    dr *j = DR(in);
    if (dr_start_item(j) < 0)
        return -1;
    pst__walk_in_skip_ws(&j->base);
    const uint8_t *at = in->p, *p = at, *end = in->c.end;
    size_t k = 0;
    for (size_t i = 0; i < 36; i++, p++) {
        if (p >= end)
            return pst__walk_in_short(&j->base, "uuid");
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (*p != '-')
                goto bad;
            continue;
        }
        int d = hexval(*p);
        if (d < 0)
            goto bad;
        if (k % 2 == 0)
            b[k / 2] = (uint8_t)(d << 4);
        else
            b[k / 2] |= (uint8_t)d;
        k++;
    }
    if (p < end && ident_char(*p))
        goto bad;
    in->p = p;
    dr_end_item(j);
    return 0;
bad:
    in->p = at;
    return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "%s",
                   "uuid is not 32 hex digits (8-4-4-4-12)");
}

static const pst__walk_in_ops dr_ops = {
    r_struct_begin, r_struct_end, r_field_begin, r_field_end,
    r_map_begin,    r_map_end,    r_coll_begin,  r_coll_end,
    r_bool,         r_i8,         r_i16,         r_i32,
    r_i64,          r_double,     r_text,        r_text,
    r_uuid,
    /* fewest bytes per value: true, 0, 0, "", {}, map<i8,i8>[0]{},
     * set<i8>[0]{}, list<i8>[0]{} (i8: the shortest type name read), a
     * uuid */
    { [PST_TT_BOOL] = 4,   [PST_TT_I8] = 1,     [PST_TT_DOUBLE] = 1,
      [PST_TT_I16] = 1,    [PST_TT_I32] = 1,    [PST_TT_I64] = 1,
      [PST_TT_STRING] = 2, [PST_TT_STRUCT] = 2, [PST_TT_MAP] = 15,
      [PST_TT_SET] = 12,   [PST_TT_LIST] = 13,  [PST_TT_UUID] = 36 },
};

static dr *dr_new(const pst_rbuf *r, pst_arena *a, const pst_codec_config *cfg)
{
    dr *j = malloc(sizeof *j);
    if (!j) {
        pst_error_set(r->err, PST_E_NOMEM, "out of memory for the debug reader");
        return NULL;
    }
    j->base.ops = &dr_ops;
    pst__dec_init(&j->base.c, r->p, r->end, r->start, r->err, a, cfg);
    j->base.p = r->p;
    j->base.d = NULL;
    j->base.f = NULL;
    j->top = 1;
    j->st[0] = PST__DBG_TOP;
    j->idx[0] = 0;
    return j;
}

int pst__debug_read_struct(pst_rbuf *r, const pst_struct_desc *d, void *v,
                           pst_arena *a, const pst_codec_config *cfg)
{
    dr *j = dr_new(r, a, cfg);
    if (!j)
        return PST_E_NOMEM;
    int rc = pst__walk_read(&j->base, d, v);
    if (rc == 0)
        r->p = j->base.p;
    free(j);
    return rc;
}

int pst__debug_skip_struct(pst_rbuf *r, const pst_codec_config *cfg)
{
    dr *j = dr_new(r, NULL, cfg);
    if (!j)
        return PST_E_NOMEM;
    int rc = pst__walk_skip(&j->base, PST_TT_STRUCT);
    if (rc == 0)
        r->p = j->base.p;
    free(j);
    return rc;
}

int pst_debug_parse(const void *text, size_t len, const pst_struct_desc *d,
                    void *v, pst_arena *a, const pst_codec_config *cfg,
                    pst_error *err)
{
    if (!text || !d || !v || !a)
        return pst_error_set(err, PST_E_INVALID, "pst_debug_parse: NULL "
                                                 "argument");
    pst_rbuf r;
    pst_rbuf_init(&r, text, len, err);
    dr *j = dr_new(&r, a, cfg);
    if (!j)
        return PST_E_NOMEM;
    int rc = pst__walk_read(&j->base, d, v);
    if (rc == 0) {
        pst__walk_in_skip_ws(&j->base);
        if (j->base.p != j->base.c.end) {
            char b[8];
            rc = PST_E_PROTOCOL;
            pst__walk_in_fail(&j->base, rc, "text after the value: %s",
                              pst__walk_show_byte(j->base.p, b));
        }
    }
    free(j);
    return rc;
}

/* "(type seqid=N) name(" ; seqid= may be missing (Thrift's text has
 * none: 0). */
static int dr_message(dr *j, pst_msg_header *h)
{
    const uint8_t *s;
    size_t n;
    if (dr_expect(j, "(", "to open a message") < 0)
        return -1;
    dr_ident(j, &s, &n);
    int64_t type = 0, seqid = 0;
    static const struct { const char *name; int32_t type; } names[] = {
        { "call", PST_MSG_CALL },     { "reply", PST_MSG_REPLY },
        { "exn", PST_MSG_EXCEPTION }, { "exception", PST_MSG_EXCEPTION },
        { "oneway", PST_MSG_ONEWAY },
    };
    bool known = false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && memcmp(names[i].name, s, n) == 0) {
            type = names[i].type;
            known = true;
        }
    if (!known) {
        j->base.p = s;
        if (dr_int(j, INT32_MIN, INT32_MAX, "message type", &type) < 0)
            return -1;
    }
    pst__walk_in_skip_ws(&j->base);
    size_t left = (size_t)(j->base.c.end - j->base.p);
    if (left < 6 && memcmp(j->base.p, "seqid=", left) == 0)
        return pst__walk_in_short(&j->base, "sequence id");
    if (left >= 6 && !memcmp(j->base.p, "seqid=", 6)) {
        j->base.p += 6;
        if (dr_int(j, INT32_MIN, INT32_MAX, "sequence id", &seqid) < 0)
            return -1;
    }
    if (dr_expect(j, ")", "after the message type") < 0)
        return -1;
    pst__walk_in_skip_ws(&j->base);
    const uint8_t *p = j->base.p, *end = j->base.c.end;
    s = p;
    while (p < end && *p > ' ' && *p < 0x7f && *p != '(' && *p != ')')
        p++;
    if (p >= end)
        return pst__walk_in_short(&j->base, "method name");
    j->base.p = p;
    if (p == s)
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "%s",
                                 "message without a method name");
    if (dr_expect(j, "(", "after the method name") < 0)
        return -1;
    h->name.ptr = (const char *)s;
    h->name.len = (size_t)(p - s);
    h->type = (int32_t)type;
    h->seqid = (int32_t)seqid;
    return 0;
}

int pst__debug_read_message_begin(pst_rbuf *r, pst_msg_header *h,
                                  const pst_codec_config *cfg)
{
    dr *j = dr_new(r, NULL, cfg);
    if (!j)
        return PST_E_NOMEM;
    int rc = dr_message(j, h) < 0 ? j->base.c.code : 0;
    if (rc == 0)
        r->p = j->base.p;
    free(j);
    return rc;
}

/* ")\n": the newline belongs to the message, as the writer puts it, so
 * that a message's end is known without waiting for the next one. */
static int dr_message_end(dr *j)
{
    if (dr_expect(j, ")", "to close the message") < 0)
        return -1;
    if (j->base.p >= j->base.c.end)
        return pst__walk_in_short(&j->base, "message end");
    if (*j->base.p != '\n') {
        char b[8];
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "expected a newline after the "
                                          "message's ')', found %s",
                       pst__walk_show_byte(j->base.p, b));
    }
    j->base.p++;
    return 0;
}

int pst__debug_read_message_end(pst_rbuf *r, const pst_codec_config *cfg)
{
    dr *j = dr_new(r, NULL, cfg);
    if (!j)
        return PST_E_NOMEM;
    int rc = dr_message_end(j) < 0 ? j->base.c.code : 0;
    if (rc == 0)
        r->p = j->base.p;
    free(j);
    return rc;
}

/* The header, the struct and ")\n". */
int pst__debug_message_length(const uint8_t *p, size_t n,
                              const pst_codec_config *cfg, size_t *len,
                              pst_error *err)
{
    pst_rbuf r;
    pst_rbuf_init(&r, p, n, err);
    dr *j = dr_new(&r, NULL, cfg);
    if (!j)
        return PST_E_NOMEM;
    pst_msg_header h;
    int rc = 0;
    if (dr_message(j, &h) < 0 || pst__walk_skip(&j->base, PST_TT_STRUCT) != 0 ||
        dr_message_end(j) < 0)
        rc = j->base.c.code ? j->base.c.code : PST_E_PROTOCOL;
    if (rc == 0)
        *len = (size_t)(j->base.p - p);
    free(j);
    return rc;
}
