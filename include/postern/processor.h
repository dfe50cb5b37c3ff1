/*
 * postern/processor.h: turn one request message into one reply message.
 *
 * The processor is a pure function over buffers, shared by every server
 * model: it reads the message header, finds the method by name (through
 * `extends`), decodes the arguments into the call's arena, runs the
 * generated invoke wrapper (which calls the handler), and encodes the reply.
 *
 *   unknown method          -> args skipped, TApplicationException UNKNOWN_METHOD
 *   undecodable arguments   -> TApplicationException PROTOCOL_ERROR
 *   handler returns < 0     -> TApplicationException INTERNAL_ERROR
 *   handler sets a declared exception in the result -> REPLY carrying it
 *   oneway                  -> no reply bytes
 *
 * Thread-safety: pst_process may run on many threads at once with the same
 * processor; the handler must be thread-safe if the server is multi-threaded.
 */
#ifndef POSTERN_PROCESSOR_H
#define POSTERN_PROCESSOR_H

#include "protocol.h"
#include "types.h"

/* What a handler learns about the call it serves. */
typedef struct pst_call {
    pst_arena *arena;              /* allocate result data here; freed when
                                      the reply has been written */
    void *user;                    /* pst_processor.user */
    const pst_method_desc *method;
    int32_t seqid;
    const char *error_message;     /* a failing handler may point this at a
                                      message for the INTERNAL_ERROR reply */
} pst_call;

typedef struct pst_processor {
    const pst_service_desc *service;
    const void *handler;           /* the generated <Service>_handler struct */
    void *user;                    /* passed to handlers as call->user */
} pst_processor;

/* Process the request in [req, req+len) and append the reply to out (nothing
 * for oneway). Returns 0 when out holds the reply (or nothing is owed), or a
 * negative status when the request cannot be answered at all (its header is
 * unreadable, it is not a CALL/ONEWAY, or not even an exception reply fits
 * out's max): the caller should close the
 * connection and log err. Even then out may hold an EXCEPTION message telling
 * the peer why (INVALID_MESSAGE_TYPE for a REPLY sent to a server): send it
 * before closing. The arena is the call's; the caller resets it after the
 * reply is written. */
int pst_process(const pst_processor *proc, const pst_protocol *proto,
                const uint8_t *req, size_t len, pst_wbuf *out, pst_arena *arena,
                const pst_codec_config *cfg, pst_error *err);

#endif
