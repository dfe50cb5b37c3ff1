/*
 * test_calc.h: the Calc service of tests/unit/calc_test.thrift (generated at
 * build time into the postern_echotest library, names t_*) and an
 * implementation of it, for the processor, client and server tests.
 */
#ifndef TEST_CALC_H
#define TEST_CALC_H

#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "calc_test.h"
#include "postern/client.h"
#include "postern/processor.h"
#include "postern/types.h"

/* A test uses some of the handlers below, not all. */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"

/* The methods in IDL order, for calls made without the generated stubs. */
#define t_Base_methods (t_Base_desc.methods)
#define t_Calc_methods (t_Calc_desc.methods)
enum { T_ADD, T_ECHO, T_DIVIDE, T_FAIL, T_NOTE, T_SLOW };

/* ---- an implementation -------------------------------------------------- */

static atomic_int t_notes;     /* sum of note(v) values */
static atomic_int t_note_calls;

static int t_ping(pst_call *call, int32_t x, t_Base_ping_result *r)
{
    (void)call;
    r->success = x;
    return 0;
}
static int t_add(pst_call *call, int32_t a, int32_t b, t_Calc_add_result *r)
{
    (void)call;
    r->success = (int32_t)((uint32_t)a + (uint32_t)b);
    return 0;
}
static int t_echo(pst_call *call, pst_str s, t_Calc_echo_result *r)
{
    (void)call;
    r->success = s; /* the request's bytes live until the reply is written */
    return 0;
}
static int t_divide(pst_call *call, int32_t a, int32_t b, t_Calc_divide_result *r)
{
    (void)call;
    if (b == 0) {
        r->oops.why = PST_STR("division by zero");
        r->oops.code = a;
        r->oops.isset_[0] = 0x3;
        pst_set_isset(&t_Calc_divide_result_desc, r, 1, true);
        return 0;
    }
    r->success = a / b;
    return 0;
}
static int t_fail(pst_call *call, pst_str why, t_Calc_fail_result *r)
{
    (void)r;
    if (why.len) {
        char *m = pst_arena_alloc(call->arena, why.len + 1);
        memcpy(m, why.ptr, why.len);
        m[why.len] = '\0';
        call->error_message = m;
    }
    return PST_E_HANDLER;
}
static int t_note(pst_call *call, int32_t v)
{
    (void)call;
    atomic_fetch_add(&t_notes, v);
    atomic_fetch_add(&t_note_calls, 1);
    return 0;
}
static int t_slow(pst_call *call, int32_t ms, t_Calc_slow_result *r)
{
    (void)call;
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
    r->success = ms;
    return 0;
}

static const t_Calc_handler t_calc_handler = {
    { t_ping }, t_add, t_echo, t_divide, t_fail, t_note, t_slow,
};

#endif
