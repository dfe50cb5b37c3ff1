/*
 * test_pipeline_server.h: a real postern server running the Echo service of
 * test_pipeline_echo.h on a thread, for the pipeline, deadline and pool
 * tests. `hold` waits until the test opens the server's gate.
 */
#ifndef TEST_PIPELINE_SERVER_H
#define TEST_PIPELINE_SERVER_H

#include <stdio.h>

#include "postern/server.h"
#include "test_pipeline_echo.h"

typedef struct echo_server {
    pst_server *srv;
    pthread_t thread;
    int port;
    atomic_int calls;        /* echo and hold calls answered */
    atomic_int poked;        /* sum of poke arguments */
    atomic_int holding;      /* hold calls waiting at the gate */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool gate_open;
    tst_Echo_handler handler;
    pst_processor proc;
} echo_server;

static int es_echo(pst_call *call, pst_str msg, tst_Echo_echo_result *r)
{
    echo_server *es = call->user;
    atomic_fetch_add(&es->calls, 1);
    r->success = msg;
    r->isset_[0] |= 1;
    return 0;
}

static int es_fail(pst_call *call, pst_str why, tst_Echo_fail_result *r)
{
    (void)call;
    if (tst_str_eq(why, "oops")) {
        r->oops.why = PST_STR("because");
        r->oops.isset_[0] |= 1;
        r->isset_[0] |= 2;
        return 0;
    }
    if (tst_str_eq(why, "internal")) {
        call->error_message = "the handler gave up";
        return PST_E_HANDLER;
    }
    if (tst_str_eq(why, "nothing"))
        return 0;
    r->success = why;
    r->isset_[0] |= 1;
    return 0;
}

static int es_poke(pst_call *call, int32_t n)
{
    echo_server *es = call->user;
    atomic_fetch_add(&es->poked, n);
    return 0;
}

static int es_hold(pst_call *call, pst_str msg, tst_Echo_hold_result *r)
{
    echo_server *es = call->user;
    pthread_mutex_lock(&es->mu);
    atomic_fetch_add(&es->holding, 1);
    while (!es->gate_open)
        pthread_cond_wait(&es->cv, &es->mu);
    atomic_fetch_sub(&es->holding, 1);
    pthread_mutex_unlock(&es->mu);
    atomic_fetch_add(&es->calls, 1);
    r->success = msg;
    r->isset_[0] |= 1;
    return 0;
}

static int es_ping(pst_call *call, tst_Echo_ping_result *r)
{
    (void)call;
    (void)r;
    return 0;
}

static void *es_main(void *p)
{
    echo_server *es = p;
    int rc = pst_server_run(es->srv);
    if (rc != 0)
        fprintf(stderr, "server run: %s\n", pst_strerror(rc));
    return NULL;
}

static void es_init(echo_server *es)
{
    memset(es, 0, sizeof *es);
    pthread_mutex_init(&es->mu, NULL);
    pthread_cond_init(&es->cv, NULL);
    es->handler = (tst_Echo_handler){ es_echo, es_fail, es_poke, es_hold,
                                      es_ping };
    es->proc = (pst_processor){ &tst_Echo_desc, &es->handler, es };
}

/* Serve on port (0: any free one), or on unix_path if not NULL, with
 * model; 0 or -1. */
static int es_start_at(echo_server *es, int port, const char *unix_path,
                       pst_server_model model)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = model;
    o.port = port;
    o.unix_path = unix_path;
    o.log_level = PST_LOG_ERROR;
    pst_error err = { 0, "" };
    es->srv = pst_server_new(&es->proc, &o, &err);
    if (!es->srv) {
        fprintf(stderr, "server on port %d: %s\n", port, err.message);
        return -1;
    }
    es->port = pst_server_port(es->srv);
    if (pthread_create(&es->thread, NULL, es_main, es) != 0) {
        pst_server_free(es->srv);
        es->srv = NULL;
        return -1;
    }
    return 0;
}

static inline int es_start(echo_server *es, int port, pst_server_model model)
{
    return es_start_at(es, port, NULL, model);
}

static void es_open_gate(echo_server *es)
{
    pthread_mutex_lock(&es->mu);
    es->gate_open = true;
    pthread_cond_broadcast(&es->cv);
    pthread_mutex_unlock(&es->mu);
}

/* Stop gracefully (opening the gate so held calls finish) and free. */
static void es_stop(echo_server *es)
{
    if (!es->srv)
        return;
    es_open_gate(es);
    pst_server_stop(es->srv);
    pthread_join(es->thread, NULL);
    pst_server_free(es->srv);
    es->srv = NULL;
}

static void es_destroy(echo_server *es)
{
    es_stop(es);
    pthread_mutex_destroy(&es->mu);
    pthread_cond_destroy(&es->cv);
}

static inline const char *es_endpoint(const echo_server *es, char *buf,
                                      size_t n)
{
    snprintf(buf, n, "127.0.0.1:%d", es->port);
    return buf;
}

#endif
