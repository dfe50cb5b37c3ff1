/*
 * process-bench: the per-call work of postern's nonblocking server without
 * the sockets: pst_process over one Echo.echo request, as dispatch_inline
 * runs it (frame length reserved and written, the loop's arena reset after
 * every call, replies appended in batches of 16).
 *
 *   process-bench [--compact] [--size BYTES] [--calls N]
 *
 * Prints ns per call. The number to compare between versions is the count
 * of user instructions per call, which does not depend on the machine's
 * load: `perf stat -e instructions:u build/bin/process-bench` divided by
 * --calls (set-up is a few thousand instructions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "echo.h"
#include "postern/processor.h"

static int echo_impl(pst_call *call, const echo_EchoReq *req,
                     echo_Echo_echo_result *result)
{
    (void)call;
    result->success.msg = req->msg;
    echo_EchoRes_set_msg(&result->success);
    return 0;
}

static const echo_Echo_handler handler = { .echo = echo_impl };

int main(int argc, char **argv)
{
    const pst_protocol *proto = &pst_protocol_binary;
    size_t size = 32;
    long calls = 10000000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--compact"))
            proto = &pst_protocol_compact;
        else if (!strcmp(argv[i], "--size") && i + 1 < argc)
            size = (size_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--calls") && i + 1 < argc)
            calls = strtol(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: process-bench [--compact] [--size BYTES] [--calls N]\n");
            return 2;
        }
    }

    /* the request, as a client writes it */
    char *msg = malloc(size ? size : 1);
    memset(msg, 'x', size);
    echo_Echo_echo_args args;
    echo_Echo_echo_args_init(&args);
    args.req.msg = (pst_str){ msg, size };
    echo_EchoReq_set_msg(&args.req);
    echo_Echo_echo_args_set_req(&args);
    pst_wbuf req;
    pst_wbuf_init(&req, 0);
    pst_msg_header h = { PST_STR("echo"), PST_MSG_CALL, 1 };
    if (proto->write_message_begin(&req, &h) < 0 ||
        proto->write_struct(&req, &echo_Echo_echo_args_desc, &args, NULL) < 0) {
        fprintf(stderr, "process-bench: cannot encode the request\n");
        return 1;
    }

    pst_processor proc = { &echo_Echo_desc, &handler, NULL };
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    static uint8_t block[32 * 1024];
    pst_arena arena;
    pst_arena_init(&arena, block, sizeof block, 0);
    pst_wbuf out;
    pst_wbuf_init(&out, 0);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < calls; i++) {
        if ((i & 15) == 0)
            out.len = 0;
        size_t mark = out.len;
        if (pst_wbuf_reserve(&out, 4) < 0)
            return 1;
        out.len += 4;
        out.max = out.len + cfg.max_message;
        pst_error err;
        pst_error_clear(&err);
        int rc = pst_process(&proc, proto, req.data, req.len, &out, &arena,
                             &cfg, &err);
        pst_arena_reset(&arena);
        if (rc < 0 || out.err) {
            fprintf(stderr, "process-bench: %s\n", err.message);
            return 1;
        }
        size_t n = out.len - mark - 4;
        out.data[mark] = (uint8_t)(n >> 24);
        out.data[mark + 1] = (uint8_t)(n >> 16);
        out.data[mark + 2] = (uint8_t)(n >> 8);
        out.data[mark + 3] = (uint8_t)n;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 +
                (double)(t1.tv_nsec - t0.tv_nsec);
    printf("process-bench: %s, %zu-byte message, %ld calls, %.1f ns/call, "
           "reply %zu bytes\n",
           proto->name, size, calls, ns / (double)calls,
           out.len / (size_t)(((calls - 1) & 15) + 1));
    pst_wbuf_free(&out);
    pst_wbuf_free(&req);
    free(msg);
    return 0;
}
