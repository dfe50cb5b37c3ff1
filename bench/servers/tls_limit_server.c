/*
 * tls-limit-server: the ceiling for an Echo server behind TLS on this
 * machine. A thread per connection, OpenSSL straight on the socket (its
 * socket BIO, its buffers kept), and no RPC at all: each framed binary
 * Echo.echo call is read (one record, usually one SSL_read), turned into
 * its reply in place (EchoReq and EchoRes have the same shape, so only the
 * message type and the result's field id change) and written back with
 * one SSL_write (one record). What is left is what any server doing one
 * record each way must pay: the record layer, the syscalls, the threads.
 *
 *   tls-limit-server --port N --ssl-cert FILE --ssl-key FILE
 *
 * For bench/servers/layers.sh (server name tls-limit). Not a server to
 * use: it answers nothing but Echo.echo and closes on anything else.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_FRAME = 1 << 20 };

typedef struct conn {
    SSL_CTX *ctx;
    int fd;
} conn;

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* Exactly n plain bytes; 0, or -1 at the end or an error. */
static int read_full(SSL *ssl, uint8_t *p, size_t n)
{
    while (n > 0) {
        int r = SSL_read(ssl, p, (int)n);
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* The call in body[0..len) made its reply: strict binary CALL "echo" with
 * args field 1 (a struct) becomes a REPLY with result field 0. */
static int to_reply(uint8_t *body, uint32_t len)
{
    if (len < 12 || body[0] != 0x80 || body[1] != 0x01 || body[3] != 1)
        return -1;
    uint32_t name = be32(body + 4);
    if (name > len - 12 || len - 12 - name < 4)
        return -1;
    uint8_t *field = body + 8 + name + 4;
    if (field[0] != 12 || field[1] != 0 || field[2] != 1)
        return -1;
    body[3] = 2;                /* REPLY */
    field[2] = 0;               /* the result's success field */
    return 0;
}

static void *serve(void *arg)
{
    conn *c = arg;
    SSL *ssl = SSL_new(c->ctx);
    uint8_t *frame = malloc(4 + MAX_FRAME);
    if (!ssl || !frame || !SSL_set_fd(ssl, c->fd) || SSL_accept(ssl) != 1)
        goto out;
    for (;;) {
        /* the usual call arrives whole in one record: take what it has */
        int r = SSL_read(ssl, frame, 4 + MAX_FRAME);
        if (r < 4)
            break;
        uint32_t len = be32(frame);
        if (len > MAX_FRAME || (size_t)r > 4 + (size_t)len)
            break;              /* pipelined calls: not this server's job */
        if ((size_t)r < 4 + (size_t)len &&
            read_full(ssl, frame + r, 4 + (size_t)len - (size_t)r) < 0)
            break;
        if (to_reply(frame + 4, len) < 0)
            break;
        if (SSL_write(ssl, frame, (int)(4 + len)) <= 0)
            break;
    }
out:
    ERR_clear_error();
    if (ssl)
        SSL_free(ssl);
    free(frame);
    close(c->fd);
    free(c);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *cert = NULL, *key = NULL;
    int port = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port"))
            port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--ssl-cert"))
            cert = argv[i + 1];
        else if (!strcmp(argv[i], "--ssl-key"))
            key = argv[i + 1];
    }
    if (port <= 0 || port > 65535 || !cert || !key) {
        fprintf(stderr, "usage: tls-limit-server --port N --ssl-cert FILE --ssl-key FILE\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        fprintf(stderr, "tls-limit-server: cannot load %s / %s\n", cert, key);
        return 1;
    }
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 512) < 0) {
        perror("tls-limit-server: listen");
        return 1;
    }
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn *c = malloc(sizeof *c);
        pthread_t t;
        if (!c) {
            close(fd);
            continue;
        }
        c->ctx = ctx;
        c->fd = fd;
        if (pthread_create(&t, NULL, serve, c) != 0) {
            close(fd);
            free(c);
            continue;
        }
        pthread_detach(t);
    }
}
