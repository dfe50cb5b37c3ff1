/*
 * includer.c: generated from includer.thrift by postern gen. Do not edit.
 * The descriptor tables and wrappers behind includer.h.
 */
#include "includer.h"

#include <stddef.h>

/* gbase_Header */
static const pst_type incl__type_gbase_Header = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(gbase_Header),
    .sdesc = &gbase_Header_desc,
};

/* list<gbase_Header> */
static const pst_type incl__type_list_gbase_Header = {
    .kind = PST_K_LIST, .ttype = PST_TT_LIST, .size = sizeof(pst_list),
    .elem = &incl__type_gbase_Header,
};

/* gbase_Kind */
static const pst_type incl__type_gbase_Kind = {
    .kind = PST_K_ENUM, .ttype = PST_TT_I32, .size = sizeof(int32_t),
    .edesc = &gbase_Kind_desc,
};

/* incl_Envelope */
static const pst_type incl__type_Envelope = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(incl_Envelope),
    .sdesc = &incl_Envelope_desc,
};

/* gbase_Failed */
static const pst_type incl__type_gbase_Failed = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(gbase_Failed),
    .sdesc = &gbase_Failed_desc,
};

static const pst_field incl_Envelope__fields[3] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRUCT, PST_REQ_DEFAULT, 0, offsetof(incl_Envelope, header), &incl__type_gbase_Header, "header" },
    { 2, PST_K_LIST, PST_REQ_DEFAULT, 1, offsetof(incl_Envelope, history), &incl__type_list_gbase_Header, "history" },
    { 3, PST_K_ENUM, PST_REQ_DEFAULT, 2, offsetof(incl_Envelope, kind), &incl__type_gbase_Kind, "kind" },
};
static const incl_Envelope incl_Envelope__defaults = {
    .kind = gbase_Kind_B,
    .isset_ = { 0x04 }
};
const pst_struct_desc incl_Envelope_desc = {
    .name = "Envelope", .size = sizeof(incl_Envelope), .isset_offset = offsetof(incl_Envelope, isset_),
    .nfields = 3, .kind = PST_STRUCT, .fields = incl_Envelope__fields, .defaults = &incl_Envelope__defaults,
};
void incl_Envelope_init(incl_Envelope *v)
{
    pst_struct_init(&incl_Envelope_desc, v);
}

const gbase_Header incl_DEFAULT_HEADER = {
    .id = INT64_C(1),
    .isset_ = { 0x01 }
};

/* ==== service Relay */

static const pst_field incl_Relay_relay_args__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRUCT, PST_REQ_DEFAULT, 0, offsetof(incl_Relay_relay_args, e), &incl__type_Envelope, "e" },
};
const pst_struct_desc incl_Relay_relay_args_desc = {
    .name = "relay_args", .size = sizeof(incl_Relay_relay_args), .isset_offset = offsetof(incl_Relay_relay_args, isset_),
    .nfields = 1, .kind = PST_STRUCT, .fields = incl_Relay_relay_args__fields, .defaults = NULL,
};
void incl_Relay_relay_args_init(incl_Relay_relay_args *v)
{
    pst_struct_init(&incl_Relay_relay_args_desc, v);
}

static const pst_field incl_Relay_relay_result__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 0, PST_K_STRUCT, PST_REQ_OPTIONAL, 0, offsetof(incl_Relay_relay_result, success), &incl__type_Envelope, "success" },
    { 1, PST_K_STRUCT, PST_REQ_OPTIONAL, 1, offsetof(incl_Relay_relay_result, failed), &incl__type_gbase_Failed, "failed" },
};
const pst_struct_desc incl_Relay_relay_result_desc = {
    .name = "relay_result", .size = sizeof(incl_Relay_relay_result), .isset_offset = offsetof(incl_Relay_relay_result, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = incl_Relay_relay_result__fields, .defaults = NULL,
};
void incl_Relay_relay_result_init(incl_Relay_relay_result *v)
{
    pst_struct_init(&incl_Relay_relay_result_desc, v);
}

static int incl_Relay_relay__invoke(const void *handler, pst_call *call, const void *args_v,
    void *result_v)
{
    const incl_Relay_handler *h = handler;
    const incl_Relay_relay_args *args = args_v;
    incl_Relay_relay_result *result = result_v;
    if (!h->relay) {
        call->error_message = "method relay is not implemented";
        return PST_E_UNKNOWN_METHOD;
    }
    int rc = h->relay(call, &args->e, result);
    if (rc == 0 && !incl_Relay_relay_result_isset_failed(result))
        incl_Relay_relay_result_set_success(result);
    return rc;
}

static const pst_method_desc incl_Relay__methods[1] = {
    { .name = "relay", .args = &incl_Relay_relay_args_desc, .result = &incl_Relay_relay_result_desc,
      .oneway = false, .invoke = incl_Relay_relay__invoke },
};
const pst_service_desc incl_Relay_desc = {
    .name = "Relay", .base = &gbase_Pinger_desc, .nmethods = 1, .methods = incl_Relay__methods,
};

int incl_Relay_relay(pst_client *c, pst_arena *a, const incl_Envelope *e, incl_Relay_relay_result *result)
{
    incl_Relay_relay_args args;
    incl_Relay_relay_args_init(&args);
    if (e) {
        args.e = *e;
        incl_Relay_relay_args_set_e(&args);
    }
    return pst_client_call(c, &incl_Relay__methods[0], &args, result, a);
}

