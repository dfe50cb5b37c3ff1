/*
 * postern/error.h: one status type for the whole library.
 *
 * Every function that can fail returns an int: 0 is success, a negative value
 * is either a PST_E* code below or a system error passed through as -errno
 * (errno values are small; PST_E* codes start at -1000 so the two never meet).
 *
 * The list is append-only: a code, once released, keeps its number.
 * Three kinds are kept apart:
 *   local     - bad argument, limit hit, malformed input (PST_E_PROTOCOL ...)
 *   transport - the peer went away, was too slow or could not be reached
 *               (PST_E_CLOSED, PST_E_TIMEOUT, PST_E_UNAVAILABLE)
 *   remote    - the peer answered with an error (PST_E_APP_EXCEPTION,
 *               PST_E_DECLARED_EXCEPTION); details travel as data.
 *
 * Thread-safety: all functions here are pure and thread-safe.
 */
#ifndef POSTERN_ERROR_H
#define POSTERN_ERROR_H

/* X(NAME, value, "message") */
#define PST_ERROR_LIST(X)                                                      \
    X(PST_OK,                    0,     "success")                             \
    X(PST_E_NOMEM,           -1000,     "out of memory")                       \
    X(PST_E_INVALID,         -1001,     "invalid argument")                    \
    X(PST_E_SHORT,           -1002,     "need more bytes")                     \
    X(PST_E_PROTOCOL,        -1003,     "malformed protocol data")             \
    X(PST_E_LIMIT,           -1004,     "size or depth limit exceeded")        \
    X(PST_E_BAD_TYPE,        -1005,     "unknown or unexpected wire type")     \
    X(PST_E_MISSING_FIELD,   -1006,     "required field missing")              \
    X(PST_E_CLOSED,          -1007,     "connection closed")                   \
    X(PST_E_TIMEOUT,         -1008,     "timed out")                           \
    X(PST_E_APP_EXCEPTION,   -1009,     "remote application exception")        \
    X(PST_E_DECLARED_EXCEPTION, -1010,  "remote declared exception")           \
    X(PST_E_WRONG_METHOD,    -1011,     "reply for a different method")        \
    X(PST_E_BAD_SEQID,       -1012,     "reply with an unexpected sequence id")\
    X(PST_E_BAD_MSG_TYPE,    -1013,     "unexpected message type")             \
    X(PST_E_MISSING_RESULT,  -1014,     "reply carried no result")             \
    X(PST_E_UNKNOWN_METHOD,  -1015,     "unknown method")                      \
    X(PST_E_HANDLER,         -1016,     "handler failed")                      \
    X(PST_E_STOPPED,         -1017,     "stopped")                             \
    X(PST_E_BUSY,            -1018,     "too many connections or calls")       \
    X(PST_E_UNSUPPORTED,     -1019,     "not supported")                       \
    X(PST_E_SYNTAX,          -1020,     "syntax error")                        \
    X(PST_E_IO,              -1021,     "input/output error")                  \
    X(PST_E_UNAVAILABLE,     -1022,     "no endpoint available")

typedef enum pst_status {
#define PST__ERR_ENUM(name, value, msg) name = value,
    PST_ERROR_LIST(PST__ERR_ENUM)
#undef PST__ERR_ENUM
} pst_status;

/* A status with the words that say what and where, for logs and people.
 * Decoders fill one as they fail: "string of 4294967295 bytes exceeds the
 * 12 bytes left (offset 34)". */
typedef struct pst_error {
    int code;              /* the status, 0 when nothing failed */
    char message[200];     /* NUL-terminated detail, "" when none */
} pst_error;

/* Record code and a printf-style detail in e (e may be NULL); returns code,
 * so decoders can write `return pst_error_set(e, PST_E_LIMIT, "...", n);`.
 * The first error sticks: later calls on a set error change nothing. */
int pst_error_set(pst_error *e, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Forget a recorded error. */
void pst_error_clear(pst_error *e);

/* "PST_E_TIMEOUT", or "ECONNRESET"-style names for -errno; never NULL. */
const char *pst_strerror_name(int status);
/* Human message: "timed out", strerror(errno) for -errno; never NULL. */
const char *pst_strerror(int status);

#endif
