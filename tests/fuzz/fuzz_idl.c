/*
 * fuzz_idl.c: the IDL front end and the C emitter on arbitrary text.
 *
 * One input is one .thrift file's text. It is parsed, resolved and checked
 * (includes are not opened), and when it is valid, C is generated in
 * memory. Anything but a clean return (a crash, a sanitizer report, a hang,
 * unbounded memory) is a bug.
 *
 * Built as a libFuzzer target by tests/fuzz/CMakeLists.txt (-DPOSTERN_FUZZ=ON
 * with clang) or tests/fuzz/fuzz_idl.sh, and as a plain function by the
 * deterministic unit test tests/unit/test_idl_fuzz.c.
 *
 * The front end is in libpostern; the emitter is not (it is the compiler's),
 * and the fuzz build rule compiles each fuzz_*.c with the library sources
 * only, so the emitter's files are compiled in here.
 */
#include <stddef.h>
#include <stdint.h>

#include "../../compiler/gen.c"
#include "../../compiler/sbuf.c"
#include "../../compiler/names.c"
#include "../../compiler/model.c"
#include "../../compiler/values.c"
#include "../../compiler/emit_header.c"
#include "../../compiler/emit_source.c"
#include "idl/idl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pst_idl_options opt = { 0 };
    opt.no_includes = true;
    opt.max_memory = (size_t)256 << 20;
    pst_idl_session *s = pst__idl_session_new(&opt);
    if (!s)
        return 0;
    pst_idl_program *p = pst__idl_load_buffer(s, "fuzz.thrift", (const char *)data, size);
    if (p) {
        pst__gen g;
        pst__gen_init(&g, p);
        pst__gen_program(&g);
        pst__gen_free(&g);
    }
    pst__idl_session_free(s);
    return 0;
}
