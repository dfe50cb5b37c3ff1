/*
 * processor_internal.h: what the servers learn from the processor beyond
 * the reply bytes (for metrics), and the step a JSON call shares with it.
 * Not public API.
 */
#ifndef POSTERN_CORE_PROCESSOR_INTERNAL_H
#define POSTERN_CORE_PROCESSOR_INTERNAL_H

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

/* Run method m's handler on decoded args (result already initialised from
 * its descriptor), mark `success` present when no declared exception was
 * set, and say how the call ended. A failing handler's message (or NULL)
 * is left in *error_message. For callers that decode arguments themselves
 * (JSON calls). */
pst__outcome pst__invoke(const pst_processor *proc, const pst_method_desc *m,
                         void *args, void *result, pst_arena *arena,
                         int32_t seqid, const char **error_message);

#endif
