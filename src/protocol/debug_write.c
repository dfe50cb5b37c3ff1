/*
 * debug_write.c: the debug protocol's writer (debug.c describes the text),
 * and pst_debug_print: a level's state says what goes before and after
 * each item, as in Thrift's TDebugProtocol, plus the indentation (or one
 * line).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "protocol/debug_internal.h"

typedef struct dw {
    pst__walk_out base;
    bool one_line;
    uint32_t max_string;   /* 0: whole */
    uint32_t top;          /* levels in use; st[0] is the top level */
    uint8_t st[PST__DEBUG_MAX_NEST];
    uint32_t idx[PST__DEBUG_MAX_NEST];
} dw;

#define DW(o) ((dw *)(o))

static inline void put(dw *j, const void *s, size_t n)
{
    pst_wbuf_append(j->base.w, s, n);
}

static inline void put_str(dw *j, const char *s) { put(j, s, strlen(s)); }

/* A new line at the current indentation (a space on one line). */
static void newline(dw *j)
{
    if (j->one_line) {
        put(j, " ", 1);
        return;
    }
    static const char spaces[] = "                                ";
    put(j, "\n", 1);
    size_t n = 2 * (size_t)(j->top - 1);
    while (n) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        put(j, spaces, k);
        n -= k;
    }
}

static void start_item(dw *j)
{
    uint32_t t = j->top - 1;
    switch (j->st[t]) {
    case PST__DBG_SET:
    case PST__DBG_MAP_KEY:
        newline(j);
        break;
    case PST__DBG_MAP_VALUE:
        put(j, " -> ", 4);
        break;
    case PST__DBG_LIST: {
        char b[24];
        newline(j);
        int n = snprintf(b, sizeof b, "[%u] = ", j->idx[t]++);
        put(j, b, (size_t)n);
        break;
    }
    default:
        break;
    }
}

static void end_item(dw *j)
{
    uint8_t *s = &j->st[j->top - 1];
    if (*s == PST__DBG_MAP_KEY)
        *s = PST__DBG_MAP_VALUE;
    else if (*s == PST__DBG_MAP_VALUE) {
        *s = PST__DBG_MAP_KEY;
        put(j, ",", 1);
    } else if (*s != PST__DBG_TOP)
        put(j, ",", 1);
}

static void push(dw *j, uint8_t state)
{
    if (j->top == PST__DEBUG_MAX_NEST) {
        if (!j->base.code)
            j->base.code = PST_E_LIMIT;
        return;
    }
    j->st[j->top] = state;
    j->idx[j->top] = 0;
    j->top++;
}

/* Close a level: "}" on its own line, then the item it was ends. */
static void pop(dw *j)
{
    if (j->top > 1)
        j->top--;
    newline(j);
    put(j, "}", 1);
    end_item(j);
}

static void type_name(dw *j, unsigned tt)
{
    put_str(j, tt < 17 && pst__debug_type_names[tt] ? pst__debug_type_names[tt] : "unknown");
}

static void w_struct_begin(pst__walk_out *o, const pst_struct_desc *d)
{
    dw *j = DW(o);
    start_item(j);
    if (d->name && *d->name) {
        put_str(j, d->name);
        put(j, " ", 1);
    }
    put(j, "{", 1);
    push(j, PST__DBG_STRUCT);
}
static void w_struct_end(pst__walk_out *o) { pop(DW(o)); }

static void w_field_begin(pst__walk_out *o, const pst_field *f, unsigned tt)
{
    dw *j = DW(o);
    char b[16];
    newline(j);
    /* two digits at least, as Thrift prints ids */
    int n = snprintf(b, sizeof b, f->id >= 0 && f->id < 10 ? "0%d: " : "%d: ",
                     f->id);
    put(j, b, (size_t)n);
    if (f->name && *f->name) {
        put_str(j, f->name);
        put(j, " ", 1);
    }
    put(j, "(", 1);
    type_name(j, tt);
    put(j, ") = ", 4);
}
static void w_field_end(pst__walk_out *o) { (void)o; }
static void w_field_stop(pst__walk_out *o) { (void)o; }

static void w_map_begin(pst__walk_out *o, unsigned kt, unsigned vt, uint32_t n)
{
    dw *j = DW(o);
    char b[24];
    start_item(j);
    put(j, "map<", 4);
    type_name(j, kt);
    put(j, ",", 1);
    type_name(j, vt);
    int k = snprintf(b, sizeof b, ">[%u] {", n);
    put(j, b, (size_t)k);
    push(j, PST__DBG_MAP_KEY);
}
static void w_map_end(pst__walk_out *o) { pop(DW(o)); }

static void w_coll_begin(pst__walk_out *o, unsigned ct, unsigned et,
                         uint32_t n)
{
    dw *j = DW(o);
    char b[24];
    start_item(j);
    put_str(j, ct == PST_TT_SET ? "set<" : "list<");
    type_name(j, et);
    int k = snprintf(b, sizeof b, ">[%u] {", n);
    put(j, b, (size_t)k);
    push(j, ct == PST_TT_SET ? PST__DBG_SET : PST__DBG_LIST);
}
static void w_coll_end(pst__walk_out *o, unsigned ct)
{
    (void)ct;
    pop(DW(o));
}

/* One scalar's text as an item. */
static void item(dw *j, const char *s, size_t n)
{
    start_item(j);
    put(j, s, n);
    end_item(j);
}

static void w_bool(pst__walk_out *o, bool v)
{
    item(DW(o), v ? "true" : "false", v ? 4 : 5);
}
static void w_i8(pst__walk_out *o, int8_t v)
{
    char b[4] = { '0', 'x', pst__debug_hex[(uint8_t)v >> 4], pst__debug_hex[(uint8_t)v & 15] };
    item(DW(o), b, 4);
}
static void w_int(dw *j, int64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%lld", (long long)v);
    item(j, b, (size_t)n);
}
static void w_i16(pst__walk_out *o, int16_t v) { w_int(DW(o), v); }
static void w_i32(pst__walk_out *o, int32_t v) { w_int(DW(o), v); }
static void w_i64(pst__walk_out *o, int64_t v) { w_int(DW(o), v); }

/* The shortest decimal that reads back to v's bits; NaNs and infinities
 * by name (a NaN's payload in hex unless it is the plain quiet NaN). */
static int fmt_double(char *b, size_t cap, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, 8);
    const char *sign = (bits >> 63) ? "-" : "";
    if (isnan(v)) {
        uint64_t payload = bits & 0x000fffffffffffffull;
        if (payload == 0x0008000000000000ull)
            return snprintf(b, cap, "%snan", sign);
        return snprintf(b, cap, "%snan(0x%llx)", sign,
                        (unsigned long long)payload);
    }
    if (isinf(v))
        return snprintf(b, cap, "%sinf", sign);
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(b, cap, "%.*g", prec, v);
        if (strtod(b, NULL) == v)
            break;
    }
    return n;
}

static void w_double(pst__walk_out *o, double v)
{
    char b[48];
    int n = fmt_double(b, sizeof b, v);
    item(DW(o), b, (size_t)n);
}

/* Which bytes a string escapes: 0 none, else the letter after '\', or
 * 'x' for \xNN. */
static uint8_t esc_of(uint8_t c)
{
    switch (c) {
    case '\\': return '\\';
    case '"': return '"';
    case '\a': return 'a';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    case '\v': return 'v';
    }
    return c >= 0x20 && c < 0x7f ? 0 : 'x';
}

static void w_text(pst__walk_out *o, const pst_str *s)
{
    dw *j = DW(o);
    start_item(j);
    size_t n = s->len;
    if (j->max_string && n > j->max_string)
        n = j->max_string;
    put(j, "\"", 1);
    if (n == 0) { /* ptr may be NULL (an unset string) */
        put(j, "\"", 1);
        end_item(j);
        return;
    }
    const uint8_t *p = (const uint8_t *)s->ptr, *run = p, *end = p + n;
    for (; p < end; p++) {
        uint8_t e = esc_of(*p);
        if (!e)
            continue;
        put(j, run, (size_t)(p - run));
        run = p + 1;
        if (e == 'x') {
            char u[4] = { '\\', 'x', pst__debug_hex[*p >> 4], pst__debug_hex[*p & 15] };
            put(j, u, 4);
        } else {
            char u[2] = { '\\', (char)e };
            put(j, u, 2);
        }
    }
    put(j, run, (size_t)(end - run));
    put(j, "\"", 1);
    if (n < s->len) {
        /* shortened: say so outside the quotes, where the reader stops */
        char b[48];
        int k = snprintf(b, sizeof b, "...(%zu bytes)", s->len);
        put(j, b, (size_t)k);
    }
    end_item(j);
}

static void w_uuid(pst__walk_out *o, const uint8_t b[16])
{
    char s[36];
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s[k++] = '-';
        s[k++] = pst__debug_hex[b[i] >> 4];
        s[k++] = pst__debug_hex[b[i] & 15];
    }
    item(DW(o), s, sizeof s);
}

static const pst__walk_out_ops dw_ops = {
    w_struct_begin, w_struct_end, w_field_begin, w_field_end, w_field_stop,
    w_map_begin,    w_map_end,    w_coll_begin,  w_coll_end,  w_bool,
    w_i8,           w_i16,        w_i32,         w_i64,       w_double,
    w_text,         w_text,       w_uuid,
};

static dw *dw_new(pst_wbuf *w, uint32_t max_depth, bool one_line,
                  uint32_t max_string)
{
    dw *j = malloc(sizeof *j);
    if (!j)
        return NULL;
    j->base.ops = &dw_ops;
    j->base.w = w;
    j->base.max_depth = max_depth < PST__MAX_DEPTH_CAP ? max_depth
                                                       : PST__MAX_DEPTH_CAP;
    j->base.code = 0;
    j->one_line = one_line;
    j->max_string = max_string;
    j->top = 1;
    j->st[0] = PST__DBG_TOP;
    j->idx[0] = 0;
    return j;
}

int pst_debug_print(pst_wbuf *w, const pst_struct_desc *d, const void *v,
                    const pst_debug_options *opt)
{
    static const pst_debug_options defaults = PST_DEBUG_OPTIONS_INIT;
    if (!w || !d || !v)
        return PST_E_INVALID;
    if (w->err)
        return w->err;
    if (!opt)
        opt = &defaults;
    dw *j = dw_new(w, opt->max_depth ? opt->max_depth
                                     : pst__default_config.max_depth,
                   opt->one_line, opt->max_string);
    if (!j)
        return w->err = PST_E_NOMEM;
    int rc = pst__walk_write(&j->base, d, v);
    free(j);
    return rc;
}

int pst__debug_write_struct(pst_wbuf *w, const pst_struct_desc *d,
                            const void *v, const pst_codec_config *cfg)
{
    pst_debug_options opt = PST_DEBUG_OPTIONS_INIT;
    opt.max_depth = (cfg ? cfg : &pst__default_config)->max_depth;
    if (opt.max_depth == 0) { /* 0 means "the default" to the options */
        if (w->err)
            return w->err;
        return w->err = PST_E_LIMIT;
    }
    return pst_debug_print(w, d, v, &opt);
}

static const char *msg_type_name(int32_t t)
{
    switch (t) {
    case PST_MSG_CALL: return "call";
    case PST_MSG_REPLY: return "reply";
    case PST_MSG_EXCEPTION: return "exn";
    case PST_MSG_ONEWAY: return "oneway";
    }
    return NULL;
}

/* "(call seqid=5) name(" : the struct follows, write_message_end closes
 * the parenthesis. */
int pst__debug_write_message_begin(pst_wbuf *w, const pst_msg_header *h)
{
    if (w->err)
        return w->err;
    for (size_t i = 0; i < h->name.len; i++) {
        uint8_t c = (uint8_t)h->name.ptr[i];
        if (c <= ' ' || c >= 0x7f || c == '(' || c == ')')
            return w->err = PST_E_INVALID; /* would not read back */
    }
    size_t mark = w->len;
    char b[48];
    const char *t = msg_type_name(h->type);
    int n = t ? snprintf(b, sizeof b, "(%s seqid=%d) ", t, h->seqid)
              : snprintf(b, sizeof b, "(%d seqid=%d) ", h->type, h->seqid);
    pst_wbuf_append(w, b, (size_t)n);
    pst_wbuf_append(w, h->name.ptr, h->name.len);
    pst_wbuf_append(w, "(", 1);
    if (w->err) {
        w->len = mark;
        return w->err;
    }
    return 0;
}

int pst__debug_write_message_end(pst_wbuf *w)
{
    if (w->err)
        return w->err;
    return pst_wbuf_append(w, ")\n", 2) < 0 ? w->err : 0;
}
