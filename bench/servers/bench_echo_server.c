/*
 * bench_echo_server: the Echo service of the shared bench (echo.thrift:
 * `EchoRes echo(1: EchoReq req)`, both structs `{1: string msg}`) served by
 * postern, for compare.sh. The service descriptor is written by hand the way
 * the compiler generates it, so this builds without the compiler.
 *
 *   bench-echo-server --port N [--bind ADDR] [--server-type simple|threaded|
 *                     thread-pool|nonblocking] [--io-threads N] [--workers N]
 *                     [--max-connections N]
 *
 * Listens on 127.0.0.1 by default; protocol and framing are detected per
 * connection. SIGTERM / SIGINT stop it gracefully.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postern/processor.h"
#include "postern/server.h"

typedef struct echo_EchoReq {
    pst_str msg;
    uint8_t isset_[1];
} echo_EchoReq;
typedef echo_EchoReq echo_EchoRes;

static const pst_field echo_msg_fields[] = {
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(echo_EchoReq, msg),
      &pst_type_string, "msg" },
};
static const pst_struct_desc echo_EchoReq_desc = {
    "EchoReq", sizeof(echo_EchoReq), offsetof(echo_EchoReq, isset_), 1,
    PST_STRUCT, echo_msg_fields, NULL
};
static const pst_struct_desc echo_EchoRes_desc = {
    "EchoRes", sizeof(echo_EchoRes), offsetof(echo_EchoRes, isset_), 1,
    PST_STRUCT, echo_msg_fields, NULL
};
static const pst_type echo_EchoReq_type = { PST_K_STRUCT, PST_TT_STRUCT,
    sizeof(echo_EchoReq), &echo_EchoReq_desc, NULL, NULL, NULL };
static const pst_type echo_EchoRes_type = { PST_K_STRUCT, PST_TT_STRUCT,
    sizeof(echo_EchoRes), &echo_EchoRes_desc, NULL, NULL, NULL };

typedef struct echo_Echo_echo_args {
    echo_EchoReq req;
    uint8_t isset_[1];
} echo_Echo_echo_args;
static const pst_field echo_Echo_echo_args_fields[] = {
    { 1, PST_K_STRUCT, PST_REQ_DEFAULT, 0, offsetof(echo_Echo_echo_args, req),
      &echo_EchoReq_type, "req" },
};
static const pst_struct_desc echo_Echo_echo_args_desc = {
    "echo_args", sizeof(echo_Echo_echo_args),
    offsetof(echo_Echo_echo_args, isset_), 1, PST_STRUCT,
    echo_Echo_echo_args_fields, NULL
};

typedef struct echo_Echo_echo_result {
    echo_EchoRes success;
    uint8_t isset_[1];
} echo_Echo_echo_result;
static const pst_field echo_Echo_echo_result_fields[] = {
    { 0, PST_K_STRUCT, PST_REQ_OPTIONAL, 0,
      offsetof(echo_Echo_echo_result, success), &echo_EchoRes_type, "success" },
};
static const pst_struct_desc echo_Echo_echo_result_desc = {
    "echo_result", sizeof(echo_Echo_echo_result),
    offsetof(echo_Echo_echo_result, isset_), 1, PST_STRUCT,
    echo_Echo_echo_result_fields, NULL
};

typedef struct echo_Echo_handler {
    int (*echo)(pst_call *call, const echo_EchoReq *req,
                echo_Echo_echo_result *result);
} echo_Echo_handler;

static int echo_Echo_echo_invoke(const void *handler, pst_call *call,
                                 const void *args, void *result)
{
    const echo_Echo_handler *h = handler;
    const echo_Echo_echo_args *a = args;
    return h->echo(call, &a->req, result);
}

static const pst_method_desc echo_Echo_methods[] = {
    { "echo", &echo_Echo_echo_args_desc, &echo_Echo_echo_result_desc, false,
      echo_Echo_echo_invoke },
};
static const pst_service_desc echo_Echo_desc = { "Echo", NULL, 1,
                                                 echo_Echo_methods };

/* The reply points at the request's bytes: they outlive the encoding. */
static int handle_echo(pst_call *call, const echo_EchoReq *req,
                       echo_Echo_echo_result *result)
{
    (void)call;
    result->success.msg = req->msg;
    pst_set_isset(&echo_Echo_echo_result_desc, result, 0, true);
    return 0;
}

static const echo_Echo_handler handler = { handle_echo };
static pst_server *g_server;

static void on_signal(int sig)
{
    (void)sig;
    if (g_server)
        pst_server_stop(g_server);   /* async-signal-safe */
}

static int usage(void)
{
    fprintf(stderr,
            "usage: bench-echo-server --port N [--bind ADDR] [--server-type "
            "simple|threaded|thread-pool|nonblocking]\n"
            "                         [--io-threads N] [--workers N] "
            "[--max-connections N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    pst_server_options opt = PST_SERVER_OPTIONS_INIT;
    opt.model = PST_SERVER_NONBLOCKING;
    opt.port = -1;
    for (int i = 1; i < argc; i += 2) {   /* every option takes a value */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage();
        if (strcmp(a, "--port") == 0)
            opt.port = atoi(v);
        else if (strcmp(a, "--bind") == 0)
            opt.bind = v;
        else if (strcmp(a, "--server-type") == 0) {
            int m = pst_server_model_by_name(v);
            if (m < 0) {
                fprintf(stderr, "bench-echo-server: unknown server type %s\n", v);
                return usage();
            }
            opt.model = (pst_server_model)m;
        } else if (strcmp(a, "--io-threads") == 0)
            opt.io_threads = atoi(v);
        else if (strcmp(a, "--workers") == 0)
            opt.workers = atoi(v);
        else if (strcmp(a, "--max-connections") == 0)
            opt.max_connections = atoi(v);
        else
            return usage();
    }
    if (opt.port < 0 || opt.port > 65535)
        return usage();

    pst_processor proc = { &echo_Echo_desc, &handler, NULL };
    pst_error err;
    pst_error_clear(&err);
    g_server = pst_server_new(&proc, &opt, &err);
    if (!g_server) {
        fprintf(stderr, "bench-echo-server: %s\n", err.message);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "bench-echo-server: listening on port %d\n",
            pst_server_port(g_server));
    int rc = pst_server_run(g_server);
    pst_server *s = g_server;
    g_server = NULL;             /* a late signal must not touch it */
    pst_server_free(s);
    if (rc < 0) {
        fprintf(stderr, "bench-echo-server: %s\n", pst_strerror(rc));
        return 1;
    }
    return 0;
}
