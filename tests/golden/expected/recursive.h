/*
 * recursive.h: generated from recursive.thrift by postern gen. Do not edit.
 *
 * C names start with rec_ (from namespace c). Structs are plain data;
 * each has a const descriptor (_desc) that the protocols walk, an _init
 * function, and _isset_/_set_ functions per field. Strings (pst_str) and
 * lists (pst_list: data, count) point into the arena that decoded them.
 * See postern/types.h.
 */
#ifndef POSTERN_GEN_rec__recursive_H
#define POSTERN_GEN_rec__recursive_H

#include <stdbool.h>
#include <stdint.h>

#include <postern/client.h>
#include <postern/processor.h>
#include <postern/types.h>

/*
 * struct Node (recursive.thrift:4)
 */
typedef struct rec_Node {
    int32_t value;                      /* 1: i32 value */
    struct rec_Node *next;              /* 2: optional Node next; a pointer: the type contains itself */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} rec_Node;

extern const pst_struct_desc rec_Node_desc;
/* Zero *v, then set the IDL default values (there are none). */
void rec_Node_init(rec_Node *v);
static inline bool rec_Node_isset_value(const rec_Node *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void rec_Node_set_value(rec_Node *v) { v->isset_[0] |= 0x01u; }
static inline bool rec_Node_isset_next(const rec_Node *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void rec_Node_set_next(rec_Node *v) { v->isset_[0] |= 0x02u; }

/*
 * struct Tree (recursive.thrift:9)
 */
typedef struct rec_Tree {
    pst_list children;                  /* 1: list<Tree> children; data: rec_Tree[count] */
    pst_str label;                      /* 2: string label */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} rec_Tree;

extern const pst_struct_desc rec_Tree_desc;
/* Zero *v, then set the IDL default values (there are none). */
void rec_Tree_init(rec_Tree *v);
static inline bool rec_Tree_isset_children(const rec_Tree *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void rec_Tree_set_children(rec_Tree *v) { v->isset_[0] |= 0x01u; }
static inline bool rec_Tree_isset_label(const rec_Tree *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void rec_Tree_set_label(rec_Tree *v) { v->isset_[0] |= 0x02u; }

/*
 * union Expr (recursive.thrift:14)
 * A union: set exactly one field.
 */
typedef struct rec_Expr {
    int64_t num;                        /* 1: i64 num */
    struct rec_Pair *add;               /* 2: Pair add; a pointer: the type contains itself */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} rec_Expr;

extern const pst_struct_desc rec_Expr_desc;
/* Zero *v, then set the IDL default values (there are none). */
void rec_Expr_init(rec_Expr *v);
static inline bool rec_Expr_isset_num(const rec_Expr *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void rec_Expr_set_num(rec_Expr *v) { v->isset_[0] |= 0x01u; }
static inline bool rec_Expr_isset_add(const rec_Expr *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void rec_Expr_set_add(rec_Expr *v) { v->isset_[0] |= 0x02u; }

/*
 * struct Pair (recursive.thrift:19)
 */
typedef struct rec_Pair {
    struct rec_Expr *left;              /* 1: Expr left; a pointer: the type contains itself */
    struct rec_Expr *right;             /* 2: Expr right; a pointer: the type contains itself */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} rec_Pair;

extern const pst_struct_desc rec_Pair_desc;
/* Zero *v, then set the IDL default values (there are none). */
void rec_Pair_init(rec_Pair *v);
static inline bool rec_Pair_isset_left(const rec_Pair *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void rec_Pair_set_left(rec_Pair *v) { v->isset_[0] |= 0x01u; }
static inline bool rec_Pair_isset_right(const rec_Pair *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void rec_Pair_set_right(rec_Pair *v) { v->isset_[0] |= 0x02u; }

/*
 * const Node CHAIN = {"value": 1, "next": {"value": 2}} (recursive.thrift:24)
 */
extern const rec_Node rec_CHAIN;

/* ==== service Walker ==== */

/*
 * Walker.reverse: the arguments as they travel.
 * Node reverse(1: Node list)
 */
typedef struct rec_Walker_reverse_args {
    struct rec_Node *list;              /* 1: Node list; a pointer: the type contains itself */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} rec_Walker_reverse_args;

extern const pst_struct_desc rec_Walker_reverse_args_desc;
/* Zero *v, then set the IDL default values (there are none). */
void rec_Walker_reverse_args_init(rec_Walker_reverse_args *v);
static inline bool rec_Walker_reverse_args_isset_list(const rec_Walker_reverse_args *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void rec_Walker_reverse_args_set_list(rec_Walker_reverse_args *v) { v->isset_[0] |= 0x01u; }

/*
 * Walker.reverse: the result as it travels: success (field 0).
 */
typedef struct rec_Walker_reverse_result {
    struct rec_Node *success;           /* 0: Node success (the return value); a pointer: the type contains itself */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} rec_Walker_reverse_result;

extern const pst_struct_desc rec_Walker_reverse_result_desc;
/* Zero *v, then set the IDL default values (there are none). */
void rec_Walker_reverse_result_init(rec_Walker_reverse_result *v);
static inline bool rec_Walker_reverse_result_isset_success(const rec_Walker_reverse_result *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void rec_Walker_reverse_result_set_success(rec_Walker_reverse_result *v) { v->isset_[0] |= 0x01u; }

/*
 * service Walker (recursive.thrift:26)
 *
 * Serving Walker: fill in the functions you implement (a call to a NULL
 * one fails: "method ... is not implemented") and hand the table to a
 * processor:
 *     static const rec_Walker_handler h = { .reverse = my_reverse };
 *     pst_processor proc = { &rec_Walker_desc, &h, user };
 * Each function gets the call (call->arena for reply data, call->user),
 * the arguments (in call->arena until the reply is written, so the
 * result may point into them) and, unless oneway, the result to fill
 * in. Return 0 to reply with result->success (marked set for
 * you) or with a declared exception you filled in and marked with its
 * _set_ function; return < 0 for an INTERNAL_ERROR reply
 * (call->error_message may say why).
 */
typedef struct rec_Walker_handler {
    /*
     * Node reverse(1: Node list)
     */
    int (*reverse)(pst_call *call, const rec_Node *list, rec_Walker_reverse_result *result);
} rec_Walker_handler;

extern const pst_service_desc rec_Walker_desc;

/*
 * Client stubs for Walker: each sends the call over c and, unless oneway,
 * waits for the reply. 0: result->success holds the value (for void
 * methods: the call succeeded); PST_E_DECLARED_EXCEPTION: one of the
 * result's exception fields is set; otherwise a status from
 * postern/client.h. Reply strings and lists live in arena a. A NULL
 * struct or container argument is left out of the call.
 */
/* Node reverse(1: Node list) */
int rec_Walker_reverse(pst_client *c, pst_arena *a, const rec_Node *list, rec_Walker_reverse_result *result);

#endif /* POSTERN_GEN_rec__recursive_H */
