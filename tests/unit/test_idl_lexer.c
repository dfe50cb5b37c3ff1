/* test_idl_lexer.c: tokens as Apache Thrift's scanner makes them. */
#include <setjmp.h>
#include <stdlib.h>

#include "idl/lexer.h"
#include "test.h"

#define MAX_TOKS 64

typedef struct lexed {
    pst_idl_session *s;
    pst__idl_token t[MAX_TOKS];
    int n;          /* tokens before EOF, or -1 after an error */
    char error[300];
} lexed;

static void lex_all(lexed *L, const char *text)
{
    L->s = pst__idl_session_new(NULL);
    L->n = 0;
    L->error[0] = '\0';
    static pst__idl_lexer lx; /* static: survives the longjmp unchanged */
    static jmp_buf fail;
    pst__idl_lexer_init(&lx, L->s, "t.thrift", text, strlen(text), &fail);
    if (setjmp(fail)) {
        const pst_idl_diag *d = pst__idl_diags(L->s);
        if (d)
            snprintf(L->error, sizeof L->error, "%u:%u: %s", d->loc.line, d->loc.col,
                     d->message);
        L->n = -1;
        return;
    }
    for (int i = 0; i < MAX_TOKS; i++) {
        pst__idl_lex(&lx, &L->t[i]);
        if (L->t[i].kind == TOK_EOF)
            return;
        L->n++;
    }
}

static void done(lexed *L)
{
    pst__idl_session_free(L->s);
}

static void check_error(const char *text, const char *expected)
{
    lexed L;
    lex_all(&L, text);
    CHECK_EQ_INT(L.n, -1);
    if (strstr(L.error, expected) == NULL) {
        fprintf(stderr, "  input %s\n  got   '%s'\n  want  '%s'\n", text, L.error, expected);
        CHECK(!"lexer error message");
    }
    done(&L);
}

static void test_keywords_and_identifiers(void)
{
    lexed L;
    lex_all(&L, "struct list lists list.x a.b.c _x9 true false e10 byte senum");
    CHECK_EQ_INT(L.n, 11);
    CHECK_EQ_INT(L.t[0].kind, TOK_STRUCT);
    CHECK_EQ_INT(L.t[1].kind, TOK_LIST);
    CHECK_EQ_INT(L.t[2].kind, TOK_IDENT);
    CHECK(strcmp(L.t[2].str, "lists") == 0);
    CHECK_EQ_INT(L.t[3].kind, TOK_IDENT); /* longest match: not `list` */
    CHECK(strcmp(L.t[3].str, "list.x") == 0);
    CHECK(strcmp(L.t[4].str, "a.b.c") == 0);
    CHECK(strcmp(L.t[5].str, "_x9") == 0);
    CHECK_EQ_INT(L.t[6].kind, TOK_INT);
    CHECK_EQ_INT(L.t[6].ival, 1);
    CHECK_EQ_INT(L.t[7].kind, TOK_INT);
    CHECK_EQ_INT(L.t[7].ival, 0);
    CHECK_EQ_INT(L.t[8].kind, TOK_IDENT); /* e10 is a name, not a double */
    CHECK_EQ_INT(L.t[9].kind, TOK_BYTE);
    CHECK_EQ_INT(L.t[10].kind, TOK_SENUM);
    done(&L);

    lex_all(&L, "a. b");
    CHECK_EQ_INT(L.n, -1); /* `a` then a stray '.' */
    CHECK(strstr(L.error, "1:2: unexpected character '.'") != NULL);
    done(&L);
}

static void test_numbers(void)
{
    lexed L;
    lex_all(&L, "0 42 -7 +3 0099 0x1F -0x10 0x7fffffffffffffff 9223372036854775807 "
                "-9223372036854775808 1.5 .5 -2.5e3 1e10 1E-2 1.");
    CHECK_EQ_INT(L.n, -1); /* the final "1." ends in a stray '.' */
    done(&L);

    lex_all(&L, "0 42 -7 +3 0099 0x1F -0x10 0x7fffffffffffffff 9223372036854775807 "
                "-9223372036854775808 1.5 .5 -2.5e3 1e10 1E-2");
    CHECK_EQ_INT(L.n, 15);
    int64_t ints[] = { 0, 42, -7, 3, 99, 31, -16, INT64_MAX, INT64_MAX, INT64_MIN };
    for (int i = 0; i < 10; i++) {
        CHECK_EQ_INT(L.t[i].kind, TOK_INT);
        CHECK(L.t[i].ival == ints[i]);
    }
    double dbl[] = { 1.5, 0.5, -2500.0, 1e10, 0.01 };
    for (int i = 0; i < 5; i++) {
        CHECK_EQ_INT(L.t[10 + i].kind, TOK_DOUBLE);
        CHECK(L.t[10 + i].dval == dbl[i]);
    }
    done(&L);
}

static void test_literals_and_symbols(void)
{
    lexed L;
    lex_all(&L, "\"a\\tb\\n\\\"q\\\"\" 'single \"inner\"' \"\" :;,{}()=<>[]*&");
    CHECK_EQ_INT(L.n, 17);
    CHECK_EQ_INT(L.t[0].kind, TOK_LITERAL);
    CHECK(strcmp(L.t[0].str, "a\tb\n\"q\"") == 0);
    CHECK_EQ_INT(L.t[0].str_len, 7);
    CHECK(strcmp(L.t[1].str, "single \"inner\"") == 0);
    CHECK_EQ_INT(L.t[2].str_len, 0);
    const char *syms = ":;,{}()=<>[]*&";
    for (int i = 0; syms[i]; i++)
        CHECK_EQ_INT(L.t[3 + i].kind, syms[i]);
    done(&L);
}

static void test_comments_and_docs(void)
{
    lexed L;
    lex_all(&L, "# shell\n// c++\n/* c */ a /**/ b /***/ c\n"
                "/**\n * Doc line one.\n *   indented\n */\nd /** short */ e f");
    CHECK_EQ_INT(L.n, 6);
    CHECK(L.t[0].doc == NULL);
    CHECK_EQ_INT(L.t[0].loc.line, 3);
    CHECK_EQ_INT(L.t[0].loc.col, 9);
    CHECK(L.t[1].doc == NULL); /* empty comments are not doc comments */
    CHECK(L.t[2].doc == NULL);
    CHECK(L.t[3].doc && strcmp(L.t[3].doc, "Doc line one.\n  indented") == 0);
    CHECK(L.t[4].doc && strcmp(L.t[4].doc, "short") == 0);
    CHECK(L.t[5].doc == NULL); /* a doc comment goes to one token only */
    CHECK_EQ_INT(L.t[5].loc.line, 8);
    done(&L);

    lex_all(&L, "/** Sloppy\n  no stars\n      deeper   */ x");
    CHECK_EQ_INT(L.n, 1);
    CHECK(L.t[0].doc && strcmp(L.t[0].doc, "Sloppy\nno stars\n    deeper") == 0);
    done(&L);
}

static void test_errors(void)
{
    check_error("x 9223372036854775808", "1:3: integer '9223372036854775808' does not fit in 64 bits");
    check_error("-9223372036854775809", "1:1: integer");
    check_error("0x8000000000000000", "does not fit in 64 bits");
    check_error("\n  \"abc", "2:3: unterminated string literal");
    check_error("\"ab\ncd\"", "1:1: string literal runs past the end of the line");
    check_error("\"a\\qb\"", "1:3: bad escape '\\q'");
    check_error("/* open", "1:1: unterminated block comment");
    check_error("x\n/** open", "2:1: unterminated doc comment");
    check_error("a @", "1:3: unexpected character '@'");
    check_error("a \x01", "unexpected character byte 0x01");
    check_error("a \xff", "unexpected character byte 0xff");
    check_error("- 1", "1:1: expected a number after '-'");
    check_error("1e400", "out of the range of a double");
    check_error("cpp_namespace foo", "1:1: 'cpp_namespace' is no longer supported; use 'namespace cpp'");
    lexed L;
    lex_all(&L, "\"nul\0byte\"");
    CHECK_EQ_INT(L.n, -1); /* strlen stops at the NUL: unterminated */
    done(&L);
}

static void test_nul_in_literal(void)
{
    static const char text[] = "\"a\0b\"";
    pst_idl_session *s = pst__idl_session_new(NULL);
    pst__idl_lexer lx;
    jmp_buf fail;
    pst__idl_token t;
    pst__idl_lexer_init(&lx, s, "t.thrift", text, sizeof text - 1, &fail);
    if (setjmp(fail) == 0) {
        pst__idl_lex(&lx, &t);
        CHECK(!"a NUL byte in a literal must be an error");
    } else {
        CHECK(strstr(pst__idl_diags(s)->message, "NUL byte") != NULL);
    }
    pst__idl_session_free(s);
}

int main(void)
{
    RUN(test_keywords_and_identifiers);
    RUN(test_numbers);
    RUN(test_literals_and_symbols);
    RUN(test_comments_and_docs);
    RUN(test_errors);
    RUN(test_nul_in_literal);
    return test_report();
}
