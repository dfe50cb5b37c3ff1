/*
 * processor_internal.h: what the servers learn from the processor beyond
 * the reply bytes (for metrics), and the step a JSON call shares with it.
 * Not public API.
 */
#ifndef POSTERN_CORE_PROCESSOR_INTERNAL_H
#define POSTERN_CORE_PROCESSOR_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>

#include "postern/processor.h"

/* How a call ended, as /metrics labels it. */
typedef enum pst__outcome {
    PST__OUTCOME_OK = 0,        /* success (or a oneway call that ran) */
    PST__OUTCOME_DECLARED,      /* a declared exception */
    PST__OUTCOME_APP_ERROR,     /* a TApplicationException: handler failed,
                                   result not encodable, out of memory */
    PST__OUTCOME_PROTOCOL,      /* arguments did not decode */
    PST__OUTCOME_COUNT
} pst__outcome;

typedef struct pst__call_report {
    const pst_method_desc *method;  /* NULL: header unreadable, not a call,
                                       or no such method */
    pst__outcome outcome;
    bool over_memory;               /* the arguments needed more than the
                                       arena's limit (the per-call memory
                                       cap): answered with PROTOCOL_ERROR,
                                       and pst__process fails so the server
                                       closes the connection */
} pst__call_report;

/* pst_process, also filling *rep (when not NULL). */
int pst__process(const pst_processor *proc, const pst_protocol *proto,
                 const uint8_t *req, size_t len, pst_wbuf *out, pst_arena *arena,
                 const pst_codec_config *cfg, pst_error *err,
                 pst__call_report *rep);

/* ---- taps: a server watching its calls (recording them to a file) ---- */

typedef struct pst__call_tap {
    /* Called on the thread that ran the call, after it: the request
     * message, and the reply written (NULL, 0: none, as for oneway calls
     * or requests that could not be answered). conn_id: pst__call_conn_id.
     * Must be thread-safe: calls run on many threads at once. */
    void (*fn)(void *ctx, const pst_protocol *proto, uint64_t conn_id,
               const uint8_t *req, size_t req_len, const uint8_t *reply,
               size_t reply_len);
    void *ctx;
} pst__call_tap;

/* Watch every call pst__process runs for proc (compared by address) until
 * pst__call_tap_remove. 0, or PST_E_BUSY when PST__MAX_CALL_TAPS
 * processors have taps already. Add before serving, remove after: a tap
 * must not be removed while calls run. */
#define PST__MAX_CALL_TAPS 64
int pst__call_tap_add(const pst_processor *proc, const pst__call_tap *tap);
void pst__call_tap_remove(const pst_processor *proc);
const pst__call_tap *pst__call_tap_find(const pst_processor *proc);

extern atomic_uint pst__call_taps;
static inline bool pst__call_taps_in_use(void)
{
    return atomic_load_explicit(&pst__call_taps, memory_order_relaxed) != 0;
}

/* The connection whose requests this thread is processing, numbered by
 * its server (pst__conn_entry.id; 0: none). The server models set it
 * before they call pst__process, for taps to say which connection a call
 * came on. */
extern _Thread_local uint64_t pst__call_conn_id
    __attribute__((tls_model("initial-exec")));

/* Run method m's handler on decoded args (result already initialised from
 * its descriptor), mark `success` present when no declared exception was
 * set, and say how the call ended. A failing handler's message (or NULL)
 * is left in *error_message. For callers that decode arguments themselves
 * (JSON calls). */
pst__outcome pst__invoke(const pst_processor *proc, const pst_method_desc *m,
                         void *args, void *result, pst_arena *arena,
                         int32_t seqid, const char **error_message);

/* ---- multiplexing (processor_multiplex.c) ------------------------------ */

/* A multiplexing processor's service descriptor is named by this very
 * array: the address, not the text, tells it apart from a real service. */
extern const char pst__multiplex_service_name[];

static inline bool pst__is_multiplex(const pst_service_desc *s)
{
    return s->name == pst__multiplex_service_name;
}

/* A call whose method proc's service does not have, header h already read
 * from r (its arguments next): for a multiplexing proc, run "S:m" on S's
 * processor, else (or S unknown) skip the arguments and answer
 * UNKNOWN_METHOD (nothing for a oneway call). pst__process's contract. */
int pst__multiplex_process(const pst_processor *proc,
                           const pst_protocol *proto, pst_rbuf *r,
                           const pst_msg_header *h, bool reply, pst_wbuf *out,
                           pst_arena *arena, const pst_codec_config *cfg,
                           pst_error *err, pst__call_report *rep);

/* The rest of pst__process once the header h is read from r and method m
 * of proc found: decode the arguments, run the handler, write the reply
 * naming h->name. r->err must be non-NULL (the decoder's detail). */
int pst__process_method(const pst_processor *proc, const pst_protocol *proto,
                        pst_rbuf *r, const pst_msg_header *h,
                        const pst_method_desc *m, bool reply, pst_wbuf *out,
                        pst_arena *arena, const pst_codec_config *cfg,
                        pst_error *err, pst__call_report *rep);

/* Answer UNKNOWN_METHOD for h (unless !reply) after skipping the arguments,
 * with `message` as the exception's text. */
int pst__unknown_method(const pst_protocol *proto, pst_rbuf *r, pst_wbuf *out,
                        const pst_msg_header *h, bool reply,
                        const char *message, const pst_codec_config *cfg,
                        pst_error *err);

#endif
