/* options.c: see options.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "postern/server.h"

const char *tt_prog = "thrifttest";

int tt_parse_int(const char *opt, const char *value, int lo, int hi, int *out)
{
    char *end = NULL;
    errno = 0;
    long n = value ? strtol(value, &end, 10) : 0;
    if (!value || !*value || errno || *end || n < lo || n > hi) {
        fprintf(stderr, "%s: %s needs a number from %d to %d, got '%s'\n",
                tt_prog, opt, lo, hi, value ? value : "");
        return -1;
    }
    *out = (int)n;
    return 0;
}

int tt_parse_protocol(const char *opt, const char *value, bool allow_auto,
                      const pst_protocol **out, bool *multiplexed)
{
    *multiplexed = false;
    if (allow_auto && !strcmp(value, "auto")) {
        *out = NULL;
        return 0;
    }
    /* Thrift's names for TMultiplexedProtocol over each protocol. */
    static const struct { const char *multi, *inner; } MULTI[] = {
        { "multi", "binary" }, { "multic", "compact" }, { "multij", "json" },
    };
    for (size_t i = 0; i < sizeof MULTI / sizeof MULTI[0]; i++)
        if (!strcmp(value, MULTI[i].multi)) {
            *multiplexed = true;
            value = MULTI[i].inner;
        }
    if (!strcmp(value, "binary") || !strcmp(value, "compact") ||
        !strcmp(value, "json")) {
        *out = pst_protocol_by_name(value);
        if (*out)
            return 0;
    }
    fprintf(stderr, "%s: %s must be %sbinary, compact, json, header, multi, multic, "
                    "multij or multih, got '%s'\n", tt_prog,
            opt, allow_auto ? "auto, " : "", value);
    return -1;
}

int tt_parse_transport(const char *opt, const char *value, bool allow_auto,
                       int *out)
{
    if (allow_auto && !strcmp(value, "auto")) {
        *out = PST_FRAMING_AUTO;
        return 0;
    }
    if (!strcmp(value, "framed")) {
        *out = PST_FRAMING_FRAMED;
        return 0;
    }
    if (!strcmp(value, "buffered")) {
        *out = PST_FRAMING_UNFRAMED;
        return 0;
    }
    fprintf(stderr, "%s: %s must be %sbuffered, framed or http, got '%s'\n", tt_prog,
            opt, allow_auto ? "auto, " : "", value);
    return -1;
}

int tt_runner_option(int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--verbose") || !strcmp(a, "-v") ||
        !strcmp(a, "--processor-events"))
        return 1;
    if (!strcmp(a, "--genpydir"))
        return tt_option_value(argc, argv, i) ? 1 : -1;
    return 0;
}

const char *tt_option_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", tt_prog, argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static char **split_argv;

static void free_split_argv(void)
{
    free(split_argv);
}

char **tt_split_equals(int *argc, char **argv)
{
    /* at most twice as many arguments, plus the terminating NULL */
    char **out = calloc((size_t)*argc * 2 + 1, sizeof *out);
    if (!out)
        return argv;
    if (!split_argv)
        atexit(free_split_argv);
    free(split_argv);
    split_argv = out;
    int n = 0;
    for (int i = 0; i < *argc; i++) {
        char *eq = i > 0 && !strncmp(argv[i], "--", 2) ? strchr(argv[i], '=') : NULL;
        if (eq) {
            *eq = '\0';
            out[n++] = argv[i];
            out[n++] = eq + 1;
        } else {
            out[n++] = argv[i];
        }
    }
    out[n] = NULL;
    *argc = n;
    return out;
}
