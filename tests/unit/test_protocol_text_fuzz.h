/*
 * test_protocol_text_fuzz.h: the deterministic fuzz test of a text
 * protocol's reader (JSON, debug), shared by test_protocol_json_fuzz.c and
 * test_protocol_debug_fuzz.c: the libFuzzer target's properties
 * (tests/fuzz/fuzz_decode_target.h with the protocol fixed, as in the
 * protocol's fuzz_*_protocol.c) over the protocol's encodings of every
 * test type, as structs and as messages, then mutations of them
 * (fuzz_mutate.h's byte edits plus the protocol's own tokens spliced in)
 * and random bytes; the mutations must reach success and every kind of
 * failure.
 *
 * The test file defines FUZZ_DECODE_PROTOCOL (the protocol under test),
 * includes this after test.h, and calls text_fuzz_run with a fixed seed
 * (so a failure reproduces from its case number) and its tokens.
 */
#ifndef TEST_PROTOCOL_TEXT_FUZZ_H
#define TEST_PROTOCOL_TEXT_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_fuzz_driver.h"

static unsigned long outcomes[2][32]; /* [message?][-rc - 1000 or 0] */
#define FUZZ_OUTCOME(m, rc) (outcomes[m][(rc) == 0 ? 0 : (-(rc)-1000) & 31]++)
#define FUZZ_DETAIL(msg)                                                       \
    do {                                                                       \
        if (fuzz_failures < 20)                                                \
            fprintf(stderr, "  %s\n", msg);                                    \
    } while (0)
#include "../fuzz/fuzz_decode_target.h"

#define MAX_SEED 4096
typedef struct seed {
    uint8_t sel;
    uint8_t bytes[MAX_SEED];
    size_t len;
} seed;

static seed seeds[16];
static size_t nseeds;
static fm_piece pieces[16];

static void add_seed(unsigned desc_index, const void *v, bool message)
{
    const pst_protocol *p = FUZZ_DECODE_PROTOCOL;
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    if (message) {
        pst_msg_header h = { PST_STR("call"), PST_MSG_CALL, 7 };
        CHECK_EQ_INT(p->write_message_begin(&w, &h), 0);
    }
    CHECK_EQ_INT(p->write_struct(&w, fuzz_descs[desc_index], v, NULL), 0);
    if (message)
        CHECK_EQ_INT(pst_protocol_write_message_end(p, &w), 0);
    CHECK(w.len <= MAX_SEED);
    if (w.len <= MAX_SEED && nseeds < COUNT(seeds)) {
        seed *s = &seeds[nseeds];
        memcpy(s->bytes, w.data, w.len);
        s->len = w.len;
        s->sel = (uint8_t)(desc_index | (message ? 0x10 : 0));
        pieces[nseeds] = (fm_piece){ s->bytes, s->len };
        nseeds++;
    }
    pst_wbuf_free(&w);
}

static void make_seeds(void)
{
    T_Everything ev;
    everything_value(&ev);
    T_Everything empty;
    memset(&empty, 0, sizeof empty);
    T_Node n3 = { 3, NULL, { NULL, 0 }, { 0 } };
    T_Node kids[2] = { { 10, NULL, { NULL, 0 }, { 0 } }, { 11, &n3, { NULL, 0 }, { 2 } } };
    T_Node n1 = { 1, &n3, { kids, 2 }, { 2 } };
    T_Choice ch = { 0, { "", 0 }, { 5, { "z", 1 }, { 3 } }, { 4 } };
    T_Req req = { 1, { "name", 4 }, 9, { 7 } };
    T_Deep chain[10];
    for (int i = 0; i < 10; i++) {
        chain[i].d = i < 9 ? &chain[i + 1] : NULL;
        chain[i].isset_[0] = i < 9;
    }
    for (int m = 0; m < 2; m++) {
        add_seed(0, &ev, m);
        add_seed(0, &empty, m);
        add_seed(1, &n1, m);
        add_seed(2, &ch, m);
        add_seed(3, &req, m);
        add_seed(4, chain, m);
    }
}

static size_t mutate(const seed *s, uint8_t *out, size_t cap,
                     const char *const *tokens, size_t ntokens)
{
    out[0] = s->sel;
    if (fm_below(4) == 0)
        out[0] ^= (uint8_t)(fm_rnd() & 0xc0);
    uint8_t *b = out + 1;
    size_t room = cap - 1, n = s->len;
    memcpy(b, s->bytes, n);
    if (fm_below(2) == 0) {
        n = fm_mutate(b, n, room, pieces, nseeds);
    } else {
        int rounds = 1 + (int)fm_below(3);
        for (int r = 0; r < rounds; r++) {
            const char *t = tokens[fm_below(ntokens)];
            size_t k = strlen(t), at = fm_below(n + 1);
            if (fm_below(2) && at + k <= n) { /* overwrite */
                memcpy(b + at, t, k);
            } else if (n + k <= room) {       /* insert */
                memmove(b + at + k, b + at, n - at);
                memcpy(b + at, t, k);
                n += k;
            }
        }
    }
    return n + 1;
}

/* Every case: the seeds (with each selector's extra bits), 40000 mutations
 * of them, 5000 random inputs; then what they reached is checked. */
static void text_fuzz_run(uint64_t rng_seed, const char *const *tokens,
                          size_t ntokens)
{
    fm_seed(rng_seed); /* fixed: cases reproduce */
    make_seeds();
    CHECK(nseeds == 12);
    static uint8_t buf[MAX_SEED + 512];
    for (size_t i = 0; i < nseeds; i++) {
        for (unsigned extra = 0; extra < 4; extra++, fuzz_case++) {
            buf[0] = (uint8_t)(seeds[i].sel | extra << 6);
            memcpy(buf + 1, seeds[i].bytes, seeds[i].len);
            fuzz_decode_one(buf, seeds[i].len + 1);
        }
    }
    for (int i = 0; i < 40000; i++, fuzz_case++) {
        size_t n = mutate(&seeds[fm_below(nseeds)], buf, sizeof buf, tokens,
                          ntokens);
        fuzz_decode_one(buf, n);
    }
    for (int i = 0; i < 5000; i++, fuzz_case++) {
        size_t n = 1 + fm_below(64);
        for (size_t j = 0; j < n; j++)
            buf[j] = (uint8_t)fm_rnd();
        fuzz_decode_one(buf, n);
    }
    CHECK_EQ_INT(fuzz_failures, 0);
    fprintf(stderr, "%lu cases\n", fuzz_case);
    for (int m = 0; m < 2; m++) {
        fprintf(stderr, "  %s:", m ? "message_length" : "read_struct");
        for (int k = 0; k < 32; k++)
            if (outcomes[m][k])
                fprintf(stderr, " %s=%lu", k ? pst_strerror_name(-1000 - k) : "ok",
                        outcomes[m][k]);
        fprintf(stderr, "\n");
    }
    /* the mutations reach success and every kind of failure */
    CHECK(outcomes[0][0] > 200 && outcomes[1][0] > 200);
    CHECK(outcomes[0][-PST_E_SHORT - 1000] > 500);
    CHECK(outcomes[0][-PST_E_PROTOCOL - 1000] > 500);
    CHECK(outcomes[0][-PST_E_BAD_TYPE - 1000] > 50);
    CHECK(outcomes[0][-PST_E_LIMIT - 1000] > 50);
}

#endif
