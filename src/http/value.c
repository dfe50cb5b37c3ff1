/*
 * value.c: reading header values: membership in a comma-separated list
 * (Connection, Transfer-Encoding) and the Accept preference between the
 * three forms postern's pages come in (RFC 9110 5.6.1, 12.5.1).
 */
#include <string.h>

#include "http.h"

static bool ows(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* The next list element of [*s, e) without OWS and parameters; advances
 * *s past its comma. */
static pst_str next_element(const char **s, const char *e, pst_str *params)
{
    const char *a = *s;
    const char *comma = memchr(a, ',', (size_t)(e - a));
    const char *z = comma ? comma : e;
    *s = comma ? comma + 1 : e;
    const char *semi = memchr(a, ';', (size_t)(z - a));
    *params = semi ? (pst_str){ semi + 1, (size_t)(z - semi - 1) }
                   : (pst_str){ z, 0 };
    if (semi)
        z = semi;
    while (a < z && ows(*a))
        a++;
    while (z > a && ows(z[-1]))
        z--;
    return (pst_str){ a, (size_t)(z - a) };
}

bool pst__http_list_has(pst_str value, const char *token, size_t token_len)
{
    if (!value.ptr)
        return false;
    const char *s = value.ptr, *e = s + value.len;
    while (s < e) {
        pst_str params;
        pst_str el = next_element(&s, e, &params);
        if (el.len != token_len)
            continue;
        size_t i = 0;
        while (i < token_len && (el.ptr[i] | 0x20) == (token[i] | 0x20))
            i++;
        if (i == token_len)
            return true;
    }
    return false;
}

/* q-value in thousandths from parameters "q=0.5;x=y"; 1000 when absent,
 * 0 when malformed (RFC 9110 12.4.2: "0" / "1" with up to three decimals). */
static int qvalue(pst_str params)
{
    const char *s = params.ptr, *e = s + params.len;
    while (s < e) {
        const char *semi = memchr(s, ';', (size_t)(e - s));
        const char *z = semi ? semi : e;
        while (s < z && ows(*s))
            s++;
        if (z - s >= 2 && (s[0] | 0x20) == 'q' && s[1] == '=') {
            s += 2;
            while (z > s && ows(z[-1]))
                z--;
            if (s == z || (*s != '0' && *s != '1'))
                return 0;
            int q = (*s++ - '0') * 1000, scale = 100;
            if (s < z && *s == '.') {
                s++;
                for (; s < z && scale > 0; s++, scale /= 10) {
                    if (*s < '0' || *s > '9')
                        return 0;
                    q += (*s - '0') * scale;
                }
            }
            if (s != z || q > 1000)
                return 0;
            return q;
        }
        s = semi ? semi + 1 : e;
    }
    return 1000;
}

pst_http_media pst__http_accept_pick(pst_str accept)
{
    static const struct {
        const char *type;
        size_t type_len; /* of "text/" */
        size_t len;
    } kinds[3] = { { "text/plain", 5, 10 },
                   { "text/html", 5, 9 },
                   { "application/json", 12, 16 } };
    /* best q per kind, and how specific the range that gave it was
     * (2 exact, 1 type/ *, 0 * / *, -1 none) */
    int q[3] = { 0, 0, 0 }, spec[3] = { -1, -1, -1 };
    if (!accept.ptr || accept.len == 0)
        return PST_HTTP_MEDIA_TEXT;
    const char *s = accept.ptr, *e = s + accept.len;
    while (s < e) {
        pst_str params;
        pst_str r = next_element(&s, e, &params);
        if (r.len == 0)
            continue;
        int rq = qvalue(params);
        for (int k = 0; k < 3; k++) {
            int sp;
            if (r.len == 3 && memcmp(r.ptr, "*/*", 3) == 0)
                sp = 0;
            else if (r.len == kinds[k].type_len + 1 &&
                     r.ptr[r.len - 1] == '*' &&
                     pst__http_ieq((pst_str){ r.ptr, kinds[k].type_len },
                                   kinds[k].type, kinds[k].type_len))
                sp = 1;
            else if (pst__http_ieq(r, kinds[k].type, kinds[k].len))
                sp = 2;
            else
                continue;
            /* the most specific range decides a kind's q (RFC 9110 12.5.1) */
            if (sp > spec[k]) {
                spec[k] = sp;
                q[k] = rq;
            }
        }
    }
    int best = PST_HTTP_MEDIA_TEXT;
    for (int k = 1; k < 3; k++)
        if (q[k] > q[best] || (q[k] == q[best] && spec[k] > spec[best]))
            best = k;
    return (pst_http_media)best;
}
