/*
 * postern/file.h: the file transport: Thrift messages to and from a file.
 *
 * A message log (docs/file-format.md) is a 16-byte header (magic
 * "\x89PSTLOG\n", version 1) and then records, each one message with its
 * direction (request or reply), protocol, time and connection id, and a
 * CRC-32 over the whole record. A server records every request and reply
 * of every connection with pst_server_options.record_path; the reader
 * below gives them back in order, for replay (postern-replay) or
 * inspection, and names the offset of anything truncated or corrupt.
 *
 * Ownership: a writer or reader is opaque and owned by its caller; a
 * record's data from pst_file_reader_next stays valid until the next call
 * or close. Thread-safety: pst_file_writer_append may be called from many
 * threads at once (each record reaches the file whole, in one write); a
 * reader belongs to one thread.
 */
#ifndef POSTERN_FILE_H
#define POSTERN_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "protocol.h"

typedef enum pst_file_direction {
    PST_FILE_REQUEST = 1,   /* a message the server read */
    PST_FILE_REPLY = 2      /* a message the server wrote */
} pst_file_direction;

typedef struct pst_file_record {
    pst_file_direction direction;
    uint8_t protocol_id;         /* PST_FILE_PROTO_*, or another number a
                                    later version gave (protocol NULL) */
    const pst_protocol *protocol;/* reader: the protocol table, or NULL */
    uint64_t time_ns;            /* nanoseconds since the Unix epoch (UTC) */
    uint64_t conn_id;            /* the server's connection number (1, 2,
                                    ...; 0: unknown) */
    const uint8_t *data;         /* the message, without any frame header */
    size_t len;
    uint64_t offset;             /* reader: where the record starts */
} pst_file_record;

/* Protocol numbers in records. */
#define PST_FILE_PROTO_UNKNOWN 0
#define PST_FILE_PROTO_BINARY  1
#define PST_FILE_PROTO_COMPACT 2
#define PST_FILE_PROTO_JSON    3
#define PST_FILE_PROTO_DEBUG   4

/* A protocol's number (PST_FILE_PROTO_UNKNOWN for others) and back (NULL
 * for numbers without a protocol here). */
uint8_t pst_file_protocol_id(const pst_protocol *p);
const pst_protocol *pst_file_protocol(uint8_t id);

/* The limit a reader puts on one message when given 0 (as max_message). */
#define PST_FILE_MAX_RECORD 104857600u

/* ---- writing ------------------------------------------------------------ */

typedef struct pst_file_writer pst_file_writer;

/* Open path for appending, creating it (mode 0644) with its header when
 * it does not exist or is empty. An existing log is read once to find its
 * end: a last record cut short (a crash while writing) is cut off; a bad
 * header or a corrupt record is an error naming its offset, and the file
 * is left alone. NULL and err on failure. */
pst_file_writer *pst_file_writer_open(const char *path, pst_error *err);

/* Append one record (rec->protocol is used when set, else protocol_id;
 * offset is ignored). 0, or an error (PST_E_LIMIT: a message over
 * PST_FILE_MAX_RECORD; -errno from the write). Thread-safe. */
int pst_file_writer_append(pst_file_writer *w, const pst_file_record *rec,
                           pst_error *err);

/* Append n records in one write, in order, all or none (a server appends
 * a call's request and reply so). 0 or an error, as above. Thread-safe. */
int pst_file_writer_append_many(pst_file_writer *w,
                                const pst_file_record *recs, size_t n,
                                pst_error *err);

/* Records appended, and appends that failed, so far. */
uint64_t pst_file_writer_records(const pst_file_writer *w);
uint64_t pst_file_writer_failures(const pst_file_writer *w);

/* Close (NULL is ignored). */
void pst_file_writer_close(pst_file_writer *w);

/* ---- reading ------------------------------------------------------------ */

typedef struct pst_file_reader pst_file_reader;

/* Open a log; its header is checked at once. max_record: the largest
 * message accepted (0: PST_FILE_MAX_RECORD); lengths above it are errors,
 * never allocations. NULL and err (naming the offset) on failure. */
pst_file_reader *pst_file_reader_open(const char *path, uint64_t max_record,
                                      pst_error *err);
/* The same over bytes in memory (which must outlive the reader). */
pst_file_reader *pst_file_reader_open_memory(const void *data, size_t len,
                                             uint64_t max_record,
                                             pst_error *err);

/* The next record: 1 (rec filled), 0 at the end of the log, or an error
 * with err naming the record's offset and what is wrong: PST_E_SHORT (cut
 * short: the file ends inside a record), PST_E_PROTOCOL (checksum
 * mismatch, an unknown direction, reserved bits set), PST_E_LIMIT (a
 * length over max_record), PST_E_IO. After an error the reader stays
 * failed. pst_file_reader_offset is where the next record starts (after an
 * error: where the bad one starts). */
int pst_file_reader_next(pst_file_reader *r, pst_file_record *rec,
                         pst_error *err);
uint64_t pst_file_reader_offset(const pst_file_reader *r);

void pst_file_reader_close(pst_file_reader *r);

#endif
