/*
 * lexer.h: Thrift IDL tokens, as Apache Thrift's scanner (thriftl.ll) makes
 * them.
 *
 * Longest match decides, as in flex: `list` is a keyword but `list.x` and
 * `lists` are identifiers; `true`/`false` are integer constants 1/0; an
 * identifier may contain dots (`inc.Type`, `Enum.VALUE`). Comments are
 * `//`, `#` and slash-star blocks; a slash-star-star doc comment is kept
 * and handed to the token after it.
 *
 * Errors (bad characters, unterminated strings, integers beyond 64 bits)
 * are reported to the session and unwind through the lexer's `fail` jump.
 * Internal to src/idl/.
 */
#ifndef POSTERN_IDL_LEXER_H
#define POSTERN_IDL_LEXER_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/session.h"

/* Single-character symbols are their own character code. */
typedef enum pst__idl_tok {
    TOK_EOF = 0,
    TOK_IDENT = 256,
    TOK_INT,
    TOK_DOUBLE,
    TOK_LITERAL,
    /* keywords */
    TOK_INCLUDE,
    TOK_CPP_INCLUDE,
    TOK_NAMESPACE,
    TOK_CPP_TYPE,
    TOK_XSD_ALL,
    TOK_XSD_OPTIONAL,
    TOK_XSD_NILLABLE,
    TOK_XSD_ATTRS,
    TOK_VOID,
    TOK_BOOL,
    TOK_BYTE,
    TOK_I8,
    TOK_I16,
    TOK_I32,
    TOK_I64,
    TOK_DOUBLE_KW,
    TOK_STRING,
    TOK_BINARY,
    TOK_UUID,
    TOK_SLIST,
    TOK_SENUM,
    TOK_MAP,
    TOK_LIST,
    TOK_SET,
    TOK_ONEWAY,
    TOK_ASYNC,
    TOK_TYPEDEF,
    TOK_STRUCT,
    TOK_UNION,
    TOK_EXCEPTION,
    TOK_EXTENDS,
    TOK_THROWS,
    TOK_SERVICE,
    TOK_ENUM,
    TOK_CONST,
    TOK_REQUIRED,
    TOK_OPTIONAL,
    TOK_KEYWORD_END
} pst__idl_tok;

typedef struct pst__idl_token {
    int kind;                 /* pst__idl_tok or a symbol character */
    pst_idl_loc loc;
    const char *text;         /* the source bytes */
    size_t len;
    int64_t ival;             /* TOK_INT */
    double dval;              /* TOK_DOUBLE */
    const char *str;          /* TOK_LITERAL value (pool), TOK_IDENT copy */
    size_t str_len;
    const char *doc;          /* doc comment just before this token */
} pst__idl_token;

typedef struct pst__idl_lexer {
    pst_idl_session *s;
    const char *file;
    const char *src, *end, *p;
    uint32_t line;
    const char *line_start;
    const char *pending_doc;  /* last doc comment not yet handed out */
    jmp_buf *fail;
} pst__idl_lexer;

void pst__idl_lexer_init(pst__idl_lexer *lx, pst_idl_session *s, const char *file,
                         const char *data, size_t len, jmp_buf *fail);
/* The next token (TOK_EOF at the end, repeatedly). */
void pst__idl_lex(pst__idl_lexer *lx, pst__idl_token *t);

/* "identifier", "'{'", "'struct'" ... for messages. */
const char *pst__idl_tok_name(int kind);
/* Keyword spelling for keyword tokens, else NULL. */
const char *pst__idl_keyword_text(int kind);

/* A doc comment's text without its frame: leading stars and the common
 * indentation removed, blank first/last lines dropped. In the pool. */
const char *pst__idl_clean_doc(pst__idl_pool *pool, const char *text, size_t len);

#endif
