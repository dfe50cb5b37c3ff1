/*
 * datamodel.h: generated from datamodel.thrift by postern gen. Do not edit.
 *
 * A little of everything a data model uses.
 *
 * C names start with feat_ (from namespace c). Structs are plain data;
 * each has a const descriptor (_desc) that the protocols walk, an _init
 * function, and _isset_/_set_ functions per field. Strings (pst_str) and
 * lists (pst_list: data, count) point into the arena that decoded them.
 * See postern/types.h.
 */
#ifndef POSTERN_GEN_feat__datamodel_H
#define POSTERN_GEN_feat__datamodel_H

#include <stdbool.h>
#include <stdint.h>

#include <postern/client.h>
#include <postern/processor.h>
#include <postern/types.h>

/*
 * enum Priority (datamodel.thrift:5)
 * Values travel as i32; struct members hold them as int32_t.
 *
 * How urgent.
 */
typedef enum feat_Priority {
    feat_Priority_LOW = 1,
    /*
     * The default.
     */
    feat_Priority_NORMAL = 2,
    feat_Priority_HIGH = 10,
} feat_Priority;
extern const pst_enum_desc feat_Priority_desc;

/*
 * struct Point (datamodel.thrift:15)
 */
typedef struct feat_Point {
    double x;                           /* 1: required double x */
    double y;                           /* 2: required double y */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} feat_Point;

extern const pst_struct_desc feat_Point_desc;
/* Zero *v, then set the IDL default values (there are none). */
void feat_Point_init(feat_Point *v);
static inline bool feat_Point_isset_x(const feat_Point *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void feat_Point_set_x(feat_Point *v) { v->isset_[0] |= 0x01u; }
static inline bool feat_Point_isset_y(const feat_Point *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void feat_Point_set_y(feat_Point *v) { v->isset_[0] |= 0x02u; }

/*
 * struct Task (datamodel.thrift:21)
 *
 * A task in a list.
 */
typedef struct feat_Task {
    pst_str title;                      /* 1: required string title */
    pst_str notes;                      /* 2: optional string notes */
    int32_t priority;                   /* 3: Priority priority = Priority.NORMAL */
    pst_list tags;                      /* 4: Tags tags = ["new"]; data: pst_str[count] */
    pst_map counters;                   /* 5: map<string,i32> counters; keys: pst_str[count], values: int32_t[count] */
    pst_list reminders;                 /* 6: set<Timestamp> reminders; data: int64_t[count] */
    feat_Point where;                   /* 7: Point where = {"x": 1.5, "y": -2} */
    pst_uuid id;                        /* 8: uuid id */
    pst_str attachment;                 /* 9: binary attachment */
    bool done;                          /* 10: bool done = false */
    int8_t i8_field;                    /* 11: i8 i8_field */
    int16_t i16_field;                  /* 12: i16 i16_field */
    uint8_t isset_[2];                  /* presence bits: use _isset_/_set_ below */
} feat_Task;

extern const pst_struct_desc feat_Task_desc;
/* Zero *v, then set the IDL default values (and their isset bits). */
void feat_Task_init(feat_Task *v);
static inline bool feat_Task_isset_title(const feat_Task *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void feat_Task_set_title(feat_Task *v) { v->isset_[0] |= 0x01u; }
static inline bool feat_Task_isset_notes(const feat_Task *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void feat_Task_set_notes(feat_Task *v) { v->isset_[0] |= 0x02u; }
static inline bool feat_Task_isset_priority(const feat_Task *v) { return (v->isset_[0] & 0x04u) != 0; }
static inline void feat_Task_set_priority(feat_Task *v) { v->isset_[0] |= 0x04u; }
static inline bool feat_Task_isset_tags(const feat_Task *v) { return (v->isset_[0] & 0x08u) != 0; }
static inline void feat_Task_set_tags(feat_Task *v) { v->isset_[0] |= 0x08u; }
static inline bool feat_Task_isset_counters(const feat_Task *v) { return (v->isset_[0] & 0x10u) != 0; }
static inline void feat_Task_set_counters(feat_Task *v) { v->isset_[0] |= 0x10u; }
static inline bool feat_Task_isset_reminders(const feat_Task *v) { return (v->isset_[0] & 0x20u) != 0; }
static inline void feat_Task_set_reminders(feat_Task *v) { v->isset_[0] |= 0x20u; }
static inline bool feat_Task_isset_where(const feat_Task *v) { return (v->isset_[0] & 0x40u) != 0; }
static inline void feat_Task_set_where(feat_Task *v) { v->isset_[0] |= 0x40u; }
static inline bool feat_Task_isset_id(const feat_Task *v) { return (v->isset_[0] & 0x80u) != 0; }
static inline void feat_Task_set_id(feat_Task *v) { v->isset_[0] |= 0x80u; }
static inline bool feat_Task_isset_attachment(const feat_Task *v) { return (v->isset_[1] & 0x01u) != 0; }
static inline void feat_Task_set_attachment(feat_Task *v) { v->isset_[1] |= 0x01u; }
static inline bool feat_Task_isset_done(const feat_Task *v) { return (v->isset_[1] & 0x02u) != 0; }
static inline void feat_Task_set_done(feat_Task *v) { v->isset_[1] |= 0x02u; }
static inline bool feat_Task_isset_i8_field(const feat_Task *v) { return (v->isset_[1] & 0x04u) != 0; }
static inline void feat_Task_set_i8_field(feat_Task *v) { v->isset_[1] |= 0x04u; }
static inline bool feat_Task_isset_i16_field(const feat_Task *v) { return (v->isset_[1] & 0x08u) != 0; }
static inline void feat_Task_set_i16_field(feat_Task *v) { v->isset_[1] |= 0x08u; }

/*
 * union Contact (datamodel.thrift:36)
 * A union: set exactly one field.
 */
typedef struct feat_Contact {
    pst_str email;                      /* 1: string email = "nobody@example.com" */
    int64_t phone;                      /* 2: i64 phone */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} feat_Contact;

extern const pst_struct_desc feat_Contact_desc;
/* Zero *v, then set the IDL default values (not marked set: a union sets one member). */
void feat_Contact_init(feat_Contact *v);
static inline bool feat_Contact_isset_email(const feat_Contact *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void feat_Contact_set_email(feat_Contact *v) { v->isset_[0] |= 0x01u; }
static inline bool feat_Contact_isset_phone(const feat_Contact *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void feat_Contact_set_phone(feat_Contact *v) { v->isset_[0] |= 0x02u; }

/*
 * exception NotFound (datamodel.thrift:41)
 */
typedef struct feat_NotFound {
    pst_str what;                       /* 1: string what */
    int32_t code;                       /* 2: i32 code = 404 */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} feat_NotFound;

extern const pst_struct_desc feat_NotFound_desc;
/* Zero *v, then set the IDL default values (and their isset bits). */
void feat_NotFound_init(feat_NotFound *v);
static inline bool feat_NotFound_isset_what(const feat_NotFound *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void feat_NotFound_set_what(feat_NotFound *v) { v->isset_[0] |= 0x01u; }
static inline bool feat_NotFound_isset_code(const feat_NotFound *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void feat_NotFound_set_code(feat_NotFound *v) { v->isset_[0] |= 0x02u; }

/*
 * typedef i64 Timestamp (datamodel.thrift:12)
 */
typedef int64_t feat_Timestamp;

/*
 * typedef list<string> Tags (datamodel.thrift:13)
 */
typedef pst_list feat_Tags;

/*
 * const i32 MAX_TASKS = 1000 (datamodel.thrift:46)
 */
extern const int32_t feat_MAX_TASKS;

/*
 * const string OWNER = "feat \"owner\"" (datamodel.thrift:47)
 */
extern const pst_str feat_OWNER;

/*
 * const list<Priority> ORDER = [Priority.HIGH, Priority.NORMAL, Priority.LOW] (datamodel.thrift:48)
 */
extern const pst_list feat_ORDER;

/*
 * const map<string,Point> PLACES = {"origin": {"x": 0, "y": 0}} (datamodel.thrift:49)
 */
extern const pst_map feat_PLACES;

/*
 * const Task TEMPLATE = {"title": "todo", "tags": ["a", "b"]} (datamodel.thrift:50)
 */
extern const feat_Task feat_TEMPLATE;

/*
 * const uuid NIL = "00000000-0000-0000-0000-000000000000" (datamodel.thrift:51)
 */
extern const pst_uuid feat_NIL;

#endif /* POSTERN_GEN_feat__datamodel_H */
