/*
 * fuzz_tls.c: libFuzzer harness for the server side of TLS (arbitrary
 * bytes as a ClientHello stream); the properties are in fuzz_tls_target.h.
 * Build and run (tests/fuzz/README.md):
 *   CC=clang cmake -S . -B build-fuzz -DPOSTERN_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_tls
 *   build-fuzz/bin/fuzz_tls -max_total_time=600
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_tls: %s\n", what);                               \
        abort();                                                               \
    } while (0)

#include "fuzz_tls_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_tls_one(data, size);
    return 0;
}
