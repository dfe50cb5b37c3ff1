/* fuzz_front.c: libFuzzer target for the HTTP front door (pages, Thrift
 * over HTTP, JSON calls, CONNECT and JSON-RPC), see fuzz_front_target.h. */
#include "fuzz_front_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_front_one(data, size);
    return 0;
}
