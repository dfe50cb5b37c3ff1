/*
 * fuzz_json.c: libFuzzer harness for the JSON decoder, encoder and
 * envelope reader (see fuzz_json_target.h for the properties checked).
 * Build and run with tests/fuzz/fuzz_run.sh fuzz_json [SECONDS], or
 *   CC=clang cmake -S . -B build-fuzz -DPOSTERN_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_json
 *   build-fuzz/bin/fuzz_json -max_total_time=300 CORPUS_DIR
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_json: %s\n", what);                              \
        abort();                                                               \
    } while (0)

#include "fuzz_json_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_json_one(data, size);
    return 0;
}
