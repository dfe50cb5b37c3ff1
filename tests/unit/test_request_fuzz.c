/*
 * test_request_fuzz.c: the request fuzzers' properties (tests/fuzz/
 * fuzz_request_target.h, fuzz_transport_target.h) over deterministic
 * inputs: real ThriftTest requests in binary and compact under every
 * selector, then ~200k mutations of them through pst_process with the echo
 * service (every reply decoded back as a client would; read_struct,
 * skip_struct and message_length must agree where arguments end), and
 * streams of them through the framed and unframed message readers. Fixed
 * seed: a failure prints its case number and reproduces.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

#include "test_fuzz_fail.h"

static unsigned long request_kinds[16];
#define FUZZ_OUTCOME(kind) (request_kinds[(kind) & 15]++)
static unsigned long reply_outcomes[32]; /* [-status - 1000] or [0] */
#define FUZZ_REPLY_OUTCOME(rc) (reply_outcomes[(rc) == 0 ? 0 : (-(rc)-1000) & 31]++)
#include "../fuzz/fuzz_request_target.h"
#undef FUZZ_OUTCOME

static unsigned long stream_outcomes[2][32]; /* [framed][-rc - 1000] */
static unsigned long stream_messages;
#define FUZZ_OUTCOME(framed, rc, messages)                                     \
    (stream_outcomes[framed][(-(rc)-1000) & 31]++, stream_messages += (messages))
#include "../fuzz/fuzz_transport_target.h"
#undef FUZZ_OUTCOME

#include "../fuzz/fuzz_mutate.h"
#include "../fuzz/thrifttest_requests.h"

/* ---- the seeds: real requests ------------------------------------------- */

#define MAX_SEEDS 128
#define MAX_LEN 4096

typedef struct seed {
    uint8_t sel;  /* protocol bit for fuzz_request_one */
    uint8_t bytes[1024];
    size_t len;
    size_t header; /* bytes of the message header */
} seed;

static seed seeds[MAX_SEEDS];
static fm_piece pieces[MAX_SEEDS];
static size_t nseeds;

static void keep_seed(void *ctx, const pst_protocol *p, const char *what,
                      const uint8_t *msg, size_t len)
{
    (void)ctx;
    (void)what;
    CHECK(len <= sizeof seeds[0].bytes);
    CHECK(nseeds < MAX_SEEDS);
    if (len > sizeof seeds[0].bytes || nseeds >= MAX_SEEDS)
        return;
    seed *s = &seeds[nseeds];
    s->sel = p == &pst_protocol_compact ? FR_SEL_COMPACT : 0;
    memcpy(s->bytes, msg, len);
    s->len = len;
    pst_rbuf r;
    pst_msg_header h;
    pst_rbuf_init(&r, msg, len, NULL);
    CHECK_EQ_INT(p->read_message_begin(&r, &h, NULL), 0);
    s->header = (size_t)(r.p - msg);
    pieces[nseeds] = (fm_piece){ s->bytes, len };
    nseeds++;
}

static void make_seeds(void)
{
    if (nseeds)
        return;
    tt_requests(&pst_protocol_binary, keep_seed, NULL);
    tt_requests(&pst_protocol_compact, keep_seed, NULL);
}

static void report_kinds(void)
{
    static const char *const names[FR_KINDS] = {
        "bad-header", "bad-type", "unknown-method", "bad-args", "handler-error",
        "reply",      "declared", "oneway",         "unanswered"
    };
    fprintf(stderr, " ");
    for (int k = 0; k < FR_KINDS; k++)
        fprintf(stderr, " %s=%lu", names[k], request_kinds[k]);
    fprintf(stderr, "\n");
}

/* ---- requests through pst_process ---------------------------------------- */

static void test_real_requests(void)
{
    make_seeds();
    CHECK(nseeds > 60);
    memset(request_kinds, 0, sizeof request_kinds);
    static uint8_t buf[MAX_LEN];
    /* as sent: every one answered as the echo service must */
    for (size_t i = 0; i < nseeds; i++, fuzz_case++) {
        buf[0] = seeds[i].sel;
        memcpy(buf + 1, seeds[i].bytes, seeds[i].len);
        fuzz_request_one(buf, seeds[i].len + 1);
    }
    report_kinds();
    /* per protocol: one INVALID_MESSAGE_TYPE (the REPLY), one
     * UNKNOWN_METHOD, one handler failure (TException), three declared
     * exceptions, two oneway (ONEWAY, and CALL to a oneway method) */
    CHECK_EQ_INT(request_kinds[FR_BAD_TYPE], 2);
    CHECK_EQ_INT(request_kinds[FR_UNKNOWN_METHOD], 2);
    CHECK_EQ_INT(request_kinds[FR_HANDLER_ERROR], 2);
    CHECK_EQ_INT(request_kinds[FR_DECLARED], 6);
    CHECK_EQ_INT(request_kinds[FR_ONEWAY], 4);
    CHECK_EQ_INT(request_kinds[FR_BAD_ARGS], 0);
    CHECK_EQ_INT(request_kinds[FR_BAD_HEADER], 0);
    CHECK(request_kinds[FR_REPLY] > 50);
    /* under every selector (limits, strictness, tiny buffers) */
    for (size_t i = 0; i < nseeds; i++) {
        for (unsigned extra = 0; extra < 64; extra += 2, fuzz_case++) {
            buf[0] = (uint8_t)(seeds[i].sel | extra);
            memcpy(buf + 1, seeds[i].bytes, seeds[i].len);
            fuzz_request_one(buf, seeds[i].len + 1);
        }
    }
    CHECK_EQ_INT(fuzz_failures, 0);
}

static void test_mutated_requests(void)
{
    make_seeds();
    fm_seed(0x5eed0001);
    memset(request_kinds, 0, sizeof request_kinds);
    static uint8_t buf[MAX_LEN];
    for (int i = 0; i < 200000; i++, fuzz_case++) {
        const seed *s = &seeds[fm_below(nseeds)];
        buf[0] = s->sel;
        /* mostly the plain limits; sometimes others, sometimes the other
         * protocol's decoder on these bytes */
        if (fm_below(4) == 0)
            buf[0] = (uint8_t)(buf[0] ^ (fm_rnd() & 0x3f));
        memcpy(buf + 1, s->bytes, s->len);
        /* mostly the arguments only: a broken header ends the story early */
        size_t keep = fm_below(4) ? s->header : 0;
        size_t n = keep + fm_mutate(buf + 1 + keep, s->len - keep,
                                    sizeof buf - 1 - keep, pieces, nseeds);
        fuzz_request_one(buf, n + 1);
    }
    /* plain random bytes, some behind a valid header prefix */
    for (int i = 0; i < 10000; i++, fuzz_case++) {
        size_t n = 1 + fm_below(64);
        for (size_t j = 0; j < n; j++)
            buf[j] = (uint8_t)fm_rnd();
        if (i & 1) {
            const seed *s = &seeds[fm_below(nseeds)];
            size_t k = s->len < 20 ? s->len : 20;
            if (k + 1 > n)
                n = k + 1;
            memcpy(buf + 1, s->bytes, k);
        }
        fuzz_request_one(buf, n);
    }
    report_kinds();
    CHECK_EQ_INT(fuzz_failures, 0);
    /* the mutations reach every outcome */
    for (int k = 0; k < FR_KINDS; k++)
        CHECK(request_kinds[k] > 20);
    CHECK(request_kinds[FR_REPLY] > 20000);
    CHECK(request_kinds[FR_BAD_ARGS] > 20000);
}

/* ---- replies from a hostile server --------------------------------------- */

static void test_hostile_replies(void)
{
    make_seeds();
    fm_seed(0x5eed0005);
    static uint8_t replies[2 * MAX_SEEDS][1200];
    static size_t lens[2 * MAX_SEEDS];
    static fm_piece rpieces[2 * MAX_SEEDS];
    size_t nreplies = 0;
    for (size_t i = 0; i < nseeds; i++) {
        const pst_protocol *p =
            seeds[i].sel ? &pst_protocol_compact : &pst_protocol_binary;
        for (int framed = 0; framed < 2; framed++) {
            size_t n = fr_reply_input(p, framed, seeds[i].bytes, seeds[i].len,
                                      replies[nreplies], sizeof replies[0]);
            if (n) {
                lens[nreplies] = n;
                rpieces[nreplies] = (fm_piece){ replies[nreplies], n };
                nreplies++;
            }
        }
    }
    CHECK(nreplies > 100);
    static uint8_t buf[MAX_LEN];
    for (size_t i = 0; i < nreplies; i++, fuzz_case++)
        fuzz_request_one(replies[i], lens[i]);
    for (int i = 0; i < 50000; i++, fuzz_case++) {
        size_t k = fm_below(nreplies);
        memcpy(buf, replies[k], lens[k]);
        /* keep the selector and method byte mostly */
        size_t keep = fm_below(4) ? 2 : 0;
        size_t n = keep + fm_mutate(buf + keep, lens[k] - keep,
                                    sizeof buf - keep, rpieces, nreplies);
        buf[0] |= FR_SEL_REPLY;
        fuzz_request_one(buf, n ? n : 1);
    }
    CHECK_EQ_INT(fuzz_failures, 0);
    fprintf(stderr, " ");
    for (int k = 0; k < 32; k++)
        if (reply_outcomes[k])
            fprintf(stderr, " %s=%lu", k ? pst_strerror_name(-1000 - k) : "ok",
                    reply_outcomes[k]);
    fprintf(stderr, "\n");
    /* the unchanged replies succeed; the mutations reach every kind of
     * failure a client reports */
    CHECK(reply_outcomes[0] > 1000);
    static const int expected[] = { PST_E_APP_EXCEPTION, PST_E_DECLARED_EXCEPTION,
                                    PST_E_BAD_SEQID, PST_E_WRONG_METHOD,
                                    PST_E_BAD_MSG_TYPE, PST_E_PROTOCOL,
                                    PST_E_CLOSED, PST_E_MISSING_RESULT };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        CHECK(reply_outcomes[-expected[i] - 1000] > 50);
}

/* ---- the same requests as streams through the message readers ----------- */

static void test_request_streams(void)
{
    make_seeds();
    fm_seed(0x5eed0002);
    memset(stream_outcomes, 0, sizeof stream_outcomes);
    stream_messages = 0;
    static uint8_t buf[MAX_LEN];
    for (int i = 0; i < 20000; i++, fuzz_case++) {
        bool framed = i & 1;
        bool compact = fm_below(2);
        /* 1..5 requests of one protocol back to back */
        uint8_t sel = (uint8_t)((framed ? FT_SEL_FRAMED : 0) |
                                (compact ? FT_SEL_COMPACT : 0) |
                                (uint8_t)(fm_below(4) << 2) |
                                (uint8_t)((4 + fm_below(4)) << 4));
        if (fm_below(8) == 0)
            sel = (uint8_t)(sel ^ (fm_rnd() & 0xf0)); /* smaller limits */
        buf[0] = sel;
        size_t n = 1;
        size_t count = 1 + fm_below(5);
        for (size_t k = 0; k < count; k++) {
            const seed *s;
            do
                s = &seeds[fm_below(nseeds)];
            while ((s->sel != 0) != compact);
            if (n + 4 + s->len > sizeof buf)
                break;
            if (framed)
                n += tt_put32(buf + n, (uint32_t)s->len);
            memcpy(buf + n, s->bytes, s->len);
            n += s->len;
        }
        if (fm_below(2))
            n = 1 + fm_mutate(buf + 1, n - 1, sizeof buf - 1, pieces, nseeds);
        fuzz_transport_one(buf, n);
    }
    CHECK_EQ_INT(fuzz_failures, 0);
    fprintf(stderr, "  %lu messages;", stream_messages);
    for (int f = 0; f < 2; f++) {
        fprintf(stderr, " %s:", f ? "framed" : "unframed");
        for (int k = 0; k < 32; k++)
            if (stream_outcomes[f][k])
                fprintf(stderr, " %s=%lu", pst_strerror_name(-1000 - k),
                        stream_outcomes[f][k]);
    }
    fprintf(stderr, "\n");
    CHECK(stream_messages > 20000);
    for (int f = 0; f < 2; f++) {
        CHECK(stream_outcomes[f][-PST_E_CLOSED - 1000] > 1000);
        CHECK(stream_outcomes[f][-PST_E_LIMIT - 1000] > 100);
    }
    CHECK(stream_outcomes[0][-PST_E_PROTOCOL - 1000] > 100);
    CHECK(stream_outcomes[1][-PST_E_PROTOCOL - 1000] > 0); /* empty frames */
}

int main(void)
{
    RUN(test_real_requests);
    RUN(test_mutated_requests);
    RUN(test_hostile_replies);
    RUN(test_request_streams);
    fprintf(stderr, "%lu cases\n", fuzz_case);
    return test_report();
}
