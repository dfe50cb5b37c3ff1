/*
 * fuzz_file_log.c: libFuzzer harness for the message log reader
 * (postern/file.h) over memory, with the properties of
 * fuzz_file_log_target.h. Build and run with
 *   tests/fuzz/fuzz_run.sh fuzz_file_log 600
 * or by hand as in tests/fuzz/README.md. Seeds: any log a server wrote
 * (pst_server_options.record_path).
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_file_log: %s\n", what);                          \
        abort();                                                               \
    } while (0)

#include "fuzz_file_log_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file_log_one(data, size);
    return 0;
}
