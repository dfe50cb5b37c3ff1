/*
 * file_writer.c: appending records to a message log (postern/file.h,
 * file_format.h).
 *
 * Each record is built whole in memory, checksum included, and written
 * under the writer's lock from the file's end (a call's request and reply
 * in one write: one system call per call); a write that fails part way
 * (a full disk) is cut off again, so the file only ever holds whole
 * records and appends after a failure still read back. O_APPEND keeps
 * other processes' appends from overwriting ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transport/file_format.h"

void pst__log_header(uint8_t out[PST__LOG_HEADER])
{
    memcpy(out, PST__LOG_MAGIC, 8);
    pst__log_st(out + 8, PST__LOG_VERSION, 2);
    pst__log_st(out + 10, PST__LOG_HEADER, 2);
    pst__log_st(out + 12, pst__crc32(0, out, 12), 4);
}

struct pst_file_writer {
    int fd;
    pthread_mutex_t lock;
    atomic_uint_fast64_t records, failures;
};

/* All of buf at the end of fd, or the file cut back to where it ended. */
static int write_whole(int fd, const uint8_t *buf, size_t n)
{
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0)
        return -errno;
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(fd, buf + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            int e = k < 0 ? errno : EIO;
            if (done && ftruncate(fd, end) < 0)
                e = errno; /* the tail stays: the next open cuts it */
            return -e;
        }
        done += (size_t)k;
    }
    return 0;
}

/* An existing log: check it and cut off a last record left incomplete. */
static int check_existing(int fd, const char *path, pst_error *err)
{
    pst_error rerr = { 0, "" };
    pst_file_reader *r = pst_file_reader_open(path, UINT64_MAX >> 1, &rerr);
    if (!r)
        return pst_error_set(err, rerr.code, "%s: %s; not appending to it",
                             path, rerr.message);
    pst_file_record rec;
    int rc;
    while ((rc = pst_file_reader_next(r, &rec, &rerr)) == 1) {
    }
    uint64_t end = pst_file_reader_offset(r);
    pst_file_reader_close(r);
    if (rc == PST_E_SHORT) { /* a crash while appending: drop the torn tail */
        if (ftruncate(fd, (off_t)end) < 0)
            return pst_error_set(err, -errno, "%s: cutting a torn last "
                                 "record at offset %llu: %s", path,
                                 (unsigned long long)end, strerror(errno));
        return 0;
    }
    if (rc < 0)
        return pst_error_set(err, rc, "%s: %s; not appending to it", path,
                             rerr.message);
    return 0;
}

pst_file_writer *pst_file_writer_open(const char *path, pst_error *err)
{
    if (!path || !*path) {
        pst_error_set(err, PST_E_INVALID, "a message log needs a path");
        return NULL;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        pst_error_set(err, -errno, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) < 0) {
        rc = pst_error_set(err, -errno, "%s: %s", path, strerror(errno));
    } else if (st.st_size == 0) {
        uint8_t h[PST__LOG_HEADER];
        pst__log_header(h);
        rc = write_whole(fd, h, sizeof h);
        if (rc < 0)
            pst_error_set(err, rc, "%s: writing the header: %s", path,
                          strerror(-rc));
    } else {
        rc = check_existing(fd, path, err);
    }
    pst_file_writer *w = rc == 0 ? calloc(1, sizeof *w) : NULL;
    if (!w) {
        if (rc == 0)
            pst_error_set(err, PST_E_NOMEM, "out of memory for a log writer");
        close(fd);
        return NULL;
    }
    w->fd = fd;
    pthread_mutex_init(&w->lock, NULL);
    return w;
}

/* Record rec's bytes at b (PST__LOG_RECORD_HEAD + len + TAIL of them). */
static void encode(uint8_t *b, const pst_file_record *rec)
{
    pst__log_st(b, rec->len, 4);
    b[4] = (uint8_t)rec->direction;
    b[5] = rec->protocol ? pst_file_protocol_id(rec->protocol)
                         : rec->protocol_id;
    b[6] = b[7] = 0;
    pst__log_st(b + 8, rec->time_ns, 8);
    pst__log_st(b + 16, rec->conn_id, 8);
    if (rec->len)
        memcpy(b + PST__LOG_RECORD_HEAD, rec->data, rec->len);
    pst__log_st(b + PST__LOG_RECORD_HEAD + rec->len,
                pst__crc32(0, b, PST__LOG_RECORD_HEAD + rec->len), 4);
}

int pst_file_writer_append_many(pst_file_writer *w, const pst_file_record *recs,
                                size_t n, pst_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (recs[i].len > PST_FILE_MAX_RECORD) {
            atomic_fetch_add(&w->failures, 1);
            return pst_error_set(err, PST_E_LIMIT, "a message of %zu bytes is "
                                 "over a log record's limit of %u",
                                 recs[i].len, PST_FILE_MAX_RECORD);
        }
        total += PST__LOG_RECORD_HEAD + recs[i].len + PST__LOG_RECORD_TAIL;
    }
    if (n == 0)
        return 0;
    uint8_t small[2048];
    uint8_t *b = total <= sizeof small ? small : malloc(total);
    if (!b) {
        atomic_fetch_add(&w->failures, 1);
        return pst_error_set(err, PST_E_NOMEM, "out of memory for log "
                             "records of %zu bytes", total);
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        encode(b + at, &recs[i]);
        at += PST__LOG_RECORD_HEAD + recs[i].len + PST__LOG_RECORD_TAIL;
    }
    pthread_mutex_lock(&w->lock);
    int rc = write_whole(w->fd, b, total);
    pthread_mutex_unlock(&w->lock);
    if (b != small)
        free(b);
    if (rc < 0) {
        atomic_fetch_add(&w->failures, 1);
        return pst_error_set(err, rc, "appending %zu bytes of records: %s",
                             total, strerror(-rc));
    }
    atomic_fetch_add(&w->records, n);
    return 0;
}

int pst_file_writer_append(pst_file_writer *w, const pst_file_record *rec,
                           pst_error *err)
{
    return pst_file_writer_append_many(w, rec, 1, err);
}

uint64_t pst_file_writer_records(const pst_file_writer *w)
{
    return atomic_load(&w->records);
}

uint64_t pst_file_writer_failures(const pst_file_writer *w)
{
    return atomic_load(&w->failures);
}

void pst_file_writer_close(pst_file_writer *w)
{
    if (!w)
        return;
    close(w->fd);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
