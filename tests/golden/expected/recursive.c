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
const pst_service_desc rec_Walker_desc = {
    .name = "Walker", .base = NULL, .nmethods = 1, .methods = rec_Walker__methods,
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

