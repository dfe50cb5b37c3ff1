/*
 * postern/debug.h: the debug protocol, readable text for logs and people.
 *
 * It looks like Apache Thrift C++'s TDebugProtocol:
 *
 *   Xtruct {
 *     01: string_thing (string) = "Zero",
 *     02: byte_thing (byte) = 0x01,
 *     03: i32_thing (i32) = -3,
 *     04: list_thing (list) = list<i32>[2] {
 *       [0] = 1,
 *       [1] = 2,
 *     },
 *   }
 *
 * and unlike Thrift's it reads back: text it printed parses to the same
 * value, doubles to the same bits (shortest text that reads back; nan,
 * -nan, nan(0xPAYLOAD), inf, -inf), strings and binaries byte for byte
 * (\xNN escapes). Messages print as "(call seqid=5) name(args {...})\n".
 * Absent optional fields and union members that are not set are not
 * printed. The reader takes any whitespace, optional trailing commas and
 * field names (fields are found by id), bytes in hex or decimal, and names
 * the offset of what it cannot take; limits are those of the other
 * protocols (pst_codec_config).
 *
 * pst_protocol_debug is a full protocol table (message header, struct,
 * skip, message_length), so it can also run over a transport; the calls
 * below print and parse single values, e.g. for a handler's log line:
 *
 *   char line[512];
 *   pst_debug_options o = PST_DEBUG_OPTIONS_INIT;
 *   o.one_line = true;
 *   pst_debug_snprint(line, sizeof line, &Xtruct_desc, arg, &o);
 *
 * Doubles are written with snprintf and read with strtod, which use a
 * '.' in the default "C" numeric locale: a program that calls setlocale
 * with another LC_NUMERIC must not print or parse from that thread.
 *
 * Ownership: the caller owns every buffer; pst_debug_string's result is
 * malloc'ed and the caller frees it. Parsed strings, lists and pointers
 * live in the arena given. Thread-safety: no global state; each call uses
 * its arguments only.
 */
#ifndef POSTERN_DEBUG_H
#define POSTERN_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "protocol.h"
#include "types.h"

extern const pst_protocol pst_protocol_debug;

typedef struct pst_debug_options {
    bool one_line;        /* a space instead of each newline and indent */
    uint32_t max_string;  /* 0 = whole; else strings and binaries longer
                             than this print their first max_string bytes
                             followed by `...(N bytes)`: shorter log lines,
                             but such text no longer parses */
    uint32_t max_depth;   /* struct nesting; 0 = 64, as the codecs */
} pst_debug_options;

#define PST_DEBUG_OPTIONS_INIT { false, 0, 0 }

/* Append v (described by d) as debug text to w (opt NULL: the defaults).
 * 0, or the status (w->err set, nothing appended): PST_E_LIMIT (w's max,
 * nesting), PST_E_INVALID (a value its descriptor cannot describe). */
int pst_debug_print(pst_wbuf *w, const pst_struct_desc *d, const void *v,
                    const pst_debug_options *opt);

/* The text in a malloc'ed NUL-terminated string; NULL when it fails. */
char *pst_debug_string(const pst_struct_desc *d, const void *v,
                       const pst_debug_options *opt);

/* Like snprintf: the text, cut to fit and NUL-terminated, in buf[0..cap);
 * returns the text's whole length (>= cap: it was cut), or a negative
 * status when v cannot be printed (buf then holds ""). */
long pst_debug_snprint(char *buf, size_t cap, const pst_struct_desc *d,
                       const void *v, const pst_debug_options *opt);

/* Parse text[0..len) (one value, whitespace around it allowed) into v,
 * initialised from d's defaults first. 0, or the status with err saying
 * what and at which offset: PST_E_PROTOCOL, PST_E_BAD_TYPE, PST_E_SHORT
 * (the text ends early), PST_E_LIMIT, PST_E_MISSING_FIELD, PST_E_NOMEM.
 * cfg NULL: PST_CODEC_CONFIG_INIT's limits. */
int pst_debug_parse(const void *text, size_t len, const pst_struct_desc *d,
                    void *v, pst_arena *a, const pst_codec_config *cfg,
                    pst_error *err);

#endif
