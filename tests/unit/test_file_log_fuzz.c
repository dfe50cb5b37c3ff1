/*
 * test_file_log_fuzz.c: the libFuzzer target's properties
 * (tests/fuzz/fuzz_file_log_target.h, as in fuzz_file_log.c) over
 * deterministic inputs: a real log of binary, compact, JSON and debug
 * messages, then mutations of it (fuzz_mutate.h's byte edits: bit flips,
 * lengths with top bits set, cuts, splices) and random bytes behind a
 * valid header. Fixed seed: a failure is reproducible from its case
 * number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "postern/debug.h"
#include "test.h"

#include "test_fuzz_fail.h"

#include "../fuzz/fuzz_file_log_target.h"
#include "../fuzz/fuzz_mutate.h"

static uint8_t seed_log[8192];
static size_t seed_len;

/* A log written by the writer: a call and its reply in each protocol. */
static void make_seed(void)
{
    char path[] = "/tmp/pst_log_fuzz_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    pst_error err = { 0, "" };
    pst_file_writer *w = pst_file_writer_open(path, &err);
    CHECK(w != NULL);
    const pst_protocol *ps[] = { &pst_protocol_binary, &pst_protocol_compact,
                                 &pst_protocol_json, &pst_protocol_debug };
    for (int i = 0; i < 4; i++) {
        pst_wbuf b;
        pst_wbuf_init(&b, 0);
        pst_msg_header h = { PST_STR("add"), i % 2 ? PST_MSG_REPLY
                                                   : PST_MSG_CALL, i };
        pst_app_exception ex = { PST_STR("x"), 1, { 3 } };
        CHECK_EQ_INT(ps[i]->write_message_begin(&b, &h), 0);
        CHECK_EQ_INT(ps[i]->write_struct(&b, &pst_app_exception_desc, &ex, NULL),
                     0);
        CHECK_EQ_INT(pst_protocol_write_message_end(ps[i], &b), 0);
        for (int d = 1; d <= 2; d++) {
            pst_file_record rec = { (pst_file_direction)d, 0, ps[i],
                                    (uint64_t)i * 1000, (uint64_t)i + 1,
                                    b.data, b.len, 0 };
            CHECK_EQ_INT(pst_file_writer_append(w, &rec, &err), 0);
        }
        pst_wbuf_free(&b);
    }
    pst_file_writer_close(w);
    FILE *f = fopen(path, "rb");
    seed_len = f ? fread(seed_log, 1, sizeof seed_log, f) : 0;
    if (f)
        fclose(f);
    unlink(path);
    CHECK(seed_len > 16 && seed_len < sizeof seed_log);
}

static void test_fuzz_cases(void)
{
    fm_seed(0x6c6f672d66757a7aull); /* fixed: cases reproduce */
    make_seed();
    static uint8_t buf[sizeof seed_log + 512];
    fm_piece piece = { seed_log, seed_len };
    fuzz_file_log_one(seed_log, seed_len);
    fuzz_case++;
    for (int i = 0; i < 30000; i++, fuzz_case++) {
        memcpy(buf, seed_log, seed_len);
        size_t n = fm_mutate(buf, seed_len, sizeof buf, &piece, 1);
        /* most mutations should hit records, not only the header */
        if (fm_below(4) && n >= 16)
            memcpy(buf, seed_log, 16);
        uint8_t *exact = malloc(n ? n : 1); /* ASan sees reads past the end */
        memcpy(exact, buf, n);
        fuzz_file_log_one(exact, n);
        free(exact);
    }
    for (int i = 0; i < 3000; i++, fuzz_case++) {
        size_t n = 16 + fm_below(200);
        memcpy(buf, seed_log, 16);
        for (size_t j = 16; j < n; j++)
            buf[j] = (uint8_t)fm_rnd();
        uint8_t *exact = malloc(n);
        memcpy(exact, buf, n);
        fuzz_file_log_one(exact, n);
        free(exact);
    }
    CHECK_EQ_INT(fuzz_failures, 0);
    fprintf(stderr, "%lu cases\n", fuzz_case);
}

int main(void)
{
    RUN(test_fuzz_cases);
    return test_report();
}
