/*
 * session.h: what the lexer, parser, loader and checker share. Internal to
 * src/idl/.
 */
#ifndef POSTERN_IDL_SESSION_H
#define POSTERN_IDL_SESSION_H

#include <setjmp.h>

#include "idl/idl.h"
#include "idl/pool.h"
#include "idl/symtab.h"

struct pst_idl_session {
    pst_idl_options opt;
    pst__idl_pool pool;
    jmp_buf *fatal;                 /* where out-of-memory unwinds to */

    char **include_dirs;
    unsigned ninclude_dirs;

    pst__idl_symtab *files;         /* canonical path -> program */
    pst_idl_program **programs;     /* post-order */
    unsigned nprograms, programs_cap;
    bool loaded;

    pst_idl_diag *diags, **diag_tail;
    unsigned ndiags, nerrors;
};

/* Record a diagnostic at loc (loc may be NULL). Messages are printf-style. */
void pst__idl_error(pst_idl_session *s, const pst_idl_loc *loc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void pst__idl_warn(pst_idl_session *s, const pst_idl_loc *loc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* parser.c: parse one file's text into a program (includes not loaded).
 * NULL after a syntax error (reported). */
pst_idl_program *pst__idl_parse(pst_idl_session *s, const char *path,
                                const char *data, size_t len);

/* resolve.c: link named types and `extends` to definitions, and fill the
 * program's symbol tables. Reports unknown names. */
void pst__idl_resolve(pst_idl_session *s, pst_idl_program *p);

/* Definitions by name as written in program p: local, or `inc.Name` in a
 * directly included program. NULL when unknown. */
pst_idl_def *pst__idl_lookup_type(const pst_idl_program *p, const char *name);
pst_idl_def *pst__idl_lookup_const(const pst_idl_program *p, const char *name);
/* "Enum.VALUE" or "inc.Enum.VALUE". */
const pst_idl_enum_value *pst__idl_lookup_enum_value(const pst_idl_program *p,
                                                     const char *name);

/* check.c: the semantic rules, typed constant values, field order. */
void pst__idl_check(pst_idl_session *s, pst_idl_program *p);

/* Quote a name or text for a message: printable ASCII kept, the rest as
 * \xNN, long text cut with "...". Result in the pool. */
const char *pst__idl_quote(pst_idl_session *s, const char *text, size_t len);

#endif
