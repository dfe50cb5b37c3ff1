/*
 * args.h: the one command-line helper echo-server and echo-client share.
 * Header-only, so the example still builds from its directory with a plain
 * compiler line (Makefile, CMakeLists.txt).
 */
#ifndef ECHO_ARGS_H
#define ECHO_ARGS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Parse v, the value of option opt, as a whole decimal number in [lo, hi]
 * into *out. On anything else, say so on stderr, naming prog, the option
 * and the value, and return -1 (*out untouched). v may be NULL (the
 * option was last on the line). */
static inline int echo_parse_int(const char *prog, const char *opt,
                                 const char *v, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long n = v ? strtol(v, &end, 10) : 0;
    if (!v || errno || *end || end == v || n < lo || n > hi) {
        fprintf(stderr, "%s: %s needs a number from %d to %d, got '%s'\n",
                prog, opt, lo, hi, v ? v : "");
        return -1;
    }
    *out = (int)n;
    return 0;
}

#endif
