/*
 * chunked.c: Transfer-Encoding: chunked request bodies (RFC 9112 7.1),
 * decoded incrementally and in place.
 *
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *
 * A byte-level state machine for the framing (size lines, the CRLF after
 * data, trailers) and memmove for the data, so every byte is looked at
 * once however the bytes arrive. The decoded data moves towards the front
 * of the body (it is never longer than its encoding), which leaves the
 * undecoded rest where it is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chars.h"
#include "http.h"

enum {
    CH_SIZE_FIRST = 0, /* the first hex digit of a chunk size */
    CH_SIZE,           /* more hex digits */
    CH_EXT,            /* after the size: BWS, extensions, skipped */
    CH_SIZE_LF,        /* CR seen after the size line */
    CH_DATA,           /* `left` data bytes */
    CH_DATA_END,       /* the CRLF after the data */
    CH_DATA_LF,
    CH_TRAILER_START,  /* a trailer field line or the final blank line */
    CH_TRAILER_NAME,
    CH_TRAILER_VALUE,
    CH_TRAILER_LF,
    CH_END_LF,         /* CR of the final blank line seen */
    CH_DONE
};

void pst__http_chunked_reset(pst_http_chunked *c)
{
    memset(c, 0, sizeof *c);
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static pst_http_step fail(pst_http_chunked *c, pst_error *err, int status,
                          const char *fmt, ...)
{
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->status = (uint16_t)status;
    pst_error_set(err, pst__http_status_code(status), "chunked body: %s", msg);
    return PST_HTTP_ERROR;
}

static bool ctl(uint8_t b)
{
    return b < 0x20 ? b != '\t' : b == 0x7f;
}

pst_http_step pst__http_chunked_decode(pst_http_chunked *c, uint8_t *body,
                                       size_t len, const pst_http_limits *lim,
                                       pst_error *err)
{
    if (c->status) {
        pst_error_set(err, pst__http_status_code(c->status),
                      "chunked body: already refused with status %u",
                      (unsigned)c->status);
        return PST_HTTP_ERROR;
    }
    size_t in = c->in;
    while (in < len && c->state != CH_DONE) {
        if (c->state == CH_DATA) {
            size_t n = len - in;
            if (n > c->left)
                n = (size_t)c->left;
            if (c->out != in)
                memmove(body + c->out, body + in, n);
            c->out += n;
            in += n;
            c->left -= n;
            if (c->left == 0)
                c->state = CH_DATA_END;
            continue;
        }
        uint8_t b = body[in];
        size_t off = in;
        in++;
        switch (c->state) {
        case CH_SIZE_FIRST:
        case CH_SIZE: {
            int d = pst__http_hex(b);
            if (d >= 0) {
                if (c->left >> 60)
                    return fail(c, err, 400, "chunk size overflows (offset %zu)",
                                off);
                c->left = c->left << 4 | (unsigned)d;
                c->state = CH_SIZE;
                break;
            }
            if (c->state == CH_SIZE_FIRST)
                return fail(c, err, 400, "chunk size is not hex: byte 0x%02x "
                                         "(offset %zu)", b, off);
            if (b == ';' || b == ' ' || b == '\t')
                c->state = CH_EXT;
            else if (b == '\r')
                c->state = CH_SIZE_LF;
            else if (b == '\n')
                goto size_line_done;
            else
                return fail(c, err, 400, "invalid byte 0x%02x after the chunk "
                                         "size (offset %zu)", b, off);
            break;
        }
        case CH_EXT:
            if (b == '\r')
                c->state = CH_SIZE_LF;
            else if (b == '\n')
                goto size_line_done;
            else if (ctl(b))
                return fail(c, err, 400, "control byte 0x%02x in a chunk "
                                         "extension (offset %zu)", b, off);
            break;
        case CH_SIZE_LF:
            if (b != '\n')
                return fail(c, err, 400, "bare CR in a chunk size line "
                                         "(offset %zu)", off - 1);
        size_line_done:
            c->line = 0;
            if (c->left == 0) {
                c->state = CH_TRAILER_START;
                continue;
            }
            if (c->left > lim->max_body - c->out)
                return fail(c, err, 413, "body exceeds the %llu byte limit "
                                         "(chunk of %llu bytes at offset %zu)",
                            (unsigned long long)lim->max_body,
                            (unsigned long long)c->left, off);
            c->state = CH_DATA;
            continue;
        case CH_DATA_END:
            if (b == '\r')
                c->state = CH_DATA_LF;
            else if (b == '\n')
                c->state = CH_SIZE_FIRST;
            else
                return fail(c, err, 400, "chunk data not followed by CRLF "
                                         "(offset %zu)", off);
            continue;
        case CH_DATA_LF:
            if (b != '\n')
                return fail(c, err, 400, "chunk data not followed by CRLF "
                                         "(offset %zu)", off);
            c->state = CH_SIZE_FIRST;
            continue;
        case CH_TRAILER_START:
            if (b == '\r' || b == '\n') {
                c->state = b == '\r' ? CH_END_LF : CH_DONE;
                break;
            }
            if (b == ' ' || b == '\t')
                return fail(c, err, 400, "trailer line starts with whitespace "
                                         "(offset %zu)", off);
            if (!pst__http_tchar(b))
                return fail(c, err, 400, "invalid byte 0x%02x in a trailer "
                                         "name (offset %zu)", b, off);
            if (c->trailers >= lim->max_headers)
                return fail(c, err, 431, "more than %u trailer lines "
                                         "(offset %zu)", lim->max_headers, off);
            c->trailers++;
            c->state = CH_TRAILER_NAME;
            break;
        case CH_TRAILER_NAME:
            if (b == ':')
                c->state = CH_TRAILER_VALUE;
            else if (b == ' ' || b == '\t')
                return fail(c, err, 400, "whitespace between trailer name and "
                                         "colon (offset %zu)", off);
            else if (!pst__http_tchar(b))
                return fail(c, err, 400, "invalid byte 0x%02x in a trailer "
                                         "name (offset %zu)", b, off);
            break;
        case CH_TRAILER_VALUE:
            if (b == '\r')
                c->state = CH_TRAILER_LF;
            else if (b == '\n')
                c->state = CH_TRAILER_START;
            else if (ctl(b))
                return fail(c, err, 400, "control byte 0x%02x in a trailer "
                                         "value (offset %zu)", b, off);
            break;
        case CH_TRAILER_LF:
        case CH_END_LF:
            if (b != '\n')
                return fail(c, err, 400, "bare CR in the trailer section "
                                         "(offset %zu)", off - 1);
            c->state = c->state == CH_END_LF ? CH_DONE : CH_TRAILER_START;
            break;
        default:
            break;
        }
        /* Bytes of size lines (without the line ending) and of trailers
         * are counted: both are bounded. */
        if (c->state < CH_SIZE_LF) {
            if (++c->line > lim->max_chunk_line)
                return fail(c, err, 400, "chunk size line longer than %u bytes "
                                         "(offset %zu)", lim->max_chunk_line,
                            off);
        } else if (c->state >= CH_TRAILER_START) {
            if (++c->trailer_bytes > lim->max_header_bytes)
                return fail(c, err, 431, "trailer section longer than %u bytes "
                                         "(offset %zu)", lim->max_header_bytes,
                            off);
        }
    }
    c->in = in;
    return c->state == CH_DONE ? PST_HTTP_DONE : PST_HTTP_MORE;
}
