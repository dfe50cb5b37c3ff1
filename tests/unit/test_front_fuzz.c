/*
 * test_front_fuzz.c: the front door's fuzz property (tests/fuzz/
 * fuzz_front_target.h) over deterministic inputs: real HTTP conversations
 * (pages, JSON calls, Thrift over HTTP, chunked bodies, pipelining,
 * CONNECT, JSON-RPC), then mutations of them, each fed whole and in small
 * pieces. Fixed seed: a failure prints its case number and reproduces.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

#include "test_fuzz_fail.h"

#include "../fuzz/fuzz_front_target.h"
#include "../fuzz/fuzz_mutate.h"

static const char *const seeds[] = {
    "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
    "HEAD /status HTTP/1.1\r\nAccept: text/html\r\n\r\n",
    "GET /status HTTP/1.1\r\nAccept: application/json\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.0\r\n\r\n",
    "GET /ThriftTest HTTP/1.1\r\nAccept: application/json\r\n\r\n",
    "POST /ThriftTest/testString HTTP/1.1\r\nContent-Length: 15\r\n\r\n{\"thing\":\"abc\"}",
    "POST /ThriftTest/testStruct HTTP/1.1\r\nContent-Length: 76\r\n\r\n"
    "{\"thing\":{\"string_thing\":\"s\",\"byte_thing\":1,\"i32_thing\":-3,\"i64_thing\":4}}",
    "POST /ThriftTest/testMapMap HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\n{\"hel\r\n7;ext=1\r\nlo\":42}\r\n0\r\nX-T: 1\r\n\r\n",
    "POST /ThriftTest/testException HTTP/1.1\r\nContent-Length: 16\r\n\r\n{\"arg\":\"Xception\"}",
    "POST /ThriftTest/testInsanity HTTP/1.1\r\nContent-Length: 58\r\n\r\n"
    "{\"argument\":{\"userMap\":{\"FIVE\":5},\"xtructs\":[{\"i32_thing\":1}]}}",
    "POST / HTTP/1.1\r\nContent-Type: application/x-thrift\r\nContent-Length: 29\r\n\r\n"
    "\x80\x01\x00\x01\x00\x00\x00\x0atestString\x00\x00\x00\x01\x0b\x00\x01\x00\x00\x00\x00\x00",
    "OPTIONS /ThriftTest/testString HTTP/1.1\r\nOrigin: https://allowed.example\r\n\r\n",
    "CONNECT /_thrift_rpc_ HTTP/1.0\n\n\x80\x01\x00\x01",
    "CONNECT /_json_rpc_ HTTP/1.0\n\n{\"method\":\"ThriftTest.testString\",\"params\":[{\"thing\":\"j\"}],\"id\":1}\n"
    "{\"method\":\"ThriftTest.nope\",\"params\":[{}],\"id\":\"x\"}",
    "CONNECT /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n",
    "DELETE /health HTTP/1.1\r\n\r\nBREW /pot HTTP/1.1\r\n\r\n",
    "POST /ThriftTest/testI64 HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 21\r\n\r\n{\"thing\":\"-12345678\"}",
};

int main(void)
{
    enum { NSEEDS = sizeof seeds / sizeof seeds[0], CASES = 30000, CAP = 2048 };
    fm_piece pieces[NSEEDS];
    for (size_t i = 0; i < NSEEDS; i++) {
        pieces[i].p = (const uint8_t *)seeds[i];
        pieces[i].n = strlen(seeds[i]);
    }
    /* the seeds themselves, whole and a byte at a time */
    uint8_t buf[CAP + 1];
    for (size_t i = 0; i < NSEEDS; i++) {
        if (pieces[i].n > CAP)
            continue;
        for (int mode = 0; mode < 2; mode++) {
            fuzz_case++;
            buf[0] = mode ? 0x80 : 0;
            memcpy(buf + 1, pieces[i].p, pieces[i].n);
            fuzz_front_one(buf, pieces[i].n + 1);
        }
    }
    fm_seed(20261206);
    for (unsigned long c = 0; c < CASES; c++) {
        fuzz_case++;
        const fm_piece *s = &pieces[fm_below(NSEEDS)];
        if (s->n > CAP)
            continue;
        buf[0] = (uint8_t)fm_rnd();
        memcpy(buf + 1, s->p, s->n);
        size_t n = fm_mutate(buf + 1, s->n, CAP, pieces, NSEEDS);
        fuzz_front_one(buf, n + 1);
    }
    fprintf(stderr, "%lu cases, %lu failures\n", fuzz_case, fuzz_failures);
    CHECK_EQ_INT(fuzz_failures, 0);
    return test_report();
}
