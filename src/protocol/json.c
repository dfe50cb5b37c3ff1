/*
 * json.c: TJSONProtocol, as Apache Thrift C++ 0.17 writes it, on the
 * generic walker (walk.h).
 *
 *   message   [1,"name",type,seqid,{struct}]
 *   struct    {"1":{"i32":5},"2":{"str":"text"}}   (field id: type: value)
 *   list/set  ["i32",3,1,2,3]
 *   map       ["str","i64",2,{"a":1,"b":2}]        (keys always quoted)
 *   types     tf i8 i16 i32 i64 dbl str rec map set lst; uuid as "uid"
 *             (the name later Thrift releases use; 0.17 has no uuid)
 *   values    bool as 0/1; doubles as C++ prints them (17 significant
 *             digits, "%.17g"), with NaN, Infinity and -Infinity quoted;
 *             binary as base64 without padding; strings with ", \ and
 *             control characters escaped (\b \t \n \f \r, else \u00xx)
 *
 * Numbers in a key position are quoted, as Thrift's pair context does.
 * Reading is liberal where other Thrift libraries write differently:
 * whitespace between tokens, numbers quoted or not anywhere, base64 with
 * or without padding, bare nan/inf/-inf (Python), every JSON escape
 * including \/, surrogate pairs and \u0000, true/false for bools.
 *
 * The message's closing ']' is written by write_message_end and read by
 * read_message_end; message_length measures the whole message.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "protocol/walk.h"

/* Separators follow Thrift's contexts: in a list (array) every value but
 * the first is preceded by ','; in a pair context (object) keys and values
 * alternate, ':' before a value, ',' before every key but the first, and a
 * number in key position is quoted. A context is one byte. Structs and
 * field wrappers take two contexts per struct level, maps two, lists one;
 * skipping bounds nesting by max_frames, so this always suffices there. */
#define JSON_MAX_NEST (2u * (4u * PST__MAX_DEPTH_CAP + 64u) + 16u)

enum { CTX_LIST = 0, CTX_PAIR = 1, CTX_FIRST = 2, CTX_COLON = 4 };

static const char *const type_names[17] = {
    [PST_TT_BOOL] = "tf",    [PST_TT_I8] = "i8",     [PST_TT_I16] = "i16",
    [PST_TT_I32] = "i32",    [PST_TT_I64] = "i64",   [PST_TT_DOUBLE] = "dbl",
    [PST_TT_STRING] = "str", [PST_TT_STRUCT] = "rec", [PST_TT_MAP] = "map",
    [PST_TT_SET] = "set",    [PST_TT_LIST] = "lst",  [PST_TT_UUID] = "uid",
};

static const char b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ======================================================================== */
/* writing                                                                  */
/* ======================================================================== */

typedef struct jw {
    pst__walk_out base;
    uint32_t top; /* contexts in use; 0: top level (no separators) */
    uint8_t ctx[JSON_MAX_NEST];
} jw;

static inline void put(jw *j, const void *s, size_t n)
{
    pst_wbuf_append(j->base.w, s, n);
}

static inline void put1(jw *j, char ch)
{
    pst_wbuf *w = j->base.w;
    if (pst_wbuf_reserve(w, 1) == 0)
        w->data[w->len++] = (uint8_t)ch;
}

/* The separator before a value; true when a number must be quoted. */
static bool jw_sep(jw *j)
{
    if (!j->top)
        return false;
    uint8_t *c = &j->ctx[j->top - 1];
    if (*c & CTX_PAIR) {
        if (*c & CTX_FIRST) {
            *c = (uint8_t)((*c & ~CTX_FIRST) | CTX_COLON);
            return true;
        }
        put1(j, (*c & CTX_COLON) ? ':' : ',');
        *c ^= CTX_COLON;
        return (*c & CTX_COLON) != 0;
    }
    if (*c & CTX_FIRST)
        *c &= (uint8_t)~CTX_FIRST;
    else
        put1(j, ',');
    return false;
}

static void jw_open(jw *j, char ch, uint8_t kind)
{
    jw_sep(j);
    put1(j, ch);
    if (j->top == JSON_MAX_NEST) {
        if (!j->base.code)
            j->base.code = PST_E_LIMIT;
        return;
    }
    j->ctx[j->top++] = (uint8_t)(kind | CTX_FIRST);
}

static void jw_close(jw *j, char ch)
{
    if (j->top)
        j->top--;
    put1(j, ch);
}

/* Decimal digits of v into the end of buf; returns where they start. */
static char *fmt_i64(char *end, int64_t v)
{
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char *s = end;
    do {
        *--s = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--s = '-';
    return s;
}

static void jw_int(jw *j, int64_t v)
{
    char buf[24];
    char *end = buf + sizeof buf - 1;
    *end = '"';
    char *s = fmt_i64(end, v);
    if (jw_sep(j)) {
        *--s = '"';
        end++;
    }
    put(j, s, (size_t)(end - s));
}

/* What "%.17g" prints for v, without snprintf, when v is a multiple of
 * 1/16 under 1e12 in magnitude: then it has at most 12 + 4 significant
 * digits, so "%.17g" prints it exactly, in fixed notation, without
 * trailing zeros. The text goes to the end of buf; NULL for other values. */
static char *fmt_sixteenths(char *end, double v)
{
    double s = v * 16; /* exact: a power of two */
    if (!(fabs(v) < 1e12) || s != (double)(int64_t)s)
        return NULL;
    int64_t n = (int64_t)s;
    uint64_t u = n < 0 ? (uint64_t)-n : (uint64_t)n;
    char *p = end;
    unsigned frac = (unsigned)(u & 15) * 625; /* sixteenths in 1/10000 */
    if (frac) {
        int digits = 4;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int i = 0; i < digits; i++) {
            *--p = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--p = '.';
    }
    u >>= 4;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (signbit(v))
        *--p = '-'; /* -0 too, as "%.17g" prints it */
    return p;
}

static void jw_double(jw *j, double v)
{
    bool quote = jw_sep(j);
    if (isnan(v)) {
        put(j, "\"NaN\"", 5);
        return;
    }
    if (isinf(v)) {
        if (v < 0)
            put(j, "\"-Infinity\"", 11);
        else
            put(j, "\"Infinity\"", 10);
        return;
    }
    char buf[40];
    char *end = buf + sizeof buf - 1;
    *end = '"';
    char *s = fmt_sixteenths(end, v);
    if (s) {
        if (quote) {
            *--s = '"';
            end++;
        }
        put(j, s, (size_t)(end - s));
        return;
    }
    int n = snprintf(buf + 1, sizeof buf - 2, "%.17g", v);
    if (quote) {
        buf[0] = '"';
        buf[n + 1] = '"';
        put(j, buf, (size_t)n + 2);
    } else {
        put(j, buf + 1, (size_t)n);
    }
}

/* Which bytes a string escapes: 0 none, else the letter after '\', or
 * 'u' for \u00xx. */
static const uint8_t esc_char[256] = {
    ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r',
    [0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u',
    [0x05] = 'u', [0x06] = 'u', [0x07] = 'u', [0x0b] = 'u', [0x0e] = 'u',
    [0x0f] = 'u', [0x10] = 'u', [0x11] = 'u', [0x12] = 'u', [0x13] = 'u',
    [0x14] = 'u', [0x15] = 'u', [0x16] = 'u', [0x17] = 'u', [0x18] = 'u',
    [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u', [0x1d] = 'u',
    [0x1e] = 'u', [0x1f] = 'u', ['"'] = '"', ['\\'] = '\\',
};

static void jw_text(jw *j, const char *p, size_t n)
{
    jw_sep(j);
    put1(j, '"');
    if (n == 0) { /* p may be NULL (an unset string) */
        put1(j, '"');
        return;
    }
    const uint8_t *s = (const uint8_t *)p, *run = s, *end = s + n;
    for (; s < end; s++) {
        uint8_t e = esc_char[*s];
        if (!e)
            continue;
        put(j, run, (size_t)(s - run));
        run = s + 1;
        if (e == 'u') {
            static const char hex[] = "0123456789abcdef";
            char u[6] = { '\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 15] };
            put(j, u, 6);
        } else {
            char u[2] = { '\\', (char)e };
            put(j, u, 2);
        }
    }
    put(j, run, (size_t)(end - run));
    put1(j, '"');
}

static void jw_base64(jw *j, const uint8_t *s, size_t n)
{
    jw_sep(j);
    pst_wbuf *w = j->base.w;
    if (n > (SIZE_MAX - 2) / 4 * 3) {
        put(j, NULL, SIZE_MAX); /* fails with PST_E_LIMIT */
        return;
    }
    size_t out = n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
    if (pst_wbuf_reserve(w, out + 2) != 0)
        return;
    uint8_t *o = w->data + w->len;
    *o++ = '"';
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t x = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        o[0] = (uint8_t)b64_chars[x >> 18];
        o[1] = (uint8_t)b64_chars[(x >> 12) & 63];
        o[2] = (uint8_t)b64_chars[(x >> 6) & 63];
        o[3] = (uint8_t)b64_chars[x & 63];
        o += 4;
    }
    if (n - i == 1) {
        o[0] = (uint8_t)b64_chars[s[i] >> 2];
        o[1] = (uint8_t)b64_chars[(s[i] & 3) << 4];
        o += 2;
    } else if (n - i == 2) {
        uint32_t x = (uint32_t)s[i] << 8 | s[i + 1];
        o[0] = (uint8_t)b64_chars[x >> 10];
        o[1] = (uint8_t)b64_chars[(x >> 4) & 63];
        o[2] = (uint8_t)b64_chars[(x & 15) << 2];
        o += 3;
    }
    *o++ = '"';
    w->len = (size_t)(o - w->data);
}

#define JW(o) ((jw *)(o))

static void w_struct_begin(pst__walk_out *o, const pst_struct_desc *d)
{
    (void)d;
    jw_open(JW(o), '{', CTX_PAIR);
}
static void w_struct_end(pst__walk_out *o) { jw_close(JW(o), '}'); }
static void w_type(jw *j, unsigned tt)
{
    const char *s = tt < 17 && type_names[tt] ? type_names[tt] : "?";
    jw_text(j, s, strlen(s));
}
static void w_field_begin(pst__walk_out *o, const pst_field *f, unsigned tt)
{
    jw_int(JW(o), f->id);
    jw_open(JW(o), '{', CTX_PAIR);
    w_type(JW(o), tt);
}
static void w_field_end(pst__walk_out *o) { jw_close(JW(o), '}'); }
static void w_field_stop(pst__walk_out *o) { (void)o; }
static void w_map_begin(pst__walk_out *o, unsigned kt, unsigned vt,
                        uint32_t n)
{
    jw_open(JW(o), '[', CTX_LIST);
    w_type(JW(o), kt);
    w_type(JW(o), vt);
    jw_int(JW(o), n);
    jw_open(JW(o), '{', CTX_PAIR);
}
static void w_map_end(pst__walk_out *o)
{
    jw_close(JW(o), '}');
    jw_close(JW(o), ']');
}
static void w_coll_begin(pst__walk_out *o, unsigned ct, unsigned et,
                         uint32_t n)
{
    (void)ct;
    jw_open(JW(o), '[', CTX_LIST);
    w_type(JW(o), et);
    jw_int(JW(o), n);
}
static void w_coll_end(pst__walk_out *o, unsigned ct)
{
    (void)ct;
    jw_close(JW(o), ']');
}
static void w_bool(pst__walk_out *o, bool v) { jw_int(JW(o), v ? 1 : 0); }
static void w_i8(pst__walk_out *o, int8_t v) { jw_int(JW(o), v); }
static void w_i16(pst__walk_out *o, int16_t v) { jw_int(JW(o), v); }
static void w_i32(pst__walk_out *o, int32_t v) { jw_int(JW(o), v); }
static void w_i64(pst__walk_out *o, int64_t v) { jw_int(JW(o), v); }
static void w_double(pst__walk_out *o, double v) { jw_double(JW(o), v); }
static void w_string(pst__walk_out *o, const pst_str *s)
{
    jw_text(JW(o), s->ptr, s->len);
}
static void w_binary(pst__walk_out *o, const pst_str *s)
{
    jw_base64(JW(o), (const uint8_t *)s->ptr, s->len);
}
static void w_uuid(pst__walk_out *o, const uint8_t b[16])
{
    static const char hex[] = "0123456789abcdef";
    char s[36];
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s[k++] = '-';
        s[k++] = hex[b[i] >> 4];
        s[k++] = hex[b[i] & 15];
    }
    jw_text(JW(o), s, sizeof s);
}

static const pst__walk_out_ops jw_ops = {
    w_struct_begin, w_struct_end, w_field_begin, w_field_end, w_field_stop,
    w_map_begin,    w_map_end,    w_coll_begin,  w_coll_end,  w_bool,
    w_i8,           w_i16,        w_i32,         w_i64,       w_double,
    w_string,       w_binary,     w_uuid,
};

static void jw_init(jw *j, pst_wbuf *w, const pst_codec_config *cfg)
{
    if (!cfg)
        cfg = &pst__default_config;
    j->base.ops = &jw_ops;
    j->base.w = w;
    j->base.max_depth = cfg->max_depth < PST__MAX_DEPTH_CAP
                            ? cfg->max_depth
                            : PST__MAX_DEPTH_CAP;
    j->base.code = 0;
    j->top = 0;
}

static int json_write_struct(pst_wbuf *w, const pst_struct_desc *d,
                             const void *v, const pst_codec_config *cfg)
{
    jw j;
    jw_init(&j, w, cfg);
    return pst__walk_write(&j.base, d, v);
}

/* "[1,"name",type,seqid," : the struct follows as the array's fifth
 * value, and write_message_end closes the array. */
static int json_write_message_begin(pst_wbuf *w, const pst_msg_header *h)
{
    if (w->err)
        return w->err;
    size_t mark = w->len;
    jw j;
    jw_init(&j, w, NULL);
    jw_open(&j, '[', CTX_LIST);
    jw_int(&j, 1);
    jw_text(&j, h->name.ptr, h->name.len);
    jw_int(&j, h->type);
    jw_int(&j, h->seqid);
    put1(&j, ',');
    if (w->err) {
        w->len = mark;
        return w->err;
    }
    return 0;
}

static int json_write_message_end(pst_wbuf *w)
{
    if (w->err)
        return w->err;
    return pst_wbuf_append(w, "]", 1) < 0 ? w->err : 0;
}

/* ======================================================================== */
/* reading                                                                  */
/* ======================================================================== */

typedef struct jr {
    pst__walk_in base;
    uint32_t top;
    uint8_t ctx[JSON_MAX_NEST];
} jr;

#define JR(in) ((jr *)(in))

static int jr_expect(jr *j, char ch, const char *what)
{
    pst__walk_in_skip_ws(&j->base);
    if (j->base.p >= j->base.c.end)
        return pst__walk_in_short(&j->base, what);
    if (*j->base.p != (uint8_t)ch) {
        char b[8], msg[64];
        snprintf(msg, sizeof msg, "expected '%c' %s, found %%s", ch, what);
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, msg,
                                 pst__walk_show_byte(j->base.p, b));
    }
    j->base.p++;
    return 0;
}

/* The separator before a value, as the context wants it. */
static int jr_sep(jr *j)
{
    if (!j->top)
        return 0;
    uint8_t *c = &j->ctx[j->top - 1];
    if (*c & CTX_PAIR) {
        if (*c & CTX_FIRST) {
            *c = (uint8_t)((*c & ~CTX_FIRST) | CTX_COLON);
            return 0;
        }
        int rc = (*c & CTX_COLON) ? jr_expect(j, ':', "after a key")
                                  : jr_expect(j, ',', "between entries");
        *c ^= CTX_COLON;
        return rc;
    }
    if (*c & CTX_FIRST) {
        *c &= (uint8_t)~CTX_FIRST;
        return 0;
    }
    return jr_expect(j, ',', "between values");
}

static int jr_open(jr *j, char ch, uint8_t kind, const char *what)
{
    if (jr_sep(j) < 0 || jr_expect(j, ch, what) < 0)
        return -1;
    if (j->top == JSON_MAX_NEST)
        return pst__walk_in_fail(&j->base, PST_E_LIMIT, "JSON nested deeper than %s",
                       "the reader's limit");
    j->ctx[j->top++] = (uint8_t)(kind | CTX_FIRST);
    return 0;
}

static int jr_close(jr *j, char ch, const char *what)
{
    if (jr_expect(j, ch, what) < 0)
        return -1;
    if (j->top)
        j->top--;
    return 0;
}

/* A number's token (quoted or not) into buf as a C string. */
static int jr_token(jr *j, char *buf, size_t cap, const char *what)
{
    if (jr_sep(j) < 0)
        return -1;
    pst__walk_in_skip_ws(&j->base);
    const uint8_t *p = j->base.p, *end = j->base.c.end;
    if (p >= end)
        return pst__walk_in_short(&j->base, what);
    bool quoted = *p == '"';
    if (quoted)
        p++;
    size_t n = 0;
    while (p < end && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                       (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '+' ||
                       *p == '.')) {
        if (n + 1 >= cap) {
            char msg[64];
            snprintf(msg, sizeof msg, "%s longer than %zu characters%%s", what,
                     cap - 2);
            return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, msg, "");
        }
        buf[n++] = (char)*p++;
    }
    buf[n] = '\0';
    if (p >= end) /* a number is never last: more bytes may continue it */
        return pst__walk_in_short(&j->base, what);
    if (n == 0) {
        char b[8], msg[64];
        j->base.p = p;
        snprintf(msg, sizeof msg, "expected %s, found %%s", what);
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, msg,
                                 pst__walk_show_byte(p, b));
    }
    if (quoted) {
        if (*p != '"') {
            char b[8], msg[64];
            j->base.p = p;
            snprintf(msg, sizeof msg, "%s: expected '\"', found %%s", what);
            return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, msg,
                                     pst__walk_show_byte(p, b));
        }
        p++;
    }
    j->base.p = p;
    return 0;
}

/* What a bool is called in errors; only bools read true and false. */
static const char bool_what[] = "bool";

static int jr_int(jr *j, int64_t lo, int64_t hi, const char *what,
                  int64_t *out)
{
    char buf[32];
    const uint8_t *at;
    pst__walk_in_skip_ws(&j->base);
    at = j->base.p;
    if (jr_token(j, buf, sizeof buf, what) < 0)
        return -1;
    if (!strcmp(buf, "true") || !strcmp(buf, "false")) {
        if (what != bool_what)
            goto bad;
        *out = buf[0] == 't';
        return 0;
    }
    const char *s = buf;
    bool neg = *s == '-';
    if (neg)
        s++;
    if (!*s)
        goto bad;
    uint64_t u = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            goto bad;
        unsigned dgt = (unsigned)(*s - '0');
        if (u > (UINT64_MAX - dgt) / 10)
            goto range;
        u = u * 10 + dgt;
    }
    if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
        goto range;
    int64_t v = neg ? (int64_t)(0 - u) : (int64_t)u;
    if (v < lo || v > hi)
        goto range;
    *out = v;
    return 0;
bad:
    j->base.p = at;
    {
        char msg[64];
        snprintf(msg, sizeof msg, "expected %s, found '%%s'", what);
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, msg, buf);
    }
range:
    j->base.p = at;
    {
        char msg[64];
        snprintf(msg, sizeof msg, "%s value %%s out of range", what);
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, msg, buf);
    }
}

/* A string's raw bytes between its quotes; *esc: it holds escapes. */
static int jr_span(jr *j, const uint8_t **s, size_t *n, bool *esc,
                   const char *what)
{
    if (jr_sep(j) < 0 || jr_expect(j, '"', what) < 0)
        return -1;
    const uint8_t *p = j->base.p, *end = j->base.c.end, *q = p;
    bool e = false;
    for (;;) {
        while (q < end && *q != '"' && *q != '\\')
            q++;
        if (q >= end)
            return pst__walk_in_short(&j->base, what);
        if (*q == '"')
            break;
        e = true;
        q += 2;
        if (q > end) {
            return pst__walk_in_short(&j->base, what);
        }
    }
    *s = p;
    *n = (size_t)(q - p);
    *esc = e;
    j->base.p = q + 1;
    return 0;
}

static int hex4(const uint8_t *p, unsigned *v)
{
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        x = x << 4 | d;
    }
    *v = x;
    return 0;
}

/* Unescape s[0..n) into dst (NULL: only check); the length written. The
 * result is never longer than the input. */
static int jr_unescape(jr *j, const uint8_t *s, size_t n, uint8_t *dst,
                       size_t *len)
{
    const uint8_t *end = s + n;
    size_t k = 0;
    while (s < end) {
        if (*s != '\\') {
            if (dst)
                dst[k] = *s;
            k++;
            s++;
            continue;
        }
        const uint8_t *at = s;
        uint8_t c = s[1];
        s += 2;
        uint8_t out;
        switch (c) {
        case '"': out = '"'; break;
        case '\\': out = '\\'; break;
        case '/': out = '/'; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'n': out = '\n'; break;
        case 'r': out = '\r'; break;
        case 't': out = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (end - s < 4 || hex4(s, &cp) < 0)
                goto bad_u;
            s += 4;
            if (cp >= 0xdc00 && cp <= 0xdfff)
                goto bad_surrogate;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (end - s < 6 || s[0] != '\\' || s[1] != 'u' ||
                    hex4(s + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
                    goto bad_surrogate;
                s += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            uint8_t u[4];
            size_t m;
            if (cp < 0x80) {
                u[0] = (uint8_t)cp;
                m = 1;
            } else if (cp < 0x800) {
                u[0] = (uint8_t)(0xc0 | cp >> 6);
                u[1] = (uint8_t)(0x80 | (cp & 0x3f));
                m = 2;
            } else if (cp < 0x10000) {
                u[0] = (uint8_t)(0xe0 | cp >> 12);
                u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
                u[2] = (uint8_t)(0x80 | (cp & 0x3f));
                m = 3;
            } else {
                u[0] = (uint8_t)(0xf0 | cp >> 18);
                u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
                u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
                u[3] = (uint8_t)(0x80 | (cp & 0x3f));
                m = 4;
            }
            if (dst)
                memcpy(dst + k, u, m);
            k += m;
            continue;
        }
        default: {
            char b[8];
            j->base.p = at + 1;
            return pst__walk_in_fail(&j->base, PST_E_PROTOCOL,
                                     "unknown string escape \\%s",
                           pst__walk_show_byte(at + 1, b));
        }
        }
        if (dst)
            dst[k] = out;
        k++;
        continue;
    bad_u:
        j->base.p = at;
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "%s",
                       "\\u escape needs four hex digits");
    bad_surrogate:
        j->base.p = at;
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "%s",
                       "\\u escape is a lone UTF-16 surrogate");
    }
    *len = k;
    return 0;
}

static void *jr_alloc(jr *j, size_t n)
{
    void *m = pst__arena_bytes(j->base.c.arena, n);
    if (!m)
        pst__dec_nomem(&j->base.c, j->base.p, n, j->base.d, j->base.f);
    return m;
}

/* A string value, unescaped, in the arena (or checked only: s == NULL). */
static int jr_string(jr *j, pst_str *s, const char *what)
{
    const uint8_t *raw, *after;
    size_t n;
    bool esc;
    if (jr_span(j, &raw, &n, &esc, what) < 0)
        return -1;
    after = j->base.p;
    if (!esc) {
        if (s && !pst__dec_str(&j->base.c, raw, n, s, j->base.d, j->base.f))
            return -1;
        return 0;
    }
    uint8_t *dst = NULL;
    if (s && !(dst = jr_alloc(j, n)))
        return -1;
    size_t len;
    if (jr_unescape(j, raw, n, dst, &len) < 0)
        return -1;
    j->base.p = after;
    if (s) {
        s->ptr = (const char *)dst;
        s->len = len;
    }
    return 0;
}

static int jr_type(jr *j, unsigned *tt)
{
    const uint8_t *at, *s;
    size_t n;
    bool esc;
    pst__walk_in_skip_ws(&j->base);
    at = j->base.p;
    if (jr_span(j, &s, &n, &esc, "type name") < 0)
        return -1;
    for (unsigned t = 0; t < 17; t++) {
        const char *name = type_names[t];
        if (name && strlen(name) == n && memcmp(name, s, n) == 0) {
            *tt = t;
            return 0;
        }
    }
    char what[16];
    snprintf(what, sizeof what, "%.*s", (int)(n < 12 ? n : 12), (const char *)s);
    j->base.p = at;
    return pst__walk_in_fail(&j->base, PST_E_BAD_TYPE, "unknown type name \"%s\"", what);
}

static const int8_t b64_value[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,
    ['G'] = 7,  ['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12,
    ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
    ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
    ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
    ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
    ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
    ['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
    ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
}; /* value + 1; 0: not base64 */

static int jr_binary(jr *j, pst_str *out)
{
    const uint8_t *raw, *after;
    size_t n;
    bool esc;
    if (jr_span(j, &raw, &n, &esc, "binary") < 0)
        return -1;
    after = j->base.p;
    if (esc) { /* "\/" and friends: unescape first (a copy in the arena) */
        uint8_t *tmp = jr_alloc(j, n ? n : 1);
        size_t len;
        if (!tmp || jr_unescape(j, raw, n, tmp, &len) < 0)
            return -1;
        raw = tmp;
        n = len;
    }
    /* padding is optional: up to two '=' */
    for (int i = 0; i < 2 && n && raw[n - 1] == '='; i++)
        n--;
    if (n % 4 == 1) {
        j->base.p = after;
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "%s",
                       "base64 text has an impossible length");
    }
    size_t len = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
    uint8_t *dst = len ? jr_alloc(j, len) : NULL;
    if (len && !dst)
        return -1;
    size_t k = 0;
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value[raw[i]];
        if (!v) {
            char b[8];
            j->base.p = esc ? after : raw + i;
            return pst__walk_in_fail(&j->base, PST_E_PROTOCOL,
                                     "invalid base64 character %s",
                           pst__walk_show_byte(raw + i, b));
        }
        acc = acc << 6 | (uint32_t)(v - 1);
        if (i % 4 == 3) {
            dst[k++] = (uint8_t)(acc >> 16);
            dst[k++] = (uint8_t)(acc >> 8);
            dst[k++] = (uint8_t)acc;
            acc = 0;
        }
    }
    if (n % 4 == 2) {
        dst[k++] = (uint8_t)(acc >> 4);
    } else if (n % 4 == 3) {
        dst[k++] = (uint8_t)(acc >> 10);
        dst[k++] = (uint8_t)(acc >> 2);
    }
    j->base.p = after;
    out->ptr = len ? (const char *)dst : "";
    out->len = len;
    return 0;
}

static int r_struct_begin(pst__walk_in *in)
{
    return jr_open(JR(in), '{', CTX_PAIR, "to open a struct");
}
static int r_struct_end(pst__walk_in *in)
{
    return jr_close(JR(in), '}', "to close a struct");
}
static int r_field_begin(pst__walk_in *in, unsigned *tt, int16_t *id)
{
    jr *j = JR(in);
    pst__walk_in_skip_ws(&j->base);
    if (in->p >= in->c.end)
        return pst__walk_in_short(&j->base, "field");
    if (*in->p == '}') {
        *tt = PST_TT_STOP;
        return 0;
    }
    int64_t v;
    if (jr_int(j, INT16_MIN, INT16_MAX, "field id", &v) < 0 ||
        jr_open(j, '{', CTX_PAIR, "after a field id") < 0 ||
        jr_type(j, tt) < 0)
        return -1;
    *id = (int16_t)v;
    return 0;
}
static int r_field_end(pst__walk_in *in)
{
    return jr_close(JR(in), '}', "to close a field");
}
static int r_map_begin(pst__walk_in *in, unsigned *kt, unsigned *vt,
                       uint32_t *n)
{
    jr *j = JR(in);
    int64_t v;
    if (jr_open(j, '[', CTX_LIST, "to open a map") < 0 || jr_type(j, kt) < 0 ||
        jr_type(j, vt) < 0 || jr_int(j, 0, INT32_MAX, "map size", &v) < 0 ||
        jr_open(j, '{', CTX_PAIR, "to open a map's entries") < 0)
        return -1;
    *n = (uint32_t)v;
    return 0;
}
static int r_map_end(pst__walk_in *in)
{
    return jr_close(JR(in), '}', "to close a map's entries") < 0 ||
                   jr_close(JR(in), ']', "to close a map") < 0
               ? -1
               : 0;
}
static int r_coll_begin(pst__walk_in *in, unsigned ct, unsigned *et,
                        uint32_t *n)
{
    jr *j = JR(in);
    int64_t v;
    bool set = ct == PST_TT_SET;
    if (jr_open(j, '[', CTX_LIST, set ? "to open a set" : "to open a list") <
            0 ||
        jr_type(j, et) < 0 ||
        jr_int(j, 0, INT32_MAX, set ? "set size" : "list size", &v) < 0)
        return -1;
    *n = (uint32_t)v;
    return 0;
}
static int r_coll_end(pst__walk_in *in, unsigned ct)
{
    return jr_close(JR(in), ']',
                    ct == PST_TT_SET ? "to close a set" : "to close a list");
}
static int r_bool(pst__walk_in *in, bool *v)
{
    int64_t x;
    if (jr_int(JR(in), INT64_MIN, INT64_MAX, bool_what, &x) < 0)
        return -1;
    *v = x != 0;
    return 0;
}
static int r_i8(pst__walk_in *in, int8_t *v)
{
    int64_t x;
    if (jr_int(JR(in), INT8_MIN, INT8_MAX, "i8", &x) < 0)
        return -1;
    *v = (int8_t)x;
    return 0;
}
static int r_i16(pst__walk_in *in, int16_t *v)
{
    int64_t x;
    if (jr_int(JR(in), INT16_MIN, INT16_MAX, "i16", &x) < 0)
        return -1;
    *v = (int16_t)x;
    return 0;
}
static int r_i32(pst__walk_in *in, int32_t *v)
{
    int64_t x;
    if (jr_int(JR(in), INT32_MIN, INT32_MAX, "i32", &x) < 0)
        return -1;
    *v = (int32_t)x;
    return 0;
}
static int r_i64(pst__walk_in *in, int64_t *v)
{
    return jr_int(JR(in), INT64_MIN, INT64_MAX, "i64", v);
}
/* Clinger's fast path: a decimal of at most 15 significant digits (exact
 * in a double) scaled by a power of ten up to 1e22 (exact too) is one
 * correctly rounded multiplication or division, the same double strtod
 * gives. s: digits, '.', an exponent, after the sign. 0 when it does not
 * apply (then strtod decides). */
static int fast_double(const char *s, bool neg, double *v)
{
    static const double pow10[23] = {
        1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    uint64_t m = 0;
    int digits = 0, scale = 0;
    bool dot = false, any = false;
    for (; *s && *s != 'e' && *s != 'E'; s++) {
        if (*s == '.') {
            if (dot)
                return 0;
            dot = true;
            continue;
        }
        if (*s < '0' || *s > '9')
            return 0;
        any = true;
        if (m == 0 && *s == '0') { /* leading zeros count for nothing */
            scale -= dot;
            continue;
        }
        if (++digits > 15)
            return 0;
        m = m * 10 + (uint64_t)(*s - '0');
        scale -= dot;
    }
    if (!any)
        return 0;
    if (*s) { /* exponent: [+-] digits, small */
        s++;
        bool eneg = *s == '-';
        if (*s == '-' || *s == '+')
            s++;
        if (!*s)
            return 0;
        int e = 0;
        for (; *s; s++) {
            if (*s < '0' || *s > '9' || e > 1000)
                return 0;
            e = e * 10 + (*s - '0');
        }
        scale += eneg ? -e : e;
    }
    double d = (double)m;
    if (m == 0)
        scale = 0;
    if (scale < -22 || scale > 22)
        return 0;
    d = scale < 0 ? d / pow10[-scale] : d * pow10[scale];
    *v = neg ? -d : d;
    return 1;
}

static int r_double(pst__walk_in *in, double *v)
{
    jr *j = JR(in);
    char buf[40];
    pst__walk_in_skip_ws(&j->base);
    const uint8_t *at = in->p;
    if (jr_token(j, buf, sizeof buf, "double") < 0)
        return -1;
    const char *s = buf;
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    if (!strcmp(s, "NaN") || !strcmp(s, "nan")) {
        *v = neg ? -NAN : NAN;
        return 0;
    }
    if (!strcmp(s, "Infinity") || !strcmp(s, "inf")) {
        *v = neg ? -INFINITY : INFINITY;
        return 0;
    }
    /* digits, '.', an exponent: strtod, but no hex, nan(...) or inf forms */
    bool digit = false, other = false;
    for (const char *q = s; *q; q++) {
        if (*q >= '0' && *q <= '9')
            digit = true;
        else if (!strchr(".eE+-", *q))
            other = true;
    }
    digit = digit && !other;
    if (digit && fast_double(s, neg, v))
        return 0;
    char *end = NULL;
    double d = digit ? strtod(buf, &end) : 0;
    if (!digit || !end || *end) {
        in->p = at;
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL,
                                 "expected a double, found '%s'",
                       buf);
    }
    *v = d;
    return 0;
}
static int r_string(pst__walk_in *in, pst_str *s)
{
    return jr_string(JR(in), s, "string");
}
static int r_binary(pst__walk_in *in, pst_str *s)
{
    return jr_binary(JR(in), s);
}
static int r_uuid(pst__walk_in *in, uint8_t b[16])
{
    jr *j = JR(in);
    const uint8_t *s, *at;
    size_t n;
    bool esc;
    pst__walk_in_skip_ws(&j->base);
    at = in->p;
    if (jr_span(j, &s, &n, &esc, "uuid") < 0)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n && !esc; i++) {
        if (n == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
            if (s[i] != '-')
                break;
            continue;
        }
        unsigned d, c = s[i];
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            break;
        if (k >= 32)
            break;
        if (k % 2 == 0)
            b[k / 2] = (uint8_t)(d << 4);
        else
            b[k / 2] |= (uint8_t)d;
        k++;
    }
    if (k != 32 || (n != 32 && n != 36)) {
        in->p = at;
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "%s",
                       "uuid is not 32 hex digits (8-4-4-4-12)");
    }
    return 0;
}

static const pst__walk_in_ops jr_ops = {
    r_struct_begin, r_struct_end, r_field_begin, r_field_end,
    r_map_begin,    r_map_end,    r_coll_begin,  r_coll_end,
    r_bool,         r_i8,         r_i16,         r_i32,
    r_i64,          r_double,     r_string,      r_binary,
    r_uuid,
    /* fewest bytes per value: 0, "", {}, ["tf",0], ["tf","tf",0,{}], a uuid */
    { [PST_TT_BOOL] = 1,   [PST_TT_I8] = 1,     [PST_TT_DOUBLE] = 1,
      [PST_TT_I16] = 1,    [PST_TT_I32] = 1,    [PST_TT_I64] = 1,
      [PST_TT_STRING] = 2, [PST_TT_STRUCT] = 2, [PST_TT_MAP] = 16,
      [PST_TT_SET] = 8,    [PST_TT_LIST] = 8,   [PST_TT_UUID] = 34 },
};

static void jr_init(jr *j, const pst_rbuf *r, pst_arena *a,
                    const pst_codec_config *cfg)
{
    j->base.ops = &jr_ops;
    pst__dec_init(&j->base.c, r->p, r->end, r->start, r->err, a, cfg);
    j->base.p = r->p;
    j->base.d = NULL;
    j->base.f = NULL;
    j->top = 0;
}

static int json_read_struct(pst_rbuf *r, const pst_struct_desc *d, void *v,
                            pst_arena *a, const pst_codec_config *cfg)
{
    jr j;
    jr_init(&j, r, a, cfg);
    int rc = pst__walk_read(&j.base, d, v);
    if (rc == 0)
        r->p = j.base.p;
    return rc;
}

static int json_skip_struct(pst_rbuf *r, const pst_codec_config *cfg)
{
    jr j;
    jr_init(&j, r, NULL, cfg);
    int rc = pst__walk_skip(&j.base, PST_TT_STRUCT);
    if (rc == 0)
        r->p = j.base.p;
    return rc;
}

/* "[1,"name",type,seqid," ; j is left inside the message's array. */
static int jr_message(jr *j, pst_msg_header *h)
{
    int64_t version, type, seqid;
    const uint8_t *name, *at;
    size_t n;
    bool esc;
    if (jr_open(j, '[', CTX_LIST, "to open a message") < 0 ||
        jr_int(j, INT64_MIN, INT64_MAX, "message version", &version) < 0)
        return -1;
    if (version != 1) {
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)version);
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL,
                       "JSON message version %s, expected 1", buf);
    }
    pst__walk_in_skip_ws(&j->base);
    at = j->base.p;
    if (jr_span(j, &name, &n, &esc, "method name") < 0)
        return -1;
    if (esc) { /* the header's name points into the input, unescaped */
        j->base.p = at;
        return pst__walk_in_fail(&j->base, PST_E_PROTOCOL, "%s",
                       "method name holds an escape sequence");
    }
    if (jr_int(j, INT32_MIN, INT32_MAX, "message type", &type) < 0 ||
        jr_int(j, INT32_MIN, INT32_MAX, "sequence id", &seqid) < 0 ||
        jr_sep(j) < 0)
        return -1;
    h->name.ptr = (const char *)name;
    h->name.len = n;
    h->type = (int32_t)type;
    h->seqid = (int32_t)seqid;
    return 0;
}

static int json_read_message_begin(pst_rbuf *r, pst_msg_header *h,
                                   const pst_codec_config *cfg)
{
    jr j;
    jr_init(&j, r, NULL, cfg);
    if (jr_message(&j, h) < 0)
        return j.base.c.code;
    r->p = j.base.p;
    return 0;
}

static int json_read_message_end(pst_rbuf *r, const pst_codec_config *cfg)
{
    jr j;
    jr_init(&j, r, NULL, cfg);
    if (jr_expect(&j, ']', "to close the message") < 0)
        return j.base.c.code;
    r->p = j.base.p;
    return 0;
}

static int json_message_length(const uint8_t *p, size_t n,
                               const pst_codec_config *cfg, size_t *len,
                               pst_error *err)
{
    pst_rbuf r;
    pst_rbuf_init(&r, p, n, err);
    jr j;
    jr_init(&j, &r, NULL, cfg);
    pst_msg_header h;
    if (jr_message(&j, &h) < 0)
        return j.base.c.code;
    /* the struct's separator is read: skip it from the top level, as
     * read_struct would */
    uint32_t top = j.top;
    j.top = 0;
    if (pst__walk_skip(&j.base, PST_TT_STRUCT) != 0)
        return j.base.c.code;
    j.top = top;
    if (jr_close(&j, ']', "to close the message") < 0)
        return j.base.c.code;
    *len = (size_t)(j.base.p - p);
    return 0;
}

const pst_protocol pst_protocol_json = {
    .name = "json",
    .write_message_begin = json_write_message_begin,
    .read_message_begin = json_read_message_begin,
    .write_struct = json_write_struct,
    .read_struct = json_read_struct,
    .skip_struct = json_skip_struct,
    .message_length = json_message_length,
    .write_message_end = json_write_message_end,
    .read_message_end = json_read_message_end,
};
