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
/* The IDL of this file and its includes, for GET /schema. */
static const unsigned char incl__idl[644] = {
    47, 47, 32, 45, 45, 45, 45, 32, 105, 110, 99, 108, 117, 100, 101, 114, 46, 116, 104, 114,
    105, 102, 116, 10, 47, 47, 32, 84, 121, 112, 101, 115, 44, 32, 99, 111, 110, 115, 116, 97,
    110, 116, 115, 32, 97, 110, 100, 32, 115, 101, 114, 118, 105, 99, 101, 115, 32, 102, 114, 111,
    109, 32, 97, 110, 32, 105, 110, 99, 108, 117, 100, 101, 100, 32, 102, 105, 108, 101, 46, 10,
    105, 110, 99, 108, 117, 100, 101, 32, 34, 103, 111, 108, 100, 101, 110, 95, 98, 97, 115, 101,
    46, 116, 104, 114, 105, 102, 116, 34, 10, 10, 110, 97, 109, 101, 115, 112, 97, 99, 101, 32,
    99, 32, 105, 110, 99, 108, 10, 10, 115, 116, 114, 117, 99, 116, 32, 69, 110, 118, 101, 108,
    111, 112, 101, 32, 123, 10, 32, 32, 49, 58, 32, 103, 111, 108, 100, 101, 110, 95, 98, 97,
    115, 101, 46, 72, 101, 97, 100, 101, 114, 32, 104, 101, 97, 100, 101, 114, 10, 32, 32, 50,
    58, 32, 108, 105, 115, 116, 60, 103, 111, 108, 100, 101, 110, 95, 98, 97, 115, 101, 46, 72,
    101, 97, 100, 101, 114, 62, 32, 104, 105, 115, 116, 111, 114, 121, 10, 32, 32, 51, 58, 32,
    103, 111, 108, 100, 101, 110, 95, 98, 97, 115, 101, 46, 75, 105, 110, 100, 32, 107, 105, 110,
    100, 32, 61, 32, 103, 111, 108, 100, 101, 110, 95, 98, 97, 115, 101, 46, 75, 105, 110, 100,
    46, 66, 10, 125, 10, 10, 99, 111, 110, 115, 116, 32, 103, 111, 108, 100, 101, 110, 95, 98,
    97, 115, 101, 46, 72, 101, 97, 100, 101, 114, 32, 68, 69, 70, 65, 85, 76, 84, 95, 72,
    69, 65, 68, 69, 82, 32, 61, 32, 123, 34, 105, 100, 34, 58, 32, 103, 111, 108, 100, 101,
    110, 95, 98, 97, 115, 101, 46, 70, 73, 82, 83, 84, 125, 10, 10, 115, 101, 114, 118, 105,
    99, 101, 32, 82, 101, 108, 97, 121, 32, 101, 120, 116, 101, 110, 100, 115, 32, 103, 111, 108,
    100, 101, 110, 95, 98, 97, 115, 101, 46, 80, 105, 110, 103, 101, 114, 32, 123, 10, 32, 32,
    69, 110, 118, 101, 108, 111, 112, 101, 32, 114, 101, 108, 97, 121, 40, 49, 58, 32, 69, 110,
    118, 101, 108, 111, 112, 101, 32, 101, 41, 32, 116, 104, 114, 111, 119, 115, 32, 40, 49, 58,
    32, 103, 111, 108, 100, 101, 110, 95, 98, 97, 115, 101, 46, 70, 97, 105, 108, 101, 100, 32,
    102, 97, 105, 108, 101, 100, 41, 10, 125, 10, 47, 47, 32, 45, 45, 45, 45, 32, 103, 111,
    108, 100, 101, 110, 95, 98, 97, 115, 101, 46, 116, 104, 114, 105, 102, 116, 10, 110, 97, 109,
    101, 115, 112, 97, 99, 101, 32, 99, 32, 103, 98, 97, 115, 101, 10, 10, 101, 110, 117, 109,
    32, 75, 105, 110, 100, 32, 123, 32, 65, 44, 32, 66, 32, 125, 10, 99, 111, 110, 115, 116,
    32, 105, 54, 52, 32, 70, 73, 82, 83, 84, 32, 61, 32, 49, 10, 115, 116, 114, 117, 99,
    116, 32, 72, 101, 97, 100, 101, 114, 32, 123, 32, 49, 58, 32, 105, 54, 52, 32, 105, 100,
    44, 32, 50, 58, 32, 75, 105, 110, 100, 32, 107, 105, 110, 100, 32, 125, 10, 101, 120, 99,
    101, 112, 116, 105, 111, 110, 32, 70, 97, 105, 108, 101, 100, 32, 123, 32, 49, 58, 32, 115,
    116, 114, 105, 110, 103, 32, 119, 104, 121, 32, 125, 10, 115, 101, 114, 118, 105, 99, 101, 32,
    80, 105, 110, 103, 101, 114, 32, 123, 32, 118, 111, 105, 100, 32, 112, 105, 110, 103, 40, 41,
    32, 125, 10,
    0
};

const pst_service_desc incl_Relay_desc = {
    .name = "Relay", .base = &gbase_Pinger_desc, .nmethods = 1, .methods = incl_Relay__methods,
    .idl = (const char *)incl__idl,
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

