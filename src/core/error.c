/* error.c: names and messages for pst_status codes, and pst_error detail. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "postern/error.h"

const char *pst_strerror_name(int status)
{
    switch (status) {
#define PST__ERR_NAME(name, value, msg) case value: return #name;
        PST_ERROR_LIST(PST__ERR_NAME)
#undef PST__ERR_NAME
    }
    if (status < 0 && status > -1000) {
        const char *n = strerrorname_np(-status);
        if (n)
            return n;
    }
    return "PST_E_UNKNOWN";
}

const char *pst_strerror(int status)
{
    switch (status) {
#define PST__ERR_MSG(name, value, msg) case value: return msg;
        PST_ERROR_LIST(PST__ERR_MSG)
#undef PST__ERR_MSG
    }
    if (status < 0 && status > -1000) {
        const char *d = strerrordesc_np(-status);
        if (d)
            return d;
    }
    return "unknown error";
}

int pst_error_set(pst_error *e, int code, const char *fmt, ...)
{
    if (!e || e->code != 0)
        return code;
    e->code = code;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
    } else {
        snprintf(e->message, sizeof e->message, "%s", pst_strerror(code));
    }
    return code;
}

void pst_error_clear(pst_error *e)
{
    if (e) {
        e->code = 0;
        e->message[0] = '\0';
    }
}
