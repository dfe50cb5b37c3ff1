/*
 * pool.c: connections to several endpoints, lent one call at a time
 * (see pool.h).
 *
 * Everything but connecting and calling happens under `mu`. Each endpoint
 * counts its open connections (idle + lent + being opened) against
 * max_per_endpoint; a caller that finds every usable endpoint at its bound
 * sleeps on `cv`, which every release and every endpoint change signals.
 * Idle connections are a stack per endpoint (the most recently used first:
 * the warmest, and the least likely to have been closed by the server).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/conn.h"
#include "postern/pool.h"

#define POOL_MAX_ENDPOINTS 64

typedef struct pool_ep {
    pst__endpoint addr;
    bool up;
    bool probing;            /* a connect after back-off is under way */
    int64_t retry_at_ms;     /* down: when it may be probed */
    int64_t backoff_ms;      /* the next back-off */
    int last_error;
    uint32_t open;           /* idle + lent + being opened */
    uint32_t nidle;
    pst_pipeline **idle;     /* max_per_endpoint entries */
    uint64_t calls, failures, connects, connect_failures, retries;
} pool_ep;

struct pst_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;       /* CLOCK_MONOTONIC: a connection came back or
                                an endpoint changed */
    pool_ep *eps;
    size_t neps;
    size_t rr;               /* next endpoint to try first */
    pst_pipeline_options popt;
    int connect_timeout_ms, call_timeout_ms;
    uint32_t max_per;
    bool idempotent;         /* unanswered calls may be made again */
    int64_t backoff_initial_ms, backoff_max_ms;
    uint64_t calls, failures, connects, connect_failures, retries;
    uint64_t serial;         /* names it in per-thread call info */
};

static bool is_failure(int rc)
{
    return rc != 0 && rc != PST_E_DECLARED_EXCEPTION &&
           rc != PST_E_APP_EXCEPTION;
}

static void close_idle_locked(pool_ep *e)
{
    for (uint32_t i = 0; i < e->nidle; i++)
        pst_pipeline_free(e->idle[i]);
    e->open -= e->nidle;
    e->nidle = 0;
}

/* Take e out until its back-off has passed. */
static void mark_down_locked(pst_pool *p, pool_ep *e, int status)
{
    if (e->up) {
        e->up = false;
        e->backoff_ms = p->backoff_initial_ms;
    }
    e->retry_at_ms = pst_monotonic_ms() + e->backoff_ms;
    e->backoff_ms = e->backoff_ms * 2 > p->backoff_max_ms
                        ? p->backoff_max_ms
                        : e->backoff_ms * 2;
    e->last_error = status;
    close_idle_locked(e);
    pthread_cond_broadcast(&p->cv);
}

static int no_endpoint_error(pst_pool *p, pst_error *err)
{
    char msg[sizeof err->message];
    size_t len = (size_t)snprintf(msg, sizeof msg, "no endpoint available:");
    int64_t now = pst_monotonic_ms();
    for (size_t i = 0; i < p->neps && len < sizeof msg; i++) {
        pool_ep *e = &p->eps[i];
        int64_t left = e->retry_at_ms > now ? e->retry_at_ms - now : 0;
        len += (size_t)snprintf(msg + len, sizeof msg - len,
                                "%s %s down (%s, retry in %lld ms)",
                                i ? "," : "", e->addr.text,
                                pst_strerror_name(e->last_error),
                                (long long)left);
    }
    return pst_error_set(err, PST_E_UNAVAILABLE, "%s", msg);
}

/* Lend a connection: *epi is its endpoint, *fresh says it was just opened. */
static int acquire(pst_pool *p, pst_deadline deadline, size_t *epi,
                   pst_pipeline **out, bool *fresh, pst_error *err)
{
    uint64_t tried = 0;   /* endpoints whose connect failed in this call */
    pthread_mutex_lock(&p->mu);
    for (;;) {
        int64_t now = pst_monotonic_ms();
        size_t pick = SIZE_MAX;
        bool any_usable = false;
        int64_t next_retry = INT64_MAX;  /* earliest back-off end ahead */
        for (size_t k = 0; k < p->neps; k++) {
            size_t i = (p->rr + k) % p->neps;
            pool_ep *e = &p->eps[i];
            if ((tried >> i) & 1)
                continue;
            if (!e->up && !e->probing && now < e->retry_at_ms &&
                e->retry_at_ms < next_retry)
                next_retry = e->retry_at_ms;
            if (!e->up && (e->probing || now < e->retry_at_ms))
                continue;
            any_usable = true;
            if (e->nidle > 0 || e->open < p->max_per) {
                pick = i;
                break;
            }
        }

        if (pick == SIZE_MAX) {
            if (!any_usable) {
                int rc = no_endpoint_error(p, err);
                pthread_mutex_unlock(&p->mu);
                return rc;
            }
            /* Every usable endpoint is at its bound: wait for a release, an
             * endpoint change, or the end of a back-off (an endpoint that
             * may be probed again can take the call at once). */
            pst_deadline until = deadline;
            if (next_retry != INT64_MAX)
                until = pst__deadline_min(
                    deadline, pst_deadline_in_ms(next_retry - now));
            if (!pst__deadline_passed(until)) {
                if (until.at_ns == INT64_MAX) {
                    pthread_cond_wait(&p->cv, &p->mu);
                } else {
                    struct timespec ts = pst__deadline_timespec(until);
                    pthread_cond_timedwait(&p->cv, &p->mu, &ts);
                }
            }
            if (pst__deadline_passed(deadline)) {
                pthread_mutex_unlock(&p->mu);
                return pst_error_set(err, PST_E_TIMEOUT,
                                     "no pooled connection came free before "
                                     "the deadline (%u per endpoint, all lent)",
                                     p->max_per);
            }
            continue;
        }

        pool_ep *e = &p->eps[pick];
        p->rr = (pick + 1) % p->neps;
        if (e->nidle > 0) {
            pst_pipeline *pl = e->idle[--e->nidle];
            if (!pst__pipeline_idle_ok(pl)) {
                /* Closed by the server while idle: drop it, try again
                 * (the same endpoint comes first). */
                pst_pipeline_free(pl);
                e->open--;
                p->rr = pick;
                continue;
            }
            pthread_mutex_unlock(&p->mu);
            *epi = pick;
            *out = pl;
            *fresh = false;
            return 0;
        }

        e->open++;
        bool probe = !e->up;
        if (probe)
            e->probing = true;
        pthread_mutex_unlock(&p->mu);
        pst_error ce = { 0, "" };
        pst_deadline cd = pst__deadline_min(
            deadline, pst_deadline_in_ms(p->connect_timeout_ms));
        pst_pipeline *pl = pst__pipeline_connect_ep(&e->addr, &p->popt, cd,
                                                    &ce);
        pthread_mutex_lock(&p->mu);
        if (probe)
            e->probing = false;
        if (pl) {
            if (probe) /* back: its other connections are free to take */
                pthread_cond_broadcast(&p->cv);
            e->up = true;
            e->backoff_ms = p->backoff_initial_ms;
            e->last_error = 0;
            e->connects++;
            p->connects++;
            pthread_mutex_unlock(&p->mu);
            *epi = pick;
            *out = pl;
            *fresh = true;
            return 0;
        }
        e->open--;
        e->connect_failures++;
        p->connect_failures++;
        pthread_cond_broadcast(&p->cv);
        if (ce.code == PST_E_TIMEOUT && pst__deadline_passed(deadline)) {
            /* The call ran out of time, not necessarily the endpoint. */
            pthread_mutex_unlock(&p->mu);
            return pst_error_set(err, PST_E_TIMEOUT, "%s", ce.message);
        }
        mark_down_locked(p, e, ce.code ? ce.code : PST_E_CLOSED);
        tried |= (uint64_t)1 << pick;
    }
}

/* Give pl back (or close it). `retried`: the call failed here in a way that
 * lets it be made again elsewhere, and is counted there, not here. */
static void release(pst_pool *p, size_t i, pst_pipeline *pl, bool fresh,
                    int rc, bool retried)
{
    int broken = pst_pipeline_error(pl, NULL);
    /* After a timeout the server may still be working on the old call, and
     * the next call's reply would queue behind it: do not lend it again. */
    bool keep = broken == 0 && rc != PST_E_TIMEOUT;
    pthread_mutex_lock(&p->mu);
    pool_ep *e = &p->eps[i];
    if (!retried) {
        e->calls++;
        p->calls++;
    }
    if (!retried && is_failure(rc)) {
        e->failures++;
        p->failures++;
    }
    if (keep && e->up) {
        e->idle[e->nidle++] = pl;
    } else {
        pst_pipeline_free(pl);
        e->open--;
        if (broken != 0 && broken != PST_E_TIMEOUT && e->up) {
            if (fresh)
                mark_down_locked(p, e, broken);
            else
                close_idle_locked(e);
        }
    }
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int pst_pool_call_until(pst_pool *p, const pst_method_desc *m,
                        const void *args, void *result, pst_arena *a,
                        pst_deadline deadline, pst_call_info *info)
{
    pst_error *err = info ? &info->error : NULL;
    if (!p || !m) {
        int rc = pst_error_set(err, PST_E_INVALID,
                               "pool call: missing pool or method");
        if (info)
            info->status = rc;
        return rc;
    }
    deadline = pst__deadline_or(deadline, p->call_timeout_ms);
    /* A call whose request never completely reached the socket (its
     * connection had closed: a server restarted, the pooled connection was
     * stale) cannot have run, so it goes again on another connection, or
     * endpoint: each such failure closes the connection, and on a fresh one
     * takes its endpoint down. With `idempotent`, so does a call whose
     * connection the peer closed before any byte of its reply came. Bounded,
     * in case every connection fails that way. */
    size_t retries_left = p->neps + 2;
    for (;;) {
        size_t i = 0;
        pst_pipeline *pl = NULL;
        bool fresh = false;
        int rc = acquire(p, deadline, &i, &pl, &fresh, err);
        if (rc < 0) {
            pthread_mutex_lock(&p->mu);
            p->calls++;
            p->failures++;
            pthread_mutex_unlock(&p->mu);
            if (info)
                info->status = rc;
            return rc;
        }
        pst__call_fate fate = PST__FATE_OTHER;
        rc = pst__pipeline_call_fate(pl, m, args, result, a, deadline, info,
                                     &fate);
        bool retry = rc < 0 && retries_left > 0 &&
                     (fate == PST__FATE_UNSENT ||
                      (fate == PST__FATE_UNANSWERED && p->idempotent)) &&
                     !pst__deadline_passed(deadline);
        release(p, i, pl, fresh, rc, retry);
        if (!retry)
            return rc;
        retries_left--;
        pthread_mutex_lock(&p->mu);
        p->retries++;
        p->eps[i].retries++;
        pthread_mutex_unlock(&p->mu);
        if (info) /* the next attempt's outcome replaces this one's */
            memset(info, 0, sizeof *info);
    }
}

int pst_pool_call(pst_pool *p, const pst_method_desc *m, const void *args,
                  void *result, pst_arena *a)
{
    return pst_pool_call_until(p, m, args, result, a, PST_DEADLINE_DEFAULT,
                               pst__call_info_begin(pst__pool_serial(p)));
}

const pst_app_exception *pst_pool_app_exception(const pst_pool *p)
{
    return pst__call_info_app_exception(pst__pool_serial(p));
}

uint64_t pst__pool_serial(const pst_pool *p)
{
    return p ? p->serial : 0;
}

/* ---- stats ------------------------------------------------------------------ */

void pst_pool_stats_get(const pst_pool *pc, pst_pool_stats *out)
{
    pst_pool *p = (pst_pool *)pc;  /* the mutex is not the value */
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&p->mu);
    out->calls = p->calls;
    out->failures = p->failures;
    out->connects = p->connects;
    out->connect_failures = p->connect_failures;
    out->retries = p->retries;
    out->endpoints = (uint32_t)p->neps;
    for (size_t i = 0; i < p->neps; i++) {
        out->endpoints_up += p->eps[i].up;
        out->connections += p->eps[i].open;
        out->idle += p->eps[i].nidle;
    }
    pthread_mutex_unlock(&p->mu);
}

size_t pst_pool_endpoint_count(const pst_pool *p)
{
    return p ? p->neps : 0;
}

int pst_pool_endpoint_stats_get(const pst_pool *pc, size_t i,
                                pst_pool_endpoint_stats *out)
{
    pst_pool *p = (pst_pool *)pc;
    if (!p || i >= p->neps)
        return PST_E_INVALID;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&p->mu);
    pool_ep *e = &p->eps[i];
    out->name = e->addr.text;
    out->up = e->up;
    int64_t now = pst_monotonic_ms();
    out->retry_in_ms = !e->up && e->retry_at_ms > now ? e->retry_at_ms - now
                                                      : 0;
    out->last_error = e->last_error;
    out->calls = e->calls;
    out->failures = e->failures;
    out->connects = e->connects;
    out->connect_failures = e->connect_failures;
    out->retries = e->retries;
    out->connections = e->open;
    out->idle = e->nidle;
    pthread_mutex_unlock(&p->mu);
    return 0;
}

/* ---- life cycle ----------------------------------------------------------- */

static int parse_endpoints(pst_pool *p, const char *list, pst_error *err)
{
    if (!list)
        return pst_error_set(err, PST_E_INVALID, "pool: no endpoints");
    size_t count = 0;
    for (const char *s = list; *s;) {
        while (*s == ',' || *s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        const char *t = s;
        while (*t && *t != ',' && *t != ' ' && *t != '\t' && *t != '\n')
            t++;
        if (count == POOL_MAX_ENDPOINTS)
            return pst_error_set(err, PST_E_LIMIT,
                                 "pool: more than %d endpoints",
                                 POOL_MAX_ENDPOINTS);
        pool_ep *e = &p->eps[count];
        int rc = pst__endpoint_parse(s, (size_t)(t - s), &e->addr, err);
        if (rc < 0)
            return rc;
        count++;
        p->neps = count;
        s = t;
    }
    if (count == 0)
        return pst_error_set(err, PST_E_INVALID,
                             "pool: the endpoint list is empty");
    return 0;
}

pst_pool *pst_pool_new(const pst_pool_options *opt, pst_error *err)
{
    static const pst_pool_options defaults = PST_POOL_OPTIONS_INIT;
    pst_pool_options o = opt ? *opt : defaults;
    if (o.connect_timeout_ms < 0 || o.call_timeout_ms < 0 ||
        o.max_per_endpoint < 0 || o.backoff_initial_ms < 0 ||
        o.backoff_max_ms < 0) {
        pst_error_set(err, PST_E_INVALID, "pool options: negative value");
        return NULL;
    }
    pst_pool *p = calloc(1, sizeof *p);
    if (p)
        p->eps = calloc(POOL_MAX_ENDPOINTS, sizeof *p->eps);
    if (!p || !p->eps) {
        free(p);
        pst_error_set(err, PST_E_NOMEM, "pool: no memory");
        return NULL;
    }
    p->connect_timeout_ms = o.connect_timeout_ms ? o.connect_timeout_ms : 1000;
    p->call_timeout_ms = o.call_timeout_ms;
    p->idempotent = o.idempotent;
    p->serial = pst__call_owner_serial();
    p->max_per = o.max_per_endpoint ? (uint32_t)o.max_per_endpoint : 8;
    p->backoff_initial_ms = o.backoff_initial_ms ? o.backoff_initial_ms : 100;
    p->backoff_max_ms = o.backoff_max_ms ? o.backoff_max_ms : 30000;
    if (p->backoff_max_ms < p->backoff_initial_ms)
        p->backoff_max_ms = p->backoff_initial_ms;

    pst_pipeline_options po = PST_PIPELINE_OPTIONS_INIT;
    po.protocol = o.protocol;
    po.framed = o.framed;
    po.codec = o.codec;
    po.max_pending = 4;  /* one call at a time, plus slack for abandoned */
    p->popt = po;

    int rc = parse_endpoints(p, o.endpoints, err);
    for (size_t i = 0; rc == 0 && i < p->neps; i++) {
        pool_ep *e = &p->eps[i];
        e->up = true;
        e->backoff_ms = p->backoff_initial_ms;
        e->idle = calloc(p->max_per, sizeof *e->idle);
        if (!e->idle)
            rc = pst_error_set(err, PST_E_NOMEM, "pool: no memory");
    }
    if (rc < 0) {
        for (size_t i = 0; i < POOL_MAX_ENDPOINTS; i++)
            free(p->eps[i].idle);
        free(p->eps);
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cv, &ca);
    pthread_condattr_destroy(&ca);
    return p;
}

void pst_pool_free(pst_pool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->neps; i++) {
        close_idle_locked(&p->eps[i]);
        free(p->eps[i].idle);
    }
    free(p->eps);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
