/*
 * fuzz_request.c: libFuzzer harness for the whole request path: arbitrary
 * bytes as a request through pst_process with the ThriftTest echo service,
 * binary and compact, every reply decoded back with the client's logic (see
 * fuzz_request_target.h for the properties checked). Build and run:
 *   CC=clang cmake -S . -B build-fuzz -DPOSTERN_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_request fuzz_corpus_gen
 *   build-fuzz/bin/fuzz_corpus_gen build-fuzz/corpus
 *   build-fuzz/bin/fuzz_request -max_total_time=600 build-fuzz/corpus/request
 * (tests/fuzz/README.md has the details.)
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_request: %s\n", what);                           \
        abort();                                                               \
    } while (0)

#include "fuzz_request_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_request_one(data, size);
    return 0;
}
