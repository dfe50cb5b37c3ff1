/*
 * reply_name.h: does a reply's method name belong to the call? (not public
 * API; the synchronous client and the pipeline both ask).
 */
#ifndef POSTERN_CLIENT_REPLY_NAME_H
#define POSTERN_CLIENT_REPLY_NAME_H

#include <stdbool.h>
#include <string.h>

#include "postern/multiplex.h"

/* The reply names the call's method exactly, or, for a multiplexed call
 * "Service:method", the bare method: Thrift's multiplexed servers (and
 * postern's) answer with the name their service saw. IDL names hold no
 * ':', so a plain call never matches a prefixed reply by accident. */
static inline bool pst__reply_name_matches(pst_str got, const char *call)
{
    size_t n = strlen(call);
    if (got.len == n && memcmp(got.ptr, call, n) == 0)
        return true;
    const char *sep = memchr(call, PST_MULTIPLEX_SEPARATOR, n);
    if (!sep)
        return false;
    size_t bare = n - (size_t)(sep + 1 - call);
    return got.len == bare && memcmp(got.ptr, sep + 1, bare) == 0;
}

#endif
