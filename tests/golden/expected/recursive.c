/*
 * recursive.c: generated from recursive.thrift by postern gen. Do not edit.
 * The descriptor tables and wrappers behind recursive.h.
 */
#include "recursive.h"

#include <stddef.h>

/* *rec_Node */
static const pst_type rec__type_ptr_Node = {
    .kind = PST_K_STRUCT_PTR, .ttype = PST_TT_STRUCT, .size = sizeof(struct rec_Node *),
    .sdesc = &rec_Node_desc,
};

/* rec_Tree */
static const pst_type rec__type_Tree = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(rec_Tree),
    .sdesc = &rec_Tree_desc,
};

/* list<rec_Tree> */
static const pst_type rec__type_list_Tree = {
    .kind = PST_K_LIST, .ttype = PST_TT_LIST, .size = sizeof(pst_list),
    .elem = &rec__type_Tree,
};

/* *rec_Pair */
static const pst_type rec__type_ptr_Pair = {
    .kind = PST_K_STRUCT_PTR, .ttype = PST_TT_STRUCT, .size = sizeof(struct rec_Pair *),
    .sdesc = &rec_Pair_desc,
};

/* *rec_Expr */
static const pst_type rec__type_ptr_Expr = {
    .kind = PST_K_STRUCT_PTR, .ttype = PST_TT_STRUCT, .size = sizeof(struct rec_Expr *),
    .sdesc = &rec_Expr_desc,
};

static const pst_field rec_Node__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_I32, PST_REQ_DEFAULT, 0, offsetof(rec_Node, value), &pst_type_i32, "value" },
    { 2, PST_K_STRUCT_PTR, PST_REQ_OPTIONAL, 1, offsetof(rec_Node, next), &rec__type_ptr_Node, "next" },
};
const pst_struct_desc rec_Node_desc = {
    .name = "Node", .size = sizeof(rec_Node), .isset_offset = offsetof(rec_Node, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = rec_Node__fields, .defaults = NULL,
};
void rec_Node_init(rec_Node *v)
{
    pst_struct_init(&rec_Node_desc, v);
}

static const pst_field rec_Tree__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_LIST, PST_REQ_DEFAULT, 0, offsetof(rec_Tree, children), &rec__type_list_Tree, "children" },
    { 2, PST_K_STRING, PST_REQ_DEFAULT, 1, offsetof(rec_Tree, label), &pst_type_string, "label" },
};
const pst_struct_desc rec_Tree_desc = {
    .name = "Tree", .size = sizeof(rec_Tree), .isset_offset = offsetof(rec_Tree, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = rec_Tree__fields, .defaults = NULL,
};
void rec_Tree_init(rec_Tree *v)
{
    pst_struct_init(&rec_Tree_desc, v);
}

static const pst_field rec_Expr__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_I64, PST_REQ_DEFAULT, 0, offsetof(rec_Expr, num), &pst_type_i64, "num" },
    { 2, PST_K_STRUCT_PTR, PST_REQ_DEFAULT, 1, offsetof(rec_Expr, add), &rec__type_ptr_Pair, "add" },
};
const pst_struct_desc rec_Expr_desc = {
    .name = "Expr", .size = sizeof(rec_Expr), .isset_offset = offsetof(rec_Expr, isset_),
    .nfields = 2, .kind = PST_UNION, .fields = rec_Expr__fields, .defaults = NULL,
};
void rec_Expr_init(rec_Expr *v)
{
    pst_struct_init(&rec_Expr_desc, v);
}

static const pst_field rec_Pair__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRUCT_PTR, PST_REQ_DEFAULT, 0, offsetof(rec_Pair, left), &rec__type_ptr_Expr, "left" },
    { 2, PST_K_STRUCT_PTR, PST_REQ_DEFAULT, 1, offsetof(rec_Pair, right), &rec__type_ptr_Expr, "right" },
};
const pst_struct_desc rec_Pair_desc = {
    .name = "Pair", .size = sizeof(rec_Pair), .isset_offset = offsetof(rec_Pair, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = rec_Pair__fields, .defaults = NULL,
};
void rec_Pair_init(rec_Pair *v)
{
    pst_struct_init(&rec_Pair_desc, v);
}

static const rec_Node rec__c1 = {
    .value = 2,
    .isset_ = { 0x01 }
};

const rec_Node rec_CHAIN = {
    .value = 1,
    .next = (struct rec_Node *)&rec__c1,
    .isset_ = { 0x03 }
};

/* ==== service Walker */

static const pst_field rec_Walker_reverse_args__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRUCT_PTR, PST_REQ_DEFAULT, 0, offsetof(rec_Walker_reverse_args, list), &rec__type_ptr_Node, "list" },
};
const pst_struct_desc rec_Walker_reverse_args_desc = {
    .name = "reverse_args", .size = sizeof(rec_Walker_reverse_args), .isset_offset = offsetof(rec_Walker_reverse_args, isset_),
    .nfields = 1, .kind = PST_STRUCT, .fields = rec_Walker_reverse_args__fields, .defaults = NULL,
};
void rec_Walker_reverse_args_init(rec_Walker_reverse_args *v)
{
    pst_struct_init(&rec_Walker_reverse_args_desc, v);
}

static const pst_field rec_Walker_reverse_result__fields[1] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 0, PST_K_STRUCT_PTR, PST_REQ_OPTIONAL, 0, offsetof(rec_Walker_reverse_result, success), &rec__type_ptr_Node, "success" },
};
const pst_struct_desc rec_Walker_reverse_result_desc = {
    .name = "reverse_result", .size = sizeof(rec_Walker_reverse_result), .isset_offset = offsetof(rec_Walker_reverse_result, isset_),
    .nfields = 1, .kind = PST_STRUCT, .fields = rec_Walker_reverse_result__fields, .defaults = NULL,
};
void rec_Walker_reverse_result_init(rec_Walker_reverse_result *v)
{
    pst_struct_init(&rec_Walker_reverse_result_desc, v);
}

static int rec_Walker_reverse__invoke(const void *handler, pst_call *call, const void *args_v,
    void *result_v)
{
    const rec_Walker_handler *h = handler;
    const rec_Walker_reverse_args *args = args_v;
    rec_Walker_reverse_result *result = result_v;
    if (!h->reverse) {
        call->error_message = "method reverse is not implemented";
        return PST_E_UNKNOWN_METHOD;
    }
    int rc = h->reverse(call, args->list, result);
    if (rc == 0)
        rec_Walker_reverse_result_set_success(result);
    return rc;
}

static const pst_method_desc rec_Walker__methods[1] = {
    { .name = "reverse", .args = &rec_Walker_reverse_args_desc, .result = &rec_Walker_reverse_result_desc,
      .oneway = false, .invoke = rec_Walker_reverse__invoke },
};
/* The IDL of this file and its includes, for GET /schema. */
static const unsigned char rec__idl[407] = {
    47, 47, 32, 45, 45, 45, 45, 32, 114, 101, 99, 117, 114, 115, 105, 118, 101, 46, 116, 104,
    114, 105, 102, 116, 10, 47, 47, 32, 84, 121, 112, 101, 115, 32, 116, 104, 97, 116, 32, 99,
    111, 110, 116, 97, 105, 110, 32, 116, 104, 101, 109, 115, 101, 108, 118, 101, 115, 32, 97, 114,
    101, 32, 104, 101, 108, 100, 32, 98, 121, 32, 112, 111, 105, 110, 116, 101, 114, 46, 10, 110,
    97, 109, 101, 115, 112, 97, 99, 101, 32, 99, 32, 114, 101, 99, 10, 10, 115, 116, 114, 117,
    99, 116, 32, 78, 111, 100, 101, 32, 123, 10, 32, 32, 49, 58, 32, 105, 51, 50, 32, 118,
    97, 108, 117, 101, 10, 32, 32, 50, 58, 32, 111, 112, 116, 105, 111, 110, 97, 108, 32, 78,
    111, 100, 101, 32, 110, 101, 120, 116, 10, 125, 10, 10, 115, 116, 114, 117, 99, 116, 32, 84,
    114, 101, 101, 32, 123, 10, 32, 32, 49, 58, 32, 108, 105, 115, 116, 60, 84, 114, 101, 101,
    62, 32, 99, 104, 105, 108, 100, 114, 101, 110, 10, 32, 32, 50, 58, 32, 115, 116, 114, 105,
    110, 103, 32, 108, 97, 98, 101, 108, 10, 125, 10, 10, 117, 110, 105, 111, 110, 32, 69, 120,
    112, 114, 32, 123, 10, 32, 32, 49, 58, 32, 105, 54, 52, 32, 110, 117, 109, 10, 32, 32,
    50, 58, 32, 80, 97, 105, 114, 32, 97, 100, 100, 10, 125, 10, 10, 115, 116, 114, 117, 99,
    116, 32, 80, 97, 105, 114, 32, 123, 10, 32, 32, 49, 58, 32, 69, 120, 112, 114, 32, 108,
    101, 102, 116, 10, 32, 32, 50, 58, 32, 69, 120, 112, 114, 32, 114, 105, 103, 104, 116, 10,
    125, 10, 10, 99, 111, 110, 115, 116, 32, 78, 111, 100, 101, 32, 67, 72, 65, 73, 78, 32,
    61, 32, 123, 34, 118, 97, 108, 117, 101, 34, 58, 32, 49, 44, 32, 34, 110, 101, 120, 116,
    34, 58, 32, 123, 34, 118, 97, 108, 117, 101, 34, 58, 32, 50, 125, 125, 10, 10, 115, 101,
    114, 118, 105, 99, 101, 32, 87, 97, 108, 107, 101, 114, 32, 123, 10, 32, 32, 78, 111, 100,
    101, 32, 114, 101, 118, 101, 114, 115, 101, 40, 49, 58, 32, 78, 111, 100, 101, 32, 108, 105,
    115, 116, 41, 10, 125, 10,
    0
};

const pst_service_desc rec_Walker_desc = {
    .name = "Walker", .base = NULL, .nmethods = 1, .methods = rec_Walker__methods,
    .idl = (const char *)rec__idl,
};

int rec_Walker_reverse(pst_client *c, pst_arena *a, const rec_Node *list, rec_Walker_reverse_result *result)
{
    rec_Walker_reverse_args args;
    rec_Walker_reverse_args_init(&args);
    if (list) {
        args.list = (struct rec_Node *)list;
        rec_Walker_reverse_args_set_list(&args);
    }
    return pst_client_call(c, &rec_Walker__methods[0], &args, result, a);
}

