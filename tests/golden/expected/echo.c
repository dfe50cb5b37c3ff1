/*
 * echo.c: generated from echo.thrift by postern gen. Do not edit.
 * The descriptor tables and wrappers behind echo.h.
 */
#include "echo.h"

#include <stddef.h>

/* echo_EchoReq */
static const pst_type echo__type_EchoReq = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(echo_EchoReq),
    .sdesc = &echo_EchoReq_desc,
};

/* echo_EchoRes */
static const pst_type echo__type_EchoRes = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(echo_EchoRes),
    .sdesc = &echo_EchoRes_desc,
};

static const pst_field echo_EchoReq__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(echo_EchoReq, msg), &pst_type_string, "msg" },
};
const pst_struct_desc echo_EchoReq_desc = {
    .name = "EchoReq", .size = sizeof(echo_EchoReq), .isset_offset = offsetof(echo_EchoReq, isset_),
    .nfields = 1, .kind = PST_STRUCT, .fields = echo_EchoReq__fields, .defaults = NULL,
};
void echo_EchoReq_init(echo_EchoReq *v)
{
    pst_struct_init(&echo_EchoReq_desc, v);
}

static const pst_field echo_EchoRes__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(echo_EchoRes, msg), &pst_type_string, "msg" },
};
const pst_struct_desc echo_EchoRes_desc = {
    .name = "EchoRes", .size = sizeof(echo_EchoRes), .isset_offset = offsetof(echo_EchoRes, isset_),
    .nfields = 1, .kind = PST_STRUCT, .fields = echo_EchoRes__fields, .defaults = NULL,
};
void echo_EchoRes_init(echo_EchoRes *v)
{
    pst_struct_init(&echo_EchoRes_desc, v);
}

/* ==== service Echo */

static const pst_field echo_Echo_echo_args__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRUCT, PST_REQ_DEFAULT, 0, offsetof(echo_Echo_echo_args, req), &echo__type_EchoReq, "req" },
};
const pst_struct_desc echo_Echo_echo_args_desc = {
    .name = "echo_args", .size = sizeof(echo_Echo_echo_args), .isset_offset = offsetof(echo_Echo_echo_args, isset_),
    .nfields = 1, .kind = PST_STRUCT, .fields = echo_Echo_echo_args__fields, .defaults = NULL,
};
void echo_Echo_echo_args_init(echo_Echo_echo_args *v)
{
    pst_struct_init(&echo_Echo_echo_args_desc, v);
}

static const pst_field echo_Echo_echo_result__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 0, PST_K_STRUCT, PST_REQ_OPTIONAL, 0, offsetof(echo_Echo_echo_result, success), &echo__type_EchoRes, "success" },
};
const pst_struct_desc echo_Echo_echo_result_desc = {
    .name = "echo_result", .size = sizeof(echo_Echo_echo_result), .isset_offset = offsetof(echo_Echo_echo_result, isset_),
    .nfields = 1, .kind = PST_STRUCT, .fields = echo_Echo_echo_result__fields, .defaults = NULL,
};
void echo_Echo_echo_result_init(echo_Echo_echo_result *v)
{
    pst_struct_init(&echo_Echo_echo_result_desc, v);
}

static int echo_Echo_echo__invoke(const void *handler, pst_call *call, const void *args_v,
    void *result_v)
{
    const echo_Echo_handler *h = handler;
    const echo_Echo_echo_args *args = args_v;
    echo_Echo_echo_result *result = result_v;
    if (!h->echo) {
        call->error_message = "method echo is not implemented";
        return PST_E_UNKNOWN_METHOD;
    }
    int rc = h->echo(call, &args->req, result);
    if (rc == 0)
        echo_Echo_echo_result_set_success(result);
    return rc;
}

static const pst_method_desc echo_Echo__methods[1] = {
    { .name = "echo", .args = &echo_Echo_echo_args_desc, .result = &echo_Echo_echo_result_desc,
      .oneway = false, .invoke = echo_Echo_echo__invoke },
};
/* The IDL of this file and its includes, for GET /schema. */
static const unsigned char echo__idl[252] = {
    47, 47, 32, 45, 45, 45, 45, 32, 101, 99, 104, 111, 46, 116, 104, 114, 105, 102, 116, 10,
    47, 47, 32, 84, 104, 101, 32, 69, 99, 104, 111, 32, 115, 101, 114, 118, 105, 99, 101, 58,
    32, 116, 104, 101, 32, 115, 109, 97, 108, 108, 101, 115, 116, 32, 117, 115, 101, 102, 117, 108,
    32, 82, 80, 67, 46, 10, 110, 97, 109, 101, 115, 112, 97, 99, 101, 32, 99, 32, 101, 99,
    104, 111, 10, 10, 115, 116, 114, 117, 99, 116, 32, 69, 99, 104, 111, 82, 101, 113, 32, 123,
    10, 32, 32, 49, 58, 32, 115, 116, 114, 105, 110, 103, 32, 109, 115, 103, 10, 125, 10, 10,
    115, 116, 114, 117, 99, 116, 32, 69, 99, 104, 111, 82, 101, 115, 32, 123, 10, 32, 32, 49,
    58, 32, 115, 116, 114, 105, 110, 103, 32, 109, 115, 103, 10, 125, 10, 10, 115, 101, 114, 118,
    105, 99, 101, 32, 69, 99, 104, 111, 32, 123, 10, 32, 32, 47, 42, 42, 32, 65, 110, 115,
    119, 101, 114, 115, 32, 119, 105, 116, 104, 32, 116, 104, 101, 32, 109, 101, 115, 115, 97, 103,
    101, 32, 105, 116, 32, 119, 97, 115, 32, 115, 101, 110, 116, 46, 32, 42, 47, 10, 32, 32,
    69, 99, 104, 111, 82, 101, 115, 32, 101, 99, 104, 111, 40, 49, 58, 32, 69, 99, 104, 111,
    82, 101, 113, 32, 114, 101, 113, 41, 10, 125, 10,
    0
};

const pst_service_desc echo_Echo_desc = {
    .name = "Echo", .base = NULL, .nmethods = 1, .methods = echo_Echo__methods,
    .idl = (const char *)echo__idl,
};

int echo_Echo_echo(pst_client *c, pst_arena *a, const echo_EchoReq *req, echo_Echo_echo_result *result)
{
    echo_Echo_echo_args args;
    echo_Echo_echo_args_init(&args);
    if (req) {
        args.req = *req;
        echo_Echo_echo_args_set_req(&args);
    }
    return pst_client_call(c, &echo_Echo__methods[0], &args, result, a);
}

