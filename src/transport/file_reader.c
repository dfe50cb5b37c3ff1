/*
 * file_reader.c: reading a message log (postern/file.h, file_format.h)
 * record by record, from a file or from memory.
 *
 * Every length is checked against max_record and, when the input's size
 * is known (memory, regular files), against the bytes that are left
 * before anything is allocated; so a corrupt length costs an error, not
 * memory. Errors name the offset of the record (or header field) that is
 * wrong, and stay: a reader that failed fails again with the same words.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "postern/debug.h"
#include "transport/file_format.h"

struct pst_file_reader {
    FILE *f;                  /* NULL: reading mem */
    const uint8_t *mem;
    uint64_t size;            /* bytes in the input; UINT64_MAX: unknown */
    uint64_t off;             /* where the next record starts */
    uint64_t max_record;
    uint8_t *buf;             /* the record being read (files) */
    size_t cap;
    pst_error failed;         /* code != 0: the error, repeated */
};

uint8_t pst_file_protocol_id(const pst_protocol *p)
{
    if (p == &pst_protocol_binary)
        return PST_FILE_PROTO_BINARY;
    if (p == &pst_protocol_compact)
        return PST_FILE_PROTO_COMPACT;
    if (p == &pst_protocol_json)
        return PST_FILE_PROTO_JSON;
    if (p == &pst_protocol_debug)
        return PST_FILE_PROTO_DEBUG;
    return PST_FILE_PROTO_UNKNOWN;
}

const pst_protocol *pst_file_protocol(uint8_t id)
{
    switch (id) {
    case PST_FILE_PROTO_BINARY: return &pst_protocol_binary;
    case PST_FILE_PROTO_COMPACT: return &pst_protocol_compact;
    case PST_FILE_PROTO_JSON: return &pst_protocol_json;
    case PST_FILE_PROTO_DEBUG: return &pst_protocol_debug;
    }
    return NULL;
}

static int fail(pst_file_reader *r, pst_error *err, int code, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));
static int fail(pst_file_reader *r, pst_error *err, int code, const char *fmt,
                ...)
{
    va_list ap;
    va_start(ap, fmt);
    r->failed.code = code;
    vsnprintf(r->failed.message, sizeof r->failed.message, fmt, ap);
    va_end(ap);
    if (err && !err->code) /* the first failure stays, as pst_error_set */
        *err = r->failed;
    return code;
}

/* n bytes at offset `at` (in the record that starts at r->off): a pointer
 * into memory, or read into the record buffer at at - r->off, so that a
 * record's head and the rest are contiguous; *got: how many there were
 * (fewer at the end of the input). */
static int take(pst_file_reader *r, uint64_t at, size_t n, const uint8_t **p,
                size_t *got, pst_error *err)
{
    if (!r->f) {
        uint64_t left = at < r->size ? r->size - at : 0;
        *got = n < left ? n : (size_t)left;
        *p = r->mem + at;
        return 0;
    }
    size_t keep = (size_t)(at - r->off);
    if (r->cap < keep + n) {
        uint8_t *b = realloc(r->buf, keep + n);
        if (!b)
            return fail(r, err, PST_E_NOMEM, "record at offset %llu: no memory "
                        "for %zu bytes", (unsigned long long)r->off, keep + n);
        r->buf = b;
        r->cap = keep + n;
    }
    size_t k = fread(r->buf + keep, 1, n, r->f);
    if (k < n && ferror(r->f))
        return fail(r, err, PST_E_IO, "record at offset %llu: read: %s",
                    (unsigned long long)r->off, strerror(errno));
    *got = k;
    *p = r->buf + keep;
    return 0;
}

static pst_file_reader *open_common(pst_file_reader *r, uint64_t max_record,
                                    pst_error *err)
{
    r->max_record = max_record ? max_record : PST_FILE_MAX_RECORD;
    const uint8_t *h;
    size_t got;
    uint8_t hb[PST__LOG_HEADER];
    if (r->f) {
        got = fread(hb, 1, sizeof hb, r->f);
        h = hb;
    } else {
        take(r, 0, PST__LOG_HEADER, &h, &got, NULL);
    }
    int code = 0;
    if (got < PST__LOG_HEADER) {
        code = fail(r, err, PST_E_SHORT,
                    "not a message log: %zu bytes, its header needs %u "
                    "(offset 0)", got, PST__LOG_HEADER);
    } else if (memcmp(h, PST__LOG_MAGIC, 8) != 0) {
        code = fail(r, err, PST_E_PROTOCOL,
                    "not a postern message log: bad magic (offset 0)");
    } else if (pst__log_ld(h + 12, 4) != pst__crc32(0, h, 12)) {
        code = fail(r, err, PST_E_PROTOCOL,
                    "message log header: checksum mismatch (offset 12)");
    } else if (pst__log_ld(h + 8, 2) != PST__LOG_VERSION) {
        code = fail(r, err, PST_E_UNSUPPORTED,
                    "message log version %u (offset 8): this reader knows "
                    "version %u",
                    (unsigned)pst__log_ld(h + 8, 2), PST__LOG_VERSION);
    } else if (pst__log_ld(h + 10, 2) != PST__LOG_HEADER) {
        code = fail(r, err, PST_E_PROTOCOL,
                    "message log header length %u (offset 10), expected %u",
                    (unsigned)pst__log_ld(h + 10, 2), PST__LOG_HEADER);
    }
    if (code) {
        pst_file_reader_close(r);
        return NULL;
    }
    r->off = PST__LOG_HEADER;
    return r;
}

pst_file_reader *pst_file_reader_open(const char *path, uint64_t max_record,
                                      pst_error *err)
{
    pst_file_reader *r = calloc(1, sizeof *r);
    if (!r) {
        pst_error_set(err, PST_E_NOMEM, "out of memory for a log reader");
        return NULL;
    }
    r->f = fopen(path, "rb");
    if (!r->f) {
        int e = errno;
        pst_error_set(err, -e, "%s: %s", path, strerror(e));
        free(r);
        return NULL;
    }
    struct stat st;
    r->size = fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode)
                  ? (uint64_t)st.st_size
                  : UINT64_MAX;
    return open_common(r, max_record, err);
}

pst_file_reader *pst_file_reader_open_memory(const void *data, size_t len,
                                             uint64_t max_record,
                                             pst_error *err)
{
    pst_file_reader *r = calloc(1, sizeof *r);
    if (!r) {
        pst_error_set(err, PST_E_NOMEM, "out of memory for a log reader");
        return NULL;
    }
    r->mem = data ? data : (const uint8_t *)"";
    r->size = data ? len : 0;
    return open_common(r, max_record, err);
}

int pst_file_reader_next(pst_file_reader *r, pst_file_record *rec,
                         pst_error *err)
{
    if (r->failed.code) {
        if (err && !err->code)
            *err = r->failed;
        return r->failed.code;
    }
    unsigned long long at = (unsigned long long)r->off;
    const uint8_t *h;
    size_t got;
    if (take(r, r->off, PST__LOG_RECORD_HEAD, &h, &got, err) < 0)
        return r->failed.code;
    if (got == 0)
        return 0; /* the end, between records */
    if (got < PST__LOG_RECORD_HEAD)
        return fail(r, err, PST_E_SHORT,
                    "record at offset %llu: cut short: the file ends %zu "
                    "bytes into its %u-byte head",
                    at, got, PST__LOG_RECORD_HEAD);
    uint64_t n = pst__log_ld(h, 4);
    if (n > r->max_record)
        return fail(r, err, PST_E_LIMIT,
                    "record at offset %llu: a message of %llu bytes exceeds "
                    "the limit of %llu",
                    at, (unsigned long long)n,
                    (unsigned long long)r->max_record);
    uint64_t whole = PST__LOG_RECORD_HEAD + n + PST__LOG_RECORD_TAIL;
    if (r->size != UINT64_MAX && r->off + whole > r->size)
        return fail(r, err, PST_E_SHORT,
                    "record at offset %llu: cut short: it needs %llu bytes, "
                    "the file has %llu left",
                    at, (unsigned long long)whole,
                    (unsigned long long)(r->size - r->off));
    const uint8_t *rest;
    if (take(r, r->off + PST__LOG_RECORD_HEAD, (size_t)(n + PST__LOG_RECORD_TAIL),
             &rest, &got, err) < 0)
        return r->failed.code;
    if (got < whole - PST__LOG_RECORD_HEAD)
        return fail(r, err, PST_E_SHORT,
                    "record at offset %llu: cut short: it needs %llu bytes, "
                    "the file has %llu",
                    at, (unsigned long long)whole,
                    (unsigned long long)(PST__LOG_RECORD_HEAD + got));
    /* the head and the rest are contiguous, in memory and in the buffer */
    const uint8_t *b = rest - PST__LOG_RECORD_HEAD;
    uint32_t stored = (uint32_t)pst__log_ld(b + PST__LOG_RECORD_HEAD + n, 4);
    uint32_t sum = pst__crc32(0, b, PST__LOG_RECORD_HEAD + (size_t)n);
    if (stored != sum)
        return fail(r, err, PST_E_PROTOCOL,
                    "record at offset %llu: checksum mismatch (stored "
                    "0x%08x, computed 0x%08x over its %llu bytes)",
                    at, stored, sum,
                    (unsigned long long)(PST__LOG_RECORD_HEAD + n));
    if (b[4] != PST_FILE_REQUEST && b[4] != PST_FILE_REPLY)
        return fail(r, err, PST_E_PROTOCOL,
                    "record at offset %llu: unknown direction %u (offset %llu)",
                    at, b[4], at + 4);
    if (b[6] || b[7])
        return fail(r, err, PST_E_PROTOCOL,
                    "record at offset %llu: reserved bytes set (offset %llu)",
                    at, at + 6);
    rec->direction = (pst_file_direction)b[4];
    rec->protocol_id = b[5];
    rec->protocol = pst_file_protocol(b[5]);
    rec->time_ns = pst__log_ld(b + 8, 8);
    rec->conn_id = pst__log_ld(b + 16, 8);
    rec->data = b + PST__LOG_RECORD_HEAD;
    rec->len = (size_t)n;
    rec->offset = r->off;
    r->off += whole;
    return 1;
}

uint64_t pst_file_reader_offset(const pst_file_reader *r)
{
    return r->off;
}

void pst_file_reader_close(pst_file_reader *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r->buf);
    free(r);
}
