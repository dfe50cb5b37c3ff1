/*
 * test_pipeline_fake.h: a fake Echo server on one end of a socketpair, for
 * the pipeline tests: it speaks framed binary and answers when and how each
 * test's script says (out of order, late, with a wrong seqid, not at all).
 */
#ifndef TEST_PIPELINE_FAKE_H
#define TEST_PIPELINE_FAKE_H

#include "test_pipeline_echo.h"

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
        /* echo, fail and hold each have their own (same-shaped) args. */
        if (m && (m->args == &tst_Echo_echo_args_desc ||
                  m->args == &tst_Echo_fail_args_desc ||
                  m->args == &tst_Echo_hold_args_desc)) {
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
