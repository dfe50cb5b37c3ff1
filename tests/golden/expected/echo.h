/*
 * echo.h: generated from echo.thrift by postern gen. Do not edit.
 *
 * C names start with echo_ (from namespace c). Structs are plain data;
 * each has a const descriptor (_desc) that the protocols walk, an _init
 * function, and _isset_/_set_ functions per field. Strings (pst_str) and
 * lists (pst_list: data, count) point into the arena that decoded them.
 * See postern/types.h.
 */
#ifndef POSTERN_GEN_echo__echo_H
#define POSTERN_GEN_echo__echo_H

#include <stdbool.h>
#include <stdint.h>

#include <postern/client.h>
#include <postern/processor.h>
#include <postern/types.h>

/*
 * struct EchoReq (echo.thrift:4)
 */
typedef struct echo_EchoReq {
    pst_str msg;                        /* 1: string msg */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} echo_EchoReq;

extern const pst_struct_desc echo_EchoReq_desc;
/* Zero *v, then set the IDL default values (there are none). */
void echo_EchoReq_init(echo_EchoReq *v);
static inline bool echo_EchoReq_isset_msg(const echo_EchoReq *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void echo_EchoReq_set_msg(echo_EchoReq *v) { v->isset_[0] |= 0x01u; }

/*
 * struct EchoRes (echo.thrift:8)
 */
typedef struct echo_EchoRes {
    pst_str msg;                        /* 1: string msg */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} echo_EchoRes;

extern const pst_struct_desc echo_EchoRes_desc;
/* Zero *v, then set the IDL default values (there are none). */
void echo_EchoRes_init(echo_EchoRes *v);
static inline bool echo_EchoRes_isset_msg(const echo_EchoRes *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void echo_EchoRes_set_msg(echo_EchoRes *v) { v->isset_[0] |= 0x01u; }

/* ==== service Echo ==== */

/*
 * Echo.echo: the arguments as they travel.
 * EchoRes echo(1: EchoReq req)
 */
typedef struct echo_Echo_echo_args {
    echo_EchoReq req;                   /* 1: EchoReq req */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} echo_Echo_echo_args;

extern const pst_struct_desc echo_Echo_echo_args_desc;
/* Zero *v, then set the IDL default values (there are none). */
void echo_Echo_echo_args_init(echo_Echo_echo_args *v);
static inline bool echo_Echo_echo_args_isset_req(const echo_Echo_echo_args *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void echo_Echo_echo_args_set_req(echo_Echo_echo_args *v) { v->isset_[0] |= 0x01u; }

/*
 * Echo.echo: the result as it travels: success (field 0).
 */
typedef struct echo_Echo_echo_result {
    echo_EchoRes success;               /* 0: EchoRes success (the return value) */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} echo_Echo_echo_result;

extern const pst_struct_desc echo_Echo_echo_result_desc;
/* Zero *v, then set the IDL default values (there are none). */
void echo_Echo_echo_result_init(echo_Echo_echo_result *v);
static inline bool echo_Echo_echo_result_isset_success(const echo_Echo_echo_result *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void echo_Echo_echo_result_set_success(echo_Echo_echo_result *v) { v->isset_[0] |= 0x01u; }

/*
 * service Echo (echo.thrift:12)
 *
 * Serving Echo: fill in the functions you implement (a call to a NULL
 * one fails: "method ... is not implemented") and hand the table to a
 * processor:
 *     static const echo_Echo_handler h = { .echo = my_echo };
 *     pst_processor proc = { &echo_Echo_desc, &h, user };
 * Each function gets the call (call->arena for reply data, call->user),
 * the arguments (in call->arena until the reply is written, so the
 * result may point into them) and, unless oneway, the result to fill
 * in. Return 0 to reply with result->success (marked set for
 * you) or with a declared exception you filled in and marked with its
 * _set_ function; return < 0 for an INTERNAL_ERROR reply
 * (call->error_message may say why).
 */
typedef struct echo_Echo_handler {
    /*
     * EchoRes echo(1: EchoReq req)
     *
     * Answers with the message it was sent.
     */
    int (*echo)(pst_call *call, const echo_EchoReq *req, echo_Echo_echo_result *result);
} echo_Echo_handler;

extern const pst_service_desc echo_Echo_desc;

/*
 * Client stubs for Echo: each sends the call over c and, unless oneway,
 * waits for the reply. 0: result->success holds the value (for void
 * methods: the call succeeded); PST_E_DECLARED_EXCEPTION: one of the
 * result's exception fields is set; otherwise a status from
 * postern/client.h. Reply strings and lists live in arena a. A NULL
 * struct or container argument is left out of the call.
 */
/* EchoRes echo(1: EchoReq req) */
int echo_Echo_echo(pst_client *c, pst_arena *a, const echo_EchoReq *req, echo_Echo_echo_result *result);

#endif /* POSTERN_GEN_echo__echo_H */
