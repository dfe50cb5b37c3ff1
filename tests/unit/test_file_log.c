/*
 * test_file_log.c: the message log (postern/file.h, docs/file-format.md):
 * its bytes, writing and reading back (from a file and from memory), a
 * corrupt byte anywhere and a cut at any length giving an error that
 * names the offset, limits, continuing an existing log (a torn last
 * record cut off, a corrupt one refused), and appends from many threads
 * each reaching the file whole.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "postern/debug.h"
#include "postern/file.h"
#include "test.h"
#include "transport/file_format.h"

static char dir[] = "/tmp/pst_file_log_XXXXXX";

static const char *path_of(const char *name)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(len ? (size_t)len : 1);
    *n = fread(b, 1, (size_t)len, f);
    fclose(f);
    return b;
}

static void spit(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

/* A log of three records: request, reply, request on another connection. */
static const char *const msgs[3] = { "request one", "the reply", "" };
static size_t write_three(const char *path)
{
    unlink(path);
    pst_error err = { 0, "" };
    pst_file_writer *w = pst_file_writer_open(path, &err);
    CHECK(w != NULL);
    if (!w)
        return 0;
    for (int i = 0; i < 3; i++) {
        pst_file_record rec = { i == 1 ? PST_FILE_REPLY : PST_FILE_REQUEST, 0,
                                i == 2 ? &pst_protocol_compact
                                       : &pst_protocol_binary,
                                1000u + (uint64_t)i, i == 2 ? 8u : 7u,
                                (const uint8_t *)msgs[i], strlen(msgs[i]), 0 };
        CHECK_EQ_INT(pst_file_writer_append(w, &rec, &err), 0);
    }
    CHECK_EQ_INT(pst_file_writer_records(w), 3);
    CHECK_EQ_INT(pst_file_writer_failures(w), 0);
    pst_file_writer_close(w);
    size_t n;
    free(slurp(path, &n));
    return n;
}

static void test_crc32(void)
{
    CHECK_EQ_INT(pst__crc32(0, "123456789", 9), 0xcbf43926u);
    CHECK_EQ_INT(pst__crc32(pst__crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
    CHECK_EQ_INT(pst__crc32(0, "", 0), 0);
}

static void test_bytes(void)
{
    /* the layout docs/file-format.md describes, byte for byte */
    size_t n = write_three(path_of("bytes.log"));
    uint8_t *b = slurp(path_of("bytes.log"), &n);
    CHECK_EQ_INT(n, 16 + 3 * 28 + 11 + 9 + 0);
    CHECK_MEM(b, "\x89PSTLOG\n\x00\x01\x00\x10", 12);
    CHECK_EQ_INT(pst__log_ld(b + 12, 4), pst__crc32(0, b, 12));
    const uint8_t *r = b + 16;
    CHECK_EQ_INT(pst__log_ld(r, 4), 11);         /* length */
    CHECK_EQ_INT(r[4], 1);                        /* request */
    CHECK_EQ_INT(r[5], 1);                        /* binary */
    CHECK_EQ_INT(r[6] | r[7], 0);
    CHECK_EQ_INT(pst__log_ld(r + 8, 8), 1000);    /* time */
    CHECK_EQ_INT(pst__log_ld(r + 16, 8), 7);      /* connection */
    CHECK_MEM(r + 24, "request one", 11);
    CHECK_EQ_INT(pst__log_ld(r + 35, 4), pst__crc32(0, r, 35));
    CHECK_EQ_INT(r[39 + 4], 2);                   /* the reply */
    CHECK_EQ_INT(r[39 + 37 + 5], PST_FILE_PROTO_COMPACT);
    free(b);
}

static void read_three(pst_file_reader *r)
{
    pst_file_record rec;
    pst_error err = { 0, "" };
    uint64_t off = 16;
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_INT(pst_file_reader_next(r, &rec, &err), 1);
        CHECK_EQ_INT(rec.direction, i == 1 ? PST_FILE_REPLY : PST_FILE_REQUEST);
        CHECK(rec.protocol == (i == 2 ? &pst_protocol_compact
                                      : &pst_protocol_binary));
        CHECK_EQ_INT(rec.time_ns, 1000 + i);
        CHECK_EQ_INT(rec.conn_id, i == 2 ? 8 : 7);
        CHECK_EQ_INT(rec.len, strlen(msgs[i]));
        CHECK(rec.len == 0 || memcmp(rec.data, msgs[i], rec.len) == 0);
        CHECK_EQ_INT(rec.offset, off);
        off += 28 + rec.len;
    }
    CHECK_EQ_INT(pst_file_reader_next(r, &rec, &err), 0);
    CHECK_EQ_INT(pst_file_reader_next(r, &rec, &err), 0);
    CHECK_EQ_INT(pst_file_reader_offset(r), off);
}

static void test_round_trip(void)
{
    size_t n = write_three(path_of("rt.log"));
    pst_error err = { 0, "" };
    pst_file_reader *r = pst_file_reader_open(path_of("rt.log"), 0, &err);
    CHECK(r != NULL);
    if (r)
        read_three(r);
    pst_file_reader_close(r);
    uint8_t *b = slurp(path_of("rt.log"), &n);
    r = pst_file_reader_open_memory(b, n, 0, &err);
    CHECK(r != NULL);
    if (r)
        read_three(r);
    pst_file_reader_close(r);
    free(b);
    /* protocol numbers */
    CHECK(pst_file_protocol(pst_file_protocol_id(&pst_protocol_json)) ==
          &pst_protocol_json);
    CHECK(pst_file_protocol(pst_file_protocol_id(&pst_protocol_debug)) ==
          &pst_protocol_debug);
    CHECK(pst_file_protocol(99) == NULL);
}

/* Read everything; the status of the last next() and its error. */
static int read_all(const uint8_t *b, size_t n, pst_error *err, int *records)
{
    *records = 0;
    pst_file_reader *r = pst_file_reader_open_memory(b, n, 0, err);
    if (!r)
        return err->code;
    pst_file_record rec;
    int rc;
    while ((rc = pst_file_reader_next(r, &rec, err)) == 1)
        (*records)++;
    pst_file_reader_close(r);
    return rc;
}

static void test_every_byte_corrupt(void)
{
    size_t n = write_three(path_of("c.log"));
    uint8_t *b = slurp(path_of("c.log"), &n);
    uint64_t starts[] = { 16, 16 + 39, 16 + 39 + 37, n };
    for (size_t i = 0; i < n; i++) {
        b[i] ^= 0x20;
        pst_error err = { 0, "" };
        int records;
        int rc = read_all(b, n, &err, &records);
        CHECK(rc < 0);
        char want[64];
        if (i < 16) {
            CHECK(strstr(err.message, "offset ") != NULL);
        } else {
            int k = 0;
            while (i >= starts[k + 1])
                k++;
            snprintf(want, sizeof want, "record at offset %llu:",
                     (unsigned long long)starts[k]);
            CHECK(strstr(err.message, want) != NULL);
            CHECK_EQ_INT(records, k); /* the records before it read */
            if (!strstr(err.message, want))
                fprintf(stderr, "byte %zu: %s\n", i, err.message);
        }
        b[i] ^= 0x20;
    }
    free(b);
}

static void test_every_cut(void)
{
    size_t n = write_three(path_of("t.log"));
    uint8_t *b = slurp(path_of("t.log"), &n);
    uint64_t ends[] = { 16, 16 + 39, 16 + 39 + 37, n };
    for (size_t k = 0; k < n; k++) {
        uint8_t *copy = malloc(k ? k : 1);
        memcpy(copy, b, k);
        pst_error err = { 0, "" };
        int records;
        int rc = read_all(copy, k, &err, &records);
        bool boundary = false;
        for (int j = 0; j < 4; j++)
            if (k == ends[j]) {
                boundary = true;
                CHECK_EQ_INT(rc, 0); /* a shorter log, whole */
                CHECK_EQ_INT(records, j);
            }
        if (!boundary) {
            CHECK_EQ_INT(rc, PST_E_SHORT);
            CHECK(strstr(err.message, "offset") != NULL);
            CHECK(k < 16 || strstr(err.message, "cut short") != NULL);
        }
        free(copy);
    }
    /* the same from a file */
    spit(path_of("cut.log"), b, n - 3);
    pst_error err = { 0, "" };
    pst_file_reader *r = pst_file_reader_open(path_of("cut.log"), 0, &err);
    pst_file_record rec;
    int rc;
    while ((rc = pst_file_reader_next(r, &rec, &err)) == 1) {
    }
    CHECK_EQ_INT(rc, PST_E_SHORT);
    char want[64];
    snprintf(want, sizeof want, "record at offset %llu: cut short",
             (unsigned long long)ends[2]);
    CHECK(strstr(err.message, want) != NULL);
    /* failed readers stay failed, with the same words */
    pst_error again = { 0, "" };
    CHECK_EQ_INT(pst_file_reader_next(r, &rec, &again), PST_E_SHORT);
    CHECK(strcmp(again.message, err.message) == 0);
    pst_file_reader_close(r);
    free(b);
}

static void test_header_and_limits(void)
{
    pst_error err = { 0, "" };
    CHECK(pst_file_reader_open_memory("hello", 5, 0, &err) == NULL);
    CHECK_EQ_INT(err.code, PST_E_SHORT);
    pst_error_clear(&err);
    CHECK(pst_file_reader_open_memory("not a log at all", 16, 0, &err) == NULL);
    CHECK(strstr(err.message, "bad magic (offset 0)") != NULL);
    uint8_t h[16];
    pst__log_header(h);
    h[9] = 2; /* version 2, checksum fixed up */
    pst__log_st(h + 12, pst__crc32(0, h, 12), 4);
    pst_error_clear(&err);
    CHECK(pst_file_reader_open_memory(h, 16, 0, &err) == NULL);
    CHECK_EQ_INT(err.code, PST_E_UNSUPPORTED);
    CHECK(strstr(err.message, "version 2 (offset 8)") != NULL);
    pst_error_clear(&err);
    CHECK(pst_file_reader_open(path_of("missing.log"), 0, &err) == NULL);
    CHECK(strstr(err.message, "missing.log") != NULL);

    /* a length over the limit is an error, not an allocation */
    size_t n = write_three(path_of("l.log"));
    uint8_t *b = slurp(path_of("l.log"), &n);
    pst_error_clear(&err);
    pst_file_reader *r = pst_file_reader_open_memory(b, n, 10, &err);
    pst_file_record rec;
    CHECK_EQ_INT(pst_file_reader_next(r, &rec, &err), PST_E_LIMIT);
    CHECK(strstr(err.message, "record at offset 16: a message of 11 bytes "
                              "exceeds the limit of 10") != NULL);
    pst_file_reader_close(r);
    pst__log_st(b + 16, 0xfffffff0u, 4);
    spit(path_of("huge.log"), b, n);
    pst_error_clear(&err);
    r = pst_file_reader_open(path_of("huge.log"), UINT32_MAX, &err);
    CHECK_EQ_INT(pst_file_reader_next(r, &rec, &err), PST_E_SHORT);
    CHECK(strstr(err.message, "record at offset 16: cut short") != NULL);
    pst_file_reader_close(r);
    free(b);
}

static void test_continue_existing(void)
{
    const char *p = path_of("cont.log");
    size_t n = write_three(p);
    pst_error err = { 0, "" };
    /* appending continues the log */
    pst_file_writer *w = pst_file_writer_open(p, &err);
    CHECK(w != NULL);
    pst_file_record rec = { PST_FILE_REQUEST, PST_FILE_PROTO_JSON, NULL, 5, 9,
                            (const uint8_t *)"[1]", 3, 0 };
    CHECK_EQ_INT(pst_file_writer_append(w, &rec, &err), 0);
    pst_file_writer_close(w);
    uint8_t *b = slurp(p, &n);
    int records;
    CHECK_EQ_INT(read_all(b, n, &err, &records), 0);
    CHECK_EQ_INT(records, 4);
    /* a torn last record (a crash mid-write) is cut off on open */
    spit(p, b, n - 5);
    w = pst_file_writer_open(p, &err);
    CHECK(w != NULL);
    CHECK_EQ_INT(pst_file_writer_append(w, &rec, &err), 0);
    pst_file_writer_close(w);
    free(b);
    b = slurp(p, &n);
    CHECK_EQ_INT(read_all(b, n, &err, &records), 0);
    CHECK_EQ_INT(records, 4);
    /* a corrupt record: refused, the file untouched */
    b[16 + 30] ^= 1;
    spit(p, b, n);
    pst_error_clear(&err);
    CHECK(pst_file_writer_open(p, &err) == NULL);
    CHECK(strstr(err.message, "record at offset 16: checksum mismatch") != NULL);
    size_t n2;
    uint8_t *b2 = slurp(p, &n2);
    CHECK(n2 == n && memcmp(b, b2, n) == 0);
    free(b2);
    free(b);
    /* not a log: refused */
    spit(p, (const uint8_t *)"some text file\n", 15);
    pst_error_clear(&err);
    CHECK(pst_file_writer_open(p, &err) == NULL);
    CHECK(strstr(err.message, "not appending") != NULL);
}

static void test_append_many(void)
{
    const char *p = path_of("many.log");
    unlink(p);
    pst_error err = { 0, "" };
    pst_file_writer *w = pst_file_writer_open(p, &err);
    pst_file_record recs[2] = {
        { PST_FILE_REQUEST, 0, &pst_protocol_binary, 1, 3,
          (const uint8_t *)"req", 3, 0 },
        { PST_FILE_REPLY, 0, &pst_protocol_binary, 2, 3,
          (const uint8_t *)"reply", 5, 0 },
    };
    CHECK_EQ_INT(pst_file_writer_append_many(w, recs, 2, &err), 0);
    /* all or none: a record over the limit keeps the other out too */
    recs[1].len = (size_t)PST_FILE_MAX_RECORD + 1;
    CHECK_EQ_INT(pst_file_writer_append_many(w, recs, 2, &err), PST_E_LIMIT);
    CHECK_EQ_INT(pst_file_writer_records(w), 2);
    CHECK_EQ_INT(pst_file_writer_failures(w), 1);
    pst_file_writer_close(w);
    size_t n;
    uint8_t *b = slurp(p, &n);
    CHECK_EQ_INT(n, 16 + 28 + 3 + 28 + 5);
    pst_file_reader *r = pst_file_reader_open_memory(b, n, 0, &err);
    pst_file_record rec;
    CHECK_EQ_INT(pst_file_reader_next(r, &rec, &err), 1);
    CHECK(rec.direction == PST_FILE_REQUEST && rec.len == 3);
    CHECK_EQ_INT(pst_file_reader_next(r, &rec, &err), 1);
    CHECK(rec.direction == PST_FILE_REPLY && rec.len == 5 &&
          memcmp(rec.data, "reply", 5) == 0);
    CHECK_EQ_INT(pst_file_reader_next(r, &rec, &err), 0);
    pst_file_reader_close(r);
    free(b);
}

/* ---- many threads ------------------------------------------------------- */

enum { THREADS = 4, PER_THREAD = 300 };
static pst_file_writer *shared;
static atomic_int append_failures; /* CHECK is for the main thread only */

static void *appender(void *arg)
{
    uintptr_t t = (uintptr_t)arg;
    uint8_t msg[600];
    for (int i = 0; i < PER_THREAD; i++) {
        size_t len = (size_t)(i * 7 + (int)t) % sizeof msg;
        memset(msg, (int)('a' + t), len);
        pst_file_record rec = { PST_FILE_REQUEST, 0, &pst_protocol_binary,
                                (uint64_t)i, t, msg, len, 0 };
        pst_error err = { 0, "" };
        if (pst_file_writer_append(shared, &rec, &err) != 0)
            atomic_fetch_add(&append_failures, 1);
    }
    return NULL;
}

static void test_threads(void)
{
    const char *p = path_of("threads.log");
    unlink(p);
    pst_error err = { 0, "" };
    shared = pst_file_writer_open(p, &err);
    CHECK(shared != NULL);
    pthread_t th[THREADS];
    for (uintptr_t t = 0; t < THREADS; t++)
        pthread_create(&th[t], NULL, appender, (void *)t);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    CHECK_EQ_INT(atomic_load(&append_failures), 0);
    CHECK_EQ_INT(pst_file_writer_records(shared), THREADS * PER_THREAD);
    pst_file_writer_close(shared);
    pst_file_reader *r = pst_file_reader_open(p, 0, &err);
    pst_file_record rec;
    int count[THREADS] = { 0 }, rc, whole = 1;
    while ((rc = pst_file_reader_next(r, &rec, &err)) == 1) {
        if (rec.conn_id >= THREADS) {
            whole = 0;
            break;
        }
        /* in each thread's order, each message its own bytes only */
        if (rec.time_ns != (uint64_t)count[rec.conn_id])
            whole = 0;
        for (size_t i = 0; i < rec.len; i++)
            if (rec.data[i] != 'a' + rec.conn_id)
                whole = 0;
        count[rec.conn_id]++;
    }
    CHECK_EQ_INT(rc, 0);
    CHECK(whole);
    for (int t = 0; t < THREADS; t++)
        CHECK_EQ_INT(count[t], PER_THREAD);
    pst_file_reader_close(r);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_crc32);
    RUN(test_bytes);
    RUN(test_round_trip);
    RUN(test_every_byte_corrupt);
    RUN(test_every_cut);
    RUN(test_header_and_limits);
    RUN(test_continue_existing);
    RUN(test_append_many);
    RUN(test_threads);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_report();
}
