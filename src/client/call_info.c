/* call_info.c: the outcome of the calling thread's last info-less call
 * (pst_pipeline_call, pst_pool_call), kept per thread like errno. */
#include <string.h>

#include "client/conn.h"

static _Thread_local struct {
    const void *owner;
    pst_call_info info;
} last;

pst_call_info *pst__call_info_begin(const void *owner)
{
    memset(&last.info, 0, sizeof last.info);
    last.owner = owner;
    return &last.info;
}

const pst_app_exception *pst__call_info_app_exception(const void *owner)
{
    if (owner && last.owner == owner &&
        last.info.status == PST_E_APP_EXCEPTION)
        return &last.info.app_exception;
    return NULL;
}

const pst_error *pst__call_info_error(const void *owner)
{
    static const pst_error none = { 0, "" };
    return owner && last.owner == owner ? &last.info.error : &none;
}

const pst_call_info *pst_call_info_last(void)
{
    return &last.info;
}
