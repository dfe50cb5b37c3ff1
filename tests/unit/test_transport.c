/* test_transport.c: byte streams and message transports, without a codec:
 * a toy protocol ('M', 4-byte length, payload) stands in for
 * message_length. Sockets: socketpair, TCP over 127.0.0.1 and ::1, Unix. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "postern/transport.h"
#include "test.h"

/* ---- a toy protocol: 'M' len32 payload ---------------------------------- */

static int toy_scans;

static int toy_message_length(const uint8_t *p, size_t n,
                              const pst_codec_config *cfg, size_t *len,
                              pst_error *err)
{
    toy_scans++;
    if (n >= 1 && p[0] != 'M')
        return pst_error_set(err, PST_E_PROTOCOL, "toy: bad tag 0x%02x", p[0]);
    if (n < 5)
        return PST_E_SHORT;
    uint32_t l = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 |
                 (uint32_t)p[3] << 8 | p[4];
    if (l + 5ull > cfg->max_message)
        return pst_error_set(err, PST_E_LIMIT, "toy: message of %u bytes", l);
    if (n < 5 + (size_t)l)
        return PST_E_SHORT;
    *len = 5 + (size_t)l;
    return 0;
}

static const pst_protocol toy = { .name = "toy",
                                  .message_length = toy_message_length };

/* Append a toy message with payload of n bytes of `fill` to buf. */
static size_t toy_msg(uint8_t *buf, size_t n, uint8_t fill)
{
    buf[0] = 'M';
    buf[1] = (uint8_t)(n >> 24);
    buf[2] = (uint8_t)(n >> 16);
    buf[3] = (uint8_t)(n >> 8);
    buf[4] = (uint8_t)n;
    memset(buf + 5, fill, n);
    return n + 5;
}

static size_t frame(uint8_t *buf, const char *payload)
{
    size_t n = strlen(payload);
    buf[0] = (uint8_t)(n >> 24);
    buf[1] = (uint8_t)(n >> 16);
    buf[2] = (uint8_t)(n >> 8);
    buf[3] = (uint8_t)n;
    memcpy(buf + 4, payload, n);
    return n + 4;
}

/* ---- framed over memory ------------------------------------------------- */

static void test_framed_memory_partial_reads(void)
{
    for (size_t max_read = 0; max_read <= 3; max_read++) {
        uint8_t in[64];
        size_t n = frame(in, "hello");
        n += frame(in + n, "second frame");
        pst_transport *t =
            pst_transport_framed_new(pst_stream_memory_new(in, n, max_read), NULL);
        CHECK(t != NULL);
        const uint8_t *msg;
        size_t len;
        pst_error err = { 0, "" };
        CHECK_EQ_INT(pst_transport_read_message(t, NULL, &msg, &len, &err), 0);
        CHECK_EQ_INT(len, 5);
        CHECK_MEM(msg, "hello", 5);
        CHECK_EQ_INT(pst_transport_read_message(t, NULL, &msg, &len, &err), 0);
        CHECK_EQ_INT(len, 12);
        CHECK_MEM(msg, "second frame", 12);
        CHECK_EQ_INT(pst_transport_read_message(t, NULL, &msg, &len, &err),
                     PST_E_CLOSED);
        CHECK_EQ_INT(pst_transport_buffered(t), 0);
        CHECK(strstr(err.message, "closed by peer") != NULL);
        pst_transport_free(t);
    }
}

static void test_framed_write(void)
{
    pst_stream *s = pst_stream_memory_new(NULL, 0, 0);
    pst_transport *t = pst_transport_framed_new(s, NULL);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_write_message(t, "abc", 3, &err), 0);
    CHECK_EQ_INT(pst_transport_write_message(t, "de", 2, &err), 0);
    size_t n;
    const uint8_t *out = pst_stream_memory_output(pst_transport_stream(t), &n);
    static const uint8_t want[] = { 0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 2, 'd', 'e' };
    CHECK_EQ_INT(n, sizeof want);
    CHECK_MEM(out, want, sizeof want);
    CHECK(strcmp(pst_transport_name(t), "framed") == 0);

    /* Outgoing frames obey max_frame too. */
    pst_transport_options o = PST_TRANSPORT_OPTIONS_INIT;
    o.codec.max_frame = 2;
    pst_transport *small =
        pst_transport_framed_new(pst_stream_memory_new(NULL, 0, 0), &o);
    CHECK_EQ_INT(pst_transport_write_message(small, "abc", 3, &err), PST_E_LIMIT);
    CHECK(strcmp(err.message, "frame of 3 bytes exceeds max_frame 2") == 0);
    pst_transport_free(small);
    pst_transport_free(t);
}

static void test_framed_limits(void)
{
    static const struct {
        uint8_t hdr[4];
        const char *want;
    } cases[] = {
        { { 0x00, 0xfa, 0x00, 0x01 },
          "frame of 16384001 bytes exceeds max_frame 16384000" },
        { { 0x80, 0x00, 0x00, 0x00 },
          "frame of 2147483648 bytes exceeds max_frame 16384000" },
        { { 0xff, 0xff, 0xff, 0xff },
          "frame of 4294967295 bytes exceeds max_frame 16384000" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pst_transport *t = pst_transport_framed_new(
            pst_stream_memory_new(cases[i].hdr, 4, 1), NULL);
        const uint8_t *msg;
        size_t len;
        pst_error err = { 0, "" };
        CHECK_EQ_INT(pst_transport_read_message(t, NULL, &msg, &len, &err),
                     PST_E_LIMIT);
        CHECK(strcmp(err.message, cases[i].want) == 0);
        if (strcmp(err.message, cases[i].want) != 0)
            fprintf(stderr, "  got: %s\n", err.message);
        pst_transport_free(t);
    }
    /* A frame exactly at the limit is fine. */
    pst_transport_options o = PST_TRANSPORT_OPTIONS_INIT;
    o.codec.max_frame = 5;
    uint8_t in[16];
    size_t n = frame(in, "12345");
    pst_transport *t = pst_transport_framed_new(pst_stream_memory_new(in, n, 0), &o);
    const uint8_t *msg;
    size_t len;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &msg, &len, &err), 0);
    CHECK_EQ_INT(len, 5);
    pst_transport_free(t);
    /* An empty frame is no message. */
    uint8_t zero[4] = { 0 };
    t = pst_transport_framed_new(pst_stream_memory_new(zero, 4, 0), NULL);
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &msg, &len, &err),
                 PST_E_PROTOCOL);
    pst_transport_free(t);
}

static void test_framed_closed_mid_frame(void)
{
    uint8_t in[16];
    size_t n = frame(in, "hello");
    pst_transport *t =
        pst_transport_framed_new(pst_stream_memory_new(in, n - 2, 2), NULL);
    const uint8_t *msg;
    size_t len;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &msg, &len, &err),
                 PST_E_CLOSED);
    CHECK(pst_transport_buffered(t) == 7);
    CHECK(strstr(err.message, "after 7 bytes") != NULL);
    pst_transport_free(t);
}

static void test_framed_large_frame_grows(void)
{
    size_t n = 3 * 1000 * 1000;
    uint8_t *in = malloc(n + 4);
    in[0] = (uint8_t)(n >> 24);
    in[1] = (uint8_t)(n >> 16);
    in[2] = (uint8_t)(n >> 8);
    in[3] = (uint8_t)n;
    for (size_t i = 0; i < n; i++)
        in[4 + i] = (uint8_t)(i * 7);
    pst_transport *t =
        pst_transport_framed_new(pst_stream_memory_new(in, n + 4, 1000), NULL);
    const uint8_t *msg;
    size_t len;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &msg, &len, &err), 0);
    CHECK_EQ_INT(len, n);
    CHECK(len == n && memcmp(msg, in + 4, n) == 0);
    pst_transport_free(t);
    free(in);
}

/* ---- unframed over memory ----------------------------------------------- */

static void test_unframed_memory(void)
{
    for (size_t max_read = 0; max_read <= 4; max_read++) {
        uint8_t in[256];
        size_t n = toy_msg(in, 3, 'a');
        n += toy_msg(in + n, 0, 0);
        n += toy_msg(in + n, 100, 'c');
        pst_transport *t = pst_transport_unframed_new(
            pst_stream_memory_new(in, n, max_read), NULL);
        const uint8_t *msg;
        size_t len;
        pst_error err = { 0, "" };
        CHECK_EQ_INT(pst_transport_read_message(t, &toy, &msg, &len, &err), 0);
        CHECK_EQ_INT(len, 8);
        CHECK_MEM(msg + 5, "aaa", 3);
        CHECK_EQ_INT(pst_transport_read_message(t, &toy, &msg, &len, &err), 0);
        CHECK_EQ_INT(len, 5);
        CHECK_EQ_INT(pst_transport_read_message(t, &toy, &msg, &len, &err), 0);
        CHECK_EQ_INT(len, 105);
        CHECK_EQ_INT(msg[104], 'c');
        CHECK_EQ_INT(pst_transport_read_message(t, &toy, &msg, &len, &err),
                     PST_E_CLOSED);
        pst_transport_free(t);
    }
}

/* A large message arriving in many small pieces is scanned a logarithmic
 * number of times, not once per piece. */
static void test_unframed_not_quadratic(void)
{
    size_t payload = 1 << 20;
    uint8_t *in = malloc(payload + 5);
    size_t n = toy_msg(in, payload, 'z');
    pst_transport *t =
        pst_transport_unframed_new(pst_stream_memory_new(in, n, 64), NULL);
    const uint8_t *msg;
    size_t len;
    pst_error err = { 0, "" };
    toy_scans = 0;
    CHECK_EQ_INT(pst_transport_read_message(t, &toy, &msg, &len, &err), 0);
    CHECK_EQ_INT(len, n);
    /* Pieces of 64 bytes: 16384 reads. Doubling from 64 bytes to 1 MiB is
     * 15 scans, plus one at the end of the input. */
    CHECK(toy_scans <= 20);
    if (toy_scans > 20)
        fprintf(stderr, "  %d scans\n", toy_scans);
    pst_transport_free(t);
    free(in);
}

static void test_unframed_errors(void)
{
    const uint8_t *msg;
    size_t len;
    /* message_length's verdict passes through with its words. */
    uint8_t bad[] = { 'X', 0, 0, 0, 0 };
    pst_transport *t =
        pst_transport_unframed_new(pst_stream_memory_new(bad, 5, 0), NULL);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_read_message(t, &toy, &msg, &len, &err),
                 PST_E_PROTOCOL);
    CHECK(strcmp(err.message, "toy: bad tag 0x58") == 0);
    pst_transport_free(t);

    /* No protocol: a clear refusal. */
    t = pst_transport_unframed_new(pst_stream_memory_new(bad, 5, 0), NULL);
    pst_error_clear(&err);
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &msg, &len, &err),
                 PST_E_INVALID);
    pst_transport_free(t);

    /* max_message bounds the buffer even if message_length never decides. */
    pst_transport_options o = PST_TRANSPORT_OPTIONS_INIT;
    o.codec.max_message = 1000;
    uint8_t big[2000];
    toy_msg(big, 1500, 'q');
    t = pst_transport_unframed_new(pst_stream_memory_new(big, sizeof big, 0), &o);
    pst_error_clear(&err);
    CHECK_EQ_INT(pst_transport_read_message(t, &toy, &msg, &len, &err),
                 PST_E_LIMIT);
    CHECK(strstr(err.message, "1500") != NULL);
    pst_transport_free(t);
}

static int short_forever(const uint8_t *p, size_t n, const pst_codec_config *cfg,
                         size_t *len, pst_error *err)
{
    (void)p, (void)n, (void)cfg, (void)len, (void)err;
    return PST_E_SHORT;
}

static void test_unframed_max_message(void)
{
    static const pst_protocol never = { .name = "never",
                                        .message_length = short_forever };
    pst_transport_options o = PST_TRANSPORT_OPTIONS_INIT;
    o.codec.max_message = 10000;
    uint8_t *in = calloc(1, 50000);
    pst_transport *t =
        pst_transport_unframed_new(pst_stream_memory_new(in, 50000, 333), &o);
    const uint8_t *msg;
    size_t len;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_read_message(t, &never, &msg, &len, &err),
                 PST_E_LIMIT);
    CHECK(strcmp(err.message, "message exceeds max_message 10000 bytes (no end "
                              "in the first 10000 bytes)") == 0);
    CHECK(pst_transport_buffered(t) <= 10000);
    pst_transport_free(t);
    free(in);
}

static void test_unread(void)
{
    uint8_t in[32];
    size_t n = frame(in, "world");
    pst_transport *t =
        pst_transport_framed_new(pst_stream_memory_new(in + 3, n - 3, 0), NULL);
    CHECK_EQ_INT(pst_transport_unread(t, in, 3), 0);
    CHECK_EQ_INT(pst_transport_buffered(t), 3);
    const uint8_t *msg;
    size_t len;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &msg, &len, &err), 0);
    CHECK_EQ_INT(len, 5);
    CHECK_MEM(msg, "world", 5);
    pst_transport_free(t);
}

/* ---- sockets ------------------------------------------------------------ */

static void socket_pair(pst_stream **a, pst_stream **b)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    pst_error err = { 0, "" };
    *a = pst_stream_socket_new(sv[0], &err);
    *b = pst_stream_socket_new(sv[1], &err);
    CHECK(*a && *b);
}

typedef struct trickle_arg {
    int fd;
    const uint8_t *data;
    size_t n, piece;
} trickle_arg;

/* Write data in small pieces, yielding between them. */
static void *trickle(void *p)
{
    trickle_arg *a = p;
    for (size_t off = 0; off < a->n; off += a->piece) {
        size_t k = a->n - off < a->piece ? a->n - off : a->piece;
        if (send(a->fd, a->data + off, k, MSG_NOSIGNAL) != (ssize_t)k)
            break;
        struct timespec ts = { 0, 200000 };
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void test_socketpair_framed_and_unframed(void)
{
    pst_stream *a, *b;
    socket_pair(&a, &b);
    pst_transport *ta = pst_transport_framed_new(a, NULL);
    pst_transport *tb = pst_transport_framed_new(b, NULL);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_write_message(ta, "ping", 4, &err), 0);
    CHECK_EQ_INT(pst_transport_write_message(ta, "pong!", 5, &err), 0);
    const uint8_t *msg;
    size_t len;
    CHECK_EQ_INT(pst_transport_read_message(tb, NULL, &msg, &len, &err), 0);
    CHECK(len == 4 && memcmp(msg, "ping", 4) == 0);
    CHECK_EQ_INT(pst_transport_read_message(tb, NULL, &msg, &len, &err), 0);
    CHECK(len == 5 && memcmp(msg, "pong!", 5) == 0);
    pst_transport_free(ta);
    CHECK_EQ_INT(pst_transport_read_message(tb, NULL, &msg, &len, &err),
                 PST_E_CLOSED);
    pst_transport_free(tb);

    /* Unframed, a 300 KB message trickled in 1000-byte pieces. */
    socket_pair(&a, &b);
    tb = pst_transport_unframed_new(b, NULL);
    size_t payload = 300000;
    uint8_t *data = malloc(payload + 5);
    size_t n = toy_msg(data, payload, 'k');
    trickle_arg arg = { pst_stream_fd(a), data, n, 1000 };
    pthread_t th;
    pthread_create(&th, NULL, trickle, &arg);
    pst_error_clear(&err);
    CHECK_EQ_INT(pst_transport_read_message(tb, &toy, &msg, &len, &err), 0);
    CHECK_EQ_INT(len, n);
    CHECK(len == n && msg[n - 1] == 'k');
    pthread_join(th, NULL);
    pst_stream_free(a);
    pst_transport_free(tb);
    free(data);
}

/* The last bytes of an unframed message arrive, then the writer closes its
 * side: the message is still delivered. */
static void test_unframed_then_half_close(void)
{
    pst_stream *a, *b;
    socket_pair(&a, &b);
    pst_transport *tb = pst_transport_unframed_new(b, NULL);
    size_t payload = 200000;
    uint8_t *data = malloc(payload + 5);
    size_t n = toy_msg(data, payload, 'h');
    CHECK(send(pst_stream_fd(a), data, 150000, MSG_NOSIGNAL) == 150000);
    trickle_arg arg = { pst_stream_fd(a), data + 150000, n - 150000, 25000 };
    pthread_t th;
    pthread_create(&th, NULL, trickle, &arg);
    const uint8_t *msg;
    size_t len;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_read_message(tb, &toy, &msg, &len, &err), 0);
    CHECK_EQ_INT(len, n);
    pthread_join(th, NULL);
    CHECK_EQ_INT(pst_stream_shutdown_write(a), 0);
    CHECK_EQ_INT(pst_transport_read_message(tb, &toy, &msg, &len, &err),
                 PST_E_CLOSED);
    pst_stream_free(a);
    pst_transport_free(tb);
    free(data);
}

static void test_timeouts(void)
{
    pst_stream *a, *b;
    socket_pair(&a, &b);
    pst_transport_options o = PST_TRANSPORT_OPTIONS_INIT;
    o.idle_timeout_ms = 30;
    o.read_timeout_ms = 30;
    o.write_timeout_ms = 30;
    pst_transport *tb = pst_transport_framed_new(b, &o);
    const uint8_t *msg;
    size_t len;
    pst_error err = { 0, "" };
    /* Nothing comes: the idle timeout. */
    CHECK_EQ_INT(pst_transport_read_message(tb, NULL, &msg, &len, &err),
                 PST_E_TIMEOUT);
    CHECK(strstr(err.message, "idle timeout of 30 ms") != NULL);
    /* Half a frame comes: the read timeout. */
    CHECK(send(pst_stream_fd(a), "\0\0\0\x09" "abc", 7, MSG_NOSIGNAL) == 7);
    pst_error_clear(&err);
    CHECK_EQ_INT(pst_transport_read_message(tb, NULL, &msg, &len, &err),
                 PST_E_TIMEOUT);
    CHECK(strstr(err.message, "read timeout of 30 ms (7 bytes received)") != NULL);
    /* Nobody reads: the write timeout. */
    pst_transport *ta = pst_transport_framed_new(a, &o);
    size_t big = 8 << 20;
    uint8_t *data = calloc(1, big);
    pst_error_clear(&err);
    CHECK_EQ_INT(pst_transport_write_message(ta, data, big, &err), PST_E_TIMEOUT);
    CHECK(strstr(err.message, "timed out after 30 ms") != NULL);
    free(data);
    pst_transport_free(ta);
    pst_transport_free(tb);
}

static void test_wake(void)
{
    pst_stream *a, *b;
    socket_pair(&a, &b);
    pst_transport *tb = pst_transport_framed_new(b, NULL);
    int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    atomic_bool flag;
    atomic_init(&flag, false);
    pst_transport_set_wake(tb, efd, &flag);
    uint8_t in[32];
    size_t n = frame(in, "one");
    n += frame(in + n, "two");
    CHECK(send(pst_stream_fd(a), in, n, MSG_NOSIGNAL) == (ssize_t)n);
    const uint8_t *msg;
    size_t len;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_read_message(tb, NULL, &msg, &len, &err), 0);
    /* Stop now: the message already buffered is still handed out... */
    atomic_store(&flag, true);
    uint64_t one = 1;
    CHECK(write(efd, &one, sizeof one) == 8);
    CHECK_EQ_INT(pst_transport_read_message(tb, NULL, &msg, &len, &err), 0);
    CHECK(len == 3 && memcmp(msg, "two", 3) == 0);
    /* ...but no more is waited for. */
    CHECK_EQ_INT(pst_transport_read_message(tb, NULL, &msg, &len, &err),
                 PST_E_STOPPED);
    /* The fd alone wakes a waiting read too. */
    atomic_store(&flag, false);
    CHECK_EQ_INT(pst_stream_read(b, in, sizeof in, &n, -1, efd), PST_E_STOPPED);
    close(efd);
    pst_stream_free(a);
    pst_transport_free(tb);
}

static void test_no_sigpipe(void)
{
    /* SIGPIPE's default action would kill this test. */
    pst_stream *a, *b;
    socket_pair(&a, &b);
    pst_stream_free(b);
    pst_transport *ta = pst_transport_framed_new(a, NULL);
    pst_error err = { 0, "" };
    int rc = 0;
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = pst_transport_write_message(ta, "gone", 4, &err);
    CHECK_EQ_INT(rc, -EPIPE);
    CHECK(strstr(err.message, "Broken pipe") != NULL);
    pst_transport_free(ta);
}

/* A listening socket on addr (port 0); returns fd and the port. */
static int listen_on(int family, const char *unix_path, int *port)
{
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int rc;
    if (family == AF_INET) {
        struct sockaddr_in a = { 0 };
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    } else if (family == AF_INET6) {
        struct sockaddr_in6 a = { 0 };
        a.sin6_family = AF_INET6;
        a.sin6_addr = in6addr_loopback;
        rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    } else {
        struct sockaddr_un a = { 0 };
        a.sun_family = AF_UNIX;
        snprintf(a.sun_path, sizeof a.sun_path, "%s", unix_path);
        unlink(unix_path);
        rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    }
    if (rc < 0 || listen(fd, 8) < 0) {
        close(fd);
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    if (family == AF_INET)
        *port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    else if (family == AF_INET6)
        *port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

static void exchange(pst_stream *client, int lfd, const char *want_peer_prefix)
{
    int sfd = accept(lfd, NULL, NULL);
    CHECK(sfd >= 0);
    pst_error err = { 0, "" };
    pst_stream *server = pst_stream_socket_new(sfd, &err);
    CHECK(server != NULL);
    if (!server)
        return;
    CHECK(strncmp(pst_stream_peer(server), want_peer_prefix,
                  strlen(want_peer_prefix)) == 0);
    pst_transport *tc = pst_transport_framed_new(client, NULL);
    pst_transport *ts = pst_transport_framed_new(server, NULL);
    CHECK_EQ_INT(pst_transport_write_message(tc, "over the wire", 13, &err), 0);
    const uint8_t *msg;
    size_t len;
    CHECK_EQ_INT(pst_transport_read_message(ts, NULL, &msg, &len, &err), 0);
    CHECK(len == 13 && memcmp(msg, "over the wire", 13) == 0);
    CHECK_EQ_INT(pst_transport_write_message(ts, "back", 4, &err), 0);
    CHECK_EQ_INT(pst_transport_read_message(tc, NULL, &msg, &len, &err), 0);
    CHECK(len == 4 && memcmp(msg, "back", 4) == 0);
    pst_transport_free(tc);
    pst_transport_free(ts);
}

static void test_tcp_ipv4_ipv6_unix(void)
{
    pst_error err = { 0, "" };
    int port = 0;
    int lfd = listen_on(AF_INET, NULL, &port);
    CHECK(lfd >= 0);
    pst_stream *c = pst_stream_tcp_connect("127.0.0.1", port, 2000, &err);
    CHECK(c != NULL);
    if (c)
        exchange(c, lfd, "127.0.0.1:");
    close(lfd);

    lfd = listen_on(AF_INET6, NULL, &port);
    if (lfd < 0) {
        fprintf(stderr, "  (no IPv6 loopback here: ::1 part skipped)\n");
    } else {
        pst_error_clear(&err);
        c = pst_stream_tcp_connect("::1", port, 2000, &err);
        CHECK(c != NULL);
        if (c)
            exchange(c, lfd, "[::1]:");
        close(lfd);
    }

    char path[64];
    snprintf(path, sizeof path, "/tmp/pst-test-transport-%d.sock", (int)getpid());
    lfd = listen_on(AF_UNIX, path, &port);
    CHECK(lfd >= 0);
    pst_error_clear(&err);
    c = pst_stream_unix_connect(path, 2000, &err);
    CHECK(c != NULL);
    if (c)
        exchange(c, lfd, "unix");
    close(lfd);
    unlink(path);
}

static void test_connect_errors(void)
{
    /* A port nobody listens on: bind one, note it, close it. */
    int port = 0;
    int lfd = listen_on(AF_INET, NULL, &port);
    close(lfd);
    pst_error err = { 0, "" };
    CHECK(pst_stream_tcp_connect("127.0.0.1", port, 2000, &err) == NULL);
    CHECK_EQ_INT(err.code, -ECONNREFUSED);
    CHECK(strstr(err.message, "Connection refused") != NULL);
    CHECK(strstr(err.message, "127.0.0.1") != NULL);

    pst_error_clear(&err);
    CHECK(pst_stream_tcp_connect("no-such-host.invalid", 1, 2000, &err) == NULL);
    CHECK(err.code != 0);
    CHECK(strstr(err.message, "no-such-host.invalid") != NULL);

    pst_error_clear(&err);
    CHECK(pst_stream_tcp_connect("127.0.0.1", 70000, 0, &err) == NULL);
    CHECK_EQ_INT(err.code, PST_E_INVALID);

    pst_error_clear(&err);
    CHECK(pst_stream_unix_connect("/tmp/pst-no-such-socket", 0, &err) == NULL);
    CHECK_EQ_INT(err.code, -ENOENT);

    /* Adopting something that is not a socket. */
    int p[2];
    CHECK(pipe(p) == 0);
    pst_error_clear(&err);
    CHECK(pst_stream_socket_new(p[0], &err) == NULL);
    CHECK_EQ_INT(err.code, -ENOTSOCK);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    RUN(test_framed_memory_partial_reads);
    RUN(test_framed_write);
    RUN(test_framed_limits);
    RUN(test_framed_closed_mid_frame);
    RUN(test_framed_large_frame_grows);
    RUN(test_unframed_memory);
    RUN(test_unframed_not_quadratic);
    RUN(test_unframed_errors);
    RUN(test_unframed_max_message);
    RUN(test_unread);
    RUN(test_socketpair_framed_and_unframed);
    RUN(test_unframed_then_half_close);
    RUN(test_timeouts);
    RUN(test_wake);
    RUN(test_no_sigpipe);
    RUN(test_tcp_ipv4_ipv6_unix);
    RUN(test_connect_errors);
    return test_report();
}
