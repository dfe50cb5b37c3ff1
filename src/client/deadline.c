/* deadline.c: CLOCK_MONOTONIC deadlines for calls (see postern/deadline.h). */
#include <stdint.h>
#include <time.h>

#include "client/conn.h"
#include "postern/deadline.h"

int64_t pst__monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t pst_monotonic_ms(void)
{
    return pst__monotonic_ns() / 1000000;
}

pst_deadline pst_deadline_in_ms(int64_t ms)
{
    int64_t now = pst__monotonic_ns();
    /* Saturate rather than overflow for "practically never". */
    if (ms > (INT64_MAX - now) / 1000000)
        return PST_DEADLINE_NEVER;
    int64_t at = now + ms * 1000000;
    return (pst_deadline){ at > 0 ? at : 1 };
}

pst_deadline pst_deadline_at_ms(int64_t monotonic_ms)
{
    if (monotonic_ms >= INT64_MAX / 1000000)
        return PST_DEADLINE_NEVER;
    return (pst_deadline){ monotonic_ms > 0 ? monotonic_ms * 1000000 : 1 };
}

int64_t pst_deadline_left_ms(pst_deadline d)
{
    if (d.at_ns == INT64_MAX || d.at_ns == 0)
        return INT64_MAX;
    int64_t left = d.at_ns - pst__monotonic_ns();
    if (left <= 0)
        return 0;
    return (left + 999999) / 1000000;
}

pst_deadline pst__deadline_or(pst_deadline d, int timeout_ms)
{
    if (d.at_ns != 0)
        return d;
    if (timeout_ms <= 0)
        return PST_DEADLINE_NEVER;
    return pst_deadline_in_ms(timeout_ms);
}

pst_deadline pst__deadline_min(pst_deadline a, pst_deadline b)
{
    return a.at_ns <= b.at_ns ? a : b;
}

bool pst__deadline_passed(pst_deadline d)
{
    return d.at_ns != INT64_MAX && pst__monotonic_ns() >= d.at_ns;
}

int pst__deadline_poll_ms(pst_deadline d)
{
    if (d.at_ns == INT64_MAX)
        return -1;
    int64_t left = pst_deadline_left_ms(d);
    return left > INT32_MAX ? INT32_MAX : (int)left;
}

struct timespec pst__deadline_timespec(pst_deadline d)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(d.at_ns / 1000000000);
    ts.tv_nsec = (long)(d.at_ns % 1000000000);
    return ts;
}
