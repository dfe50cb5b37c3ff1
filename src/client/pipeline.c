/*
 * pipeline.c: many calls in flight on one connection (see pipeline.h).
 *
 * State, all under `mu` except where noted:
 *   slots      a table of max_pending (power of two) slots indexed by
 *              seqid & mask; seqids are chosen so that their index is free,
 *              so lookup is one probe.
 *   reading    true while one waiter (the leader) owns the transport `t`
 *              (the read side of the socket). The leader drops `mu` while it reads and
 *              takes it again to dispatch.
 *   idle       waiters blocked on their slot's condvar while someone else
 *              leads; when the leader steps down it signals the first of
 *              them, which then leads (handoff_locked).
 *   broken     the status that broke the connection (0 while healthy).
 *   writing    true while one caller encodes into `wbuf` and writes it to
 *              `stream` (below `t`; a socket reads and writes at once), so
 *              requests never interleave; others wait on `wcv` (a flag and
 *              a CLOCK_MONOTONIC condvar rather than a mutex, so waiting
 *              for one's turn to write honours the call's deadline).
 *
 * A slot moves FREE -> SENT -> DONE | FAILED -> FREE (when its waiter takes
 * the outcome), or SENT -> ABANDONED -> FREE (when the late reply arrives or
 * the connection breaks). The leader copies a reply into its waiter's arena
 * under `mu` while the waiter sleeps on that same mutex's condvar, so the
 * arena is never touched by two threads at once; a reply that arrives
 * before anyone waits (pst_pipeline_send) is kept in malloc'ed memory.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/conn.h"
#include "client/reply_name.h"
#include "core/arena_internal.h"
#include "postern/pipeline.h"

enum { SLOT_FREE = 0, SLOT_SENT, SLOT_DONE, SLOT_FAILED, SLOT_ABANDONED };

typedef struct pl_slot {
    int32_t seqid;
    int32_t stale_seqid;          /* an abandoned call's, reclaimed before
                                     its late reply came (0 = none) */
    uint8_t state;
    bool has_waiter;              /* a thread is in wait for this slot */
    const pst_method_desc *method;
    pst_arena *arena;             /* the waiter's arena, while has_waiter */
    uint8_t *reply;               /* DONE: the whole reply message */
    size_t reply_len;
    bool reply_malloced;          /* else it lives in the waiter's arena */
    int status;                   /* FAILED: why */
    pst_error error;
    struct pl_slot *idle_prev, *idle_next;
    bool idle;
    pthread_cond_t cv;            /* CLOCK_MONOTONIC */
} pl_slot;

struct pst_pipeline {
    pst_transport *t;             /* reads: the leader's (reading == true) */
    pst_stream *stream;           /* writes: the writer's (writing == true) */
    int fd;                       /* for shutdown on break */
    const pst_protocol *proto;
    bool framed;
    pst_codec_config codec;
    size_t reply_cap;             /* max_call_memory: 0 = none */
    int call_timeout_ms;
    uint64_t serial;              /* names it in per-thread call info */

    pthread_mutex_t mu;
    pl_slot *slots;
    uint32_t mask;
    int32_t next_seqid;
    bool reading;
    pl_slot *idle_head, *idle_tail;
    int broken;
    pst_error broken_err;
    bool broken_unanswered;       /* the peer closed or reset it with no
                                     byte of a reply buffered */
    pst_pipeline_stats stats;

    bool writing;
    pthread_cond_t wcv;           /* CLOCK_MONOTONIC; `writing` cleared */
    pst_wbuf wbuf;                /* owned by the writer (writing == true) */
};

/* ---- slots --------------------------------------------------------------- */

/* A free slot under a fresh seqid (state left FREE for the caller to set),
 * or, when every slot is taken, one whose call was abandoned: its late
 * reply may never come (the server dropped the call), and the seqid would
 * otherwise be held for ever. The old seqid is remembered in the slot, so a
 * late reply that does come is still recognised and dropped. */
static pl_slot *slot_alloc_locked(pst_pipeline *pl)
{
    for (int pass = 0; pass < 2; pass++) {
        uint8_t want = pass == 0 ? SLOT_FREE : SLOT_ABANDONED;
        for (uint32_t tries = 0; tries <= pl->mask; tries++) {
            int32_t id = pl->next_seqid;
            pl->next_seqid = id == INT32_MAX ? 1 : id + 1;
            pl_slot *s = &pl->slots[(uint32_t)id & pl->mask];
            if (s->state != want)
                continue;
            if (want == SLOT_ABANDONED) {
                s->stale_seqid = s->seqid;
                s->state = SLOT_FREE;
                pl->stats.pending--;
                pl->stats.reclaimed++;
            }
            s->seqid = id;
            pl->stats.pending++;
            return s;
        }
    }
    return NULL;
}

static pl_slot *slot_find_locked(pst_pipeline *pl, int32_t id)
{
    if (id <= 0)
        return NULL;
    pl_slot *s = &pl->slots[(uint32_t)id & pl->mask];
    return s->state != SLOT_FREE && s->seqid == id ? s : NULL;
}

static void slot_release_locked(pst_pipeline *pl, pl_slot *s)
{
    if (s->reply_malloced)
        free(s->reply);
    s->reply = NULL;
    s->reply_len = 0;
    s->reply_malloced = false;
    s->state = SLOT_FREE;
    s->method = NULL;
    s->status = 0;
    pst_error_clear(&s->error);
    pl->stats.pending--;
}

static void idle_push(pst_pipeline *pl, pl_slot *s)
{
    s->idle = true;
    s->idle_next = NULL;
    s->idle_prev = pl->idle_tail;
    if (pl->idle_tail)
        pl->idle_tail->idle_next = s;
    else
        pl->idle_head = s;
    pl->idle_tail = s;
}

static void idle_remove(pst_pipeline *pl, pl_slot *s)
{
    if (!s->idle)
        return;
    if (s->idle_prev)
        s->idle_prev->idle_next = s->idle_next;
    else
        pl->idle_head = s->idle_next;
    if (s->idle_next)
        s->idle_next->idle_prev = s->idle_prev;
    else
        pl->idle_tail = s->idle_prev;
    s->idle = false;
    s->idle_prev = s->idle_next = NULL;
}

/* Nobody reads but someone waits: wake one waiter to take over reading. */
static void handoff_locked(pst_pipeline *pl)
{
    if (!pl->reading && pl->idle_head)
        pthread_cond_signal(&pl->idle_head->cv);
}

/* Break the connection for good: every call in flight fails with status. */
static void break_locked(pst_pipeline *pl, int status, const pst_error *why)
{
    if (pl->broken)
        return;
    pl->broken = status;
    if (why && why->code)
        pl->broken_err = *why;
    else
        pst_error_set(&pl->broken_err, status, "%s", pst_strerror(status));
    for (uint32_t i = 0; i <= pl->mask; i++) {
        pl_slot *s = &pl->slots[i];
        if (s->state == SLOT_SENT) {
            s->state = SLOT_FAILED;
            s->status = status;
            s->error = pl->broken_err;
            pthread_cond_signal(&s->cv);
        } else if (s->state == SLOT_ABANDONED) {
            slot_release_locked(pl, s);
        }
    }
    /* Wake a leader blocked in poll and a writer blocked on a full socket. */
    shutdown(pl->fd, SHUT_RDWR);
}

/* ---- the read side ------------------------------------------------------- */

/* The reader (who owns `t`) saw the read fail with rc: remember whether the
 * peer hung up with no byte of any reply on the way. */
static void note_peer_gone_locked(pst_pipeline *pl, int rc)
{
    if (!pl->broken && (rc == PST_E_CLOSED || rc == -ECONNRESET) &&
        pst_transport_buffered(pl->t) == 0)
        pl->broken_unanswered = true;
}

static void fail_break(pst_pipeline *pl, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void fail_break(pst_pipeline *pl, int status, const char *fmt, ...)
{
    pst_error e = { 0, "" };
    va_list ap;
    va_start(ap, fmt);
    e.code = status;
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    break_locked(pl, status, &e);
}

/* One whole reply message: find its call and hand it over. */
static void dispatch_locked(pst_pipeline *pl, const uint8_t *msg, size_t len)
{
    pst_error e = { 0, "" };
    pst_rbuf r;
    pst_rbuf_init(&r, msg, len, &e);
    pst_msg_header h;
    int rc = pl->proto->read_message_begin(&r, &h, &pl->codec);
    if (rc < 0) {
        pst_error_set(&e, rc, "unreadable reply header");
        break_locked(pl, rc, &e);
        return;
    }
    int nlen = (int)(h.name.len > 64 ? 64 : h.name.len);
    pl_slot *s = slot_find_locked(pl, h.seqid);
    if (!s && h.seqid > 0) {
        pl_slot *old = &pl->slots[(uint32_t)h.seqid & pl->mask];
        if (old->stale_seqid == h.seqid) {
            /* The late reply of an abandoned call whose slot was reused. */
            old->stale_seqid = 0;
            pl->stats.late_replies++;
            return;
        }
    }
    if (!s || s->state == SLOT_DONE || s->state == SLOT_FAILED) {
        fail_break(pl, PST_E_BAD_SEQID,
                   "reply '%.*s' with seqid %d matches no pending call", nlen,
                   h.name.ptr ? h.name.ptr : "", (int)h.seqid);
        return;
    }
    if (s->state == SLOT_ABANDONED) {
        /* The caller gave up on it; the bytes are consumed and dropped. */
        slot_release_locked(pl, s);
        pl->stats.late_replies++;
        return;
    }
    const char *want = s->method->name;
    if (!pst__reply_name_matches(h.name, want)) {
        fail_break(pl, PST_E_WRONG_METHOD,
                   "reply with seqid %d is for method '%.*s', the call was '%s'",
                   (int)h.seqid, nlen, h.name.ptr ? h.name.ptr : "", want);
        return;
    }
    if (h.type != PST_MSG_REPLY && h.type != PST_MSG_EXCEPTION) {
        fail_break(pl, PST_E_BAD_MSG_TYPE,
                   "reply to %s (seqid %d) has message type %d", want,
                   (int)h.seqid, (int)h.type);
        return;
    }

    uint8_t *copy;
    if (s->has_waiter) {
        copy = pst_arena_dup(s->arena, msg, len);
        s->reply_malloced = false;
    } else {
        copy = malloc(len ? len : 1);
        if (copy)
            memcpy(copy, msg, len);
        s->reply_malloced = copy != NULL;
    }
    if (!copy) {
        s->state = SLOT_FAILED;
        s->status = PST_E_NOMEM;
        pst_error_set(&s->error, PST_E_NOMEM,
                      "no memory for the %zu-byte reply to %s", len, want);
    } else {
        s->state = SLOT_DONE;
        s->reply = copy;
        s->reply_len = len;
        pl->stats.replies++;
    }
    pthread_cond_signal(&s->cv);
}

/* Read and dispatch replies until me's own has come (0) or its deadline has
 * passed (PST_E_TIMEOUT). Called with mu held and reading set. */
static int lead_locked(pst_pipeline *pl, pl_slot *me, pst_deadline deadline)
{
    for (;;) {
        if (me->state != SLOT_SENT)
            return 0;
        if (pst__deadline_passed(deadline))
            return PST_E_TIMEOUT;
        const uint8_t *msg = NULL;
        size_t len = 0;
        pst_error e = { 0, "" };
        /* transport.h counts 0 as "no timeout"; the loop head caught a
         * deadline that has passed. */
        int ms = pst__deadline_poll_ms(deadline);
        ms = ms < 0 ? 0 : ms == 0 ? 1 : ms;
        pthread_mutex_unlock(&pl->mu);
        pst_transport_set_timeouts(pl->t, ms, ms, 0);
        int rc = pst_transport_read_message(pl->t, pl->proto, &msg, &len, &e);
        pthread_mutex_lock(&pl->mu);
        if (rc == PST_E_TIMEOUT)
            continue;  /* the loop head tells whether it still matters */
        if (rc < 0) {
            note_peer_gone_locked(pl, rc);
            break_locked(pl, rc, &e);
            continue;
        }
        if (pl->broken)
            continue;  /* closed while we read: drop what we read */
        dispatch_locked(pl, msg, len);  /* copies: msg lives until the
                                           next read */
    }
}

static int cond_wait_until(pthread_cond_t *cv, pthread_mutex_t *mu,
                           pst_deadline deadline)
{
    if (deadline.at_ns == INT64_MAX)
        return pthread_cond_wait(cv, mu);
    struct timespec ts = pst__deadline_timespec(deadline);
    return pthread_cond_timedwait(cv, mu, &ts);
}

/* Wait until s is DONE or FAILED (0), or the deadline passes while it is
 * still SENT (PST_E_TIMEOUT). Leads whenever nobody else reads. */
static int await_locked(pst_pipeline *pl, pl_slot *s, pst_deadline deadline)
{
    for (;;) {
        if (s->state != SLOT_SENT)
            return 0;
        if (!pl->reading) {
            pl->reading = true;
            int rc = lead_locked(pl, s, deadline);
            pl->reading = false;
            handoff_locked(pl);
            if (rc < 0)
                return rc;
            continue;
        }
        if (pst__deadline_passed(deadline))
            return PST_E_TIMEOUT;
        idle_push(pl, s);
        int r = cond_wait_until(&s->cv, &pl->mu, deadline);
        idle_remove(pl, s);
        if (r == ETIMEDOUT && s->state == SLOT_SENT)
            return PST_E_TIMEOUT;
    }
}

/* ---- the write side ------------------------------------------------------- */

/* How long a writer reading replies waits for the rest of one that has
 * begun to arrive before it goes back to writing. */
enum { WRITER_READ_MS = 5 };

/* The writer waits for room and the socket has replies: unless someone
 * else reads, read the replies that have arrived and hand them over (kept
 * for their callers, as for pst_pipeline_send), so that a peer that stops
 * reading while its replies are not taken (a server's output limit) can go
 * on, and one thread that only sends never deadlocks. */
static bool writer_reads(void *ctx)
{
    pst_pipeline *pl = ctx;
    pthread_mutex_lock(&pl->mu);
    if (pl->reading || pl->broken) {
        bool broken = pl->broken != 0;
        pthread_mutex_unlock(&pl->mu);
        return broken;  /* broken: the write fails next, nothing to wait on */
    }
    pl->reading = true;
    for (;;) {
        const uint8_t *msg = NULL;
        size_t len = 0;
        pst_error e = { 0, "" };
        pthread_mutex_unlock(&pl->mu);
        pst_transport_set_timeouts(pl->t, 1, WRITER_READ_MS, 0);
        int rc = pst_transport_read_message(pl->t, pl->proto, &msg, &len, &e);
        pthread_mutex_lock(&pl->mu);
        if (rc == PST_E_TIMEOUT)
            break;  /* nothing more for now; a partial reply stays buffered */
        if (rc < 0) {
            note_peer_gone_locked(pl, rc);
            break_locked(pl, rc, &e);
            break;
        }
        if (pl->broken)
            break;
        dispatch_locked(pl, msg, len);
    }
    pl->reading = false;
    handoff_locked(pl);
    pthread_mutex_unlock(&pl->mu);
    return true;
}

/* Take the write side (mu held); PST_E_TIMEOUT if the deadline passes
 * first. */
static int begin_write_locked(pst_pipeline *pl, pst_deadline deadline)
{
    /* A thread woken here leaves only by taking the flag, or on timeout
     * while another holds it (who will signal again): no wake-up is lost. */
    while (pl->writing) {
        if (pst__deadline_passed(deadline))
            return PST_E_TIMEOUT;
        cond_wait_until(&pl->wcv, &pl->mu, deadline);
    }
    pl->writing = true;
    return 0;
}

/* Register the call (unless oneway) and write its request. *unsent (may be
 * NULL) is set when the call failed without the whole request on the
 * socket: the connection was broken, or the write failed before its last
 * byte. */
static int send_request(pst_pipeline *pl, const pst_method_desc *m,
                        const void *args, pst_deadline deadline,
                        int32_t *seqid_out, bool *unsent, pst_error *err)
{
    if (!pl || !m || !m->name || !m->args || (!m->oneway && !m->result))
        return pst_error_set(err, PST_E_INVALID,
                             "pipeline call: missing pipeline or method "
                             "descriptor");
    if (!args && m->args->nfields > 0)
        return pst_error_set(err, PST_E_INVALID, "%s: args is NULL", m->name);

    pthread_mutex_lock(&pl->mu);
    if (pl->broken) {
        int code = pl->broken;
        pthread_mutex_unlock(&pl->mu);
        if (unsent)
            *unsent = true;
        return pst_error_set(err, PST_E_CLOSED,
                             "%s: the connection is broken (%s)", m->name,
                             code == PST_E_CLOSED ? "closed"
                                                  : pst_strerror_name(code));
    }
    pl_slot *s = NULL;
    int32_t seqid;
    if (m->oneway) {
        seqid = pl->next_seqid;
        pl->next_seqid = seqid == INT32_MAX ? 1 : seqid + 1;
    } else {
        s = slot_alloc_locked(pl);
        if (!s) {
            pthread_mutex_unlock(&pl->mu);
            return pst_error_set(err, PST_E_BUSY,
                                 "%s: %u calls already in flight", m->name,
                                 pl->mask + 1);
        }
        s->state = SLOT_SENT;
        s->method = m;
        seqid = s->seqid;
    }

    bool write_tried = false;
    size_t taken = 0;
    int rc = begin_write_locked(pl, deadline);
    bool holding = rc == 0;
    pthread_mutex_unlock(&pl->mu);
    if (rc < 0) {
        pst_error_set(err, rc, "%s: timed out waiting for other requests to "
                      "be written", m->name);
    } else {
        rc = pst__encode_request(&pl->wbuf, pl->proto, pl->framed,
                                 &pl->codec, m, args, seqid, err);
        if (rc == 0 && pst__deadline_passed(deadline)) {
            rc = pst_error_set(err, PST_E_TIMEOUT,
                               "%s: deadline passed before the request was "
                               "written", m->name);
        } else if (rc == 0) {
            write_tried = true;
            rc = pst__conn_write_draining(pl->stream, pl->wbuf.data,
                                          pl->wbuf.len, deadline,
                                          writer_reads, pl, &taken, err);
        }
        if (pl->wbuf.cap > (1u << 20)) {
            /* Do not keep a huge request's buffer for the life of the
             * connection. */
            size_t max = pl->wbuf.max;
            pst_wbuf_free(&pl->wbuf);
            pst_wbuf_init(&pl->wbuf, max);
        }
    }

    pthread_mutex_lock(&pl->mu);
    if (holding) {
        pl->writing = false;
        pthread_cond_signal(&pl->wcv);
    }
    if (rc == 0) {
        pl->stats.calls++;
        pthread_mutex_unlock(&pl->mu);
        *seqid_out = m->oneway ? 0 : seqid;
        return 0;
    }
    /* A write that failed may have sent part of the request, leaving the
     * stream corrupt, or the socket is gone. Only a failure before writing
     * (encoding, or the deadline) leaves the connection as it was. */
    if (write_tried) {
        /* A peer without the whole request cannot have run it. (A timed
         * out call is not made again: its deadline has passed.) */
        if (unsent && taken < pl->wbuf.len && rc != PST_E_TIMEOUT)
            *unsent = true;
        pst_error why = { 0, "" };
        pst_error_set(&why, rc, "%s: writing the request failed (%s)",
                      m->name, pst_strerror(rc));
        break_locked(pl, rc, &why);
    }
    if (rc == PST_E_TIMEOUT)
        pl->stats.timeouts++;
    if (s)
        slot_release_locked(pl, s);
    pthread_mutex_unlock(&pl->mu);
    return rc;
}

/* ---- waiting ------------------------------------------------------------- */

static int wait_reply(pst_pipeline *pl, int32_t seqid, void *result,
                      pst_arena *a, pst_deadline deadline,
                      pst_call_info *info)
{
    pst_error *err = info ? &info->error : NULL;
    if (!a)
        a = pst__thread_scratch_arena();
    if (!a)
        return pst_error_set(err, PST_E_NOMEM,
                             "pipeline wait: no memory for an arena");
    pthread_mutex_lock(&pl->mu);
    pl_slot *s = slot_find_locked(pl, seqid);
    if (!s || s->has_waiter || s->state == SLOT_ABANDONED) {
        pthread_mutex_unlock(&pl->mu);
        return pst_error_set(err, PST_E_INVALID,
                             "no call with seqid %d is pending", (int)seqid);
    }
    const pst_method_desc *m = s->method;
    int rc = 0;
    if (s->state == SLOT_SENT) {
        s->has_waiter = true;
        s->arena = a;
        rc = await_locked(pl, s, deadline);
        s->has_waiter = false;
        s->arena = NULL;
    }
    if (rc == PST_E_TIMEOUT) {
        s->state = SLOT_ABANDONED;
        pl->stats.timeouts++;
        handoff_locked(pl);
        pthread_mutex_unlock(&pl->mu);
        return pst_error_set(err, PST_E_TIMEOUT,
                             "%s (seqid %d): no reply before the deadline",
                             m->name, (int)seqid);
    }

    int status = 0;
    uint8_t *reply = s->reply, *owned = NULL;
    size_t len = s->reply_len;
    if (s->state == SLOT_FAILED) {
        status = s->status;
        if (err && !err->code)
            *err = s->error;
    } else if (s->reply_malloced) {
        owned = reply;       /* arrived before anyone waited */
        s->reply_malloced = false;
    }
    slot_release_locked(pl, s);
    handoff_locked(pl);
    pthread_mutex_unlock(&pl->mu);

    if (status < 0)
        return status;
    /* What the reply takes in the caller's arena (its copy, when it came
     * before anyone waited, and what it decodes to): max_call_memory. */
    size_t limit = pst__arena_cap(a, pl->reply_cap);
    if (owned) {
        /* Decoded strings may point into the message: keep it in the arena. */
        reply = pst_arena_dup(a, owned, len);
        free(owned);
        if (!reply) {
            pst__arena_uncap(a, limit);
            return pst_error_set(err, a->over_limit ? PST_E_LIMIT : PST_E_NOMEM,
                                 "%s for the %zu-byte reply to %s",
                                 a->over_limit ? "call memory limit exceeded"
                                               : "no memory in the arena",
                                 len, m->name);
        }
    }
    status = pst__decode_reply(pl->proto, &pl->codec, m, reply, len, result,
                               a, info);
    pst__arena_uncap(a, limit);
    return status;
}

/* ---- public API ------------------------------------------------------------ */

int pst_pipeline_call_until(pst_pipeline *pl, const pst_method_desc *m,
                            const void *args, void *result, pst_arena *a,
                            pst_deadline deadline, pst_call_info *info)
{
    return pst__pipeline_call_fate(pl, m, args, result, a, deadline, info,
                                   NULL);
}

int pst__pipeline_call_fate(pst_pipeline *pl, const pst_method_desc *m,
                            const void *args, void *result, pst_arena *a,
                            pst_deadline deadline, pst_call_info *info,
                            pst__call_fate *fate)
{
    if (fate)
        *fate = PST__FATE_OTHER;
    pst_error *err = info ? &info->error : NULL;
    int rc;
    bool unsent = false;
    if (!a && m && !m->oneway)
        a = pst__thread_scratch_arena();
    if (!a && m && !m->oneway) {
        rc = pst_error_set(err, PST_E_NOMEM, "%s: no memory for an arena",
                           m->name);
    } else {
        if (pl)
            deadline = pst__deadline_or(deadline, pl->call_timeout_ms);
        int32_t seqid = 0;
        rc = send_request(pl, m, args, deadline, &seqid, &unsent, err);
        if (rc == 0 && seqid != 0) {
            rc = wait_reply(pl, seqid, result, a, deadline, info);
            if (fate && (rc == PST_E_CLOSED || rc == -ECONNRESET)) {
                pthread_mutex_lock(&pl->mu);
                if (pl->broken_unanswered)
                    *fate = PST__FATE_UNANSWERED;
                pthread_mutex_unlock(&pl->mu);
            }
        }
    }
    if (fate && unsent && rc < 0)
        *fate = PST__FATE_UNSENT;
    if (info)
        info->status = rc;
    return rc;
}

int pst_pipeline_call(pst_pipeline *pl, const pst_method_desc *m,
                      const void *args, void *result, pst_arena *a)
{
    return pst_pipeline_call_until(pl, m, args, result, a,
                                   PST_DEADLINE_DEFAULT,
                                   pst__call_info_begin(pst__pipeline_serial(pl)));
}

const pst_app_exception *pst_pipeline_app_exception(const pst_pipeline *pl)
{
    return pst__call_info_app_exception(pst__pipeline_serial(pl));
}

int pst_pipeline_send(pst_pipeline *pl, const pst_method_desc *m,
                      const void *args, pst_deadline deadline,
                      pst_pending *out, pst_error *err)
{
    if (!out)
        return pst_error_set(err, PST_E_INVALID, "pipeline send: no handle");
    out->seqid = 0;
    if (pl)
        deadline = pst__deadline_or(deadline, pl->call_timeout_ms);
    int32_t seqid = 0;
    int rc = send_request(pl, m, args, deadline, &seqid, NULL, err);
    if (rc == 0)
        out->seqid = seqid;
    return rc;
}

int pst_pipeline_wait(pst_pipeline *pl, pst_pending p, void *result,
                      pst_arena *a, pst_deadline deadline,
                      pst_call_info *info)
{
    int rc = 0;
    if (!pl)
        rc = pst_error_set(info ? &info->error : NULL, PST_E_INVALID,
                           "pipeline wait: no pipeline");
    else if (p.seqid != 0)
        rc = wait_reply(pl, p.seqid,  result, a,
                        pst__deadline_or(deadline, pl->call_timeout_ms),
                        info);
    if (info)
        info->status = rc;
    return rc;
}

void pst_pipeline_abandon(pst_pipeline *pl, pst_pending p)
{
    if (!pl || p.seqid == 0)
        return;
    pthread_mutex_lock(&pl->mu);
    pl_slot *s = slot_find_locked(pl, p.seqid);
    if (s && !s->has_waiter) {
        if (s->state == SLOT_SENT)
            s->state = SLOT_ABANDONED;
        else if (s->state == SLOT_DONE || s->state == SLOT_FAILED)
            slot_release_locked(pl, s);
    }
    pthread_mutex_unlock(&pl->mu);
}

void pst_pipeline_close(pst_pipeline *pl)
{
    if (!pl)
        return;
    pthread_mutex_lock(&pl->mu);
    pst_error why = { 0, "" };
    pst_error_set(&why, PST_E_CLOSED, "pipeline closed by the application");
    break_locked(pl, PST_E_CLOSED, &why);
    pthread_mutex_unlock(&pl->mu);
}

bool pst_pipeline_is_open(const pst_pipeline *pl)
{
    return pst_pipeline_error(pl, NULL) == 0;
}

int pst_pipeline_error(const pst_pipeline *pl, pst_error *out)
{
    if (!pl)
        return PST_E_INVALID;
    pst_pipeline *m = (pst_pipeline *)pl;  /* the mutex is not the value */
    pthread_mutex_lock(&m->mu);
    int code = m->broken;
    if (out)
        *out = m->broken_err;
    pthread_mutex_unlock(&m->mu);
    return code;
}

void pst_pipeline_stats_get(const pst_pipeline *pl, pst_pipeline_stats *out)
{
    pst_pipeline *m = (pst_pipeline *)pl;
    pthread_mutex_lock(&m->mu);
    *out = m->stats;
    pthread_mutex_unlock(&m->mu);
}

uint64_t pst__pipeline_serial(const pst_pipeline *pl)
{
    return pl ? pl->serial : 0;
}

bool pst__pipeline_idle_ok(pst_pipeline *pl)
{
    return pst_pipeline_is_open(pl) && pst__conn_idle_ok(pl->t);
}

/* ---- life cycle ------------------------------------------------------------ */

static int check_options(const pst_pipeline_options *in,
                         pst_pipeline_options *out, pst_error *err)
{
    static const pst_pipeline_options defaults = PST_PIPELINE_OPTIONS_INIT;
    *out = in ? *in : defaults;
    if (!out->protocol)
        out->protocol = &pst_protocol_binary;
    if (out->connect_timeout_ms < 0 || out->call_timeout_ms < 0)
        return pst_error_set(err, PST_E_INVALID,
                             "pipeline options: negative timeout");
    if (out->max_pending == 0)
        out->max_pending = 256;
    if (out->max_pending > 65536)
        return pst_error_set(err, PST_E_INVALID,
                             "pipeline options: max_pending %u exceeds 65536",
                             out->max_pending);
    /* Limits left at zero take Apache Thrift's defaults. */
    if (!out->codec.max_message)
        out->codec.max_message = defaults.codec.max_message;
    if (!out->codec.max_frame)
        out->codec.max_frame = defaults.codec.max_frame;
    if (!out->codec.max_depth)
        out->codec.max_depth = defaults.codec.max_depth;
    return 0;
}

static void destroy(pst_pipeline *pl, uint32_t ncv)
{
    for (uint32_t i = 0; i < ncv; i++) {
        if (pl->slots[i].reply_malloced)
            free(pl->slots[i].reply);
        pthread_cond_destroy(&pl->slots[i].cv);
    }
    free(pl->slots);
    pst_wbuf_free(&pl->wbuf);
    pst_transport_free(pl->t);
    pthread_cond_destroy(&pl->wcv);
    pthread_mutex_destroy(&pl->mu);
    free(pl);
}

/* A pipeline over transport t, which it owns from here on (freed on
 * failure too). o has been checked. */
static pst_pipeline *pipeline_new(pst_transport *t,
                                  const pst_pipeline_options *o,
                                  pst_error *err)
{
    uint32_t n = 1;
    while (n < o->max_pending)
        n <<= 1;
    pst_pipeline *pl = calloc(1, sizeof *pl);
    pl_slot *slots = calloc(n, sizeof *slots);
    if (!pl || !slots) {
        free(pl);
        free(slots);
        pst_transport_free(t);
        pst_error_set(err, PST_E_NOMEM, "pipeline: no memory for %u slots", n);
        return NULL;
    }
    pl->t = t;
    pl->stream = pst_transport_stream(t);
    pl->fd = pst_stream_fd(pl->stream);
    pl->proto = o->protocol;
    pl->framed = o->framed;
    pl->codec = o->codec;
    pl->reply_cap = pst__call_memory_cap(o->max_call_memory);
    pl->call_timeout_ms = o->call_timeout_ms;
    pl->serial = pst__call_owner_serial();
    pl->slots = slots;
    pl->mask = n - 1;
    pl->next_seqid = 1;
    pthread_mutex_init(&pl->mu, NULL);
    pst_wbuf_init(&pl->wbuf, o->framed ? (size_t)o->codec.max_frame + 4
                                       : (size_t)o->codec.max_message);

    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&pl->wcv, &ca);
    for (uint32_t i = 0; i < n; i++) {
        if (pthread_cond_init(&slots[i].cv, &ca) != 0) {
            pthread_condattr_destroy(&ca);
            destroy(pl, i);
            pst_error_set(err, PST_E_NOMEM, "pipeline: condvar init failed");
            return NULL;
        }
    }
    pthread_condattr_destroy(&ca);
    return pl;
}

static pst_transport *transport_over(pst_stream *s,
                                     const pst_pipeline_options *o)
{
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.codec = o->codec;
    return o->framed ? pst_transport_framed_new(s, &to)
                     : pst_transport_unframed_new(s, &to);
}

pst_pipeline *pst_pipeline_adopt(int fd, const pst_pipeline_options *opt,
                                 pst_error *err)
{
    pst_pipeline_options o;
    if (check_options(opt, &o, err) < 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    pst_stream *s = fd >= 0 ? pst_stream_socket_new(fd, err) : NULL;
    if (!s) {
        if (fd >= 0)
            close(fd);
        else
            pst_error_set(err, PST_E_INVALID, "pipeline: invalid socket %d",
                          fd);
        return NULL;
    }
    pst_transport *t = transport_over(s, &o);
    if (!t) {
        pst_error_set(err, PST_E_NOMEM, "pipeline: no memory for a transport");
        return NULL;
    }
    return pipeline_new(t, &o, err);
}

pst_pipeline *pst__pipeline_connect_ep(const pst__endpoint *ep,
                                       const pst_pipeline_options *opt,
                                       pst_deadline deadline, pst_error *err)
{
    pst_pipeline_options o;
    if (check_options(opt, &o, err) < 0)
        return NULL;
    pst_transport *t;
    if (pst__conn_open(ep, o.framed, &o.codec, deadline, &t, err) < 0)
        return NULL;
    return pipeline_new(t, &o, err);
}

pst_pipeline *pst_pipeline_connect(const char *endpoint,
                                   const pst_pipeline_options *opt,
                                   pst_error *err)
{
    pst_pipeline_options o;
    if (check_options(opt, &o, err) < 0)
        return NULL;
    if (!endpoint) {
        pst_error_set(err, PST_E_INVALID, "pipeline: no endpoint");
        return NULL;
    }
    pst__endpoint ep;
    if (pst__endpoint_parse(endpoint, strlen(endpoint), &ep, err) < 0)
        return NULL;
    return pst__pipeline_connect_ep(
        &ep, &o,
        pst_deadline_in_ms(o.connect_timeout_ms ? o.connect_timeout_ms : 5000),
        err);
}

void pst_pipeline_free(pst_pipeline *pl)
{
    if (!pl)
        return;
    destroy(pl, pl->mask + 1);  /* the transport closes the socket */
}
