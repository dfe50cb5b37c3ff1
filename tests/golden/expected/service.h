/*
 * service.h: generated from service.thrift by postern gen. Do not edit.
 *
 * Services: extends, oneway, void, declared exceptions, defaults.
 *
 * C names start with svc_ (from namespace c). Structs are plain data;
 * each has a const descriptor (_desc) that the protocols walk, an _init
 * function, and _isset_/_set_ functions per field. Strings (pst_str) and
 * lists (pst_list: data, count) point into the arena that decoded them.
 * See postern/types.h.
 */
#ifndef POSTERN_GEN_svc__service_H
#define POSTERN_GEN_svc__service_H

#include <stdbool.h>
#include <stdint.h>

#include <postern/client.h>
#include <postern/processor.h>
#include <postern/types.h>

/*
 * struct Item (service.thrift:4)
 */
typedef struct svc_Item {
    pst_str name;                       /* 1: string name */
    int32_t count;                      /* 2: i32 count */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Item;

extern const pst_struct_desc svc_Item_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Item_init(svc_Item *v);
static inline bool svc_Item_isset_name(const svc_Item *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Item_set_name(svc_Item *v) { v->isset_[0] |= 0x01u; }
static inline bool svc_Item_isset_count(const svc_Item *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void svc_Item_set_count(svc_Item *v) { v->isset_[0] |= 0x02u; }

/*
 * exception Invalid (service.thrift:5)
 */
typedef struct svc_Invalid {
    pst_str reason;                     /* 1: string reason */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Invalid;

extern const pst_struct_desc svc_Invalid_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Invalid_init(svc_Invalid *v);
static inline bool svc_Invalid_isset_reason(const svc_Invalid *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Invalid_set_reason(svc_Invalid *v) { v->isset_[0] |= 0x01u; }

/*
 * exception Busy (service.thrift:6)
 */
typedef struct svc_Busy {
    int32_t retry_ms;                   /* 1: i32 retry_ms */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Busy;

extern const pst_struct_desc svc_Busy_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Busy_init(svc_Busy *v);
static inline bool svc_Busy_isset_retry_ms(const svc_Busy *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Busy_set_retry_ms(svc_Busy *v) { v->isset_[0] |= 0x01u; }

/* ==== service Base ==== */

/*
 * Base.ping: the arguments as they travel.
 * void ping()
 */
typedef struct svc_Base_ping_args {
    uint8_t isset_[1];                  /* no fields; keeps C happy */
} svc_Base_ping_args;

extern const pst_struct_desc svc_Base_ping_args_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Base_ping_args_init(svc_Base_ping_args *v);

/*
 * Base.ping: the result as it travels: nothing (void, no exceptions).
 */
typedef struct svc_Base_ping_result {
    uint8_t isset_[1];                  /* no fields; keeps C happy */
} svc_Base_ping_result;

extern const pst_struct_desc svc_Base_ping_result_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Base_ping_result_init(svc_Base_ping_result *v);

/*
 * service Base (service.thrift:8)
 *
 * Serving Base: fill in the functions you implement (a call to a NULL
 * one fails: "method ... is not implemented") and hand the table to a
 * processor:
 *     static const svc_Base_handler h = { .ping = my_ping };
 *     pst_processor proc = { &svc_Base_desc, &h, user };
 * Each function gets the call (call->arena for reply data, call->user),
 * the arguments (in call->arena until the reply is written, so the
 * result may point into them) and, unless oneway, the result to fill
 * in. Return 0 to reply with result->success (marked set for
 * you) or with a declared exception you filled in and marked with its
 * _set_ function; return < 0 for an INTERNAL_ERROR reply
 * (call->error_message may say why).
 */
typedef struct svc_Base_handler {
    /*
     * void ping()
     *
     * Liveness.
     */
    int (*ping)(pst_call *call, svc_Base_ping_result *result);
} svc_Base_handler;

extern const pst_service_desc svc_Base_desc;

/*
 * Client stubs for Base: each sends the call over c and, unless oneway,
 * waits for the reply. 0: result->success holds the value (for void
 * methods: the call succeeded); PST_E_DECLARED_EXCEPTION: one of the
 * result's exception fields is set; otherwise a status from
 * postern/client.h. Reply strings and lists live in arena a. A NULL
 * struct or container argument is left out of the call.
 */
/* void ping() */
int svc_Base_ping(pst_client *c, pst_arena *a, svc_Base_ping_result *result);

/* ==== service Store ==== */

/*
 * Store.add: the arguments as they travel.
 * i32 add(1: Item item, 2: bool replace = false) throws (1: Invalid invalid, 2: Busy busy)
 */
typedef struct svc_Store_add_args {
    svc_Item item;                      /* 1: Item item */
    bool replace;                       /* 2: bool replace = false */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Store_add_args;

extern const pst_struct_desc svc_Store_add_args_desc;
/* Zero *v, then set the IDL default values (and their isset bits). */
void svc_Store_add_args_init(svc_Store_add_args *v);
static inline bool svc_Store_add_args_isset_item(const svc_Store_add_args *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Store_add_args_set_item(svc_Store_add_args *v) { v->isset_[0] |= 0x01u; }
static inline bool svc_Store_add_args_isset_replace(const svc_Store_add_args *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void svc_Store_add_args_set_replace(svc_Store_add_args *v) { v->isset_[0] |= 0x02u; }

/*
 * Store.add: the result as it travels: success (field 0) or one declared exception.
 */
typedef struct svc_Store_add_result {
    int32_t success;                    /* 0: i32 success (the return value) */
    svc_Invalid invalid;                /* 1: Invalid invalid */
    svc_Busy busy;                      /* 2: Busy busy */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Store_add_result;

extern const pst_struct_desc svc_Store_add_result_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Store_add_result_init(svc_Store_add_result *v);
static inline bool svc_Store_add_result_isset_success(const svc_Store_add_result *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Store_add_result_set_success(svc_Store_add_result *v) { v->isset_[0] |= 0x01u; }
static inline bool svc_Store_add_result_isset_invalid(const svc_Store_add_result *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void svc_Store_add_result_set_invalid(svc_Store_add_result *v) { v->isset_[0] |= 0x02u; }
static inline bool svc_Store_add_result_isset_busy(const svc_Store_add_result *v) { return (v->isset_[0] & 0x04u) != 0; }
static inline void svc_Store_add_result_set_busy(svc_Store_add_result *v) { v->isset_[0] |= 0x04u; }

/*
 * Store.items: the arguments as they travel.
 * list<Item> items(1: i32 limit, 2: map<string,string> filter)
 */
typedef struct svc_Store_items_args {
    int32_t limit;                      /* 1: i32 limit */
    pst_map filter;                     /* 2: map<string,string> filter; keys: pst_str[count], values: pst_str[count] */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Store_items_args;

extern const pst_struct_desc svc_Store_items_args_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Store_items_args_init(svc_Store_items_args *v);
static inline bool svc_Store_items_args_isset_limit(const svc_Store_items_args *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Store_items_args_set_limit(svc_Store_items_args *v) { v->isset_[0] |= 0x01u; }
static inline bool svc_Store_items_args_isset_filter(const svc_Store_items_args *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void svc_Store_items_args_set_filter(svc_Store_items_args *v) { v->isset_[0] |= 0x02u; }

/*
 * Store.items: the result as it travels: success (field 0).
 */
typedef struct svc_Store_items_result {
    pst_list success;                   /* 0: list<Item> success (the return value); data: svc_Item[count] */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Store_items_result;

extern const pst_struct_desc svc_Store_items_result_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Store_items_result_init(svc_Store_items_result *v);
static inline bool svc_Store_items_result_isset_success(const svc_Store_items_result *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Store_items_result_set_success(svc_Store_items_result *v) { v->isset_[0] |= 0x01u; }

/*
 * Store.clear: the arguments as they travel.
 * void clear() throws (1: Busy busy)
 */
typedef struct svc_Store_clear_args {
    uint8_t isset_[1];                  /* no fields; keeps C happy */
} svc_Store_clear_args;

extern const pst_struct_desc svc_Store_clear_args_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Store_clear_args_init(svc_Store_clear_args *v);

/*
 * Store.clear: the result as it travels: one declared exception.
 */
typedef struct svc_Store_clear_result {
    svc_Busy busy;                      /* 1: Busy busy */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Store_clear_result;

extern const pst_struct_desc svc_Store_clear_result_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Store_clear_result_init(svc_Store_clear_result *v);
static inline bool svc_Store_clear_result_isset_busy(const svc_Store_clear_result *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Store_clear_result_set_busy(svc_Store_clear_result *v) { v->isset_[0] |= 0x01u; }

/*
 * Store.log: the arguments as they travel.
 * oneway void log(1: string line, 2: i64 at)
 */
typedef struct svc_Store_log_args {
    pst_str line;                       /* 1: string line */
    int64_t at;                         /* 2: i64 at */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Store_log_args;

extern const pst_struct_desc svc_Store_log_args_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Store_log_args_init(svc_Store_log_args *v);
static inline bool svc_Store_log_args_isset_line(const svc_Store_log_args *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Store_log_args_set_line(svc_Store_log_args *v) { v->isset_[0] |= 0x01u; }
static inline bool svc_Store_log_args_isset_at(const svc_Store_log_args *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void svc_Store_log_args_set_at(svc_Store_log_args *v) { v->isset_[0] |= 0x02u; }

/*
 * Store.get: the arguments as they travel.
 * string get(1: string name, 2: uuid id)
 */
typedef struct svc_Store_get_args {
    pst_str name;                       /* 1: string name */
    pst_uuid id;                        /* 2: uuid id */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Store_get_args;

extern const pst_struct_desc svc_Store_get_args_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Store_get_args_init(svc_Store_get_args *v);
static inline bool svc_Store_get_args_isset_name(const svc_Store_get_args *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Store_get_args_set_name(svc_Store_get_args *v) { v->isset_[0] |= 0x01u; }
static inline bool svc_Store_get_args_isset_id(const svc_Store_get_args *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void svc_Store_get_args_set_id(svc_Store_get_args *v) { v->isset_[0] |= 0x02u; }

/*
 * Store.get: the result as it travels: success (field 0).
 */
typedef struct svc_Store_get_result {
    pst_str success;                    /* 0: string success (the return value) */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} svc_Store_get_result;

extern const pst_struct_desc svc_Store_get_result_desc;
/* Zero *v, then set the IDL default values (there are none). */
void svc_Store_get_result_init(svc_Store_get_result *v);
static inline bool svc_Store_get_result_isset_success(const svc_Store_get_result *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void svc_Store_get_result_set_success(svc_Store_get_result *v) { v->isset_[0] |= 0x01u; }

/*
 * service Store extends Base (service.thrift:14)
 *
 * Keeps items.
 *
 * Serving Store: fill in the functions you implement (a call to a NULL
 * one fails: "method ... is not implemented") and hand the table to a
 * processor:
 *     static const svc_Store_handler h = { .add = my_add };
 *     pst_processor proc = { &svc_Store_desc, &h, user };
 * Each function gets the call (call->arena for reply data, call->user),
 * the arguments (in call->arena until the reply is written, so the
 * result may point into them) and, unless oneway, the result to fill
 * in. Return 0 to reply with result->success (marked set for
 * you) or with a declared exception you filled in and marked with its
 * _set_ function; return < 0 for an INTERNAL_ERROR reply
 * (call->error_message may say why).
 * The base service's functions are in .base.
 */
typedef struct svc_Store_handler {
    svc_Base_handler base;              /* the methods of Base; first, so a pointer to this table is also one to the base's */
    /*
     * i32 add(1: Item item, 2: bool replace = false) throws (1: Invalid invalid, 2: Busy busy)
     *
     * Adds an item; returns the new count.
     */
    int (*add)(pst_call *call, const svc_Item *item, bool replace, svc_Store_add_result *result);
    /*
     * list<Item> items(1: i32 limit, 2: map<string,string> filter)
     */
    int (*items)(pst_call *call, int32_t limit, const pst_map *filter, svc_Store_items_result *result);
    /*
     * void clear() throws (1: Busy busy)
     */
    int (*clear)(pst_call *call, svc_Store_clear_result *result);
    /*
     * oneway void log(1: string line, 2: i64 at)
     */
    int (*log)(pst_call *call, pst_str line, int64_t at);
    /*
     * string get(1: string name, 2: uuid id)
     */
    int (*get)(pst_call *call, pst_str name, pst_uuid id, svc_Store_get_result *result);
} svc_Store_handler;

extern const pst_service_desc svc_Store_desc;

/*
 * Client stubs for Store: each sends the call over c and, unless oneway,
 * waits for the reply. 0: result->success holds the value (for void
 * methods: the call succeeded); PST_E_DECLARED_EXCEPTION: one of the
 * result's exception fields is set; otherwise a status from
 * postern/client.h. Reply strings and lists live in arena a. A NULL
 * struct or container argument is left out of the call.
 */
/* i32 add(1: Item item, 2: bool replace = false) throws (1: Invalid invalid, 2: Busy busy) */
int svc_Store_add(pst_client *c, pst_arena *a, const svc_Item *item, bool replace, svc_Store_add_result *result);
/* list<Item> items(1: i32 limit, 2: map<string,string> filter) */
int svc_Store_items(pst_client *c, pst_arena *a, int32_t limit, const pst_map *filter, svc_Store_items_result *result);
/* void clear() throws (1: Busy busy) */
int svc_Store_clear(pst_client *c, pst_arena *a, svc_Store_clear_result *result);
/* oneway void log(1: string line, 2: i64 at) */
int svc_Store_log(pst_client *c, pst_arena *a, pst_str line, int64_t at);
/* string get(1: string name, 2: uuid id) */
int svc_Store_get(pst_client *c, pst_arena *a, pst_str name, pst_uuid id, svc_Store_get_result *result);

#endif /* POSTERN_GEN_svc__service_H */
