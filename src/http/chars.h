/*
 * chars.h: byte classes of HTTP/1.1 (RFC 9110 5.6.2, 5.5; RFC 9112 3),
 * shared by the head parser and the chunked decoder. One table lookup per
 * byte; the tables are built at compile time.
 */
#ifndef POSTERN_HTTP_CHARS_H
#define POSTERN_HTTP_CHARS_H

#include <stdbool.h>
#include <stdint.h>

enum {
    PST__HC_TCHAR = 1u << 0,  /* token: ALPHA DIGIT !#$%&'*+-.^_`|~ */
    PST__HC_FIELD = 1u << 1,  /* field value: HT SP VCHAR obs-text */
    PST__HC_TARGET = 1u << 2, /* request-target: VCHAR (0x21..0x7e) */
    PST__HC_HEX = 1u << 3     /* HEXDIG */
};

extern const uint8_t pst__http_class[256];

static inline bool pst__http_tchar(uint8_t c)
{
    return pst__http_class[c] & PST__HC_TCHAR;
}

static inline bool pst__http_field_char(uint8_t c)
{
    return pst__http_class[c] & PST__HC_FIELD;
}

static inline int pst__http_hex(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

#endif
