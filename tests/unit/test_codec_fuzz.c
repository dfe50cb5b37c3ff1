/*
 * test_codec_fuzz.c: the libFuzzer target's properties (tests/fuzz/
 * fuzz_decode_target.h) over ~100k deterministic inputs: valid encodings of
 * every test type in both protocols (also as whole messages), then
 * mutations of them (bit flips, interesting bytes, insertions, deletions,
 * truncations, splices) and plain random bytes. Fixed seed: a failure is
 * reproducible, and the case number is printed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

#include "test_fuzz_fail.h"

static unsigned long outcomes[2][32]; /* [message?][-rc - 1000 or 0] */
#define FUZZ_OUTCOME(m, rc) (outcomes[m][(rc) == 0 ? 0 : (-(rc)-1000) & 31]++)
#define FUZZ_DETAIL(msg) do { if (fuzz_failures < 20) fprintf(stderr, "  %s\n", msg); } while (0)
#include "../fuzz/fuzz_decode_target.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

#define MAX_SEED 2048
typedef struct seed {
    uint8_t sel; /* first byte for fuzz_decode_one: desc, protocol, mode */
    uint8_t bytes[MAX_SEED];
    size_t len;
} seed;

static seed seeds[64];
static size_t nseeds;

static void add_seed(const pst_protocol *p, unsigned desc_index, const void *v,
                     bool message)
{
    seed *s = &seeds[nseeds];
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    if (message) {
        pst_msg_header h = { PST_STR("call"), PST_MSG_CALL, 7 };
        CHECK_EQ_INT(p->write_message_begin(&w, &h), 0);
    }
    CHECK_EQ_INT(p->write_struct(&w, fuzz_descs[desc_index], v, NULL), 0);
    CHECK(w.len <= MAX_SEED);
    if (w.len <= MAX_SEED && nseeds < COUNT(seeds)) {
        memcpy(s->bytes, w.data, w.len);
        s->len = w.len;
        s->sel = (uint8_t)(desc_index | (p == &pst_protocol_compact ? 8 : 0) |
                           (message ? 0x10 : 0));
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
    const pst_protocol *protos[] = { &pst_protocol_binary, &pst_protocol_compact };
    for (int pi = 0; pi < 2; pi++) {
        for (int m = 0; m < 2; m++) {
            add_seed(protos[pi], 0, &ev, m);
            add_seed(protos[pi], 0, &empty, m);
            add_seed(protos[pi], 1, &n1, m);
            add_seed(protos[pi], 2, &ch, m);
            add_seed(protos[pi], 3, &req, m);
            add_seed(protos[pi], 4, chain, m);
        }
    }
}

static const uint8_t interesting[] = { 0x00, 0x01, 0x02, 0x0f, 0x10, 0x7f, 0x80,
                                       0xff, 0xfe, 0x0b, 0x0c, 0x0d, 0x0e, 0x19 };

static size_t mutate(const seed *s, uint8_t *out, size_t cap)
{
    size_t n = s->len;
    memcpy(out + 1, s->bytes, n);
    out[0] = s->sel;
    /* sometimes vary the limits and strictness bits of the selector */
    if (rnd() % 4 == 0)
        out[0] ^= (uint8_t)(rnd() & 0xe0);
    uint8_t *b = out + 1;
    size_t room = cap - 1;
    int rounds = 1 + (int)(rnd() % 4);
    for (int i = 0; i < rounds; i++) {
        switch (rnd() % 7) {
        case 0: /* flip a bit */
            if (n)
                b[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
            break;
        case 1: /* an interesting byte */
            if (n)
                b[rnd() % n] = interesting[rnd() % sizeof interesting];
            break;
        case 2: /* insert bytes */
            if (n + 4 <= room) {
                size_t at = n ? rnd() % (n + 1) : 0, k = 1 + rnd() % 4;
                memmove(b + at + k, b + at, n - at);
                for (size_t j = 0; j < k; j++)
                    b[at + j] = (uint8_t)rnd();
                n += k;
            }
            break;
        case 3: /* delete bytes */
            if (n > 4) {
                size_t k = 1 + rnd() % 4, at = rnd() % (n - k);
                memmove(b + at, b + at + k, n - at - k);
                n -= k;
            }
            break;
        case 4: /* truncate */
            if (n)
                n = rnd() % n;
            break;
        case 5: { /* splice in a piece of another seed */
            const seed *o = &seeds[rnd() % nseeds];
            if (o->len && n) {
                size_t from = rnd() % o->len, k = 1 + rnd() % 16;
                if (from + k > o->len)
                    k = o->len - from;
                size_t at = rnd() % n;
                if (at + k > room)
                    k = room - at;
                memcpy(b + at, o->bytes + from, k);
                if (at + k > n)
                    n = at + k;
            }
            break;
        }
        default: /* a big-endian or varint "size" with the top bits set */
            if (n >= 4) {
                size_t at = rnd() % (n - 3);
                b[at] = 0x7f;
                b[at + 1] = 0xff;
            }
            break;
        }
    }
    return n + 1;
}

static void test_fuzz_cases(void)
{
    make_seeds();
    CHECK(nseeds == 24);
    static uint8_t buf[MAX_SEED + 64];
    /* the seeds themselves, with every selector */
    for (size_t i = 0; i < nseeds; i++) {
        for (unsigned extra = 0; extra < 8; extra++, fuzz_case++) {
            buf[0] = (uint8_t)(seeds[i].sel | extra << 5);
            memcpy(buf + 1, seeds[i].bytes, seeds[i].len);
            fuzz_decode_one(buf, seeds[i].len + 1);
        }
    }
    /* mutations */
    for (int i = 0; i < 90000; i++, fuzz_case++) {
        size_t n = mutate(&seeds[rnd() % nseeds], buf, sizeof buf);
        fuzz_decode_one(buf, n);
    }
    /* random bytes */
    for (int i = 0; i < 10000; i++, fuzz_case++) {
        size_t n = 1 + rnd() % 64;
        for (size_t j = 0; j < n; j++)
            buf[j] = (uint8_t)rnd();
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
    /* the mutations reach both success and every kind of failure */
    CHECK(outcomes[0][0] > 1000 && outcomes[1][0] > 1000);
    CHECK(outcomes[0][-PST_E_SHORT - 1000] > 1000);
    CHECK(outcomes[0][-PST_E_BAD_TYPE - 1000] > 1000);
    CHECK(outcomes[0][-PST_E_LIMIT - 1000] > 1000);
}

int main(void)
{
    RUN(test_fuzz_cases);
    return test_report();
}
