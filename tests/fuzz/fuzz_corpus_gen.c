/*
 * fuzz_corpus_gen.c: seed corpora for the libFuzzer targets, built from
 * real messages (thrifttest_requests.h):
 *
 *   fuzz_corpus_gen DIR
 *     DIR/request/    each request alone, behind fuzz_request's selector
 *                     byte (binary and compact, a few limit settings), and
 *                     the echo service's reply to it (reply mode)
 *     DIR/transport/  streams of those requests back to back, framed and
 *                     unframed, whole, cut short, and with garbage after
 *     DIR/sniff/      connection openings (every protocol and framing,
 *                     HTTP request lines) behind fuzz_sniff's option bytes
 *     DIR/http/       HTTP request streams (fuzz_http_seeds.h) behind each
 *                     of fuzz_http's option bytes
 *     DIR/json/       JSON documents for every test descriptor and
 *                     JSON-RPC requests (fuzz_json_seeds.h), behind a few
 *                     of fuzz_json's selector bytes
 *     DIR/json_protocol/  each request in TJSONProtocol, as a message
 *                     (fuzz_json_protocol's selector 0x10) and, past its
 *                     header, as a struct
 *
 * Files are named by content, so running it twice changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Every request seed is also run through the target once: a seed that
 * breaks a property stops the generator. */
#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_corpus_gen: a seed fails: %s\n", what);          \
        abort();                                                               \
    } while (0)
#include "fuzz_request_target.h"
#include "thrifttest_requests.h"
#include "fuzz_http_seeds.h"
#include "fuzz_json_seeds.h"

#define FT_SEL_FRAMED 0x01u /* as in fuzz_transport_target.h */
#define FT_SEL_COMPACT 0x02u

static const char *root;
static unsigned long written;

static void put_file(const char *sub, const uint8_t *a, size_t an,
                     const uint8_t *b, size_t bn)
{
    /* FNV-1a of the content names the file */
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < an; i++)
        h = (h ^ a[i]) * 0x100000001b3ull;
    for (size_t i = 0; i < bn; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%016llx", root, sub,
             (unsigned long long)h);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "fuzz_corpus_gen: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    if ((an && fwrite(a, 1, an, f) != an) || (bn && fwrite(b, 1, bn, f) != bn) ||
        fclose(f) != 0) {
        fprintf(stderr, "fuzz_corpus_gen: writing %s failed\n", path);
        exit(1);
    }
    written++;
}

/* All requests of one protocol, back to back, for the stream seeds. */
typedef struct stream {
    uint8_t data[1 << 16];
    size_t len, framed_len;
    uint8_t framed[1 << 16];
    size_t count;
} stream;

static stream streams[2];

static void on_request(void *ctx, const pst_protocol *p, const char *what,
                       const uint8_t *msg, size_t len)
{
    (void)ctx;
    (void)what;
    bool compact = p == &pst_protocol_compact;
    uint8_t sel = compact ? FR_SEL_COMPACT : 0;
    put_file("request", &sel, 1, msg, len);
    uint8_t shallow = sel | FR_SEL_SHALLOW;
    put_file("request", &shallow, 1, msg, len);
    /* the echo service's reply to it, for the client (reply mode) */
    static uint8_t buf[1 << 16];
    for (int framed = 0; framed < 2; framed++) {
        size_t n = fr_reply_input(p, framed, msg, len, buf, sizeof buf);
        if (n) {
            put_file("request", buf, n, NULL, 0);
            fuzz_request_one(buf, n);
        }
    }
    if (len < sizeof buf) {
        buf[0] = sel;
        memcpy(buf + 1, msg, len);
        fuzz_request_one(buf, len + 1);
    }

    stream *s = &streams[compact];
    if (s->len + len <= sizeof s->data &&
        s->framed_len + 4 + len <= sizeof s->framed) {
        memcpy(s->data + s->len, msg, len);
        s->len += len;
        s->framed_len += tt_put32(s->framed + s->framed_len, (uint32_t)len);
        memcpy(s->framed + s->framed_len, msg, len);
        s->framed_len += len;
        s->count++;
    }
    /* one message alone, as a stream */
    uint8_t tsel = (uint8_t)((compact ? FT_SEL_COMPACT : 0) | 0x70 | 0x0c);
    put_file("transport", &tsel, 1, msg, len);
}

static void transport_seeds(void)
{
    static const uint8_t garbage[] = { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01 };
    for (int c = 0; c < 2; c++) {
        stream *s = &streams[c];
        /* limit 1024 (0x70), chunk sizes 1, 5 and all at once */
        for (unsigned chunk = 0; chunk < 4; chunk += 2) {
            uint8_t un = (uint8_t)((c ? FT_SEL_COMPACT : 0) | 0x70 | chunk << 2);
            uint8_t fr = (uint8_t)(un | FT_SEL_FRAMED);
            /* the first few messages: seeds stay small */
            size_t cut = s->len < 600 ? s->len : 600;
            put_file("transport", &un, 1, s->data, cut);
            put_file("transport", &fr, 1, s->framed, cut);
            put_file("transport", &un, 1, s->data, cut / 2);
            put_file("transport", &fr, 1, s->framed, cut / 2);
        }
        uint8_t un = (uint8_t)((c ? FT_SEL_COMPACT : 0) | 0x70);
        uint8_t buf[512];
        size_t first = s->len < 200 ? s->len : 200;
        memcpy(buf, s->data, first);
        memcpy(buf + first, garbage, sizeof garbage);
        put_file("transport", &un, 1, buf, first + sizeof garbage);
        /* small limits: 8 << 2 = 32 bytes */
        uint8_t small = (uint8_t)((c ? FT_SEL_COMPACT : 0) | 0x20);
        put_file("transport", &small, 1, s->data, first);
        small |= FT_SEL_FRAMED;
        put_file("transport", &small, 1, s->framed, first);
    }
}

static void sniff_seeds(void)
{
    static const char *const http[] = { "GET / HTTP/1.1\r\n", "POST /rpc HTTP/1.1",
                                        "OPTIONS * HTTP/1.1", "CONNECT h:1 HTTP",
                                        "HEAD /", "PUT /x", "DELETE /y",
                                        "PATCH /z", "TRACE /" };
    /* option bytes: auto/auto, pinned framing, pinned protocol, odd
     * max_frame values */
    static const uint8_t opts[][2] = { { 0x00, 0 }, { 0x01, 0 }, { 0x02, 0 },
                                       { 0x04, 0 }, { 0x08, 0 }, { 0x40, 0 },
                                       { 0x60, 0 }, { 0x81, 0x47 }, { 0x81, 0xff } };
    for (size_t o = 0; o < sizeof opts / sizeof opts[0]; o++) {
        for (int c = 0; c < 2; c++) {
            put_file("sniff", opts[o], 2, streams[c].data, 16);
            put_file("sniff", opts[o], 2, streams[c].framed, 16);
        }
        for (size_t i = 0; i < sizeof http / sizeof http[0]; i++)
            put_file("sniff", opts[o], 2, (const uint8_t *)http[i],
                     strlen(http[i]));
    }
    static const uint8_t odd[] = { 'G', 'E', 'T', ' ', 0x80, 0x01, 0, 1 };
    put_file("sniff", opts[7], 2, odd, sizeof odd);
}

static void http_seeds(void)
{
    for (size_t i = 0; i < sizeof fh_seeds / sizeof fh_seeds[0]; i++)
        for (unsigned sel = 0; sel < 16; sel++) {
            uint8_t b = (uint8_t)sel;
            put_file("http", &b, 1, (const uint8_t *)fh_seeds[i],
                     strlen(fh_seeds[i]));
        }
}

/* fuzz_json_protocol (fuzz_decode_target.h's selector): 0x10 message */
static void on_json_request(void *ctx, const pst_protocol *p, const char *what,
                            const uint8_t *msg, size_t len)
{
    (void)ctx;
    (void)what;
    (void)p;
    static const uint8_t message = 0x10, limited = 0x10 | 0x80;
    put_file("json_protocol", &message, 1, msg, len);
    put_file("json_protocol", &limited, 1, msg, len);
    /* the arguments alone: from the struct's '{' (after the fourth comma) */
    const uint8_t *q = msg, *end = msg + len;
    for (int commas = 0; q < end && commas < 4; q++)
        commas += *q == ',';
    if (q < end && end[-1] == ']') {
        static const uint8_t as_struct = 0x00;
        put_file("json_protocol", &as_struct, 1, q, (size_t)(end - 1 - q));
    }
}

static void json_seeds(void)
{
    static const uint8_t extra[] = { 0x00, 0x10, 0x20, 0x40 };
    for (size_t i = 0; i < sizeof fuzz_json_seeds / sizeof fuzz_json_seeds[0];
         i++) {
        for (size_t e = 0; e < sizeof extra; e++) {
            uint8_t sel = (uint8_t)(fuzz_json_seeds[i].sel | extra[e]);
            put_file("json", &sel, 1, (const uint8_t *)fuzz_json_seeds[i].doc,
                     strlen(fuzz_json_seeds[i].doc));
        }
    }
}

static void make_dir(const char *sub)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", root, sub[0] ? "/" : "", sub);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "fuzz_corpus_gen: mkdir %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_corpus_gen DIR\n");
        return 2;
    }
    root = argv[1];
    make_dir("");
    make_dir("request");
    make_dir("transport");
    make_dir("sniff");
    make_dir("http");
    make_dir("json");
    make_dir("json_protocol");
    tt_requests(&pst_protocol_binary, on_request, NULL);
    tt_requests(&pst_protocol_compact, on_request, NULL);
    transport_seeds();
    sniff_seeds();
    http_seeds();
    json_seeds();
    tt_requests(&pst_protocol_json, on_json_request, NULL);
    printf("fuzz_corpus_gen: %lu files (%zu binary, %zu compact requests) in %s\n",
           written, streams[0].count, streams[1].count, root);
    return 0;
}
