/*
 * test_pipeline_echo.h: a tiny Echo service, written by hand the way the
 * compiler would emit it (namespace c tst), for the pipeline, deadline and
 * pool tests, plus a fake server for socketpair tests that answers when and
 * how each test says.
 *
 *   exception Oops { 1: string why }
 *   service Echo {
 *     string echo(1: string msg)
 *     string fail(1: string why) throws (1: Oops oops)
 *     oneway void poke(1: i32 n)
 *     string hold(1: string msg)     // the real server waits for a gate
 *     void ping()
 *   }
 */
#ifndef TEST_PIPELINE_ECHO_H
#define TEST_PIPELINE_ECHO_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "postern/arena.h"
#include "postern/processor.h"
#include "postern/protocol.h"
#include "postern/types.h"

/* ---- types -------------------------------------------------------------- */

typedef struct tst_Oops {
    pst_str why;
    uint8_t isset_[1];
} tst_Oops;

static const pst_field tst_Oops_fields[] = {
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(tst_Oops, why),
      &pst_type_string, "why" },
};
static const pst_struct_desc tst_Oops_desc = {
    "Oops", sizeof(tst_Oops), offsetof(tst_Oops, isset_), 1, PST_EXCEPTION,
    tst_Oops_fields, NULL
};
static const pst_type tst_Oops_type = {
    PST_K_STRUCT, PST_TT_STRUCT, sizeof(tst_Oops), &tst_Oops_desc, NULL, NULL,
    NULL
};

/* echo, hold and fail all take one string. */
typedef struct tst_Echo_echo_args {
    pst_str msg;
    uint8_t isset_[1];
} tst_Echo_echo_args;

static const pst_field tst_Echo_echo_args_fields[] = {
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(tst_Echo_echo_args, msg),
      &pst_type_string, "msg" },
};
static const pst_struct_desc tst_Echo_echo_args_desc = {
    "echo_args", sizeof(tst_Echo_echo_args),
    offsetof(tst_Echo_echo_args, isset_), 1, PST_STRUCT,
    tst_Echo_echo_args_fields, NULL
};

typedef struct tst_Echo_echo_result {
    pst_str success;
    uint8_t isset_[1];
} tst_Echo_echo_result;

static const pst_field tst_Echo_echo_result_fields[] = {
    { 0, PST_K_STRING, PST_REQ_OPTIONAL, 0,
      offsetof(tst_Echo_echo_result, success), &pst_type_string, "success" },
};
static const pst_struct_desc tst_Echo_echo_result_desc = {
    "echo_result", sizeof(tst_Echo_echo_result),
    offsetof(tst_Echo_echo_result, isset_), 1, PST_STRUCT,
    tst_Echo_echo_result_fields, NULL
};

typedef struct tst_Echo_fail_result {
    pst_str success;
    tst_Oops oops;
    uint8_t isset_[1];
} tst_Echo_fail_result;

static const pst_field tst_Echo_fail_result_fields[] = {
    { 0, PST_K_STRING, PST_REQ_OPTIONAL, 0,
      offsetof(tst_Echo_fail_result, success), &pst_type_string, "success" },
    { 1, PST_K_STRUCT, PST_REQ_OPTIONAL, 1,
      offsetof(tst_Echo_fail_result, oops), &tst_Oops_type, "oops" },
};
static const pst_struct_desc tst_Echo_fail_result_desc = {
    "fail_result", sizeof(tst_Echo_fail_result),
    offsetof(tst_Echo_fail_result, isset_), 2, PST_STRUCT,
    tst_Echo_fail_result_fields, NULL
};

typedef struct tst_Echo_poke_args {
    int32_t n;
    uint8_t isset_[1];
} tst_Echo_poke_args;

static const pst_field tst_Echo_poke_args_fields[] = {
    { 1, PST_K_I32, PST_REQ_DEFAULT, 0, offsetof(tst_Echo_poke_args, n),
      &pst_type_i32, "n" },
};
static const pst_struct_desc tst_Echo_poke_args_desc = {
    "poke_args", sizeof(tst_Echo_poke_args),
    offsetof(tst_Echo_poke_args, isset_), 1, PST_STRUCT,
    tst_Echo_poke_args_fields, NULL
};

typedef struct tst_Echo_ping_args {
    uint8_t isset_[1];
} tst_Echo_ping_args;
static const pst_struct_desc tst_Echo_ping_args_desc = {
    "ping_args", sizeof(tst_Echo_ping_args),
    offsetof(tst_Echo_ping_args, isset_), 0, PST_STRUCT, NULL, NULL
};
typedef struct tst_Echo_ping_result {
    uint8_t isset_[1];
} tst_Echo_ping_result;
static const pst_struct_desc tst_Echo_ping_result_desc = {
    "ping_result", sizeof(tst_Echo_ping_result),
    offsetof(tst_Echo_ping_result, isset_), 0, PST_STRUCT, NULL, NULL
};

/* ---- service -------------------------------------------------------------- */

typedef struct tst_Echo_handler {
    int (*echo)(pst_call *call, pst_str msg, tst_Echo_echo_result *result);
    int (*fail)(pst_call *call, pst_str why, tst_Echo_fail_result *result);
    int (*poke)(pst_call *call, int32_t n);
    int (*hold)(pst_call *call, pst_str msg, tst_Echo_echo_result *result);
    int (*ping)(pst_call *call, tst_Echo_ping_result *result);
} tst_Echo_handler;

static int tst_Echo_echo_invoke(const void *h, pst_call *call,
                                const void *args, void *result)
{
    return ((const tst_Echo_handler *)h)
        ->echo(call, ((const tst_Echo_echo_args *)args)->msg, result);
}
static int tst_Echo_fail_invoke(const void *h, pst_call *call,
                                const void *args, void *result)
{
    return ((const tst_Echo_handler *)h)
        ->fail(call, ((const tst_Echo_echo_args *)args)->msg, result);
}
static int tst_Echo_poke_invoke(const void *h, pst_call *call,
                                const void *args, void *result)
{
    (void)result;
    return ((const tst_Echo_handler *)h)
        ->poke(call, ((const tst_Echo_poke_args *)args)->n);
}
static int tst_Echo_hold_invoke(const void *h, pst_call *call,
                                const void *args, void *result)
{
    return ((const tst_Echo_handler *)h)
        ->hold(call, ((const tst_Echo_echo_args *)args)->msg, result);
}
static int tst_Echo_ping_invoke(const void *h, pst_call *call,
                                const void *args, void *result)
{
    (void)args;
    return ((const tst_Echo_handler *)h)->ping(call, result);
}

static const pst_method_desc tst_Echo_methods[] = {
    { "echo", &tst_Echo_echo_args_desc, &tst_Echo_echo_result_desc, false,
      tst_Echo_echo_invoke },
    { "fail", &tst_Echo_echo_args_desc, &tst_Echo_fail_result_desc, false,
      tst_Echo_fail_invoke },
    { "poke", &tst_Echo_poke_args_desc, NULL, true, tst_Echo_poke_invoke },
    { "hold", &tst_Echo_echo_args_desc, &tst_Echo_echo_result_desc, false,
      tst_Echo_hold_invoke },
    { "ping", &tst_Echo_ping_args_desc, &tst_Echo_ping_result_desc, false,
      tst_Echo_ping_invoke },
};
static const pst_service_desc tst_Echo_desc = { "Echo", NULL, 5,
                                                tst_Echo_methods };

#define TST_ECHO (&tst_Echo_methods[0])
#define TST_FAIL (&tst_Echo_methods[1])
#define TST_POKE (&tst_Echo_methods[2])
#define TST_HOLD (&tst_Echo_methods[3])
#define TST_PING (&tst_Echo_methods[4])

/* What the stubs would do: pack args, call, return the string. */
static inline tst_Echo_echo_args tst_echo_args(const char *msg)
{
    tst_Echo_echo_args a;
    memset(&a, 0, sizeof a);
    a.msg = pst_str_c(msg);
    a.isset_[0] = 1;
    return a;
}

static inline int tst_str_eq(pst_str s, const char *c)
{
    return s.len == strlen(c) && (s.len == 0 || memcmp(s.ptr, c, s.len) == 0);
}

/* ---- a fake server on one end of a socketpair ----------------------------- */

/* A request as the fake server saw it. */
typedef struct fake_req {
    char name[32];
    int32_t type;
    int32_t seqid;
    char msg[64];      /* echo/fail/hold argument, NUL-terminated */
    int32_t n;         /* poke argument */
} fake_req;

/* Blocking: read exactly n bytes; 0, or -1 at EOF/error. */
static int fake_read_full(int fd, void *p, size_t n)
{
    uint8_t *b = p;
    while (n > 0) {
        ssize_t r = read(fd, b, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

static int fake_write_full(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n > 0) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read one framed binary request and decode it; -1 at EOF. */
static int fake_recv(int fd, fake_req *out)
{
    uint8_t hdr[4];
    memset(out, 0, sizeof *out);
    if (fake_read_full(fd, hdr, 4) < 0)
        return -1;
    uint32_t len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
                   (uint32_t)hdr[2] << 8 | hdr[3];
    if (len == 0 || len > (1u << 20))
        return -1;
    uint8_t *buf = malloc(len);
    if (!buf || fake_read_full(fd, buf, len) < 0) {
        free(buf);
        return -1;
    }
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_rbuf r;
    pst_rbuf_init(&r, buf, len, NULL);
    pst_msg_header h;
    int rc = pst_protocol_binary.read_message_begin(&r, &h, &cfg);
    if (rc == 0) {
        size_t nl = h.name.len < sizeof out->name - 1 ? h.name.len
                                                      : sizeof out->name - 1;
        memcpy(out->name, h.name.ptr, nl);
        out->type = h.type;
        out->seqid = h.seqid;
        const pst_method_desc *m =
            pst_service_method(&tst_Echo_desc, h.name.ptr, h.name.len);
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        if (m && m->args == &tst_Echo_echo_args_desc) {
            tst_Echo_echo_args args;
            rc = pst_protocol_binary.read_struct(&r, m->args, &args, &a, &cfg);
            if (rc == 0) {
                size_t ml = args.msg.len < sizeof out->msg - 1
                                ? args.msg.len
                                : sizeof out->msg - 1;
                if (ml)
                    memcpy(out->msg, args.msg.ptr, ml);
            }
        } else if (m && m->args == &tst_Echo_poke_args_desc) {
            tst_Echo_poke_args args;
            rc = pst_protocol_binary.read_struct(&r, m->args, &args, &a, &cfg);
            out->n = args.n;
        }
        pst_arena_release(&a);
    }
    free(buf);
    return rc == 0 ? 0 : -1;
}

/* Send one framed binary message: header (name, type, seqid), then d/v
 * (NULL d: an empty struct). */
static int fake_send(int fd, const char *name, int32_t type, int32_t seqid,
                     const pst_struct_desc *d, const void *v)
{
    static const pst_struct_desc empty = { "empty", 1, 0, 0, PST_STRUCT,
                                           NULL, NULL };
    static const uint8_t nothing[1] = { 0 };
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_wbuf_append(&w, "\0\0\0\0", 4);
    pst_msg_header h = { pst_str_c(name), type, seqid };
    int rc = pst_protocol_binary.write_message_begin(&w, &h);
    if (rc == 0)
        rc = pst_protocol_binary.write_struct(&w, d ? d : &empty,
                                              d ? v : nothing, &cfg);
    if (rc == 0 && !w.err) {
        size_t body = w.len - 4;
        w.data[0] = (uint8_t)(body >> 24);
        w.data[1] = (uint8_t)(body >> 16);
        w.data[2] = (uint8_t)(body >> 8);
        w.data[3] = (uint8_t)body;
        rc = fake_write_full(fd, w.data, w.len);
    } else if (rc == 0) {
        rc = w.err;
    }
    pst_wbuf_free(&w);
    return rc;
}

/* The normal answer to echo/hold: the message back. */
static int fake_reply_echo(int fd, const fake_req *q)
{
    tst_Echo_echo_result r;
    memset(&r, 0, sizeof r);
    r.success = pst_str_c(q->msg);
    r.isset_[0] = 1;
    return fake_send(fd, q->name, PST_MSG_REPLY, q->seqid,
                     &tst_Echo_echo_result_desc, &r);
}

/* A fake server thread running `script` over its end of a socketpair. */
typedef struct fake_server {
    int fd;                        /* the server's end */
    int client_fd;                 /* the pipeline's end (adopted) */
    pthread_t thread;
    void (*script)(struct fake_server *fs);
    void *ctx;
    atomic_int handled;            /* requests the script answered */
} fake_server;

static void *fake_server_main(void *p)
{
    fake_server *fs = p;
    fs->script(fs);
    return NULL;
}

static int fake_server_start(fake_server *fs,
                             void (*script)(fake_server *fs), void *ctx)
{
    int sv[2];
    memset(fs, 0, sizeof *fs);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    fs->fd = sv[0];
    fs->client_fd = sv[1];
    fs->script = script;
    fs->ctx = ctx;
    return pthread_create(&fs->thread, NULL, fake_server_main, fs) == 0 ? 0
                                                                         : -1;
}

/* Join the script (which must end on its own or at EOF), close its end. */
static void fake_server_join(fake_server *fs)
{
    pthread_join(fs->thread, NULL);
    close(fs->fd);
}

#endif
