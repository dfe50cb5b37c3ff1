/*
 * test_calc.h: a small service written by hand the way `postern gen` emits
 * generated code (see the conventions in the project notes), for the
 * processor, client and server tests. The IDL it stands for:
 *
 *   namespace c t
 *   exception Oops { 1: string why, 2: i32 code }
 *   service Base { i32 ping(1: i32 x) }
 *   service Calc extends Base {
 *     i32 add(1: i32 a, 2: i32 b)
 *     string echo(1: string s)
 *     i32 divide(1: i32 a, 2: i32 b) throws (1: Oops oops)
 *     void fail(1: string why)      // the handler fails: INTERNAL_ERROR
 *     oneway void note(1: i32 v)
 *     i32 slow(1: i32 ms)           // sleeps ms, answers ms
 *   }
 */
#ifndef TEST_CALC_H
#define TEST_CALC_H

#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "postern/client.h"
#include "postern/processor.h"
#include "postern/types.h"

/* Generated code uses every table; a test uses a few. */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-const-variable"

/* ---- exception Oops ----------------------------------------------------- */

typedef struct t_Oops {
    pst_str why;
    int32_t code;
    uint8_t isset_[1];
} t_Oops;

static const pst_field t_Oops_fields[] = {
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(t_Oops, why), &pst_type_string, "why" },
    { 2, PST_K_I32, PST_REQ_DEFAULT, 1, offsetof(t_Oops, code), &pst_type_i32, "code" },
};
static const pst_struct_desc t_Oops_desc = {
    "Oops", sizeof(t_Oops), offsetof(t_Oops, isset_), 2, PST_EXCEPTION, t_Oops_fields, NULL
};
static const pst_type t_Oops_type = { PST_K_STRUCT, PST_TT_STRUCT, sizeof(t_Oops),
                                      &t_Oops_desc, NULL, NULL, NULL };

/* ---- args and results --------------------------------------------------- */

/* One i32 argument / result, reused by several methods' shapes. */
#define T_I32_ARGS1(NAME, F)                                                   \
    typedef struct NAME { int32_t F; uint8_t isset_[1]; } NAME;                \
    static const pst_field NAME##_fields[] = {                                 \
        { 1, PST_K_I32, PST_REQ_DEFAULT, 0, offsetof(NAME, F), &pst_type_i32, #F }, \
    };                                                                         \
    static const pst_struct_desc NAME##_desc = {                               \
        #NAME, sizeof(NAME), offsetof(NAME, isset_), 1, PST_STRUCT, NAME##_fields, NULL };

#define T_I32_RESULT(NAME)                                                     \
    typedef struct NAME { int32_t success; uint8_t isset_[1]; } NAME;          \
    static const pst_field NAME##_fields[] = {                                 \
        { 0, PST_K_I32, PST_REQ_OPTIONAL, 0, offsetof(NAME, success), &pst_type_i32, "success" }, \
    };                                                                         \
    static const pst_struct_desc NAME##_desc = {                               \
        #NAME, sizeof(NAME), offsetof(NAME, isset_), 1, PST_STRUCT, NAME##_fields, NULL };

T_I32_ARGS1(t_Base_ping_args, x)
T_I32_RESULT(t_Base_ping_result)
T_I32_ARGS1(t_Calc_note_args, v)
T_I32_ARGS1(t_Calc_slow_args, ms)
T_I32_RESULT(t_Calc_slow_result)

#define T_I32_ARGS2(NAME)                                                      \
    typedef struct NAME { int32_t a; int32_t b; uint8_t isset_[1]; } NAME;     \
    static const pst_field NAME##_fields[] = {                                 \
        { 1, PST_K_I32, PST_REQ_DEFAULT, 0, offsetof(NAME, a), &pst_type_i32, "a" }, \
        { 2, PST_K_I32, PST_REQ_DEFAULT, 1, offsetof(NAME, b), &pst_type_i32, "b" }, \
    };                                                                         \
    static const pst_struct_desc NAME##_desc = {                               \
        #NAME, sizeof(NAME), offsetof(NAME, isset_), 2, PST_STRUCT, NAME##_fields, NULL };

T_I32_ARGS2(t_Calc_add_args)
T_I32_RESULT(t_Calc_add_result)
T_I32_ARGS2(t_Calc_divide_args)

typedef struct t_Calc_divide_result {
    int32_t success;
    t_Oops oops;
    uint8_t isset_[1];
} t_Calc_divide_result;
static const pst_field t_Calc_divide_result_fields[] = {
    { 0, PST_K_I32, PST_REQ_OPTIONAL, 0, offsetof(t_Calc_divide_result, success), &pst_type_i32, "success" },
    { 1, PST_K_STRUCT, PST_REQ_OPTIONAL, 1, offsetof(t_Calc_divide_result, oops), &t_Oops_type, "oops" },
};
static const pst_struct_desc t_Calc_divide_result_desc = {
    "divide_result", sizeof(t_Calc_divide_result), offsetof(t_Calc_divide_result, isset_), 2,
    PST_STRUCT, t_Calc_divide_result_fields, NULL
};

#define T_STR_ARGS1(NAME, F)                                                   \
    typedef struct NAME { pst_str F; uint8_t isset_[1]; } NAME;                \
    static const pst_field NAME##_fields[] = {                                 \
        { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(NAME, F), &pst_type_string, #F }, \
    };                                                                         \
    static const pst_struct_desc NAME##_desc = {                               \
        #NAME, sizeof(NAME), offsetof(NAME, isset_), 1, PST_STRUCT, NAME##_fields, NULL };

T_STR_ARGS1(t_Calc_echo_args, s)
T_STR_ARGS1(t_Calc_fail_args, why)

typedef struct t_Calc_echo_result { pst_str success; uint8_t isset_[1]; } t_Calc_echo_result;
static const pst_field t_Calc_echo_result_fields[] = {
    { 0, PST_K_STRING, PST_REQ_OPTIONAL, 0, offsetof(t_Calc_echo_result, success), &pst_type_string, "success" },
};
static const pst_struct_desc t_Calc_echo_result_desc = {
    "echo_result", sizeof(t_Calc_echo_result), offsetof(t_Calc_echo_result, isset_), 1,
    PST_STRUCT, t_Calc_echo_result_fields, NULL
};

/* void fail(): the result has no fields (no success, no exceptions). */
typedef struct t_Calc_fail_result { uint8_t isset_[1]; } t_Calc_fail_result;
static const pst_struct_desc t_Calc_fail_result_desc = {
    "fail_result", sizeof(t_Calc_fail_result), offsetof(t_Calc_fail_result, isset_), 0,
    PST_STRUCT, NULL, NULL
};

/* ---- handlers ----------------------------------------------------------- */

typedef struct t_Base_handler {
    int (*ping)(pst_call *call, int32_t x, t_Base_ping_result *result);
} t_Base_handler;

typedef struct t_Calc_handler {
    t_Base_handler base;
    int (*add)(pst_call *call, int32_t a, int32_t b, t_Calc_add_result *result);
    int (*echo)(pst_call *call, pst_str s, t_Calc_echo_result *result);
    int (*divide)(pst_call *call, int32_t a, int32_t b, t_Calc_divide_result *result);
    int (*fail)(pst_call *call, pst_str why, t_Calc_fail_result *result);
    int (*note)(pst_call *call, int32_t v);
    int (*slow)(pst_call *call, int32_t ms, t_Calc_slow_result *result);
} t_Calc_handler;

/* ---- invoke wrappers (generated per method) ------------------------------ */

static int t_Base_ping_invoke(const void *h, pst_call *call, const void *args, void *result)
{
    const t_Base_ping_args *a = args;
    return ((const t_Base_handler *)h)->ping(call, a->x, result);
}
static int t_Calc_add_invoke(const void *h, pst_call *call, const void *args, void *result)
{
    const t_Calc_add_args *a = args;
    return ((const t_Calc_handler *)h)->add(call, a->a, a->b, result);
}
static int t_Calc_echo_invoke(const void *h, pst_call *call, const void *args, void *result)
{
    const t_Calc_echo_args *a = args;
    return ((const t_Calc_handler *)h)->echo(call, a->s, result);
}
static int t_Calc_divide_invoke(const void *h, pst_call *call, const void *args, void *result)
{
    const t_Calc_divide_args *a = args;
    return ((const t_Calc_handler *)h)->divide(call, a->a, a->b, result);
}
static int t_Calc_fail_invoke(const void *h, pst_call *call, const void *args, void *result)
{
    const t_Calc_fail_args *a = args;
    return ((const t_Calc_handler *)h)->fail(call, a->why, result);
}
static int t_Calc_note_invoke(const void *h, pst_call *call, const void *args, void *result)
{
    (void)result;
    const t_Calc_note_args *a = args;
    return ((const t_Calc_handler *)h)->note(call, a->v);
}
static int t_Calc_slow_invoke(const void *h, pst_call *call, const void *args, void *result)
{
    const t_Calc_slow_args *a = args;
    return ((const t_Calc_handler *)h)->slow(call, a->ms, result);
}

static const pst_method_desc t_Base_methods[] = {
    { "ping", &t_Base_ping_args_desc, &t_Base_ping_result_desc, false, t_Base_ping_invoke },
};
static const pst_service_desc t_Base_desc = { "Base", NULL, 1, t_Base_methods, NULL };

enum { T_ADD, T_ECHO, T_DIVIDE, T_FAIL, T_NOTE, T_SLOW };
static const pst_method_desc t_Calc_methods[] = {
    { "add", &t_Calc_add_args_desc, &t_Calc_add_result_desc, false, t_Calc_add_invoke },
    { "echo", &t_Calc_echo_args_desc, &t_Calc_echo_result_desc, false, t_Calc_echo_invoke },
    { "divide", &t_Calc_divide_args_desc, &t_Calc_divide_result_desc, false, t_Calc_divide_invoke },
    { "fail", &t_Calc_fail_args_desc, &t_Calc_fail_result_desc, false, t_Calc_fail_invoke },
    { "note", &t_Calc_note_args_desc, NULL, true, t_Calc_note_invoke },
    { "slow", &t_Calc_slow_args_desc, &t_Calc_slow_result_desc, false, t_Calc_slow_invoke },
};
static const pst_service_desc t_Calc_desc = { "Calc", &t_Base_desc, 6, t_Calc_methods, NULL };

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

/* ---- client stubs (generated per method) --------------------------------- */

static int t_Calc_add(pst_client *c, pst_arena *a, int32_t x, int32_t y, t_Calc_add_result *r)
{
    t_Calc_add_args args = { x, y, { 0x3 } };
    return pst_client_call(c, &t_Calc_methods[T_ADD], &args, r, a);
}
static int t_Calc_echo(pst_client *c, pst_arena *a, pst_str s, t_Calc_echo_result *r)
{
    t_Calc_echo_args args = { s, { 0x1 } };
    return pst_client_call(c, &t_Calc_methods[T_ECHO], &args, r, a);
}
static int t_Calc_divide(pst_client *c, pst_arena *a, int32_t x, int32_t y,
                         t_Calc_divide_result *r)
{
    t_Calc_divide_args args = { x, y, { 0x3 } };
    return pst_client_call(c, &t_Calc_methods[T_DIVIDE], &args, r, a);
}
static int t_Calc_fail(pst_client *c, pst_arena *a, pst_str why, t_Calc_fail_result *r)
{
    t_Calc_fail_args args = { why, { 0x1 } };
    return pst_client_call(c, &t_Calc_methods[T_FAIL], &args, r, a);
}
static int t_Calc_note(pst_client *c, pst_arena *a, int32_t v)
{
    t_Calc_note_args args = { v, { 0x1 } };
    return pst_client_call(c, &t_Calc_methods[T_NOTE], &args, NULL, a);
}
static int t_Calc_slow(pst_client *c, pst_arena *a, int32_t ms, t_Calc_slow_result *r)
{
    t_Calc_slow_args args = { ms, { 0x1 } };
    return pst_client_call(c, &t_Calc_methods[T_SLOW], &args, r, a);
}
static int t_Base_ping(pst_client *c, pst_arena *a, int32_t x, t_Base_ping_result *r)
{
    t_Base_ping_args args = { x, { 0x1 } };
    return pst_client_call(c, &t_Base_methods[0], &args, r, a);
}

#endif
