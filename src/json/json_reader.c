/*
 * json_reader.c: walking a JSON document by hand (objects, arrays, raw
 * spans, strings) for envelopes such as JSON-RPC's {"method", "params",
 * "id"}, whose parts are picked apart before any descriptor applies.
 */
#include "json/json_internal.h"

void pst_json_reader_init(pst_json_reader *r, const void *doc, size_t len,
                          pst_arena *arena, const pst_codec_config *cfg,
                          pst_error *err)
{
    r->start = r->p = doc ? (const char *)doc : "";
    r->end = r->start + (doc ? len : 0);
    r->arena = arena;
    r->err = err;
    r->cfg = cfg ? cfg : &pst__default_config;
}

static int report(pst_json_reader *r, const pst__jfail *f)
{
    return pst__jfail_report(f, r->err);
}

static int fail(pst_json_reader *r, const char *p, int code, const char *what)
{
    pst__jfail f;
    pst__jfail_init(&f);
    pst__jfail_set(&f, r->start, p, code, "%s", what);
    return report(r, &f);
}

static int check_size(pst_json_reader *r)
{
    if ((uint64_t)(r->end - r->start) <= r->cfg->max_message)
        return 0;
    return pst_error_set(r->err, PST_E_LIMIT,
                         "JSON document of %zu bytes exceeds max_message %llu",
                         (size_t)(r->end - r->start),
                         (unsigned long long)r->cfg->max_message);
}

int pst_json_skip(pst_json_reader *r, pst_str *span)
{
    int rc = check_size(r);
    if (rc)
        return rc;
    const char *p = pst__json_ws(r->p, r->end);
    pst__jfail f;
    pst__jfail_init(&f);
    uint32_t md = r->cfg->max_depth < PST__MAX_DEPTH_CAP ? r->cfg->max_depth
                                                          : PST__MAX_DEPTH_CAP;
    const char *q = pst__json_skip_value(&f, r->start, p, r->end, 4 * md + 64);
    if (!q)
        return report(r, &f);
    if (span) {
        span->ptr = p;
        span->len = (size_t)(q - p);
    }
    r->p = q;
    return 0;
}

static int open_container(pst_json_reader *r, pst_json_iter *it, char open,
                          const char *want)
{
    int rc = check_size(r);
    if (rc)
        return rc;
    const char *p = pst__json_ws(r->p, r->end);
    if (p >= r->end || *p != open) {
        pst__jfail f;
        pst__jfail_init(&f);
        pst__jfail_set(&f, r->start, p, p < r->end ? PST_E_BAD_TYPE
                                                   : PST_E_SYNTAX,
                       "expected %s, got %s", want,
                       pst__json_kind_name(p, r->end));
        return report(r, &f);
    }
    r->p = p + 1;
    it->count = 0;
    return 0;
}

/* After the first member or element: ',' goes on, `close` ends. */
static int next_or_close(pst_json_reader *r, pst_json_iter *it, char close,
                         const char **pp)
{
    const char *p = pst__json_ws(r->p, r->end);
    if (p < r->end && *p == close) {
        r->p = p + 1;
        return 0;
    }
    if (it->count > 0) {
        if (p >= r->end || *p != ',')
            return fail(r, p, PST_E_SYNTAX,
                        p >= r->end ? "unexpected end of input"
                        : close == '}' ? "expected ',' or '}'"
                                       : "expected ',' or ']'");
        p = pst__json_ws(p + 1, r->end);
    }
    *pp = p;
    return 1;
}

int pst_json_object_begin(pst_json_reader *r, pst_json_iter *it)
{
    return open_container(r, it, '{', "an object");
}

int pst_json_array_begin(pst_json_reader *r, pst_json_iter *it)
{
    return open_container(r, it, '[', "an array");
}

int pst_json_array_next(pst_json_reader *r, pst_json_iter *it)
{
    const char *p;
    int rc = next_or_close(r, it, ']', &p);
    if (rc != 1)
        return rc;
    if (p >= r->end || *p == ']')
        return fail(r, p, PST_E_SYNTAX, p >= r->end ? "unexpected end of input"
                                                    : "expected a value");
    r->p = p;
    it->count++;
    return 1;
}

/* The string at p, scanned; unescaped into the arena when needed. */
static int string_at(pst_json_reader *r, const char *p, pst_str *out,
                     const char **after)
{
    if (p >= r->end || *p != '"') {
        pst__jfail f;
        pst__jfail_init(&f);
        pst__jfail_set(&f, r->start, p, p < r->end ? PST_E_BAD_TYPE
                                                   : PST_E_SYNTAX,
                       "expected a string, got %s",
                       pst__json_kind_name(p, r->end));
        return report(r, &f);
    }
    pst__jfail f;
    pst__jfail_init(&f);
    pst_str raw;
    bool esc;
    const char *q = pst__json_scan_string(&f, r->start, p, r->end, &raw, &esc);
    if (!q)
        return report(r, &f);
    if (esc) {
        char *dst = r->arena ? pst_arena_alloc(r->arena, raw.len + 1) : NULL;
        if (!dst)
            return fail(r, p, r->arena ? PST_E_NOMEM : PST_E_INVALID,
                        r->arena ? "no memory for a string"
                                 : "a string with escapes needs an arena");
        raw.len = pst__json_unescape(dst, raw.ptr, raw.len);
        raw.ptr = dst;
    }
    *out = raw;
    *after = q;
    return 0;
}

int pst_json_object_next(pst_json_reader *r, pst_json_iter *it,
                         pst_str *name)
{
    const char *p;
    int rc = next_or_close(r, it, '}', &p);
    if (rc != 1)
        return rc;
    if (p >= r->end || *p != '"')
        return fail(r, p, PST_E_SYNTAX, p >= r->end ? "unexpected end of input"
                                                    : "expected a member name");
    const char *q;
    rc = string_at(r, p, name, &q);
    if (rc)
        return rc;
    q = pst__json_ws(q, r->end);
    if (q >= r->end || *q != ':')
        return fail(r, q, PST_E_SYNTAX, "expected ':' after a member name");
    r->p = pst__json_ws(q + 1, r->end);
    it->count++;
    return 1;
}

int pst_json_read_string(pst_json_reader *r, pst_str *out)
{
    int rc = check_size(r);
    if (rc)
        return rc;
    const char *p = pst__json_ws(r->p, r->end), *q;
    rc = string_at(r, p, out, &q);
    if (rc)
        return rc;
    r->p = q;
    return 0;
}

int pst_json_read_null(pst_json_reader *r)
{
    const char *p = pst__json_ws(r->p, r->end);
    if (r->end - p >= 4 && memcmp(p, "null", 4) == 0) {
        r->p = p + 4;
        return 1;
    }
    return 0;
}

int pst_json_read_struct_in_array(pst_json_reader *r, const pst_struct_desc *d,
                                  void *v)
{
    const char *at = r->p;
    pst_json_iter it;
    int rc = pst_json_array_begin(r, &it);
    if (rc)
        return rc;
    rc = pst_json_array_next(r, &it);
    if (rc == 0) {
        r->p = at;
        return fail(r, pst__json_ws(at, r->end), PST_E_PROTOCOL,
                    "expected an array of one object, got an empty array");
    }
    if (rc < 0 || (rc = pst_json_read_struct(r, d, v)) != 0) {
        r->p = at;
        return rc;
    }
    rc = pst_json_array_next(r, &it);
    if (rc != 0) {
        const char *p = r->p;
        r->p = at;
        if (rc == 1)
            return fail(r, p, PST_E_PROTOCOL,
                        "expected an array of one object, got more elements");
        return rc;
    }
    return 0;
}
