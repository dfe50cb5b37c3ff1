/*
 * postern-replay: send the requests of a message log (postern/file.h, as
 * a server's record_path writes it) to a server again, and compare each
 * reply with the one recorded.
 *
 *   postern-replay [--framed | --unframed] [--conn ID] [--timeout MS]
 *                  [--quiet] LOG HOST:PORT | LOG unix:PATH
 *
 * Each recorded connection is replayed on a connection of its own, one
 * after the other, its requests in their recorded order and each reply
 * awaited before the next request (a request's reply is the next reply
 * recorded on its connection with its seqid; without one, as for oneway
 * calls, none is awaited). Messages go in the protocol they were recorded
 * in, framed unless --unframed (postern's servers tell either from the
 * first bytes). --conn replays one connection only.
 *
 * Output: one line per reply that differs or does not come, naming the
 * request's record offset, method and seqid and the first differing
 * byte; then a summary. Exit status: 0 every reply as recorded, 1 some
 * differ or are missing, 2 bad arguments or an unreadable log (the error
 * names the offset).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postern/debug.h"
#include "postern/file.h"
#include "postern/transport.h"

typedef struct rec {
    pst_file_record r;
    uint8_t *copy;           /* r.data, owned */
    bool used;               /* a reply already matched to a request */
} rec;

typedef struct options {
    bool framed, quiet;
    unsigned long long only_conn; /* 0: every connection */
    int timeout_ms;
    const char *log, *target;
} options;

static void usage(FILE *f)
{
    fprintf(f, "usage: postern-replay [--framed | --unframed] [--conn ID] "
               "[--timeout MS] [--quiet]\n"
               "                      LOG HOST:PORT | LOG unix:PATH\n");
}

static int parse_args(int argc, char **argv, options *o)
{
    int pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--framed")) {
            o->framed = true;
        } else if (!strcmp(a, "--unframed")) {
            o->framed = false;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (!strcmp(a, "--conn") || !strcmp(a, "--timeout")) {
            char *end = NULL;
            unsigned long long v = i + 1 < argc ? strtoull(argv[i + 1], &end, 10) : 0;
            if (i + 1 >= argc || !end || *end || end == argv[i + 1] ||
                (!strcmp(a, "--timeout") && (v == 0 || v > 3600000))) {
                fprintf(stderr, "postern-replay: %s needs a number\n", a);
                return -1;
            }
            if (!strcmp(a, "--conn"))
                o->only_conn = v;
            else
                o->timeout_ms = (int)v;
            i++;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "postern-replay: unknown option '%s'\n", a);
            return -1;
        } else if (pos == 0) {
            o->log = a;
            pos++;
        } else if (pos == 1) {
            o->target = a;
            pos++;
        } else {
            fprintf(stderr, "postern-replay: unexpected argument '%s'\n", a);
            return -1;
        }
    }
    if (pos != 2) {
        fprintf(stderr, "postern-replay: needs a log and a server\n");
        return -1;
    }
    return 0;
}

/* Every record of the log, copied; NULL (the reader's error printed). */
static rec *load(const char *path, size_t *n)
{
    pst_error err = { 0, "" };
    pst_file_reader *r = pst_file_reader_open(path, 0, &err);
    if (!r) {
        fprintf(stderr, "postern-replay: %s\n", err.message);
        return NULL;
    }
    rec *all = NULL;
    size_t count = 0, cap = 0;
    pst_file_record fr;
    int rc;
    while ((rc = pst_file_reader_next(r, &fr, &err)) == 1) {
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            rec *more = realloc(all, cap * sizeof *all);
            if (!more) {
                rc = pst_error_set(&err, PST_E_NOMEM, "out of memory");
                break;
            }
            all = more;
        }
        rec *x = &all[count];
        x->r = fr;
        x->copy = malloc(fr.len ? fr.len : 1);
        if (!x->copy) {
            rc = pst_error_set(&err, PST_E_NOMEM, "out of memory");
            break;
        }
        if (fr.len)
            memcpy(x->copy, fr.data, fr.len);
        x->r.data = x->copy;
        x->used = false;
        count++;
    }
    pst_file_reader_close(r);
    if (rc < 0) {
        fprintf(stderr, "postern-replay: %s: %s\n", path, err.message);
        for (size_t i = 0; i < count; i++)
            free(all[i].copy);
        free(all);
        return NULL;
    }
    *n = count;
    return all ? all : calloc(1, sizeof *all);
}

static bool header_of(const rec *x, pst_msg_header *h)
{
    if (!x->r.protocol)
        return false;
    pst_rbuf in;
    pst_rbuf_init(&in, x->r.data, x->r.len, NULL);
    return x->r.protocol->read_message_begin(&in, h, NULL) == 0;
}

static pst_transport *dial(const options *o, pst_error *err)
{
    pst_stream *s;
    if (!strncmp(o->target, "unix:", 5)) {
        s = pst_stream_unix_connect(o->target + 5, o->timeout_ms, err);
    } else {
        char host[256];
        const char *colon = strrchr(o->target, ':');
        size_t hl = colon ? (size_t)(colon - o->target) : 0;
        if (!colon || hl == 0 || hl >= sizeof host || !colon[1]) {
            pst_error_set(err, PST_E_INVALID, "'%s' is not HOST:PORT or "
                                              "unix:PATH", o->target);
            return NULL;
        }
        memcpy(host, o->target, hl);
        host[hl] = '\0';
        if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') { /* [::1]:9090 */
            memmove(host, host + 1, hl - 2);
            host[hl - 2] = '\0';
        }
        s = pst_stream_tcp_connect(host, atoi(colon + 1), o->timeout_ms, err);
    }
    if (!s)
        return NULL;
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.idle_timeout_ms = to.read_timeout_ms = to.write_timeout_ms = o->timeout_ms;
    pst_transport *t = o->framed ? pst_transport_framed_new(s, &to)
                                 : pst_transport_unframed_new(s, &to);
    if (!t)
        pst_error_set(err, PST_E_NOMEM, "out of memory for a transport");
    return t;
}

typedef struct tally {
    unsigned long requests, same, differ, missing, conns;
} tally;

/* Replay connection `conn`: its requests from index first on. */
static int replay_conn(const options *o, rec *all, size_t n, size_t first,
                       tally *t)
{
    uint64_t conn = all[first].r.conn_id;
    pst_error err = { 0, "" };
    pst_transport *tr = dial(o, &err);
    if (!tr) {
        fprintf(stderr, "postern-replay: %s: %s\n", o->target, err.message);
        return -1;
    }
    t->conns++;
    int rc = 0;
    for (size_t i = first; i < n && rc == 0; i++) {
        rec *q = &all[i];
        if (q->r.conn_id != conn || q->r.direction != PST_FILE_REQUEST)
            continue;
        pst_msg_header h;
        if (!header_of(q, &h)) {
            fprintf(stderr, "postern-replay: request at offset %llu: %s; "
                            "skipped\n",
                    (unsigned long long)q->r.offset,
                    q->r.protocol ? "its header does not read"
                                  : "a protocol this program does not know");
            continue;
        }
        /* its reply: the next one on this connection with its seqid */
        rec *want = NULL;
        for (size_t k = i + 1; k < n && !want; k++) {
            pst_msg_header rh;
            if (all[k].r.conn_id == conn && !all[k].used &&
                all[k].r.direction == PST_FILE_REPLY && header_of(&all[k], &rh) &&
                rh.seqid == h.seqid)
                want = &all[k];
        }
        if (want)
            want->used = true;
        t->requests++;
        err = (pst_error){ 0, "" };
        if (pst_transport_write_message(tr, q->r.data, q->r.len, &err) < 0) {
            fprintf(stderr, "postern-replay: conn %llu: sending the request at "
                            "offset %llu: %s\n",
                    (unsigned long long)conn, (unsigned long long)q->r.offset,
                    err.message);
            rc = -1;
            break;
        }
        if (!want)
            continue; /* oneway, or nothing was answered */
        const uint8_t *got;
        size_t len;
        err = (pst_error){ 0, "" };
        if (pst_transport_read_message(tr, q->r.protocol, &got, &len, &err) < 0) {
            printf("conn %llu, request at offset %llu (%.*s seqid %d): no "
                   "reply: %s\n",
                   (unsigned long long)conn, (unsigned long long)q->r.offset,
                   (int)h.name.len, h.name.ptr, h.seqid, err.message);
            t->missing++;
            rc = -1; /* the connection is no good for what follows */
            break;
        }
        if (len == want->r.len && memcmp(got, want->r.data, len) == 0) {
            t->same++;
            continue;
        }
        size_t at = 0;
        while (at < len && at < want->r.len && got[at] == want->r.data[at])
            at++;
        printf("conn %llu, request at offset %llu (%.*s seqid %d): the reply "
               "differs from the one recorded at offset %llu from byte %zu "
               "(%zu bytes, recorded %zu)\n",
               (unsigned long long)conn, (unsigned long long)q->r.offset,
               (int)h.name.len, h.name.ptr, h.seqid,
               (unsigned long long)want->r.offset, at, len, want->r.len);
        t->differ++;
    }
    pst_transport_free(tr);
    return rc;
}

int main(int argc, char **argv)
{
    options o = { true, false, 0, 10000, NULL, NULL };
    if (parse_args(argc, argv, &o) < 0) {
        usage(stderr);
        return 2;
    }
    size_t n = 0;
    rec *all = load(o.log, &n);
    if (!all)
        return 2;
    tally t = { 0 };
    bool failed = false;
    uint64_t *done = malloc((n ? n : 1) * sizeof *done); /* connections seen */
    size_t ndone = 0;
    for (size_t i = 0; done && i < n; i++) {
        uint64_t c = all[i].r.conn_id;
        bool first = true;
        for (size_t k = 0; k < ndone && first; k++)
            first = done[k] != c;
        if (!first)
            continue;
        done[ndone++] = c;
        if (o.only_conn && c != o.only_conn)
            continue;
        if (replay_conn(&o, all, n, i, &t) < 0)
            failed = true;
    }
    if (!done) {
        fprintf(stderr, "postern-replay: out of memory\n");
        failed = true;
    }
    free(done);
    if (!o.quiet)
        printf("replayed %lu requests on %lu connections: %lu replies as "
               "recorded, %lu differ, %lu missing\n",
               t.requests, t.conns, t.same, t.differ, t.missing);
    for (size_t i = 0; i < n; i++)
        free(all[i].copy);
    free(all);
    return failed || t.differ || t.missing ? 1 : 0;
}
