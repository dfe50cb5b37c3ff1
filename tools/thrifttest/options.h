/*
 * options.h: command-line parsing shared by thrifttest-server and
 * thrifttest-client. Every parser names the offending option and value on
 * stderr ("thrifttest-client: --port needs a number from 1 to 65535, got
 * 'x'") and returns -1; the programs then print their usage and exit 2.
 */
#ifndef THRIFTTEST_OPTIONS_H
#define THRIFTTEST_OPTIONS_H

#include <stdbool.h>

#include "postern/protocol.h"

/* The program name used in messages ("thrifttest-server"). */
extern const char *tt_prog;

/* An integer in [lo, hi]. */
int tt_parse_int(const char *opt, const char *value, int lo, int hi, int *out);

/* "binary" | "compact" | "json", or Thrift's multiplexed forms of them,
 * "multi" | "multic" | "multij" (*multiplexed set), or also "auto"
 * (-> *out = NULL) when allow_auto. */
int tt_parse_protocol(const char *opt, const char *value, bool allow_auto,
                      const pst_protocol **out, bool *multiplexed);

/* The options Apache Thrift's cross-test runner adds to every program of a
 * language (--verbose, -v, --genpydir DIR, --processor-events) are
 * accepted and change nothing: 1 when argv[*i] was one (its value
 * consumed), 0 when it is not, -1 when its value is missing (reported). */
int tt_runner_option(int argc, char **argv, int *i);

/* "buffered" | "framed", or also "auto" when allow_auto ("http" is each
 * program's own).
 * *out: 0 auto, 1 framed, 2 buffered (matches pst_framing). */
int tt_parse_transport(const char *opt, const char *value, bool allow_auto,
                       int *out);

/* The value after option argv[*i], advancing *i; NULL (and a message naming
 * the option) when it is missing. */
const char *tt_option_value(int argc, char **argv, int *i);

/* Apache Thrift's cross-test runner writes options as --name=value: split
 * each such argument in two, so both spellings parse alike. Returns the
 * new argv (argc updated); it lives until the program exits. */
char **tt_split_equals(int *argc, char **argv);

#endif
