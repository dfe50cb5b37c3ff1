/* test_codec_misc.c: descriptor helpers, protocol lookup, and the
 * TApplicationException struct on the wire. */
#include <stdlib.h>

#include "test.h"
#include "test_codec_types.h"

static void test_base_types(void)
{
    CHECK_EQ_INT(pst_type_bool.kind, PST_K_BOOL);
    CHECK_EQ_INT(pst_type_bool.ttype, PST_TT_BOOL);
    CHECK_EQ_INT(pst_type_i8.size, 1);
    CHECK_EQ_INT(pst_type_i16.ttype, PST_TT_I16);
    CHECK_EQ_INT(pst_type_i32.size, 4);
    CHECK_EQ_INT(pst_type_i64.ttype, PST_TT_I64);
    CHECK_EQ_INT(pst_type_double.ttype, PST_TT_DOUBLE);
    CHECK_EQ_INT(pst_type_string.kind, PST_K_STRING);
    CHECK_EQ_INT(pst_type_binary.ttype, PST_TT_STRING);
    CHECK_EQ_INT(pst_type_string.size, sizeof(pst_str));
    CHECK_EQ_INT(pst_type_uuid.ttype, PST_TT_UUID);
    CHECK_EQ_INT(pst_type_uuid.size, 16);
}

static void test_helpers(void)
{
    pst_str s = pst_str_c("abc");
    CHECK(s.len == 3 && memcmp(s.ptr, "abc", 3) == 0);
    s = pst_str_c(NULL);
    CHECK(s.len == 0);
    CHECK(pst_struct_field(&T_Everything_desc, -1) == &T_Everything_fields[0]);
    CHECK(pst_struct_field(&T_Everything_desc, 40) == &T_Everything_fields[19]);
    CHECK(pst_struct_field(&T_Everything_desc, 48) == &T_Everything_fields[27]);
    CHECK(pst_struct_field(&T_Everything_desc, 18) == NULL);
    CHECK(pst_struct_field(&T_Everything_desc, 0) == NULL);
    CHECK(pst_struct_field(&T_Everything_desc, 100) == NULL);
    CHECK(strcmp(pst_enum_name(&T_Color_desc, 2), "GREEN") == 0);
    CHECK(pst_enum_name(&T_Color_desc, 3) == NULL);
    T_Req r;
    memset(&r, 0x7f, sizeof r);
    pst_struct_init(&T_Req_desc, &r);
    CHECK(r.id == 0 && r.n == 5 && str_eq(r.name, PST_STR("dflt")) && r.isset_[0] == 0);
    T_Inner in;
    memset(&in, 0x7f, sizeof in);
    pst_struct_init(&T_Inner_desc, &in);
    CHECK(in.a == 0 && in.s.len == 0 && in.isset_[0] == 0);
}

static void test_service_method(void)
{
    static const pst_method_desc base_m[] = { { "ping", NULL, NULL, false, NULL } };
    static const pst_service_desc base = { "Base", NULL, 1, base_m, NULL };
    static const pst_method_desc own_m[] = { { "echo", NULL, NULL, false, NULL },
                                             { "echoAll", NULL, NULL, true, NULL } };
    static const pst_service_desc svc = { "Svc", &base, 2, own_m, NULL };
    CHECK(pst_service_method(&svc, "echo", 4) == &own_m[0]);
    CHECK(pst_service_method(&svc, "echoAll", 7) == &own_m[1]);
    CHECK(pst_service_method(&svc, "echoAllX", 4) == &own_m[0]); /* by length */
    CHECK(pst_service_method(&svc, "ping", 4) == &base_m[0]);
    CHECK(pst_service_method(&svc, "pin", 3) == NULL);
    CHECK(pst_service_method(&svc, "ech\0o", 5) == NULL);
    CHECK(pst_service_method(&base, "echo", 4) == NULL);
}

static void test_protocol_by_name(void)
{
    CHECK(pst_protocol_by_name("binary") == &pst_protocol_binary);
    CHECK(pst_protocol_by_name("compact") == &pst_protocol_compact);
    CHECK(pst_protocol_by_name("json") == &pst_protocol_json);
    CHECK(pst_protocol_by_name("morse") == NULL);
    CHECK(pst_protocol_by_name(NULL) == NULL);
    CHECK(strcmp(pst_protocol_binary.name, "binary") == 0);
    CHECK(strcmp(pst_protocol_compact.name, "compact") == 0);
}

static void test_app_exception(void)
{
    CHECK(strcmp(pst_app_exception_type_name(PST_APPEX_UNKNOWN_METHOD), "UNKNOWN_METHOD") == 0);
    CHECK(strcmp(pst_app_exception_type_name(PST_APPEX_UNSUPPORTED_CLIENT_TYPE),
                 "UNSUPPORTED_CLIENT_TYPE") == 0);
    CHECK(strcmp(pst_app_exception_type_name(11), "UNKNOWN") == 0);
    CHECK(strcmp(pst_app_exception_type_name(-1), "UNKNOWN") == 0);

    /* what Thrift writes: 1: string message, 2: i32 type, STOP */
    pst_app_exception ex = { PST_STR("Invalid method name: 'foo'"), PST_APPEX_UNKNOWN_METHOD, { 0 } };
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_protocol_binary.write_struct(&w, &pst_app_exception_desc, &ex, NULL), 0);
    uint8_t want[64] = { 0x0b, 0x00, 0x01, 0x00, 0x00, 0x00, 26 };
    memcpy(want + 7, "Invalid method name: 'foo'", 26);
    const uint8_t tail[] = { 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00 };
    memcpy(want + 33, tail, sizeof tail);
    CHECK_EQ_INT(w.len, 41);
    CHECK_MEM(w.data, want, 41);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_app_exception back;
    pst_rbuf r;
    pst_rbuf_init(&r, w.data, w.len, NULL);
    CHECK_EQ_INT(pst_protocol_binary.read_struct(&r, &pst_app_exception_desc, &back, &a, NULL), 0);
    CHECK(str_eq(back.message, ex.message) && back.type == 1 && back.isset_[0] == 3);
    w.len = 0;
    CHECK_EQ_INT(pst_protocol_compact.write_struct(&w, &pst_app_exception_desc, &ex, NULL), 0);
    CHECK_EQ_INT(w.len, 1 + 1 + 26 + 1 + 1 + 1);
    CHECK(w.data[0] == 0x18 && w.data[1] == 26 && w.data[28] == 0x15 && w.data[29] == 2 &&
          w.data[30] == 0);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
}

int main(void)
{
    RUN(test_base_types);
    RUN(test_helpers);
    RUN(test_service_method);
    RUN(test_protocol_by_name);
    RUN(test_app_exception);
    return test_report();
}
