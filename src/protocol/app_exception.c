/*
 * app_exception.c: TApplicationException, the struct every Thrift library
 * sends in an EXCEPTION message: { 1: string message, 2: i32 type }.
 */
#include <stddef.h>

#include "postern/protocol.h"

static const pst_field app_exception_fields[] = {
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0,
      offsetof(pst_app_exception, message), &pst_type_string, "message" },
    { 2, PST_K_I32, PST_REQ_DEFAULT, 1, offsetof(pst_app_exception, type),
      &pst_type_i32, "type" },
};

const pst_struct_desc pst_app_exception_desc = {
    "TApplicationException",
    sizeof(pst_app_exception),
    offsetof(pst_app_exception, isset_),
    2,
    PST_EXCEPTION,
    app_exception_fields,
    NULL,
};

const char *pst_app_exception_type_name(int32_t type)
{
    static const char *const names[] = {
        [PST_APPEX_UNKNOWN] = "UNKNOWN",
        [PST_APPEX_UNKNOWN_METHOD] = "UNKNOWN_METHOD",
        [PST_APPEX_INVALID_MESSAGE_TYPE] = "INVALID_MESSAGE_TYPE",
        [PST_APPEX_WRONG_METHOD_NAME] = "WRONG_METHOD_NAME",
        [PST_APPEX_BAD_SEQUENCE_ID] = "BAD_SEQUENCE_ID",
        [PST_APPEX_MISSING_RESULT] = "MISSING_RESULT",
        [PST_APPEX_INTERNAL_ERROR] = "INTERNAL_ERROR",
        [PST_APPEX_PROTOCOL_ERROR] = "PROTOCOL_ERROR",
        [PST_APPEX_INVALID_TRANSFORM] = "INVALID_TRANSFORM",
        [PST_APPEX_INVALID_PROTOCOL] = "INVALID_PROTOCOL",
        [PST_APPEX_UNSUPPORTED_CLIENT_TYPE] = "UNSUPPORTED_CLIENT_TYPE",
    };
    if (type < 0 || type >= (int32_t)(sizeof names / sizeof names[0]))
        return "UNKNOWN";
    return names[type];
}
