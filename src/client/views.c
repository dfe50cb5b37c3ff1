/* views.c: the pipeline and the pool as pst_client callers, so generated
 * stubs run over them (see pst_client_view in postern/client.h).
 *
 * The info-less calls record their outcome per thread, tagged with the
 * pipeline or pool they went to (call_info.c); the error and app_exception
 * ops read it back for that same object, which is what a view shared by
 * several threads needs. call_until starts that record too, so it reads
 * back the same way. */
#include "client/conn.h"
#include "postern/pipeline.h"
#include "postern/pool.h"

/* ---- pipeline ------------------------------------------------------------ */

static int pipeline_call(void *self, const pst_method_desc *m,
                         const void *args, void *result, pst_arena *a)
{
    return pst_pipeline_call(self, m, args, result, a);
}

static int pipeline_call_until(void *self, const pst_method_desc *m,
                               const void *args, void *result, pst_arena *a,
                               pst_deadline deadline)
{
    return pst_pipeline_call_until(self, m, args, result, a, deadline,
                                   pst__call_info_begin(pst__pipeline_serial(self)));
}

static const pst_app_exception *pipeline_app_exception(const void *self)
{
    return pst_pipeline_app_exception(self);
}

static const pst_error *pipeline_error(const void *self)
{
    return pst__call_info_error(pst__pipeline_serial(self));
}

static bool pipeline_broken(const void *self)
{
    return !pst_pipeline_is_open(self);
}

const pst_client_ops pst_pipeline_client_ops = {
    .call = pipeline_call,
    .app_exception = pipeline_app_exception,
    .error = pipeline_error,
    .call_until = pipeline_call_until,
    .broken = pipeline_broken,
};

pst_client *pst_pipeline_as_client(pst_pipeline *pl)
{
    return pl ? pst_client_view(&pst_pipeline_client_ops, pl) : NULL;
}

/* ---- pool ------------------------------------------------------------------ */

static int pool_call(void *self, const pst_method_desc *m, const void *args,
                     void *result, pst_arena *a)
{
    return pst_pool_call(self, m, args, result, a);
}

static int pool_call_until(void *self, const pst_method_desc *m,
                           const void *args, void *result, pst_arena *a,
                           pst_deadline deadline)
{
    return pst_pool_call_until(self, m, args, result, a, deadline,
                               pst__call_info_begin(pst__pool_serial(self)));
}

static const pst_app_exception *pool_app_exception(const void *self)
{
    return pst_pool_app_exception(self);
}

static const pst_error *pool_error(const void *self)
{
    return pst__call_info_error(pst__pool_serial(self));
}

const pst_client_ops pst_pool_client_ops = {
    .call = pool_call,
    .app_exception = pool_app_exception,
    .error = pool_error,
    .call_until = pool_call_until,
    .broken = NULL,  /* a pool recovers: never unusable for good */
};

pst_client *pst_pool_as_client(pst_pool *p)
{
    return p ? pst_client_view(&pst_pool_client_ops, p) : NULL;
}
