/*
 * test_pipeline_echo.h: a tiny Echo service, written by hand the way the
 * compiler would emit it (namespace c tst), for the pipeline, deadline and
 * pool tests.
 *
 *   exception Oops { 1: string why }
 *   service Echo {
 *     string echo(1: string msg)
 *     string fail(1: string why) throws (1: Oops oops)
 *     oneway void poke(1: i32 n)
 *     string hold(1: string msg)     // the real server waits for a gate
 *     void ping()
 *   }
 */
#ifndef TEST_PIPELINE_ECHO_H
#define TEST_PIPELINE_ECHO_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "postern/arena.h"
#include "postern/processor.h"
#include "postern/protocol.h"
#include "postern/types.h"

/* ---- types -------------------------------------------------------------- */

typedef struct tst_Oops {
    pst_str why;
    uint8_t isset_[1];
} tst_Oops;

static const pst_field tst_Oops_fields[] = {
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(tst_Oops, why),
      &pst_type_string, "why" },
};
static const pst_struct_desc tst_Oops_desc = {
    "Oops", sizeof(tst_Oops), offsetof(tst_Oops, isset_), 1, PST_EXCEPTION,
    tst_Oops_fields, NULL
};
static const pst_type tst_Oops_type = {
    PST_K_STRUCT, PST_TT_STRUCT, sizeof(tst_Oops), &tst_Oops_desc, NULL, NULL,
    NULL
};

/* echo, hold and fail all take one string. */
typedef struct tst_Echo_echo_args {
    pst_str msg;
    uint8_t isset_[1];
} tst_Echo_echo_args;

static const pst_field tst_Echo_echo_args_fields[] = {
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(tst_Echo_echo_args, msg),
      &pst_type_string, "msg" },
};
static const pst_struct_desc tst_Echo_echo_args_desc = {
    "echo_args", sizeof(tst_Echo_echo_args),
    offsetof(tst_Echo_echo_args, isset_), 1, PST_STRUCT,
    tst_Echo_echo_args_fields, NULL
};

typedef struct tst_Echo_echo_result {
    pst_str success;
    uint8_t isset_[1];
} tst_Echo_echo_result;

static const pst_field tst_Echo_echo_result_fields[] = {
    { 0, PST_K_STRING, PST_REQ_OPTIONAL, 0,
      offsetof(tst_Echo_echo_result, success), &pst_type_string, "success" },
};
static const pst_struct_desc tst_Echo_echo_result_desc = {
    "echo_result", sizeof(tst_Echo_echo_result),
    offsetof(tst_Echo_echo_result, isset_), 1, PST_STRUCT,
    tst_Echo_echo_result_fields, NULL
};

typedef struct tst_Echo_fail_result {
    pst_str success;
    tst_Oops oops;
    uint8_t isset_[1];
} tst_Echo_fail_result;

static const pst_field tst_Echo_fail_result_fields[] = {
    { 0, PST_K_STRING, PST_REQ_OPTIONAL, 0,
      offsetof(tst_Echo_fail_result, success), &pst_type_string, "success" },
    { 1, PST_K_STRUCT, PST_REQ_OPTIONAL, 1,
      offsetof(tst_Echo_fail_result, oops), &tst_Oops_type, "oops" },
};
static const pst_struct_desc tst_Echo_fail_result_desc = {
    "fail_result", sizeof(tst_Echo_fail_result),
    offsetof(tst_Echo_fail_result, isset_), 2, PST_STRUCT,
    tst_Echo_fail_result_fields, NULL
};

typedef struct tst_Echo_poke_args {
    int32_t n;
    uint8_t isset_[1];
} tst_Echo_poke_args;

static const pst_field tst_Echo_poke_args_fields[] = {
    { 1, PST_K_I32, PST_REQ_DEFAULT, 0, offsetof(tst_Echo_poke_args, n),
      &pst_type_i32, "n" },
};
static const pst_struct_desc tst_Echo_poke_args_desc = {
    "poke_args", sizeof(tst_Echo_poke_args),
    offsetof(tst_Echo_poke_args, isset_), 1, PST_STRUCT,
    tst_Echo_poke_args_fields, NULL
};

typedef struct tst_Echo_ping_args {
    uint8_t isset_[1];
} tst_Echo_ping_args;
static const pst_struct_desc tst_Echo_ping_args_desc = {
    "ping_args", sizeof(tst_Echo_ping_args),
    offsetof(tst_Echo_ping_args, isset_), 0, PST_STRUCT, NULL, NULL
};
typedef struct tst_Echo_ping_result {
    uint8_t isset_[1];
} tst_Echo_ping_result;
static const pst_struct_desc tst_Echo_ping_result_desc = {
    "ping_result", sizeof(tst_Echo_ping_result),
    offsetof(tst_Echo_ping_result, isset_), 0, PST_STRUCT, NULL, NULL
};

/* ---- service -------------------------------------------------------------- */

typedef struct tst_Echo_handler {
    int (*echo)(pst_call *call, pst_str msg, tst_Echo_echo_result *result);
    int (*fail)(pst_call *call, pst_str why, tst_Echo_fail_result *result);
    int (*poke)(pst_call *call, int32_t n);
    int (*hold)(pst_call *call, pst_str msg, tst_Echo_echo_result *result);
    int (*ping)(pst_call *call, tst_Echo_ping_result *result);
} tst_Echo_handler;

static int tst_Echo_echo_invoke(const void *h, pst_call *call,
                                const void *args, void *result)
{
    return ((const tst_Echo_handler *)h)
        ->echo(call, ((const tst_Echo_echo_args *)args)->msg, result);
}
static int tst_Echo_fail_invoke(const void *h, pst_call *call,
                                const void *args, void *result)
{
    return ((const tst_Echo_handler *)h)
        ->fail(call, ((const tst_Echo_echo_args *)args)->msg, result);
}
static int tst_Echo_poke_invoke(const void *h, pst_call *call,
                                const void *args, void *result)
{
    (void)result;
    return ((const tst_Echo_handler *)h)
        ->poke(call, ((const tst_Echo_poke_args *)args)->n);
}
static int tst_Echo_hold_invoke(const void *h, pst_call *call,
                                const void *args, void *result)
{
    return ((const tst_Echo_handler *)h)
        ->hold(call, ((const tst_Echo_echo_args *)args)->msg, result);
}
static int tst_Echo_ping_invoke(const void *h, pst_call *call,
                                const void *args, void *result)
{
    (void)args;
    return ((const tst_Echo_handler *)h)->ping(call, result);
}

static const pst_method_desc tst_Echo_methods[] = {
    { "echo", &tst_Echo_echo_args_desc, &tst_Echo_echo_result_desc, false,
      tst_Echo_echo_invoke },
    { "fail", &tst_Echo_echo_args_desc, &tst_Echo_fail_result_desc, false,
      tst_Echo_fail_invoke },
    { "poke", &tst_Echo_poke_args_desc, NULL, true, tst_Echo_poke_invoke },
    { "hold", &tst_Echo_echo_args_desc, &tst_Echo_echo_result_desc, false,
      tst_Echo_hold_invoke },
    { "ping", &tst_Echo_ping_args_desc, &tst_Echo_ping_result_desc, false,
      tst_Echo_ping_invoke },
};
static const pst_service_desc tst_Echo_desc = { "Echo", NULL, 5,
                                                tst_Echo_methods, NULL };

#define TST_ECHO (&tst_Echo_methods[0])
#define TST_FAIL (&tst_Echo_methods[1])
#define TST_POKE (&tst_Echo_methods[2])
#define TST_HOLD (&tst_Echo_methods[3])
#define TST_PING (&tst_Echo_methods[4])

/* What the stubs would do: pack args, call, return the string. */
static inline tst_Echo_echo_args tst_echo_args(const char *msg)
{
    tst_Echo_echo_args a;
    memset(&a, 0, sizeof a);
    a.msg = pst_str_c(msg);
    a.isset_[0] = 1;
    return a;
}

static inline int tst_str_eq(pst_str s, const char *c)
{
    return s.len == strlen(c) && (s.len == 0 || memcmp(s.ptr, c, s.len) == 0);
}

#endif
