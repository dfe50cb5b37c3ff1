/*
 * fuzz_http.c: libFuzzer harness for the HTTP/1.x request parser; the
 * properties are in fuzz_http_target.h. Build and run (tests/fuzz/README.md):
 *   tests/fuzz/fuzz_run.sh fuzz_http 600
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_http: %s\n", what);                              \
        abort();                                                               \
    } while (0)

#include "fuzz_http_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_http_one(data, size);
    return 0;
}
