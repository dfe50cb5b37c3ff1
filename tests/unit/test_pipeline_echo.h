/*
 * test_pipeline_echo.h: the Echo service of tests/unit/echo_test.thrift
 * (generated at build time into the postern_echotest library, names tst_*)
 * plus the shortcuts the pipeline, deadline, pool and client tests share.
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

#include "echo_test.h"
#include "postern/arena.h"
#include "postern/processor.h"
#include "postern/protocol.h"
#include "postern/types.h"

/* The methods in IDL order, for calls made without the generated stubs.
 * echo, fail and hold all take one string: their argument structs have the
 * same layout, so the tests pass a tst_Echo_echo_args to any of them. */
#define TST_ECHO (&tst_Echo_desc.methods[0])
#define TST_FAIL (&tst_Echo_desc.methods[1])
#define TST_POKE (&tst_Echo_desc.methods[2])
#define TST_HOLD (&tst_Echo_desc.methods[3])
#define TST_PING (&tst_Echo_desc.methods[4])

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
