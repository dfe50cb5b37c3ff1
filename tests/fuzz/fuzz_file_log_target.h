/*
 * fuzz_file_log_target.h: one fuzz input as a message log (postern/file.h)
 * read from memory, with properties that must hold whatever the bytes:
 *
 *   - no crash, no read outside the input, no allocation a length asks
 *     for (the memory reader points into the input);
 *   - records come in order: each starts where the last ended, lies
 *     inside the input, and is followed by its checksum;
 *   - reading ends at the input's end (0) or with an error whose message
 *     names an offset, and a failed reader fails again the same way;
 *   - each record's message goes through its protocol's header reader and
 *     skipper (what a replay does) without harm.
 *
 * The includer defines FUZZ_FAIL(what).
 */
#ifndef FUZZ_FILE_LOG_TARGET_H
#define FUZZ_FILE_LOG_TARGET_H

#include <string.h>

#include "postern/file.h"

static void fuzz_file_log_one(const uint8_t *data, size_t size)
{
    pst_error err = { 0, "" };
    pst_file_reader *r = pst_file_reader_open_memory(data, size, 1u << 20, &err);
    if (!r) {
        if (err.code >= 0 || !strstr(err.message, "offset"))
            FUZZ_FAIL("open failed without naming an offset");
        return;
    }
    uint64_t expect = 16;
    pst_file_record rec;
    int rc;
    unsigned n = 0;
    while ((rc = pst_file_reader_next(r, &rec, &err)) == 1) {
        n++;
        if (rec.offset != expect || rec.data != data + rec.offset + 24 ||
            rec.offset + 28 + rec.len > size)
            FUZZ_FAIL("record out of place");
        expect = rec.offset + 28 + rec.len;
        if (rec.protocol) {
            pst_rbuf in;
            pst_rbuf_init(&in, rec.data, rec.len, NULL);
            pst_msg_header h;
            if (rec.protocol->read_message_begin(&in, &h, NULL) == 0)
                (void)rec.protocol->skip_struct(&in, NULL);
        }
    }
    if (rc == 0) {
        if (expect != size)
            FUZZ_FAIL("clean end before the input's end");
    } else {
        if (rc >= 0 || err.code != rc || !strstr(err.message, "offset"))
            FUZZ_FAIL("error without an offset");
        pst_error again = { 0, "" };
        if (pst_file_reader_next(r, &rec, &again) != rc ||
            strcmp(again.message, err.message) != 0)
            FUZZ_FAIL("a failed reader did not fail the same way");
    }
    pst_file_reader_close(r);
}

#endif
