/*
 * file_crc32.c: CRC-32 for the message log's records (file_format.h),
 * the same checksum as zlib's crc32(), so that any zlib-based tool can
 * verify a record; computed here with a table built once.
 */
#include <pthread.h>
#include <string.h>

#include "transport/file_format.h"

static uint32_t table[256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void build_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

uint32_t pst__crc32(uint32_t crc, const void *data, size_t n)
{
    pthread_once(&table_once, build_table);
    const uint8_t *p = data;
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

void pst__log_header(uint8_t out[PST__LOG_HEADER])
{
    memcpy(out, PST__LOG_MAGIC, 8);
    pst__log_st(out + 8, PST__LOG_VERSION, 2);
    pst__log_st(out + 10, PST__LOG_HEADER, 2);
    pst__log_st(out + 12, pst__crc32(0, out, 12), 4);
}
