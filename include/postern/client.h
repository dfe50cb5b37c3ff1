/*
 * postern/client.h: calling a service.
 *
 * Generated stubs (<ns>_<Service>_<method>) pack their parameters into the
 * method's args struct and call pst_client_call, which sends the CALL (or
 * ONEWAY), then reads the reply and checks method name, seqid and message
 * type.
 *
 * pst_client_call returns:
 *   0                          result->success holds the value (if not void)
 *   PST_E_DECLARED_EXCEPTION   one of result's exception fields is set
 *   PST_E_APP_EXCEPTION        the server sent a TApplicationException;
 *                              pst_client_app_exception() has it
 *   PST_E_WRONG_METHOD, PST_E_BAD_SEQID, PST_E_BAD_MSG_TYPE,
 *   PST_E_MISSING_RESULT       the reply did not match the call; the
 *                              connection is closed (its state is unknown)
 *   transport and decode errors (PST_E_CLOSED, PST_E_TIMEOUT, ...)
 * Reply data (strings, lists) lives in arena a.
 *
 * Thread-safety: a pst_client serves one call at a time; see the
 * pipelining client for many threads on one connection.
 */
#ifndef POSTERN_CLIENT_H
#define POSTERN_CLIENT_H

#include "processor.h"
#include "protocol.h"
#include "types.h"

typedef struct pst_client pst_client;

int pst_client_call(pst_client *c, const pst_method_desc *m, const void *args,
                    void *result, pst_arena *a);

#endif
