/* lexer.c: Thrift IDL text to tokens, following Apache Thrift's scanner. */
#include "idl/lexer.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const struct keyword {
    const char *text;
    int tok;
} keywords[] = {
    /* sorted by text for bsearch */
    { "async", TOK_ASYNC },
    { "binary", TOK_BINARY },
    { "bool", TOK_BOOL },
    { "byte", TOK_BYTE },
    { "const", TOK_CONST },
    { "cpp_include", TOK_CPP_INCLUDE },
    { "cpp_type", TOK_CPP_TYPE },
    { "double", TOK_DOUBLE_KW },
    { "enum", TOK_ENUM },
    { "exception", TOK_EXCEPTION },
    { "extends", TOK_EXTENDS },
    { "i16", TOK_I16 },
    { "i32", TOK_I32 },
    { "i64", TOK_I64 },
    { "i8", TOK_I8 },
    { "include", TOK_INCLUDE },
    { "list", TOK_LIST },
    { "map", TOK_MAP },
    { "namespace", TOK_NAMESPACE },
    { "oneway", TOK_ONEWAY },
    { "optional", TOK_OPTIONAL },
    { "required", TOK_REQUIRED },
    { "senum", TOK_SENUM },
    { "service", TOK_SERVICE },
    { "set", TOK_SET },
    { "slist", TOK_SLIST },
    { "string", TOK_STRING },
    { "struct", TOK_STRUCT },
    { "throws", TOK_THROWS },
    { "typedef", TOK_TYPEDEF },
    { "union", TOK_UNION },
    { "uuid", TOK_UUID },
    { "void", TOK_VOID },
    { "xsd_all", TOK_XSD_ALL },
    { "xsd_attrs", TOK_XSD_ATTRS },
    { "xsd_nillable", TOK_XSD_NILLABLE },
    { "xsd_optional", TOK_XSD_OPTIONAL },
};

/* Declarations Thrift dropped long ago; it names the replacement. */
static const struct retired {
    const char *text;
    const char *scope;
} retired[] = {
    { "cpp_namespace", "cpp" },
    { "csharp_namespace", "csharp" },
    { "delphi_namespace", "delphi" },
    { "java_package", "java" },
    { "perl_package", "perl" },
    { "php_namespace", "php" },
    { "py_module", "py" },
    { "ruby_namespace", "rb" },
    { "smalltalk_category", "st" },
    { "smalltalk_prefix", "st" },
    { "xsd_namespace", "xsd" },
};

static int keyword_cmp(const void *key, const void *elem)
{
    const pst__idl_token *t = key;
    const struct keyword *k = elem;
    size_t klen = strlen(k->text);
    size_t n = t->len < klen ? t->len : klen;
    int c = memcmp(t->text, k->text, n);
    if (c)
        return c;
    return t->len < klen ? -1 : t->len > klen ? 1 : 0;
}

const char *pst__idl_keyword_text(int kind)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (keywords[i].tok == kind)
            return keywords[i].text;
    return NULL;
}

const char *pst__idl_tok_name(int kind)
{
    static const char *const sym[] = {
        [':'] = "':'", [';'] = "';'", [','] = "','", ['{'] = "'{'",
        ['}'] = "'}'", ['('] = "'('", [')'] = "')'", ['='] = "'='",
        ['<'] = "'<'", ['>'] = "'>'", ['['] = "'['", [']'] = "']'",
        ['*'] = "'*'", ['&'] = "'&'",
    };
    switch (kind) {
    case TOK_EOF: return "end of file";
    case TOK_IDENT: return "identifier";
    case TOK_INT: return "integer";
    case TOK_DOUBLE: return "number";
    case TOK_LITERAL: return "string literal";
    default: break;
    }
    if (kind > 0 && kind < (int)(sizeof sym / sizeof sym[0]) && sym[kind])
        return sym[kind];
    const char *kw = pst__idl_keyword_text(kind);
    return kw ? kw : "token";
}

void pst__idl_lexer_init(pst__idl_lexer *lx, pst_idl_session *s, const char *file,
                         const char *data, size_t len, jmp_buf *fail)
{
    memset(lx, 0, sizeof *lx);
    lx->s = s;
    lx->file = file;
    lx->end = data + len;
    /* A UTF-8 byte order mark at the very start is not text (editors on
     * Windows write one; Apache Thrift skips it). Columns on line 1 count
     * from after it, as an editor shows them. */
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        data += 3;
    lx->src = lx->p = lx->line_start = data;
    lx->line = 1;
    lx->fail = fail;
}

static pst_idl_loc loc_at(const pst__idl_lexer *lx, const char *at,
                          uint32_t line, const char *line_start)
{
    pst_idl_loc l = { lx->file, line, (uint32_t)(at - line_start) + 1 };
    return l;
}

static _Noreturn void lex_fail(pst__idl_lexer *lx, pst_idl_loc loc, const char *fmt,
                               const char *arg)
{
    pst__idl_error(lx->s, &loc, fmt, arg);
    longjmp(*lx->fail, 1);
}

static bool is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int peek_at(const pst__idl_lexer *lx, const char *q)
{
    return q < lx->end ? (unsigned char)*q : -1;
}

static void newline(pst__idl_lexer *lx, const char *after)
{
    lx->line++;
    lx->line_start = after;
}

/* Skip a slash-star comment starting at lx->p; keep it if it is a doc
 * comment. */
static void block_comment(pst__idl_lexer *lx)
{
    const char *start = lx->p;
    uint32_t line = lx->line;
    const char *line_start = lx->line_start;
    const char *q = start + 2;
    /* slash, stars, slash (an empty comment) is not a doc comment */
    const char *stars = q;
    while (stars < lx->end && *stars == '*')
        stars++;
    bool silly = stars > q && stars < lx->end && *stars == '/';
    bool doc = !silly && q < lx->end && *q == '*';
    for (;;) {
        if (q + 1 >= lx->end) {
            lx->p = lx->end;
            lex_fail(lx, loc_at(lx, start, line, line_start),
                     "unterminated %s comment", doc ? "doc" : "block");
        }
        if (q[0] == '*' && q[1] == '/')
            break;
        if (*q == '\n')
            newline(lx, q + 1);
        q++;
    }
    if (doc)
        lx->pending_doc = pst__idl_clean_doc(&lx->s->pool, start + 3,
                                             (size_t)(q - (start + 3)));
    lx->p = q + 2;
}

/* Whitespace and comments. */
static void skip_space(pst__idl_lexer *lx)
{
    while (lx->p < lx->end) {
        int c = (unsigned char)*lx->p;
        if (c == ' ' || c == '\t' || c == '\r') {
            lx->p++;
        } else if (c == '\n') {
            lx->p++;
            newline(lx, lx->p);
        } else if (c == '#' || (c == '/' && peek_at(lx, lx->p + 1) == '/')) {
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
        } else if (c == '/' && peek_at(lx, lx->p + 1) == '*') {
            block_comment(lx);
        } else {
            return;
        }
    }
}

static void lex_literal(pst__idl_lexer *lx, pst__idl_token *t)
{
    char quote = *lx->p;
    const char *q = lx->p + 1;
    /* first pass: find the end and the decoded length */
    size_t n = 0;
    for (;;) {
        if (q >= lx->end)
            lex_fail(lx, t->loc, "unterminated string literal%s", "");
        char c = *q;
        if (c == quote)
            break;
        if (c == '\n')
            lex_fail(lx, t->loc, "string literal runs past the end of the line%s", "");
        if (c == '\0')
            lex_fail(lx, loc_at(lx, q, lx->line, lx->line_start),
                     "NUL byte in string literal%s", "");
        if (c == '\\') {
            int e = peek_at(lx, q + 1);
            if (e != 'r' && e != 'n' && e != 't' && e != '"' && e != '\'' && e != '\\') {
                char buf[8];
                if (e > 32 && e < 127) {
                    buf[0] = (char)e;
                    buf[1] = '\0';
                } else {
                    strcpy(buf, "?");
                }
                lex_fail(lx, loc_at(lx, q, lx->line, lx->line_start),
                         "bad escape '\\%s' in string literal (allowed: \\n \\r \\t \\\" \\' \\\\)",
                         buf);
            }
            q += 2;
        } else {
            q++;
        }
        n++;
    }
    char *out = pst__idl_alloc(&lx->s->pool, n + 1);
    size_t o = 0;
    for (const char *r = lx->p + 1; r < q;) {
        if (*r == '\\') {
            switch (r[1]) {
            case 'r': out[o++] = '\r'; break;
            case 'n': out[o++] = '\n'; break;
            case 't': out[o++] = '\t'; break;
            default: out[o++] = r[1]; break;
            }
            r += 2;
        } else {
            out[o++] = *r++;
        }
    }
    out[o] = '\0';
    t->kind = TOK_LITERAL;
    t->str = out;
    t->str_len = o;
    lx->p = q + 1;
}

static void lex_number(pst__idl_lexer *lx, pst__idl_token *t)
{
    const char *start = lx->p, *q = start;
    bool neg = false;
    if (*q == '+' || *q == '-') {
        neg = *q == '-';
        q++;
    }
    const char *digits = q;
    while (q < lx->end && is_digit(*q))
        q++;
    const char *int_end = q > digits ? q : NULL;

    const char *hex_end = NULL;
    if (digits + 2 < lx->end && digits[0] == '0' && digits[1] == 'x' && is_hex(digits[2])) {
        hex_end = digits + 2;
        while (hex_end < lx->end && is_hex(*hex_end))
            hex_end++;
    }

    const char *dub_end = q;
    if (peek_at(lx, dub_end) == '.' && dub_end + 1 < lx->end && is_digit(dub_end[1])) {
        dub_end += 2;
        while (dub_end < lx->end && is_digit(*dub_end))
            dub_end++;
    }
    if (peek_at(lx, dub_end) == 'e' || peek_at(lx, dub_end) == 'E') {
        const char *e = dub_end + 1;
        if (peek_at(lx, e) == '+' || peek_at(lx, e) == '-')
            e++;
        if (e < lx->end && is_digit(*e)) {
            while (e < lx->end && is_digit(*e))
                e++;
            dub_end = e;
        }
    }

    size_t int_len = int_end ? (size_t)(int_end - start) : 0;
    size_t hex_len = hex_end ? (size_t)(hex_end - start) : 0;
    size_t dub_len = (size_t)(dub_end - start);
    if (dub_end == digits) /* a lone sign */
        lex_fail(lx, t->loc, "expected a number after '%s'", neg ? "-" : "+");

    if (hex_len >= int_len && hex_len >= dub_len) {
        uint64_t v = 0;
        for (const char *r = digits + 2; r < hex_end; r++) {
            int d = is_digit(*r) ? *r - '0' : (*r | 0x20) - 'a' + 10;
            if (v > (uint64_t)INT64_MAX >> 4)
                goto too_big;
            v = v << 4 | (uint64_t)d;
        }
        if (v > (uint64_t)INT64_MAX)
            goto too_big;
        t->kind = TOK_INT;
        t->ival = neg ? -(int64_t)v : (int64_t)v;
        lx->p = hex_end;
        return;
    }
    if (int_len >= dub_len) {
        uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        for (const char *r = digits; r < int_end; r++) {
            unsigned d = (unsigned)(*r - '0');
            if (v > (limit - d) / 10)
                goto too_big;
            v = v * 10 + d;
        }
        t->kind = TOK_INT;
        t->ival = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v)
                      : (int64_t)v;
        lx->p = int_end;
        return;
    }
    /* a double */
    char *copy = pst__idl_strndup(&lx->s->pool, start, dub_len);
    errno = 0;
    char *endp;
    double d = strtod(copy, &endp);
    if (isinf(d) || isnan(d))
        lex_fail(lx, t->loc, "number %s is out of the range of a double",
                 pst__idl_quote(lx->s, start, dub_len));
    t->kind = TOK_DOUBLE;
    t->dval = d;
    lx->p = dub_end;
    return;

too_big:
    lex_fail(lx, t->loc, "integer %s does not fit in 64 bits",
             pst__idl_quote(lx->s, start,
                            (size_t)((hex_len >= int_len ? hex_end : int_end) - start)));
}

void pst__idl_lex(pst__idl_lexer *lx, pst__idl_token *t)
{
    skip_space(lx);
    memset(t, 0, sizeof *t);
    t->loc = loc_at(lx, lx->p, lx->line, lx->line_start);
    t->doc = lx->pending_doc;
    lx->pending_doc = NULL;
    t->text = lx->p;
    if (lx->p >= lx->end) {
        t->kind = TOK_EOF;
        return;
    }
    int c = (unsigned char)*lx->p;
    if (is_ident_start(c)) {
        const char *q = lx->p + 1;
        for (;;) {
            if (q < lx->end && is_ident_char(*q))
                q++;
            else if (q + 1 < lx->end && *q == '.' && is_ident_char(q[1]))
                q += 2;
            else
                break;
        }
        t->len = (size_t)(q - lx->p);
        lx->p = q;
        if (t->len == 4 && memcmp(t->text, "true", 4) == 0) {
            t->kind = TOK_INT;
            t->ival = 1;
            return;
        }
        if (t->len == 5 && memcmp(t->text, "false", 5) == 0) {
            t->kind = TOK_INT;
            t->ival = 0;
            return;
        }
        const struct keyword *k = bsearch(t, keywords, sizeof keywords / sizeof keywords[0],
                                          sizeof keywords[0], keyword_cmp);
        if (k) {
            t->kind = k->tok;
            return;
        }
        for (size_t i = 0; i < sizeof retired / sizeof retired[0]; i++) {
            if (strlen(retired[i].text) == t->len &&
                memcmp(retired[i].text, t->text, t->len) == 0) {
                pst__idl_error(lx->s, &t->loc,
                               "'%s' is no longer supported; use 'namespace %s'",
                               retired[i].text, retired[i].scope);
                longjmp(*lx->fail, 1);
            }
        }
        t->kind = TOK_IDENT;
        t->str = pst__idl_strndup(&lx->s->pool, t->text, t->len);
        t->str_len = t->len;
        return;
    }
    if (is_digit(c) || c == '+' || c == '-' ||
        (c == '.' && lx->p + 1 < lx->end && is_digit(lx->p[1]))) {
        lex_number(lx, t);
        t->len = (size_t)(lx->p - t->text);
        return;
    }
    if (c == '"' || c == '\'') {
        lex_literal(lx, t);
        t->len = (size_t)(lx->p - t->text);
        return;
    }
    if (strchr(":;,{}()=<>[]*&", c) && c != '\0') {
        t->kind = c;
        t->len = 1;
        lx->p++;
        return;
    }
    char shown[16];
    if (c > 32 && c < 127) {
        shown[0] = '\'';
        shown[1] = (char)c;
        shown[2] = '\'';
        shown[3] = '\0';
    } else {
        static const char hex[] = "0123456789abcdef";
        strcpy(shown, "byte 0x");
        shown[7] = hex[c >> 4];
        shown[8] = hex[c & 15];
        shown[9] = '\0';
    }
    lex_fail(lx, t->loc, "unexpected character %s", shown);
}

/* ---- doc comments ------------------------------------------------------- */

typedef struct doc_line {
    const char *p;
    size_t n;
} doc_line;

static bool blank(const doc_line *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->p[i] != ' ' && l->p[i] != '\t')
            return false;
    return true;
}

const char *pst__idl_clean_doc(pst__idl_pool *pool, const char *text, size_t len)
{
    /* count lines first: one allocation, linear time */
    unsigned nlines = 1;
    for (size_t i = 0; i < len; i++)
        nlines += text[i] == '\n';
    doc_line *lines = pst__idl_alloc_array(pool, nlines, sizeof *lines);
    unsigned k = 0;
    const char *p = text, *end = text + len;
    while (k < nlines) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        lines[k].p = p;
        lines[k].n = (size_t)(e - p);
        /* trailing whitespace and CR */
        while (lines[k].n && strchr(" \t\r", lines[k].p[lines[k].n - 1]))
            lines[k].n--;
        k++;
        if (!nl)
            break;
        p = nl + 1;
    }
    nlines = k;

    /* If every non-blank line after the first starts with a star (after
     * indentation), the star is frame, not text. */
    bool starred = true;
    unsigned nonblank = 0;
    for (unsigned i = 1; i < nlines; i++) {
        if (blank(&lines[i]))
            continue;
        nonblank++;
        size_t j = 0;
        while (j < lines[i].n && (lines[i].p[j] == ' ' || lines[i].p[j] == '\t'))
            j++;
        if (j >= lines[i].n || lines[i].p[j] != '*')
            starred = false;
    }
    if (starred && nonblank) {
        for (unsigned i = 1; i < nlines; i++) {
            size_t j = 0;
            while (j < lines[i].n && (lines[i].p[j] == ' ' || lines[i].p[j] == '\t'))
                j++;
            if (j < lines[i].n && lines[i].p[j] == '*') {
                j++;
                lines[i].p += j;
                lines[i].n -= j;
            } else {
                lines[i].n = 0;
            }
        }
    }
    /* the first line: text right after the opening, without stars */
    while (lines[0].n && (lines[0].p[0] == '*' || lines[0].p[0] == ' ' || lines[0].p[0] == '\t')) {
        lines[0].p++;
        lines[0].n--;
    }

    unsigned first = 0, last = nlines;
    while (first < last && blank(&lines[first]))
        first++;
    while (last > first && blank(&lines[last - 1]))
        last--;
    if (first == last)
        return NULL;

    /* common indentation of the lines after the first */
    size_t indent = (size_t)-1;
    for (unsigned i = first; i < last; i++) {
        if (i == 0 || blank(&lines[i]))
            continue;
        size_t j = 0;
        while (j < lines[i].n && (lines[i].p[j] == ' ' || lines[i].p[j] == '\t'))
            j++;
        if (j < indent)
            indent = j;
    }
    size_t total = 0;
    for (unsigned i = first; i < last; i++)
        total += lines[i].n + 1;
    char *out = pst__idl_alloc(pool, total + 1);
    char *o = out;
    for (unsigned i = first; i < last; i++) {
        const char *lp = lines[i].p;
        size_t ln = lines[i].n;
        if (i != 0 && indent != (size_t)-1 && !blank(&lines[i])) {
            lp += indent;
            ln -= indent;
        } else if (blank(&lines[i])) {
            ln = 0;
        }
        memcpy(o, lp, ln);
        o += ln;
        if (i + 1 < last)
            *o++ = '\n';
    }
    *o = '\0';
    return out;
}
