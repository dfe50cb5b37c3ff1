/*
 * test_serve_thread.h: make a server and run it on a thread of its own,
 * then stop it, join it and free it, for the unit tests that call it over
 * real sockets. Include after test.h.
 */
#ifndef TEST_SERVE_THREAD_H
#define TEST_SERVE_THREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "postern/server.h"

typedef struct t_serving {
    pst_server *s;
    pthread_t thread;
    int rc; /* what pst_server_run returned */
} t_serving;

static void *t_serving_main(void *p)
{
    t_serving *r = p;
    r->rc = pst_server_run(r->s);
    return NULL;
}

/* Run s (owned from here on) on a new thread; false, s freed, when no
 * thread could be started. */
static inline bool t_serve(t_serving *r, pst_server *s)
{
    r->s = s;
    r->rc = 0;
    if (pthread_create(&r->thread, NULL, t_serving_main, r) != 0) {
        fprintf(stderr, "  pthread_create failed\n");
        pst_server_free(s);
        r->s = NULL;
        return false;
    }
    return true;
}

/* pst_server_new(proc, o) run by t_serve; false (counted as a failed
 * check, the error printed) when the server cannot be made or run. */
static inline bool t_serve_new(t_serving *r, const pst_processor *proc,
                               const pst_server_options *o)
{
    pst_error err = { 0, "" };
    pst_server *s = pst_server_new(proc, o, &err);
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "  pst_server_new: %s\n", err.message);
        return false;
    }
    return t_serve(r, s);
}

/* Stop, join and free the server; what pst_server_run returned. */
static inline int t_serve_end(t_serving *r)
{
    pst_server_stop(r->s);
    pthread_join(r->thread, NULL);
    pst_server_free(r->s);
    r->s = NULL;
    return r->rc;
}

/* Whether text contains needle; says which when not. */
static inline bool t_has(const char *text, const char *needle)
{
    bool ok = strstr(text, needle) != NULL;
    if (!ok)
        fprintf(stderr, "  '%s' lacks '%s'\n", text, needle);
    return ok;
}

#endif
