/*
 * includer.h: generated from includer.thrift by postern gen. Do not edit.
 *
 * C names start with incl_ (from namespace c). Structs are plain data;
 * each has a const descriptor (_desc) that the protocols walk, an _init
 * function, and _isset_/_set_ functions per field. Strings (pst_str) and
 * lists (pst_list: data, count) point into the arena that decoded them.
 * See postern/types.h.
 */
#ifndef POSTERN_GEN_incl__includer_H
#define POSTERN_GEN_incl__includer_H

#include <stdbool.h>
#include <stdint.h>

#include <postern/client.h>
#include <postern/processor.h>
#include <postern/types.h>

#include "golden_base.h"

/*
 * struct Envelope (includer.thrift:6)
 */
typedef struct incl_Envelope {
    gbase_Header header;                /* 1: golden_base.Header header */
    pst_list history;                   /* 2: list<golden_base.Header> history; data: gbase_Header[count] */
    int32_t kind;                       /* 3: golden_base.Kind kind = golden_base.Kind.B */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} incl_Envelope;

extern const pst_struct_desc incl_Envelope_desc;
/* Zero *v, then set the IDL default values (and their isset bits). */
void incl_Envelope_init(incl_Envelope *v);
static inline bool incl_Envelope_isset_header(const incl_Envelope *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void incl_Envelope_set_header(incl_Envelope *v) { v->isset_[0] |= 0x01u; }
static inline bool incl_Envelope_isset_history(const incl_Envelope *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void incl_Envelope_set_history(incl_Envelope *v) { v->isset_[0] |= 0x02u; }
static inline bool incl_Envelope_isset_kind(const incl_Envelope *v) { return (v->isset_[0] & 0x04u) != 0; }
static inline void incl_Envelope_set_kind(incl_Envelope *v) { v->isset_[0] |= 0x04u; }

/*
 * const golden_base.Header DEFAULT_HEADER = {"id": golden_base.FIRST} (includer.thrift:12)
 */
extern const gbase_Header incl_DEFAULT_HEADER;

/* ==== service Relay ==== */

/*
 * Relay.relay: the arguments as they travel.
 * Envelope relay(1: Envelope e) throws (1: golden_base.Failed failed)
 */
typedef struct incl_Relay_relay_args {
    incl_Envelope e;                    /* 1: Envelope e */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} incl_Relay_relay_args;

extern const pst_struct_desc incl_Relay_relay_args_desc;
/* Zero *v, then set the IDL default values (there are none). */
void incl_Relay_relay_args_init(incl_Relay_relay_args *v);
static inline bool incl_Relay_relay_args_isset_e(const incl_Relay_relay_args *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void incl_Relay_relay_args_set_e(incl_Relay_relay_args *v) { v->isset_[0] |= 0x01u; }

/*
 * Relay.relay: the result as it travels: success (field 0) or one declared exception.
 */
typedef struct incl_Relay_relay_result {
    incl_Envelope success;              /* 0: Envelope success (the return value) */
    gbase_Failed failed;                /* 1: golden_base.Failed failed */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} incl_Relay_relay_result;

extern const pst_struct_desc incl_Relay_relay_result_desc;
/* Zero *v, then set the IDL default values (there are none). */
void incl_Relay_relay_result_init(incl_Relay_relay_result *v);
static inline bool incl_Relay_relay_result_isset_success(const incl_Relay_relay_result *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void incl_Relay_relay_result_set_success(incl_Relay_relay_result *v) { v->isset_[0] |= 0x01u; }
static inline bool incl_Relay_relay_result_isset_failed(const incl_Relay_relay_result *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void incl_Relay_relay_result_set_failed(incl_Relay_relay_result *v) { v->isset_[0] |= 0x02u; }

/*
 * service Relay extends golden_base.Pinger (includer.thrift:14)
 *
 * Serving Relay: fill in the functions you implement (a call to a NULL
 * one fails: "method ... is not implemented") and hand the table to a
 * processor:
 *     static const incl_Relay_handler h = { .relay = my_relay };
 *     pst_processor proc = { &incl_Relay_desc, &h, user };
 * Each function gets the call (call->arena for reply data, call->user),
 * the arguments (in call->arena until the reply is written, so the
 * result may point into them) and, unless oneway, the result to fill
 * in. Return 0 to reply with result->success (marked set for
 * you) or with a declared exception you filled in and marked with its
 * _set_ function; return < 0 for an INTERNAL_ERROR reply
 * (call->error_message may say why).
 * The base service's functions are in .base.
 */
typedef struct incl_Relay_handler {
    gbase_Pinger_handler base;          /* the methods of golden_base.Pinger; first, so a pointer to this table is also one to the base's */
    /*
     * Envelope relay(1: Envelope e) throws (1: golden_base.Failed failed)
     */
    int (*relay)(pst_call *call, const incl_Envelope *e, incl_Relay_relay_result *result);
} incl_Relay_handler;

extern const pst_service_desc incl_Relay_desc;

/*
 * Client stubs for Relay: each sends the call over c and, unless oneway,
 * waits for the reply. 0: result->success holds the value (for void
 * methods: the call succeeded); PST_E_DECLARED_EXCEPTION: one of the
 * result's exception fields is set; otherwise a status from
 * postern/client.h. Reply strings and lists live in arena a. A NULL
 * struct or container argument is left out of the call.
 */
/* Envelope relay(1: Envelope e) throws (1: golden_base.Failed failed) */
int incl_Relay_relay(pst_client *c, pst_arena *a, const incl_Envelope *e, incl_Relay_relay_result *result);

#endif /* POSTERN_GEN_incl__includer_H */
