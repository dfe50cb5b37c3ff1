/*
 * service.c: generated from service.thrift by postern gen. Do not edit.
 * The descriptor tables and wrappers behind service.h.
 */
#include "service.h"

#include <stddef.h>

/* svc_Item */
static const pst_type svc__type_Item = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(svc_Item),
    .sdesc = &svc_Item_desc,
};

/* svc_Invalid */
static const pst_type svc__type_Invalid = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(svc_Invalid),
    .sdesc = &svc_Invalid_desc,
};

/* svc_Busy */
static const pst_type svc__type_Busy = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(svc_Busy),
    .sdesc = &svc_Busy_desc,
};

/* map<string,string> */
static const pst_type svc__type_map_string_string = {
    .kind = PST_K_MAP, .ttype = PST_TT_MAP, .size = sizeof(pst_map),
    .elem = &pst_type_string, .value = &pst_type_string,
};

/* list<svc_Item> */
static const pst_type svc__type_list_Item = {
    .kind = PST_K_LIST, .ttype = PST_TT_LIST, .size = sizeof(pst_list),
    .elem = &svc__type_Item,
};

static const pst_field svc_Item__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(svc_Item, name), &pst_type_string, "name" },
    { 2, PST_K_I32, PST_REQ_DEFAULT, 1, offsetof(svc_Item, count), &pst_type_i32, "count" },
};
const pst_struct_desc svc_Item_desc = {
    .name = "Item", .size = sizeof(svc_Item), .isset_offset = offsetof(svc_Item, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = svc_Item__fields, .defaults = NULL,
};
void svc_Item_init(svc_Item *v)
{
    pst_struct_init(&svc_Item_desc, v);
}

static const pst_field svc_Invalid__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(svc_Invalid, reason), &pst_type_string, "reason" },
};
const pst_struct_desc svc_Invalid_desc = {
    .name = "Invalid", .size = sizeof(svc_Invalid), .isset_offset = offsetof(svc_Invalid, isset_),
    .nfields = 1, .kind = PST_EXCEPTION, .fields = svc_Invalid__fields, .defaults = NULL,
};
void svc_Invalid_init(svc_Invalid *v)
{
    pst_struct_init(&svc_Invalid_desc, v);
}

static const pst_field svc_Busy__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_I32, PST_REQ_DEFAULT, 0, offsetof(svc_Busy, retry_ms), &pst_type_i32, "retry_ms" },
};
const pst_struct_desc svc_Busy_desc = {
    .name = "Busy", .size = sizeof(svc_Busy), .isset_offset = offsetof(svc_Busy, isset_),
    .nfields = 1, .kind = PST_EXCEPTION, .fields = svc_Busy__fields, .defaults = NULL,
};
void svc_Busy_init(svc_Busy *v)
{
    pst_struct_init(&svc_Busy_desc, v);
}

/* ==== service Base */

const pst_struct_desc svc_Base_ping_args_desc = {
    .name = "ping_args", .size = sizeof(svc_Base_ping_args), .isset_offset = offsetof(svc_Base_ping_args, isset_),
    .nfields = 0, .kind = PST_STRUCT, .fields = NULL, .defaults = NULL,
};
void svc_Base_ping_args_init(svc_Base_ping_args *v)
{
    pst_struct_init(&svc_Base_ping_args_desc, v);
}

const pst_struct_desc svc_Base_ping_result_desc = {
    .name = "ping_result", .size = sizeof(svc_Base_ping_result), .isset_offset = offsetof(svc_Base_ping_result, isset_),
    .nfields = 0, .kind = PST_STRUCT, .fields = NULL, .defaults = NULL,
};
void svc_Base_ping_result_init(svc_Base_ping_result *v)
{
    pst_struct_init(&svc_Base_ping_result_desc, v);
}

static int svc_Base_ping__invoke(const void *handler, pst_call *call, const void *args_v,
    void *result_v)
{
    const svc_Base_handler *h = handler;
    (void)args_v;
    svc_Base_ping_result *result = result_v;
    if (!h->ping) {
        call->error_message = "method ping is not implemented";
        return PST_E_UNKNOWN_METHOD;
    }
    return h->ping(call, result);
}

static const pst_method_desc svc_Base__methods[1] = {
    { .name = "ping", .args = &svc_Base_ping_args_desc, .result = &svc_Base_ping_result_desc,
      .oneway = false, .invoke = svc_Base_ping__invoke },
};
/* The IDL of this file and its includes, for GET /schema. */
static const unsigned char svc__idl[658] = {
    47, 47, 32, 45, 45, 45, 45, 32, 115, 101, 114, 118, 105, 99, 101, 46, 116, 104, 114, 105,
    102, 116, 10, 47, 42, 42, 32, 83, 101, 114, 118, 105, 99, 101, 115, 58, 32, 101, 120, 116,
    101, 110, 100, 115, 44, 32, 111, 110, 101, 119, 97, 121, 44, 32, 118, 111, 105, 100, 44, 32,
    100, 101, 99, 108, 97, 114, 101, 100, 32, 101, 120, 99, 101, 112, 116, 105, 111, 110, 115, 44,
    32, 100, 101, 102, 97, 117, 108, 116, 115, 46, 32, 42, 47, 10, 110, 97, 109, 101, 115, 112,
    97, 99, 101, 32, 99, 32, 115, 118, 99, 10, 10, 115, 116, 114, 117, 99, 116, 32, 73, 116,
    101, 109, 32, 123, 32, 49, 58, 32, 115, 116, 114, 105, 110, 103, 32, 110, 97, 109, 101, 44,
    32, 50, 58, 32, 105, 51, 50, 32, 99, 111, 117, 110, 116, 32, 125, 10, 101, 120, 99, 101,
    112, 116, 105, 111, 110, 32, 73, 110, 118, 97, 108, 105, 100, 32, 123, 32, 49, 58, 32, 115,
    116, 114, 105, 110, 103, 32, 114, 101, 97, 115, 111, 110, 32, 125, 10, 101, 120, 99, 101, 112,
    116, 105, 111, 110, 32, 66, 117, 115, 121, 32, 123, 32, 49, 58, 32, 105, 51, 50, 32, 114,
    101, 116, 114, 121, 95, 109, 115, 32, 125, 10, 10, 115, 101, 114, 118, 105, 99, 101, 32, 66,
    97, 115, 101, 32, 123, 10, 32, 32, 47, 42, 42, 32, 76, 105, 118, 101, 110, 101, 115, 115,
    46, 32, 42, 47, 10, 32, 32, 118, 111, 105, 100, 32, 112, 105, 110, 103, 40, 41, 10, 125,
    10, 10, 47, 42, 42, 32, 75, 101, 101, 112, 115, 32, 105, 116, 101, 109, 115, 46, 32, 42,
    47, 10, 115, 101, 114, 118, 105, 99, 101, 32, 83, 116, 111, 114, 101, 32, 101, 120, 116, 101,
    110, 100, 115, 32, 66, 97, 115, 101, 32, 123, 10, 32, 32, 47, 42, 42, 32, 65, 100, 100,
    115, 32, 97, 110, 32, 105, 116, 101, 109, 59, 32, 114, 101, 116, 117, 114, 110, 115, 32, 116,
    104, 101, 32, 110, 101, 119, 32, 99, 111, 117, 110, 116, 46, 32, 42, 47, 10, 32, 32, 105,
    51, 50, 32, 97, 100, 100, 40, 49, 58, 32, 73, 116, 101, 109, 32, 105, 116, 101, 109, 44,
    32, 50, 58, 32, 98, 111, 111, 108, 32, 114, 101, 112, 108, 97, 99, 101, 32, 61, 32, 102,
    97, 108, 115, 101, 41, 32, 116, 104, 114, 111, 119, 115, 32, 40, 49, 58, 32, 73, 110, 118,
    97, 108, 105, 100, 32, 105, 110, 118, 97, 108, 105, 100, 44, 32, 50, 58, 32, 66, 117, 115,
    121, 32, 98, 117, 115, 121, 41, 10, 32, 32, 108, 105, 115, 116, 60, 73, 116, 101, 109, 62,
    32, 105, 116, 101, 109, 115, 40, 49, 58, 32, 105, 51, 50, 32, 108, 105, 109, 105, 116, 44,
    32, 50, 58, 32, 109, 97, 112, 60, 115, 116, 114, 105, 110, 103, 44, 32, 115, 116, 114, 105,
    110, 103, 62, 32, 102, 105, 108, 116, 101, 114, 41, 10, 32, 32, 118, 111, 105, 100, 32, 99,
    108, 101, 97, 114, 40, 41, 32, 116, 104, 114, 111, 119, 115, 32, 40, 49, 58, 32, 66, 117,
    115, 121, 32, 98, 117, 115, 121, 41, 10, 32, 32, 111, 110, 101, 119, 97, 121, 32, 118, 111,
    105, 100, 32, 108, 111, 103, 40, 49, 58, 32, 115, 116, 114, 105, 110, 103, 32, 108, 105, 110,
    101, 44, 32, 50, 58, 32, 105, 54, 52, 32, 97, 116, 41, 10, 32, 32, 115, 116, 114, 105,
    110, 103, 32, 103, 101, 116, 40, 49, 58, 32, 115, 116, 114, 105, 110, 103, 32, 110, 97, 109,
    101, 44, 32, 50, 58, 32, 117, 117, 105, 100, 32, 105, 100, 41, 10, 125, 10,
    0
};

const pst_service_desc svc_Base_desc = {
    .name = "Base", .base = NULL, .nmethods = 1, .methods = svc_Base__methods,
    .idl = (const char *)svc__idl,
};

int svc_Base_ping(pst_client *c, pst_arena *a, svc_Base_ping_result *result)
{
    svc_Base_ping_args args;
    svc_Base_ping_args_init(&args);
    return pst_client_call(c, &svc_Base__methods[0], &args, result, a);
}

/* ==== service Store */

static const pst_field svc_Store_add_args__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRUCT, PST_REQ_DEFAULT, 0, offsetof(svc_Store_add_args, item), &svc__type_Item, "item" },
    { 2, PST_K_BOOL, PST_REQ_DEFAULT, 1, offsetof(svc_Store_add_args, replace), &pst_type_bool, "replace" },
};
static const svc_Store_add_args svc_Store_add_args__defaults = {
    .replace = false,
    .isset_ = { 0x02 }
};
const pst_struct_desc svc_Store_add_args_desc = {
    .name = "add_args", .size = sizeof(svc_Store_add_args), .isset_offset = offsetof(svc_Store_add_args, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = svc_Store_add_args__fields, .defaults = &svc_Store_add_args__defaults,
};
void svc_Store_add_args_init(svc_Store_add_args *v)
{
    pst_struct_init(&svc_Store_add_args_desc, v);
}

static const pst_field svc_Store_add_result__fields[3] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 0, PST_K_I32, PST_REQ_OPTIONAL, 0, offsetof(svc_Store_add_result, success), &pst_type_i32, "success" },
    { 1, PST_K_STRUCT, PST_REQ_OPTIONAL, 1, offsetof(svc_Store_add_result, invalid), &svc__type_Invalid, "invalid" },
    { 2, PST_K_STRUCT, PST_REQ_OPTIONAL, 2, offsetof(svc_Store_add_result, busy), &svc__type_Busy, "busy" },
};
const pst_struct_desc svc_Store_add_result_desc = {
    .name = "add_result", .size = sizeof(svc_Store_add_result), .isset_offset = offsetof(svc_Store_add_result, isset_),
    .nfields = 3, .kind = PST_STRUCT, .fields = svc_Store_add_result__fields, .defaults = NULL,
};
void svc_Store_add_result_init(svc_Store_add_result *v)
{
    pst_struct_init(&svc_Store_add_result_desc, v);
}

static int svc_Store_add__invoke(const void *handler, pst_call *call, const void *args_v,
    void *result_v)
{
    const svc_Store_handler *h = handler;
    const svc_Store_add_args *args = args_v;
    svc_Store_add_result *result = result_v;
    if (!h->add) {
        call->error_message = "method add is not implemented";
        return PST_E_UNKNOWN_METHOD;
    }
    int rc = h->add(call, &args->item, args->replace, result);
    if (rc == 0 && !svc_Store_add_result_isset_invalid(result) && !svc_Store_add_result_isset_busy(result))
        svc_Store_add_result_set_success(result);
    return rc;
}

static const pst_field svc_Store_items_args__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_I32, PST_REQ_DEFAULT, 0, offsetof(svc_Store_items_args, limit), &pst_type_i32, "limit" },
    { 2, PST_K_MAP, PST_REQ_DEFAULT, 1, offsetof(svc_Store_items_args, filter), &svc__type_map_string_string, "filter" },
};
const pst_struct_desc svc_Store_items_args_desc = {
    .name = "items_args", .size = sizeof(svc_Store_items_args), .isset_offset = offsetof(svc_Store_items_args, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = svc_Store_items_args__fields, .defaults = NULL,
};
void svc_Store_items_args_init(svc_Store_items_args *v)
{
    pst_struct_init(&svc_Store_items_args_desc, v);
}

static const pst_field svc_Store_items_result__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 0, PST_K_LIST, PST_REQ_OPTIONAL, 0, offsetof(svc_Store_items_result, success), &svc__type_list_Item, "success" },
};
const pst_struct_desc svc_Store_items_result_desc = {
    .name = "items_result", .size = sizeof(svc_Store_items_result), .isset_offset = offsetof(svc_Store_items_result, isset_),
    .nfields = 1, .kind = PST_STRUCT, .fields = svc_Store_items_result__fields, .defaults = NULL,
};
void svc_Store_items_result_init(svc_Store_items_result *v)
{
    pst_struct_init(&svc_Store_items_result_desc, v);
}

static int svc_Store_items__invoke(const void *handler, pst_call *call, const void *args_v,
    void *result_v)
{
    const svc_Store_handler *h = handler;
    const svc_Store_items_args *args = args_v;
    svc_Store_items_result *result = result_v;
    if (!h->items) {
        call->error_message = "method items is not implemented";
        return PST_E_UNKNOWN_METHOD;
    }
    int rc = h->items(call, args->limit, &args->filter, result);
    if (rc == 0)
        svc_Store_items_result_set_success(result);
    return rc;
}

const pst_struct_desc svc_Store_clear_args_desc = {
    .name = "clear_args", .size = sizeof(svc_Store_clear_args), .isset_offset = offsetof(svc_Store_clear_args, isset_),
    .nfields = 0, .kind = PST_STRUCT, .fields = NULL, .defaults = NULL,
};
void svc_Store_clear_args_init(svc_Store_clear_args *v)
{
    pst_struct_init(&svc_Store_clear_args_desc, v);
}

static const pst_field svc_Store_clear_result__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRUCT, PST_REQ_OPTIONAL, 0, offsetof(svc_Store_clear_result, busy), &svc__type_Busy, "busy" },
};
const pst_struct_desc svc_Store_clear_result_desc = {
    .name = "clear_result", .size = sizeof(svc_Store_clear_result), .isset_offset = offsetof(svc_Store_clear_result, isset_),
    .nfields = 1, .kind = PST_STRUCT, .fields = svc_Store_clear_result__fields, .defaults = NULL,
};
void svc_Store_clear_result_init(svc_Store_clear_result *v)
{
    pst_struct_init(&svc_Store_clear_result_desc, v);
}

static int svc_Store_clear__invoke(const void *handler, pst_call *call, const void *args_v,
    void *result_v)
{
    const svc_Store_handler *h = handler;
    (void)args_v;
    svc_Store_clear_result *result = result_v;
    if (!h->clear) {
        call->error_message = "method clear is not implemented";
        return PST_E_UNKNOWN_METHOD;
    }
    return h->clear(call, result);
}

static const pst_field svc_Store_log_args__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(svc_Store_log_args, line), &pst_type_string, "line" },
    { 2, PST_K_I64, PST_REQ_DEFAULT, 1, offsetof(svc_Store_log_args, at), &pst_type_i64, "at" },
};
const pst_struct_desc svc_Store_log_args_desc = {
    .name = "log_args", .size = sizeof(svc_Store_log_args), .isset_offset = offsetof(svc_Store_log_args, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = svc_Store_log_args__fields, .defaults = NULL,
};
void svc_Store_log_args_init(svc_Store_log_args *v)
{
    pst_struct_init(&svc_Store_log_args_desc, v);
}

static int svc_Store_log__invoke(const void *handler, pst_call *call, const void *args_v,
    void *result_v)
{
    const svc_Store_handler *h = handler;
    const svc_Store_log_args *args = args_v;
    (void)result_v;
    if (!h->log) {
        call->error_message = "method log is not implemented";
        return PST_E_UNKNOWN_METHOD;
    }
    return h->log(call, args->line, args->at);
}

static const pst_field svc_Store_get_args__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(svc_Store_get_args, name), &pst_type_string, "name" },
    { 2, PST_K_UUID, PST_REQ_DEFAULT, 1, offsetof(svc_Store_get_args, id), &pst_type_uuid, "id" },
};
const pst_struct_desc svc_Store_get_args_desc = {
    .name = "get_args", .size = sizeof(svc_Store_get_args), .isset_offset = offsetof(svc_Store_get_args, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = svc_Store_get_args__fields, .defaults = NULL,
};
void svc_Store_get_args_init(svc_Store_get_args *v)
{
    pst_struct_init(&svc_Store_get_args_desc, v);
}

static const pst_field svc_Store_get_result__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 0, PST_K_STRING, PST_REQ_OPTIONAL, 0, offsetof(svc_Store_get_result, success), &pst_type_string, "success" },
};
const pst_struct_desc svc_Store_get_result_desc = {
    .name = "get_result", .size = sizeof(svc_Store_get_result), .isset_offset = offsetof(svc_Store_get_result, isset_),
    .nfields = 1, .kind = PST_STRUCT, .fields = svc_Store_get_result__fields, .defaults = NULL,
};
void svc_Store_get_result_init(svc_Store_get_result *v)
{
    pst_struct_init(&svc_Store_get_result_desc, v);
}

static int svc_Store_get__invoke(const void *handler, pst_call *call, const void *args_v,
    void *result_v)
{
    const svc_Store_handler *h = handler;
    const svc_Store_get_args *args = args_v;
    svc_Store_get_result *result = result_v;
    if (!h->get) {
        call->error_message = "method get is not implemented";
        return PST_E_UNKNOWN_METHOD;
    }
    int rc = h->get(call, args->name, args->id, result);
    if (rc == 0)
        svc_Store_get_result_set_success(result);
    return rc;
}

static const pst_method_desc svc_Store__methods[5] = {
    { .name = "add", .args = &svc_Store_add_args_desc, .result = &svc_Store_add_result_desc,
      .oneway = false, .invoke = svc_Store_add__invoke },
    { .name = "items", .args = &svc_Store_items_args_desc, .result = &svc_Store_items_result_desc,
      .oneway = false, .invoke = svc_Store_items__invoke },
    { .name = "clear", .args = &svc_Store_clear_args_desc, .result = &svc_Store_clear_result_desc,
      .oneway = false, .invoke = svc_Store_clear__invoke },
    { .name = "log", .args = &svc_Store_log_args_desc, .result = NULL,
      .oneway = true, .invoke = svc_Store_log__invoke },
    { .name = "get", .args = &svc_Store_get_args_desc, .result = &svc_Store_get_result_desc,
      .oneway = false, .invoke = svc_Store_get__invoke },
};
const pst_service_desc svc_Store_desc = {
    .name = "Store", .base = &svc_Base_desc, .nmethods = 5, .methods = svc_Store__methods,
    .idl = (const char *)svc__idl,
};

int svc_Store_add(pst_client *c, pst_arena *a, const svc_Item *item, bool replace, svc_Store_add_result *result)
{
    svc_Store_add_args args;
    svc_Store_add_args_init(&args);
    if (item) {
        args.item = *item;
        svc_Store_add_args_set_item(&args);
    }
    args.replace = replace;
    svc_Store_add_args_set_replace(&args);
    return pst_client_call(c, &svc_Store__methods[0], &args, result, a);
}

int svc_Store_items(pst_client *c, pst_arena *a, int32_t limit, const pst_map *filter, svc_Store_items_result *result)
{
    svc_Store_items_args args;
    svc_Store_items_args_init(&args);
    args.limit = limit;
    svc_Store_items_args_set_limit(&args);
    if (filter) {
        args.filter = *filter;
        svc_Store_items_args_set_filter(&args);
    }
    return pst_client_call(c, &svc_Store__methods[1], &args, result, a);
}

int svc_Store_clear(pst_client *c, pst_arena *a, svc_Store_clear_result *result)
{
    svc_Store_clear_args args;
    svc_Store_clear_args_init(&args);
    return pst_client_call(c, &svc_Store__methods[2], &args, result, a);
}

int svc_Store_log(pst_client *c, pst_arena *a, pst_str line, int64_t at)
{
    svc_Store_log_args args;
    svc_Store_log_args_init(&args);
    args.line = line;
    svc_Store_log_args_set_line(&args);
    args.at = at;
    svc_Store_log_args_set_at(&args);
    return pst_client_call(c, &svc_Store__methods[3], &args, NULL, a);
}

int svc_Store_get(pst_client *c, pst_arena *a, pst_str name, pst_uuid id, svc_Store_get_result *result)
{
    svc_Store_get_args args;
    svc_Store_get_args_init(&args);
    args.name = name;
    svc_Store_get_args_set_name(&args);
    args.id = id;
    svc_Store_get_args_set_id(&args);
    return pst_client_call(c, &svc_Store__methods[4], &args, result, a);
}

