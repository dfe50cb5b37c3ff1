/* test_abstract_socket.c: servers and clients on Linux abstract Unix socket
 * names (pst_server_options.unix_abstract, postern/abstract_socket.h): a
 * call goes through, no file appears, a second server cannot take a live
 * name, and bad or absent names fail with errors that say so. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postern/abstract_socket.h"
#include "postern/server.h"
#include "test.h"
#include "test_calc.h"
#include "test_serve_thread.h"

static const pst_processor proc = { &t_Calc_desc, &t_calc_handler, NULL };

static void test_call_over_abstract_name(void)
{
    char name[64];
    snprintf(name, sizeof name, "/tmp/postern-abstract-test.%d", (int)getpid());
    static const pst_server_model models[] = { PST_SERVER_THREADED,
                                               PST_SERVER_NONBLOCKING };
    for (size_t mi = 0; mi < 2; mi++) {
        pst_server_options o = PST_SERVER_OPTIONS_INIT;
        o.model = models[mi];
        o.io_threads = 1;
        o.unix_path = name;
        o.unix_abstract = true;
        t_serving r;
        if (!t_serve_new(&r, &proc, &o))
            return;
        struct stat st;
        CHECK(stat(name, &st) != 0); /* a name, not a file */

        /* the name is taken while the server lives */
        pst_error err2 = { 0, "" };
        pst_server *dup = pst_server_new(&proc, &o, &err2);
        CHECK(dup == NULL);
        CHECK(t_has(err2.message, "@"));
        pst_server_free(dup);

        pst_client_options co = PST_CLIENT_OPTIONS_INIT;
        co.recv_timeout_ms = 10000;
        pst_error err = { 0, "" };
        pst_client *c = pst_client_connect_unix_abstract(name, &co, &err);
        CHECK(c != NULL);
        if (c) {
            t_Calc_add_args args = { 20, 22, { 0x3 } };
            t_Calc_add_result res;
            CHECK_EQ_INT(pst_client_call(c, &t_Calc_methods[T_ADD], &args, &res, NULL), 0);
            CHECK_EQ_INT(res.success, 42);
            pst_client_free(c);
        }
        /* the same string as a path is another socket: nothing there */
        c = pst_client_connect_unix(name, &co, &err);
        CHECK(c == NULL);
        CHECK_EQ_INT(t_serve_end(&r), 0);
    }
}

static void test_bad_names(void)
{
    pst_error err = { 0, "" };
    char name[64];
    snprintf(name, sizeof name, "postern-nobody-listens.%d", (int)getpid());
    pst_client *c = pst_client_connect_unix_abstract(name, NULL, &err);
    CHECK(c == NULL);
    CHECK(t_has(err.message, "unix:@postern-nobody-listens"));

    char longname[200];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    pst_error_clear(&err);
    c = pst_client_connect_unix_abstract(longname, NULL, &err);
    CHECK(c == NULL);
    CHECK_EQ_INT(err.code, PST_E_INVALID);
    CHECK(t_has(err.message, "abstract name"));
    pst_error_clear(&err);
    c = pst_client_connect_unix_abstract("", NULL, &err);
    CHECK(c == NULL);
    CHECK_EQ_INT(err.code, PST_E_INVALID);

    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.unix_path = longname;
    o.unix_abstract = true;
    pst_error_clear(&err);
    pst_server *s = pst_server_new(&proc, &o, &err);
    CHECK(s == NULL);
    CHECK(t_has(err.message, "abstract name"));
    pst_server_free(s);
}

int main(void)
{
    RUN(test_call_over_abstract_name);
    RUN(test_bad_names);
    return test_report();
}
