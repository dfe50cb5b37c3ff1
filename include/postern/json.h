/*
 * postern/json.h: Thrift values as natural JSON, by field name.
 *
 * One mapping, driven by the descriptors of types.h, for JSON calls over
 * HTTP, Go's JSON-RPC 1.0 codec and command-line tools:
 *
 *   struct, exception  {"name": value, ...}: set fields and required ones
 *   union              a one-member object ({} when no member is set)
 *   bool               true / false
 *   i8 i16 i32 i64     numbers, exact (decoding also takes "123" strings)
 *   double             shortest text that reads back to the same double;
 *                      "NaN", "Infinity", "-Infinity" as strings
 *   string             a string; decoding requires valid UTF-8, encoding
 *                      writes each byte of invalid UTF-8 as U+FFFD (the
 *                      output is always valid JSON; the bytes are not
 *                      kept, a string field that must carry arbitrary
 *                      bytes is a binary field)
 *   binary             standard padded base64 (decoding also takes
 *                      unpadded and URL-safe base64)
 *   uuid               "00112233-4455-6677-8899-aabbccddeeff" (decoding
 *                      takes either case)
 *   enum               its name; a number when the value has none
 *                      (decoding takes names and any i32 number)
 *   list, set          arrays
 *   map                an object; keys of string, binary, uuid and enum
 *                      type are the key's string, others the key's JSON
 *                      text: {"1": "a"} for i32 keys, {"true": 1} for bool,
 *                      {"{\"a\":1}": 2} for struct keys
 *   void               null (the caller writes it: a void result has no
 *                      value to encode)
 *
 * Decoding is strict, for input from the network: field names match
 * exactly; an unknown member, a member given twice, a missing required
 * field, a number out of its type's range or with a fraction where an
 * integer is wanted, bad base64, an unknown enum name and invalid UTF-8 are
 * errors naming the field (`req.msg: expected a string, got number at byte
 * 12`). A member whose value is null counts as absent. Fields start from
 * the descriptor's defaults (as the binary decoder does). Errors:
 * PST_E_SYNTAX (not JSON, including input that ends early), PST_E_BAD_TYPE
 * (a JSON type the field cannot take), PST_E_PROTOCOL (a value the type
 * cannot take, unknown or repeated members), PST_E_MISSING_FIELD,
 * PST_E_LIMIT (cfg->max_message bytes of input, cfg->max_depth nested
 * structs, the arena's limit), PST_E_NOMEM.
 *
 * Numbers use the C library's strtod and snprintf, which read and write a
 * '.' in the default "C" numeric locale: a program that calls setlocale
 * with another LC_NUMERIC must not use this module from that thread.
 *
 * Ownership: decoded strings, binaries, lists, maps and pointers are
 * allocated from the arena given to the reader and live as long as it
 * does; the JSON document may be reused once a read_struct returns. Member
 * names and spans from the reader API point into the document (or, for a
 * name with escapes, into the arena). Encoders append to a pst_wbuf; on
 * failure nothing is appended (its length does not move) and w->err is set.
 *
 * Thread-safety: descriptors are immutable; a reader, a wbuf and an arena
 * are used by one thread at a time. Nothing here keeps global state.
 */
#ifndef POSTERN_JSON_H
#define POSTERN_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "protocol.h"
#include "types.h"

/* ---- encoding ------------------------------------------------------------ */

/* Append the struct v described by d as a JSON object. Fails with
 * PST_E_LIMIT past w->max or structs nested past cfg->max_depth (a cycle
 * of STRUCT_PTRs ends there), PST_E_INVALID for a union with more than one
 * member set or a NULL STRUCT_PTR in a container. err (may be NULL) says
 * where. cfg may be NULL (PST_CODEC_CONFIG_INIT). */
int pst_json_write_struct(pst_wbuf *w, const pst_struct_desc *d,
                          const void *v, const pst_codec_config *cfg,
                          pst_error *err);
/* Append one value of type t stored at v (e.g. a result's `success`
 * member): what a struct member of that type would hold. */
int pst_json_write_value(pst_wbuf *w, const pst_type *t, const void *v,
                         const pst_codec_config *cfg, pst_error *err);
/* Append s[0..n) as a quoted JSON string: `"` `\` and control characters
 * escaped, invalid UTF-8 written as U+FFFD. For messages and names. */
int pst_json_write_string(pst_wbuf *w, const char *s, size_t n);

/* ---- decoding ------------------------------------------------------------ */

/* A position in one JSON document. Initialise with pst_json_reader_init;
 * the fields are readable (p is the next byte to read). */
typedef struct pst_json_reader {
    const char *start, *p, *end;
    pst_arena *arena;              /* for decoded values and escaped names */
    pst_error *err;                /* may be NULL */
    const pst_codec_config *cfg;   /* never NULL after init */
} pst_json_reader;

/* Start reading doc[0..len). Input longer than cfg->max_message fails
 * with PST_E_LIMIT at the first read. arena may be NULL for the reader API
 * alone (then names with escapes are refused); cfg may be NULL. */
void pst_json_reader_init(pst_json_reader *r, const void *doc, size_t len,
                          pst_arena *arena, const pst_codec_config *cfg,
                          pst_error *err);

/* Decode the JSON object at r->p (after whitespace) into v, described by
 * d, and move past it. On failure r->p does not move, r->err says what
 * and where, and v is partly written. */
int pst_json_read_struct(pst_json_reader *r, const pst_struct_desc *d,
                         void *v);
/* Only whitespace left: 0, else PST_E_SYNTAX ("trailing data"). */
int pst_json_read_end(pst_json_reader *r);

/* The whole document is one object for d: init + read_struct + read_end. */
int pst_json_decode_struct(const void *doc, size_t len,
                           const pst_struct_desc *d, void *v, pst_arena *a,
                           const pst_codec_config *cfg, pst_error *err);

/* ---- reading envelopes: {"method":..., "params":[...], "id":...} -------- */

/* Validate the JSON value at r->p (after whitespace) and move past it;
 * *span (may be NULL) is its exact text, to pick apart later or echo back
 * verbatim. Nesting is bounded by 4 * cfg->max_depth + 64 levels and
 * never recursed. */
int pst_json_skip(pst_json_reader *r, pst_str *span);

/* Members of an object, elements of an array. */
typedef struct pst_json_iter {
    uint32_t count;   /* members or elements read so far */
} pst_json_iter;

/* Consume the `{` at r->p. */
int pst_json_object_begin(pst_json_reader *r, pst_json_iter *it);
/* 1: the next member's name is in *name and r->p is at its value, which
 * the caller must consume (pst_json_skip, pst_json_read_struct, ...);
 * 0: the object ended (`}` consumed); < 0: error. */
int pst_json_object_next(pst_json_reader *r, pst_json_iter *it,
                         pst_str *name);
/* Consume the `[` at r->p. */
int pst_json_array_begin(pst_json_reader *r, pst_json_iter *it);
/* 1: r->p is at the next element (consume it); 0: `]` consumed; < 0. */
int pst_json_array_next(pst_json_reader *r, pst_json_iter *it);

/* Go's JSON-RPC `params`: an array of exactly one object, decoded into v
 * as pst_json_read_struct does. */
int pst_json_read_struct_in_array(pst_json_reader *r, const pst_struct_desc *d,
                                  void *v);

/* The JSON string at r->p, unescaped: *out points into the document when
 * it has no escapes, else into the arena. Validated as UTF-8. */
int pst_json_read_string(pst_json_reader *r, pst_str *out);

/* The value at r->p is `null`: consume it and return 1; else 0. */
int pst_json_read_null(pst_json_reader *r);

#endif
