/*
 * test_protocol_debug_fuzz.c: the libFuzzer target's properties
 * (tests/fuzz/fuzz_decode_target.h with the protocol fixed to debug, as in
 * fuzz_debug_protocol.c) over deterministic inputs: the debug text of
 * every test type, as structs and as messages, then mutations of it
 * (fuzz_mutate.h's byte edits plus debug tokens spliced in: braces, list
 * indexes, arrows, escapes, type names, huge and special numbers) and
 * random bytes. Fixed seed: a failure is reproducible from its case number.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

static unsigned long fuzz_failures;
static unsigned long fuzz_case;

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        if (fuzz_failures++ < 20)                                              \
            fprintf(stderr, "case %lu: %s\n", fuzz_case, what);                \
    } while (0)

static unsigned long outcomes[2][32]; /* [message?][-rc - 1000 or 0] */
#define FUZZ_OUTCOME(m, rc) (outcomes[m][(rc) == 0 ? 0 : (-(rc)-1000) & 31]++)
#define FUZZ_DETAIL(msg)                                                       \
    do {                                                                       \
        if (fuzz_failures < 20)                                                \
            fprintf(stderr, "  %s\n", msg);                                    \
    } while (0)
#include "postern/debug.h"
#define FUZZ_DECODE_PROTOCOL (&pst_protocol_debug)
#include "../fuzz/fuzz_decode_target.h"
#include "../fuzz/fuzz_mutate.h"

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
    const pst_protocol *p = &pst_protocol_debug;
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

/* Debug-text tokens a mutation may splice in. */
static const char *const tokens[] = {
    "{", "}", "(", ")", ",", ":", "=", "->", "\"", "\\", "\\x", "\\x0",
    "\\q", "[0] = ", "[1] = ", "[99] = ", "list<i32>[1] {", "set<string>[2] {",
    "map<i32,i64>[1] {", "map<struct,list>[3] {", "list<struct>[2] {",
    "(i32)", "(string)", "(struct)", "(map)", "(bool)", "(uuid)", "(stop)",
    "01: x ", "-1: ", "32768: ", "Inner {", "-", "0", "1", "0x80", "0x100",
    "2147483647", "2147483648", "-9223372036854775809", "1e999", "nan",
    "-nan(0x1)", "nan(0x0)", "inf", "true", "false", " ", "\n", "...(9 bytes)",
    "00112233-4455-6677-8899-aabbccddeeff", "[4294967295]", "[2147483647]",
    "99999999999999999999999999999999999", "(call seqid=", "(reply)",
};

static size_t mutate(const seed *s, uint8_t *out, size_t cap)
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
            const char *t = tokens[fm_below(COUNT(tokens))];
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

static void test_fuzz_cases(void)
{
    fm_seed(0x64656275672d7478ull); /* fixed: cases reproduce */
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
        size_t n = mutate(&seeds[fm_below(nseeds)], buf, sizeof buf);
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

int main(void)
{
    RUN(test_fuzz_cases);
    return test_report();
}
