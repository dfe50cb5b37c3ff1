/* test_method_lookup.c: pst_service_method (src/core/method_lookup.c)
 * against a plain scan of the method tables: names of every length around
 * the index's 4/8/16-byte boundaries, names that differ only in their
 * middle, prefixes, suffixes, embedded NULs, `extends` chains that shadow
 * and cycle, more services than the index registry holds, and lookups from
 * several threads at once. Requested names are exact-length heap copies, so
 * ASan catches any read past them. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postern/types.h"
#include "test.h"

/* The answer pst_service_method must give: the first method with the name,
 * in the service, then its base, and so on (at most 64 levels). */
static const pst_method_desc *reference(const pst_service_desc *s,
                                        const char *name, size_t len)
{
    for (int depth = 0; s && depth < 64; s = s->base, depth++)
        for (uint32_t i = 0; i < s->nmethods; i++) {
            const char *m = s->methods[i].name;
            if (strlen(m) == len && memcmp(m, name, len) == 0)
                return &s->methods[i];
        }
    return NULL;
}

/* Look [name, name+len) up from an exact-length copy; 1 if it agrees with
 * the reference. */
static int agrees(const pst_service_desc *s, const char *name, size_t len)
{
    char *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, name, len);
    const pst_method_desc *got = pst_service_method(s, copy, len);
    const pst_method_desc *want = reference(s, name, len);
    free(copy);
    if (got != want)
        fprintf(stderr, "  '%.*s' (%zu bytes): got %s, want %s\n", (int)len,
                name, len, got ? got->name : "NULL", want ? want->name : "NULL");
    return got == want;
}

#define NNAMES 120
static char names[NNAMES][48];
static pst_method_desc methods[NNAMES];

/* Names of lengths 1..44: some differ only in the middle byte, some share
 * long prefixes or suffixes. */
static void make_names(void)
{
    for (int i = 0; i < NNAMES; i++) {
        size_t len = 1 + (size_t)(i % 44);
        memset(names[i], 'a' + (i / 44), len);
        names[i][len] = '\0';
        if (i % 3 == 0)
            names[i][len / 2] = (char)('A' + i % 26);        /* middle */
        else if (i % 3 == 1)
            names[i][len - 1] = (char)('0' + i % 10);        /* suffix */
        else
            names[i][0] = (char)('K' + i % 7);               /* prefix */
        methods[i] = (pst_method_desc){ names[i], NULL, NULL, false, NULL };
    }
}

/* Every method's name, and near misses of each. */
static void check_all(const pst_service_desc *s, const pst_method_desc *m,
                      size_t n)
{
    int bad = 0;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        const char *name = m[i].name;
        size_t len = strlen(name);
        bad += !agrees(s, name, len);
        if (len)
            bad += !agrees(s, name, len - 1);           /* prefix */
        if (len > 1)
            bad += !agrees(s, name + 1, len - 1);       /* suffix */
        memcpy(buf, name, len);
        buf[len] = 'z';
        bad += !agrees(s, buf, len + 1);                /* longer */
        buf[len] = '\0';
        bad += !agrees(s, buf, len + 1);                /* trailing NUL */
        for (size_t k = 0; k < len; k++) {              /* one byte off */
            memcpy(buf, name, len);
            buf[k] ^= 0x20;
            bad += !agrees(s, buf, len);
            buf[k] = '\0';
            bad += !agrees(s, buf, len);
        }
    }
    CHECK_EQ_INT(bad, 0);
}

static void test_many_methods(void)
{
    make_names();
    static pst_service_desc svc;
    svc = (pst_service_desc){ "Many", NULL, NNAMES, methods, NULL };
    check_all(&svc, methods, NNAMES);
    check_all(&svc, methods, NNAMES); /* again, from the built index */
    CHECK(agrees(&svc, "", 0));
    CHECK(pst_service_method(&svc, names[5], strlen(names[5])) == &methods[5]);
}

static void test_extends(void)
{
    static const pst_method_desc base_m[] = {
        { "ping", NULL, NULL, false, NULL },
        { "shared_name_longer_than_16", NULL, NULL, false, NULL },
        { "baseOnly", NULL, NULL, false, NULL },
    };
    static const pst_service_desc base = { "Base", NULL, 3, base_m, NULL };
    static const pst_method_desc mid_m[] = {
        { "ping", NULL, NULL, false, NULL },          /* shadows the base */
        { "dup", NULL, NULL, false, NULL },
        { "dup", NULL, NULL, true, NULL },            /* the first one wins */
    };
    static const pst_service_desc mid = { "Mid", &base, 3, mid_m, NULL };
    static const pst_method_desc top_m[] = {
        { "shared_name_longer_than_16", NULL, NULL, false, NULL },
    };
    static const pst_service_desc top = { "Top", &mid, 1, top_m, NULL };
    CHECK(pst_service_method(&top, "ping", 4) == &mid_m[0]);
    CHECK(pst_service_method(&top, "dup", 3) == &mid_m[1]);
    CHECK(pst_service_method(&top, "shared_name_longer_than_16", 26) == &top_m[0]);
    CHECK(pst_service_method(&mid, "shared_name_longer_than_16", 26) == &base_m[1]);
    CHECK(pst_service_method(&top, "baseOnly", 8) == &base_m[2]);
    CHECK(pst_service_method(&base, "dup", 3) == NULL);
    check_all(&top, base_m, 3);
    check_all(&top, mid_m, 3);

    /* no methods at all, and no table */
    static const pst_service_desc empty = { "Empty", NULL, 0, NULL, NULL };
    CHECK(pst_service_method(&empty, "x", 1) == NULL);
    CHECK(pst_service_method(&empty, "", 0) == NULL);
    static const pst_service_desc on_empty = { "OnEmpty", &empty, 1, base_m, NULL };
    CHECK(pst_service_method(&on_empty, "ping", 4) == &base_m[0]);
    CHECK(pst_service_method(NULL, "ping", 4) == NULL);

    /* a (mistaken) cycle: answers, and ends */
    static pst_service_desc a, b;
    static const pst_method_desc a_m[] = { { "inA", NULL, NULL, false, NULL } };
    static const pst_method_desc b_m[] = { { "inB", NULL, NULL, false, NULL } };
    a = (pst_service_desc){ "A", &b, 1, a_m, NULL };
    b = (pst_service_desc){ "B", &a, 1, b_m, NULL };
    CHECK(pst_service_method(&a, "inB", 3) == &b_m[0]);
    CHECK(pst_service_method(&b, "inA", 3) == &a_m[0]);
    CHECK(pst_service_method(&a, "inC", 3) == NULL);
}

/* A descriptor whose address is reused for another service (freed and
 * allocated again, or overwritten): answers follow what it is now. */
static void test_reused_address(void)
{
    static const pst_method_desc one[] = { { "first", NULL, NULL, false, NULL } };
    static const pst_method_desc two[] = { { "second", NULL, NULL, false, NULL },
                                           { "first", NULL, NULL, false, NULL } };
    pst_service_desc *s = malloc(sizeof *s);
    *s = (pst_service_desc){ "Old", NULL, 1, one, NULL };
    CHECK(pst_service_method(s, "first", 5) == &one[0]);
    *s = (pst_service_desc){ "New", NULL, 2, two, NULL };
    CHECK(pst_service_method(s, "first", 5) == &two[1]);
    CHECK(pst_service_method(s, "second", 6) == &two[0]);
    *s = (pst_service_desc){ "Newer", NULL, 1, two, NULL };
    CHECK(pst_service_method(s, "first", 5) == NULL);
    free(s);
}

/* More services than the registry holds: those without an index are
 * scanned, with the same answers. */
static void test_many_services(void)
{
    enum { NSVC = 300 };
    static pst_service_desc svcs[NSVC];
    for (int i = 0; i < NSVC; i++)
        svcs[i] = (pst_service_desc){ "S", i ? &svcs[i - 1] : NULL, 1,
                                      &methods[i % NNAMES], NULL };
    int bad = 0;
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < NSVC; i++) {
            const char *own = methods[i % NNAMES].name;
            bad += !agrees(&svcs[i], own, strlen(own));
            const char *far = methods[(i * 7) % NNAMES].name;
            bad += !agrees(&svcs[i], far, strlen(far));
            bad += !agrees(&svcs[i], "nope", 4);
        }
    CHECK_EQ_INT(bad, 0);
}

/* Fresh services looked up from several threads at once: whoever builds
 * the index, every answer is right. */
#define NTHREADS 4
#define NFRESH 8
static pst_service_desc fresh[NFRESH];
static pthread_barrier_t start;

static void *lookup_thread(void *arg)
{
    long bad = 0, t = (long)arg;
    pthread_barrier_wait(&start);
    for (int round = 0; round < 50; round++)
        for (int s = 0; s < NFRESH; s++) {
            int i = (int)((s * 13 + round + t) % NNAMES);
            const char *name = methods[i].name;
            const pst_method_desc *want = reference(&fresh[s], name, strlen(name));
            bad += pst_service_method(&fresh[s], name, strlen(name)) != want;
            bad += pst_service_method(&fresh[s], "zzzz", 4) != NULL;
        }
    return (void *)bad;
}

static void test_threads(void)
{
    for (int s = 0; s < NFRESH; s++)
        fresh[s] = (pst_service_desc){ "Fresh", NULL, NNAMES - (uint32_t)s,
                                       methods + s, NULL };
    pthread_barrier_init(&start, NULL, NTHREADS);
    pthread_t th[NTHREADS];
    for (long t = 0; t < NTHREADS; t++)
        CHECK_EQ_INT(pthread_create(&th[t], NULL, lookup_thread, (void *)t), 0);
    long bad = 0;
    for (int t = 0; t < NTHREADS; t++) {
        void *r;
        pthread_join(th[t], &r);
        bad += (long)r;
    }
    pthread_barrier_destroy(&start);
    CHECK_EQ_INT(bad, 0);
}

int main(void)
{
    RUN(test_many_methods);
    RUN(test_extends);
    RUN(test_reused_address);
    RUN(test_threads);
    RUN(test_many_services);
    return test_report();
}
