/*
 * datamodel.c: generated from datamodel.thrift by postern gen. Do not edit.
 * The descriptor tables and wrappers behind datamodel.h.
 */
#include "datamodel.h"

#include <stddef.h>

/* feat_Priority */
static const pst_type feat__type_Priority = {
    .kind = PST_K_ENUM, .ttype = PST_TT_I32, .size = sizeof(int32_t),
    .edesc = &feat_Priority_desc,
};

/* list<string> */
static const pst_type feat__type_list_string = {
    .kind = PST_K_LIST, .ttype = PST_TT_LIST, .size = sizeof(pst_list),
    .elem = &pst_type_string,
};

/* map<string,i32> */
static const pst_type feat__type_map_string_i32 = {
    .kind = PST_K_MAP, .ttype = PST_TT_MAP, .size = sizeof(pst_map),
    .elem = &pst_type_string, .value = &pst_type_i32,
};

/* set<i64> */
static const pst_type feat__type_set_i64 = {
    .kind = PST_K_SET, .ttype = PST_TT_SET, .size = sizeof(pst_list),
    .elem = &pst_type_i64,
};

/* feat_Point */
static const pst_type feat__type_Point = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(feat_Point),
    .sdesc = &feat_Point_desc,
};

static const pst_enum_value feat_Priority__values[3] = {
    { "LOW", feat_Priority_LOW },
    { "NORMAL", feat_Priority_NORMAL },
    { "HIGH", feat_Priority_HIGH },
};
const pst_enum_desc feat_Priority_desc = {
    .name = "Priority", .count = 3, .values = feat_Priority__values,
};

static const pst_field feat_Point__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_DOUBLE, PST_REQ_REQUIRED, 0, offsetof(feat_Point, x), &pst_type_double, "x" },
    { 2, PST_K_DOUBLE, PST_REQ_REQUIRED, 1, offsetof(feat_Point, y), &pst_type_double, "y" },
};
const pst_struct_desc feat_Point_desc = {
    .name = "Point", .size = sizeof(feat_Point), .isset_offset = offsetof(feat_Point, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = feat_Point__fields, .defaults = NULL,
};
void feat_Point_init(feat_Point *v)
{
    pst_struct_init(&feat_Point_desc, v);
}

static const pst_field feat_Task__fields[12] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRING, PST_REQ_REQUIRED, 0, offsetof(feat_Task, title), &pst_type_string, "title" },
    { 2, PST_K_STRING, PST_REQ_OPTIONAL, 1, offsetof(feat_Task, notes), &pst_type_string, "notes" },
    { 3, PST_K_ENUM, PST_REQ_DEFAULT, 2, offsetof(feat_Task, priority), &feat__type_Priority, "priority" },
    { 4, PST_K_LIST, PST_REQ_DEFAULT, 3, offsetof(feat_Task, tags), &feat__type_list_string, "tags" },
    { 5, PST_K_MAP, PST_REQ_DEFAULT, 4, offsetof(feat_Task, counters), &feat__type_map_string_i32, "counters" },
    { 6, PST_K_SET, PST_REQ_DEFAULT, 5, offsetof(feat_Task, reminders), &feat__type_set_i64, "reminders" },
    { 7, PST_K_STRUCT, PST_REQ_DEFAULT, 6, offsetof(feat_Task, where), &feat__type_Point, "where" },
    { 8, PST_K_UUID, PST_REQ_DEFAULT, 7, offsetof(feat_Task, id), &pst_type_uuid, "id" },
    { 9, PST_K_BINARY, PST_REQ_DEFAULT, 8, offsetof(feat_Task, attachment), &pst_type_binary, "attachment" },
    { 10, PST_K_BOOL, PST_REQ_DEFAULT, 9, offsetof(feat_Task, done), &pst_type_bool, "done" },
    { 11, PST_K_I8, PST_REQ_DEFAULT, 10, offsetof(feat_Task, i8_field), &pst_type_i8, "i8_field" },
    { 12, PST_K_I16, PST_REQ_DEFAULT, 11, offsetof(feat_Task, i16_field), &pst_type_i16, "i16_field" },
};
static const pst_str feat__c1[1] = {
    { "new", 3 },
};

static const feat_Task feat_Task__defaults = {
    .priority = feat_Priority_NORMAL,
    .tags = { (void *)feat__c1, 1 },
    .where = { .x = 1.5, .y = -2.0, .isset_ = { 0x03 } },
    .done = false,
    .isset_ = { 0x4c, 0x02 }
};
const pst_struct_desc feat_Task_desc = {
    .name = "Task", .size = sizeof(feat_Task), .isset_offset = offsetof(feat_Task, isset_),
    .nfields = 12, .kind = PST_STRUCT, .fields = feat_Task__fields, .defaults = &feat_Task__defaults,
};
void feat_Task_init(feat_Task *v)
{
    pst_struct_init(&feat_Task_desc, v);
}

static const pst_field feat_Contact__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(feat_Contact, email), &pst_type_string, "email" },
    { 2, PST_K_I64, PST_REQ_DEFAULT, 1, offsetof(feat_Contact, phone), &pst_type_i64, "phone" },
};
static const feat_Contact feat_Contact__defaults = {
    .email = { "nobody@example.com", 18 },
    .isset_ = { 0x00 }
};
const pst_struct_desc feat_Contact_desc = {
    .name = "Contact", .size = sizeof(feat_Contact), .isset_offset = offsetof(feat_Contact, isset_),
    .nfields = 2, .kind = PST_UNION, .fields = feat_Contact__fields, .defaults = &feat_Contact__defaults,
};
void feat_Contact_init(feat_Contact *v)
{
    pst_struct_init(&feat_Contact_desc, v);
}

static const pst_field feat_NotFound__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(feat_NotFound, what), &pst_type_string, "what" },
    { 2, PST_K_I32, PST_REQ_DEFAULT, 1, offsetof(feat_NotFound, code), &pst_type_i32, "code" },
};
static const feat_NotFound feat_NotFound__defaults = {
    .code = 404,
    .isset_ = { 0x02 }
};
const pst_struct_desc feat_NotFound_desc = {
    .name = "NotFound", .size = sizeof(feat_NotFound), .isset_offset = offsetof(feat_NotFound, isset_),
    .nfields = 2, .kind = PST_EXCEPTION, .fields = feat_NotFound__fields, .defaults = &feat_NotFound__defaults,
};
void feat_NotFound_init(feat_NotFound *v)
{
    pst_struct_init(&feat_NotFound_desc, v);
}

const int32_t feat_MAX_TASKS = 1000;

const pst_str feat_OWNER = { "feat \"owner\"", 12 };

static const int32_t feat__c2[3] = {
    feat_Priority_HIGH,
    feat_Priority_NORMAL,
    feat_Priority_LOW,
};

const pst_list feat_ORDER = { (void *)feat__c2, 3 };

static const pst_str feat__c3[1] = {
    { "origin", 6 },
};

static const feat_Point feat__c4[1] = {
    { .x = 0.0, .y = 0.0, .isset_ = { 0x03 } },
};

const pst_map feat_PLACES = { (void *)feat__c3, (void *)feat__c4, 1 };

static const pst_str feat__c5[2] = {
    { "a", 1 },
    { "b", 1 },
};

const feat_Task feat_TEMPLATE = {
    .title = { "todo", 4 },
    .priority = feat_Priority_NORMAL,
    .tags = { (void *)feat__c5, 2 },
    .where = { .x = 1.5, .y = -2.0, .isset_ = { 0x03 } },
    .done = false,
    .isset_ = { 0x4d, 0x02 }
};

const pst_uuid feat_NIL = { { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 } };

