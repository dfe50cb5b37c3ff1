/*
 * file_format.h: the byte layout of a message log (docs/file-format.md),
 * shared by its writer and reader. Not public API.
 *
 *   header  0  8  magic 89 50 53 54 4c 4f 47 0a ("\x89PSTLOG\n")
 *           8  2  version (1), big-endian
 *          10  2  header length (16)
 *          12  4  CRC-32 of bytes 0..11
 *   record  0  4  message length N
 *           4  1  direction: 1 request, 2 reply
 *           5  1  protocol (PST_FILE_PROTO_*)
 *           6  2  reserved, 0
 *           8  8  time, ns since the Unix epoch
 *          16  8  connection id
 *          24  N  the message
 *        24+N  4  CRC-32 of bytes 0..24+N-1
 * Integers are big-endian, as Thrift's own framing is.
 */
#ifndef POSTERN_TRANSPORT_FILE_FORMAT_H
#define POSTERN_TRANSPORT_FILE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "postern/file.h"

#define PST__LOG_MAGIC "\x89PSTLOG\n"
#define PST__LOG_VERSION 1u
#define PST__LOG_HEADER 16u
#define PST__LOG_RECORD_HEAD 24u
#define PST__LOG_RECORD_TAIL 4u

/* A record's CRC-32 is zlib's crc32() (ISO-HDLC: reflected polynomial
 * 0xEDB88320, initial and final inversion), so any zlib-based tool can
 * verify one: crc32("123456789") = 0xCBF43926. zlib counts lengths in
 * uInt, hence the pieces. */
static inline uint32_t pst__crc32(uint32_t crc, const void *data, size_t n)
{
    const Bytef *p = data;
    uLong c = crc;
    while (n > 0) {
        uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, p, k);
        p += k;
        n -= k;
    }
    return (uint32_t)c;
}

/* The file header, as version 1 writes it. */
void pst__log_header(uint8_t out[PST__LOG_HEADER]);

static inline uint64_t pst__log_ld(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static inline void pst__log_st(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = n; i-- > 0;) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

#endif
