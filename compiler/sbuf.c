/* sbuf.c: growable text for generated files, and C-safe text escaping. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static void grow(pst__sbuf *b, size_t need)
{
    if (b->cap - b->len >= need)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < need) {
        if (cap > SIZE_MAX / 2) {
            fputs("postern: out of memory\n", stderr);
            exit(1);
        }
        cap *= 2;
    }
    char *d = realloc(b->data, cap);
    if (!d) {
        fputs("postern: out of memory\n", stderr);
        exit(1);
    }
    b->data = d;
    b->cap = cap;
}

void pst__sbuf_free(pst__sbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void pst__sbuf_put(pst__sbuf *b, const char *s, size_t n)
{
    grow(b, n + 1);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pst__sbuf_puts(pst__sbuf *b, const char *s)
{
    pst__sbuf_put(b, s, strlen(s));
}

void pst__sbuf_printf(pst__sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    grow(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void pst__sbuf_append(pst__sbuf *b, const pst__sbuf *other)
{
    if (other->len)
        pst__sbuf_put(b, other->data, other->len);
}

void pst__sbuf_c_string(pst__sbuf *b, const char *s, size_t n)
{
    grow(b, n * 4 + 3);
    char *o = b->data + b->len;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\': *o++ = '\\'; *o++ = '\\'; break;
        case '"': *o++ = '\\'; *o++ = '"'; break;
        case '\n': *o++ = '\\'; *o++ = 'n'; break;
        case '\r': *o++ = '\\'; *o++ = 'r'; break;
        case '\t': *o++ = '\\'; *o++ = 't'; break;
        case '?': *o++ = '\\'; *o++ = '?'; break; /* no trigraphs */
        default:
            if (c < 32 || c >= 127) {
                /* always three digits, so a following digit cannot join */
                *o++ = '\\';
                *o++ = (char)('0' + (c >> 6));
                *o++ = (char)('0' + ((c >> 3) & 7));
                *o++ = (char)('0' + (c & 7));
            } else {
                *o++ = (char)c;
            }
        }
    }
    *o++ = '"';
    *o = '\0';
    b->len = (size_t)(o - b->data);
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if (len == 3 && s[0] == 0xe0 && s[1] < 0xa0)
        return 0;
    if (len == 3 && s[0] == 0xed && s[1] >= 0xa0)
        return 0;
    if (len == 4 && s[0] == 0xf0 && s[1] < 0x90)
        return 0;
    if (len == 4 && s[0] == 0xf4 && s[1] >= 0x90)
        return 0;
    return len;
}

void pst__sbuf_comment_text(pst__sbuf *b, const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    bool cut = n > max;
    if (cut)
        n = max;
    grow(b, n * 2 + 4);
    char *o = b->data + b->len;
    char prev = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c >= 0x80) {
            size_t l = utf8_len(p + i, n - i);
            if (l) {
                memcpy(o, p + i, l);
                o += l;
                i += l;
                prev = 'x';
                continue;
            }
            c = '.';
        } else if (c < 32 || c == 127) {
            c = ' ';
        }
        /* break comment delimiters and trigraphs apart */
        if ((prev == '*' && c == '/') || (prev == '/' && c == '*') || (prev == '?' && c == '?'))
            *o++ = ' ';
        *o++ = (char)c;
        prev = (char)c;
        i++;
    }
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
    if (cut)
        pst__sbuf_puts(b, " ...");
}

void pst__sbuf_comment_lines(pst__sbuf *b, const char *indent, const char *text)
{
    /* bounded: a doc comment of megabytes stays a comment of kilobytes */
    size_t budget = 8000;
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        char *line = malloc(n + 1);
        if (!line) {
            fputs("postern: out of memory\n", stderr);
            exit(1);
        }
        memcpy(line, text, n);
        line[n] = '\0';
        pst__sbuf_printf(b, "%s *%s", indent, n ? " " : "");
        pst__sbuf_comment_text(b, line, n < budget ? n : budget);
        pst__sbuf_puts(b, "\n");
        free(line);
        budget = n < budget ? budget - n : 0;
        if (!budget) {
            pst__sbuf_printf(b, "%s * ...\n", indent);
            return;
        }
        text = nl ? nl + 1 : NULL;
    }
}
