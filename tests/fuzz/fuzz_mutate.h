/*
 * fuzz_mutate.h: deterministic mutations for the fuzz-style unit tests: a
 * fixed-seed generator (so a failing case number reproduces) and a mutator
 * in the spirit of libFuzzer's: bit flips, interesting bytes, inserted,
 * deleted and repeated bytes, truncation, splices from other seeds, and
 * sizes and counts with their top bits set. Include once per program.
 */
#ifndef FUZZ_MUTATE_H
#define FUZZ_MUTATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static uint64_t fm_state = 0x9e3779b97f4a7c15ull;

static void fm_seed(uint64_t s)
{
    fm_state = s ? s : 1;
}

static uint64_t fm_rnd(void)
{
    /* xorshift64* */
    fm_state ^= fm_state >> 12;
    fm_state ^= fm_state << 25;
    fm_state ^= fm_state >> 27;
    return fm_state * 0x2545f4914f6cdd1dull;
}

static size_t fm_below(size_t n)
{
    return n ? (size_t)(fm_rnd() % n) : 0;
}

typedef struct fm_piece {
    const uint8_t *p;
    size_t n;
} fm_piece;

static const uint8_t fm_interesting[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
                                          0x08, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
                                          0x10, 0x19, 0x1c, 0x7f, 0x80, 0x81,
                                          0x82, 0xfe, 0xff };

/* Mutate b[0..n) in place (capacity cap) with 1..4 edits; splices come
 * from others[0..nothers). Returns the new length. */
static size_t fm_mutate(uint8_t *b, size_t n, size_t cap,
                        const fm_piece *others, size_t nothers)
{
    int rounds = 1 + (int)fm_below(4);
    for (int i = 0; i < rounds; i++) {
        switch (fm_below(9)) {
        case 0: /* flip a bit */
            if (n)
                b[fm_below(n)] ^= (uint8_t)(1u << fm_below(8));
            break;
        case 1: /* an interesting byte */
            if (n)
                b[fm_below(n)] = fm_interesting[fm_below(sizeof fm_interesting)];
            break;
        case 2: { /* insert random bytes */
            size_t k = 1 + fm_below(4);
            if (n + k <= cap) {
                size_t at = fm_below(n + 1);
                memmove(b + at + k, b + at, n - at);
                for (size_t j = 0; j < k; j++)
                    b[at + j] = (uint8_t)fm_rnd();
                n += k;
            }
            break;
        }
        case 3: /* delete bytes */
            if (n > 4) {
                size_t k = 1 + fm_below(4), at = fm_below(n - k);
                memmove(b + at, b + at + k, n - at - k);
                n -= k;
            }
            break;
        case 4: /* truncate */
            if (n)
                n = fm_below(n);
            break;
        case 5: /* splice in a piece of another seed */
            if (nothers && n) {
                const fm_piece *o = &others[fm_below(nothers)];
                if (o->n) {
                    size_t from = fm_below(o->n), k = 1 + fm_below(16);
                    if (from + k > o->n)
                        k = o->n - from;
                    size_t at = fm_below(n);
                    if (at + k > cap)
                        k = cap - at;
                    memcpy(b + at, o->p + from, k);
                    if (at + k > n)
                        n = at + k;
                }
            }
            break;
        case 6: /* repeat a run (nesting, long lists) */
            if (n >= 2) {
                size_t at = fm_below(n - 1), k = 1 + fm_below(3);
                if (at + k > n)
                    k = n - at;
                for (int r = 0; r < 8 && n + k <= cap; r++) {
                    memmove(b + at + k, b + at, n - at);
                    n += k;
                }
            }
            break;
        case 7: /* a big-endian size with its top bits set */
            if (n >= 4) {
                size_t at = fm_below(n - 3);
                static const uint8_t tops[][4] = { { 0x7f, 0xff, 0xff, 0xff },
                                                   { 0x80, 0x00, 0x00, 0x00 },
                                                   { 0xff, 0xff, 0xff, 0xff },
                                                   { 0x00, 0x01, 0x00, 0x00 } };
                memcpy(b + at, tops[fm_below(4)], 4);
            }
            break;
        default: /* a long varint */
            if (n >= 5) {
                size_t at = fm_below(n - 4);
                b[at] = 0xff;
                b[at + 1] = 0xff;
                b[at + 2] = 0xff;
                b[at + 3] = 0xff;
                b[at + 4] = (uint8_t)(fm_rnd() & 0x0f);
            }
            break;
        }
    }
    return n;
}

#endif
