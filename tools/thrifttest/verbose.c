/* verbose.c: the thrifttest programs' --verbose lines (see verbose.h). */
#include <stdio.h>
#include <stdlib.h>

#include "postern/debug.h"
#include "postern/processor.h"
#include "verbose.h"

static const pst_debug_options line_options = { true, TT_VERBOSE_MAX_STRING, 0 };

/* ---- server: arguments -------------------------------------------------- */

static const pst_service_desc *orig_svc;
static pst_method_desc *logged_methods;

static int logged_invoke(const void *handler, pst_call *call,
                         const void *args, void *result)
{
    size_t i = (size_t)(call->method - logged_methods);
    const pst_method_desc *m = &orig_svc->methods[i];
    char *text = pst_debug_string(m->args, args, &line_options);
    fprintf(stderr, "thrifttest-server: %s(%s)\n", m->name,
            text ? text : "<cannot print>");
    free(text);
    return m->invoke(handler, call, args, result);
}

const pst_service_desc *tt_verbose_service(const pst_service_desc *svc)
{
    pst_service_desc *copy = malloc(sizeof *copy);
    pst_method_desc *ms = calloc(svc->nmethods ? svc->nmethods : 1, sizeof *ms);
    if (!copy || !ms) {
        free(copy);
        free(ms);
        return NULL;
    }
    *copy = *svc;
    for (uint32_t i = 0; i < svc->nmethods; i++) {
        ms[i] = svc->methods[i];
        ms[i].invoke = logged_invoke;
    }
    copy->methods = ms;
    orig_svc = svc;
    logged_methods = ms;
    return copy;
}

/* ---- client: results ---------------------------------------------------- */

static pst_client *inner;

static int logged_call(void *self, const pst_method_desc *m, const void *args,
                       void *result, pst_arena *a)
{
    int rc = pst_client_call(self, m, args, result, a);
    if (rc == 0 && m->result) {
        char *text = pst_debug_string(m->result, result, &line_options);
        printf("%s -> %s\n", m->name, text ? text : "<cannot print>");
        free(text);
    } else if (rc == 0) {
        printf("%s -> (oneway)\n", m->name);
    } else {
        printf("%s -> %s\n", m->name, pst_client_error(self)->message[0]
                                          ? pst_client_error(self)->message
                                          : pst_strerror(rc));
    }
    return rc;
}

static const pst_app_exception *logged_app_exception(const void *self)
{
    return pst_client_app_exception(self);
}

static const pst_error *logged_error(const void *self)
{
    return pst_client_error(self);
}

static bool logged_broken(const void *self)
{
    return pst_client_broken(self);
}

static const pst_client_ops logged_ops = {
    logged_call, logged_app_exception, logged_error, NULL, logged_broken,
};

pst_client *tt_verbose_client(pst_client *c)
{
    tt_verbose_client_done();
    if (!c)
        return NULL;
    pst_client *view = pst_client_view(&logged_ops, c);
    if (!view) {
        pst_client_free(c);
        return NULL;
    }
    inner = c;
    return view;
}

void tt_verbose_client_done(void)
{
    pst_client_free(inner);
    inner = NULL;
}
