/*
 * record.c: pst_server_options.record_path: every request and reply of
 * every connection appended to a message log (postern/file.h).
 *
 * The processor's tap (processor/processor_internal.h) sees each call where all
 * server models pass, pst__process, on the thread that ran it; the models
 * say which connection that is (pst__call_conn_id). A failing append is
 * logged once and counted by the writer; the call is answered anyway.
 */
#include <stdatomic.h>
#include <time.h>

#include "processor/processor_internal.h"
#include "postern/file.h"
#include "server_internal.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void record_call(void *ctx, const pst_protocol *proto, uint64_t conn_id,
                        const uint8_t *req, size_t req_len,
                        const uint8_t *reply, size_t reply_len)
{
    pst_server *s = ctx;
    uint64_t t = now_ns();
    pst_file_record recs[2] = {
        { PST_FILE_REQUEST, 0, proto, t, conn_id, req, req_len, 0 },
        { PST_FILE_REPLY, 0, proto, t, conn_id, reply, reply_len, 0 },
    };
    pst_error err = { 0, "" };
    /* the pair in one write: one system call per call */
    int rc = pst_file_writer_append_many(s->recorder, recs, reply_len ? 2 : 1,
                                         &err);
    if (rc < 0 && pst_file_writer_failures(s->recorder) == 1)
        pst__server_log(s, PST_LOG_ERROR, "recording to %s: %s (further "
                        "failures are not logged)", s->opt.record_path,
                        err.message);
}

int pst__record_start(pst_server *s, pst_error *err)
{
    if (!s->opt.record_path)
        return 0;
    s->recorder = pst_file_writer_open(s->opt.record_path, err);
    if (!s->recorder)
        return err ? err->code : PST_E_IO;
    pst__call_tap tap = { record_call, s };
    if (pst__call_tap_add(&s->proc, &tap) < 0) {
        pst_file_writer_close(s->recorder);
        s->recorder = NULL;
        return pst_error_set(err, PST_E_BUSY, "more than %d servers record "
                             "at once", PST__MAX_CALL_TAPS);
    }
    return 0;
}

void pst__record_stop(pst_server *s)
{
    if (!s->recorder)
        return;
    pst__call_tap_remove(&s->proc);
    pst_file_writer_close(s->recorder);
    s->recorder = NULL;
}
