/* call_info.c: the outcome of the calling thread's last info-less call
 * (pst_pipeline_call, pst_pool_call), kept per thread like errno.
 *
 * The record names the pipeline or pool by a serial number given at its
 * creation, never by its address: a new object that malloc places where a
 * freed one was must not read back the old one's outcome. */
#include <stdatomic.h>
#include <string.h>

#include "client/conn.h"

static atomic_uint_fast64_t next_serial = 1;

static _Thread_local struct {
    uint64_t owner;          /* serial of the object; 0 = none */
    pst_call_info info;
} last;

uint64_t pst__call_owner_serial(void)
{
    return (uint64_t)atomic_fetch_add(&next_serial, 1);
}

pst_call_info *pst__call_info_begin(uint64_t owner)
{
    memset(&last.info, 0, sizeof last.info);
    last.owner = owner;
    return &last.info;
}

const pst_app_exception *pst__call_info_app_exception(uint64_t owner)
{
    if (owner && last.owner == owner &&
        last.info.status == PST_E_APP_EXCEPTION)
        return &last.info.app_exception;
    return NULL;
}

const pst_error *pst__call_info_error(uint64_t owner)
{
    static const pst_error none = { 0, "" };
    return owner && last.owner == owner ? &last.info.error : &none;
}

const pst_call_info *pst_call_info_last(void)
{
    return &last.info;
}
