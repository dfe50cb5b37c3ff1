/* test_arena.c: the arena allocator and the output buffer. */
#include <stdint.h>
#include <stdlib.h>

#include "postern/arena.h"
#include "postern/protocol.h"
#include "test.h"

static int aligned(const void *p)
{
    return ((uintptr_t)p & 15) == 0;
}

static void test_no_block(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    void *z = pst_arena_alloc(&a, 0);
    CHECK(z != NULL);
    CHECK(pst_arena_dup(&a, "", 0) != NULL);
    for (size_t n = 1; n < 3000; n += 7) {
        uint8_t *p = pst_arena_alloc(&a, n);
        CHECK(p != NULL && aligned(p));
        if (p)
            memset(p, 0xab, n); /* ASan: the whole range is ours */
    }
    CHECK(a.allocated > 0);
    pst_arena_reset(&a);
    CHECK_EQ_INT(a.allocated, 0);
    CHECK(pst_arena_alloc(&a, 10) != NULL);
    pst_arena_release(&a);
}

static void test_caller_block(void)
{
    _Alignas(16) static uint8_t block[1000];
    pst_arena a;
    /* an unaligned start: allocations are still aligned */
    pst_arena_init(&a, block + 3, sizeof block - 3, 0);
    uint8_t *first = pst_arena_alloc(&a, 100);
    CHECK(first >= block && first < block + sizeof block && aligned(first));
    uint8_t *second = pst_arena_alloc(&a, 100);
    CHECK(second >= first + 100 && second < block + sizeof block);
    CHECK_EQ_INT(a.allocated, 0);
    /* more than fits: malloc */
    uint8_t *big = pst_arena_alloc(&a, 5000);
    CHECK(big && (big < block || big >= block + sizeof block));
    CHECK(a.allocated >= 5000);
    memset(big, 1, 5000);
    /* reset: back to the start of the caller's block, nothing malloc'ed */
    pst_arena_reset(&a);
    CHECK_EQ_INT(a.allocated, 0);
    CHECK(pst_arena_alloc(&a, 100) == first);
    pst_arena_release(&a);
    /* a block too small to hold anything aligned is ignored */
    pst_arena_init(&a, block + 1, 8, 0);
    uint8_t *p = pst_arena_alloc(&a, 4);
    CHECK(p && (p < block || p >= block + sizeof block));
    pst_arena_release(&a);
}

static void test_big_request_keeps_block(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    uint8_t *small1 = pst_arena_alloc(&a, 16);
    uint8_t *huge = pst_arena_alloc(&a, 1 << 20);
    uint8_t *small2 = pst_arena_alloc(&a, 16);
    CHECK(small1 && huge && small2);
    /* the small ones share the first block; the big one has its own */
    CHECK(small2 == small1 + 16);
    CHECK(huge + (1 << 20) <= small1 || huge >= small2 + 16);
    pst_arena_release(&a);
}

static void test_geometric(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    size_t total = 0;
    for (int i = 0; i < 10000; i++) {
        CHECK(pst_arena_alloc(&a, 100) != NULL);
        total += 112;
    }
    /* doubling wastes at most about half */
    CHECK(a.allocated >= total && a.allocated <= 2 * total + 8192);
    pst_arena_release(&a);
}

static void test_calloc_dup(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    uint8_t *p = pst_arena_alloc(&a, 64);
    memset(p, 0xff, 64);
    pst_arena_reset(&a);
    uint8_t *z = pst_arena_calloc(&a, 64);
    int zero = 1;
    for (int i = 0; i < 64; i++)
        zero &= z[i] == 0;
    CHECK(zero);
    char *d = pst_arena_dup(&a, "hello", 6);
    CHECK(d && strcmp(d, "hello") == 0 && aligned(d));
    pst_arena_release(&a);
}

static void test_limit(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 10000);
    int got = 0;
    for (int i = 0; i < 1000; i++) {
        if (!pst_arena_alloc(&a, 100))
            break;
        got++;
    }
    CHECK(got > 10 && got < 1000);
    CHECK(a.allocated <= 10000);
    CHECK(pst_arena_alloc(&a, 20000) == NULL);
    CHECK(pst_arena_alloc(&a, SIZE_MAX) == NULL);
    CHECK(pst_arena_alloc(&a, SIZE_MAX - 8) == NULL);
    pst_arena_reset(&a);
    CHECK(pst_arena_alloc(&a, 100) != NULL);
    pst_arena_release(&a);
    /* unlimited but absurd: NULL, not a wrapped size */
    pst_arena_init(&a, NULL, 0, 0);
    CHECK(pst_arena_alloc(&a, SIZE_MAX - 4) == NULL);
    pst_arena_release(&a);
}

static void test_new_free(void)
{
    pst_arena *a = pst_arena_new(0);
    CHECK(a != NULL);
    for (int i = 0; i < 100; i++)
        CHECK(pst_arena_alloc(a, 1000) != NULL);
    pst_arena_free(a);
    pst_arena_free(NULL);
}

static void test_wbuf(void)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(w.max, 104857600);
    for (int i = 0; i < 1000; i++)
        CHECK_EQ_INT(pst_wbuf_append(&w, "0123456789", 10), 0);
    CHECK_EQ_INT(w.len, 10000);
    CHECK(w.cap >= 10000);
    CHECK(memcmp(w.data + 9990, "0123456789", 10) == 0);
    CHECK_EQ_INT(pst_wbuf_append(&w, NULL, 0), 0);
    CHECK_EQ_INT(pst_wbuf_reserve(&w, 100000), 0);
    CHECK(w.cap - w.len >= 100000);
    pst_wbuf_free(&w);
    CHECK(w.data == NULL && w.len == 0);

    /* bounded: the first failure sticks */
    pst_wbuf_init(&w, 100);
    CHECK_EQ_INT(pst_wbuf_append(&w, "x", 1), 0);
    char big[200] = { 0 };
    CHECK_EQ_INT(pst_wbuf_append(&w, big, 100), PST_E_LIMIT);
    CHECK_EQ_INT(w.err, PST_E_LIMIT);
    CHECK_EQ_INT(w.len, 1);
    CHECK_EQ_INT(pst_wbuf_append(&w, "y", 1), PST_E_LIMIT);
    CHECK_EQ_INT(pst_wbuf__grow(&w, 1), PST_E_LIMIT);
    CHECK(w.cap <= 100);
    pst_wbuf_free(&w);
    /* exactly max fits */
    pst_wbuf_init(&w, 100);
    CHECK_EQ_INT(pst_wbuf_append(&w, big, 100), 0);
    CHECK_EQ_INT(w.len, 100);
    CHECK_EQ_INT(pst_wbuf_reserve(&w, SIZE_MAX), PST_E_LIMIT);
    pst_wbuf_free(&w);
}

int main(void)
{
    RUN(test_no_block);
    RUN(test_caller_block);
    RUN(test_big_request_keeps_block);
    RUN(test_geometric);
    RUN(test_calloc_dup);
    RUN(test_limit);
    RUN(test_new_free);
    RUN(test_wbuf);
    return test_report();
}
