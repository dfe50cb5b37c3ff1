/*
 * idl.h: load Thrift IDL files into checked syntax trees (ast.h).
 *
 * Used by the compiler (`postern gen`) and by tools that build descriptors
 * at run time from an IDL. A session loads one root file and everything it
 * includes, resolves names, checks the rules Apache Thrift 0.17 applies (and
 * a few it only warns about), and keeps every diagnostic as
 * "file:line:col: message".
 *
 *     pst_idl_session *s = pst__idl_session_new(NULL);
 *     pst__idl_session_add_include_dir(s, "idl/");
 *     pst_idl_program *p = pst__idl_load_file(s, "echo.thrift");
 *     if (!p) pst__idl_print_diags(s, stderr);
 *     ...
 *     pst__idl_session_free(s);   // frees every tree too
 *
 * Bad input of any kind yields diagnostics, never a crash: nesting is capped
 * (max_depth), memory is budgeted (max_memory), files are size-capped, and
 * include cycles are reported.
 *
 * Ownership: the session owns all trees, strings and diagnostics.
 * Thread-safety: a session is used by one thread at a time; sessions are
 * independent of each other.
 */
#ifndef POSTERN_IDL_H
#define POSTERN_IDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "idl/ast.h"

typedef struct pst_idl_options {
    size_t max_memory;      /* bytes for trees; 0 = 1 GiB */
    size_t max_file_size;   /* bytes per file; 0 = 256 MiB */
    unsigned max_depth;     /* nesting of types and values; 0 = 100 */
    unsigned max_errors;    /* diagnostics kept; 0 = 50 */
    bool no_includes;       /* do not open included files (untrusted text):
                               names from them stay unknown */
    bool warnings;          /* keep warnings as well as errors */
} pst_idl_options;

typedef enum pst_idl_severity {
    PST_IDL_ERROR = 0,
    PST_IDL_WARNING = 1
} pst_idl_severity;

typedef struct pst_idl_diag {
    pst_idl_severity severity;
    pst_idl_loc loc;            /* file may be NULL (no position) */
    char *message;
    struct pst_idl_diag *next;
} pst_idl_diag;

typedef struct pst_idl_session pst_idl_session;

/* opt may be NULL for defaults. NULL when out of memory. */
pst_idl_session *pst__idl_session_new(const pst_idl_options *opt);
void pst__idl_session_free(pst_idl_session *s);
/* Directories searched for `include`s not found next to the including file,
 * in the order added. 0 or PST_E_NOMEM. */
int pst__idl_session_add_include_dir(pst_idl_session *s, const char *dir);

/* Load, resolve and check a file and its includes. The program, or NULL
 * when anything failed (see the diagnostics). Call once per session. */
pst_idl_program *pst__idl_load_file(pst_idl_session *s, const char *path);
/* The same for text in memory; `path` names it in messages and anchors
 * relative includes. */
pst_idl_program *pst__idl_load_buffer(pst_idl_session *s, const char *path,
                                      const char *data, size_t len);

/* Every program loaded, each after the files it includes (root last). */
pst_idl_program *const *pst__idl_programs(const pst_idl_session *s,
                                          unsigned *count);

/* Diagnostics in the order found (a list), and how many are errors
 * (including ones dropped past max_errors). */
const pst_idl_diag *pst__idl_diags(const pst_idl_session *s);
unsigned pst__idl_error_count(const pst_idl_session *s);
/* Print "file:line:col: message" lines ("warning: " before warnings). */
void pst__idl_print_diags(const pst_idl_session *s, FILE *f);

#endif
