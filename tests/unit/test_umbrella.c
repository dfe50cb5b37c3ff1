/* test_umbrella.c: postern.h alone brings the whole public API, and the
 * headers agree with each other when included together. */
#include "postern/postern.h"
#include "test.h"

static void test_everything_declared(void)
{
    pst_server_options so = PST_SERVER_OPTIONS_INIT;
    pst_client_options co = PST_CLIENT_OPTIONS_INIT;
    pst_pipeline_options po = PST_PIPELINE_OPTIONS_INIT;
    pst_pool_options qo = PST_POOL_OPTIONS_INIT;
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    /* The defaults are Apache Thrift's limits everywhere. */
    CHECK_EQ_INT(cfg.max_message, 104857600);
    CHECK_EQ_INT(cfg.max_frame, 16384000);
    CHECK_EQ_INT(cfg.max_depth, 64);
    CHECK_EQ_INT(so.codec.max_frame, cfg.max_frame);
    CHECK_EQ_INT(co.codec.max_message, cfg.max_message);
    CHECK_EQ_INT(po.codec.max_depth, cfg.max_depth);
    CHECK_EQ_INT(qo.codec.max_frame, cfg.max_frame);
    CHECK_EQ_INT(to.codec.max_message, cfg.max_message);
    CHECK(pst_protocol_by_name("binary") == &pst_protocol_binary);
    CHECK(pst_protocol_by_name("compact") == &pst_protocol_compact);
    CHECK(pst_protocol_by_name("json") == &pst_protocol_json);
    CHECK(pst_file_protocol(PST_FILE_PROTO_DEBUG) == &pst_protocol_debug);
    pst_debug_options dbo = PST_DEBUG_OPTIONS_INIT;
    CHECK(!dbo.one_line && dbo.max_string == 0);
    CHECK_EQ_INT(pst_server_model_by_name("nonblocking"), PST_SERVER_NONBLOCKING);
    CHECK(strcmp(pst_strerror_name(PST_E_TIMEOUT), "PST_E_TIMEOUT") == 0);
}

int main(void)
{
    RUN(test_everything_declared);
    return test_report();
}
