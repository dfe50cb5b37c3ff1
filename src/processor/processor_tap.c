/*
 * processor_tap.c: taps on processors (processor_internal.h), so that a
 * server can record every request and reply of every connection from the
 * one place all server models pass through, pst__process.
 *
 * A small table of slots: adding publishes the slot's processor last
 * (release), finding reads it first (acquire), so a found slot's function
 * and context are whole. Taps are added before a server runs and removed
 * after it returns, never while its calls run.
 */
#include <pthread.h>

#include "processor/processor_internal.h"

typedef struct tap_slot {
    _Atomic(const pst_processor *) proc;
    pst__call_tap tap;
} tap_slot;

static tap_slot slots[PST__MAX_CALL_TAPS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

atomic_uint pst__call_taps;
_Thread_local uint64_t pst__call_conn_id __attribute__((tls_model("initial-exec")));

int pst__call_tap_add(const pst_processor *proc, const pst__call_tap *tap)
{
    int rc = PST_E_BUSY;
    pthread_mutex_lock(&slots_lock);
    for (unsigned i = 0; i < PST__MAX_CALL_TAPS; i++) {
        if (atomic_load_explicit(&slots[i].proc, memory_order_relaxed))
            continue;
        slots[i].tap = *tap;
        atomic_store_explicit(&slots[i].proc, proc, memory_order_release);
        atomic_fetch_add(&pst__call_taps, 1);
        rc = 0;
        break;
    }
    pthread_mutex_unlock(&slots_lock);
    return rc;
}

void pst__call_tap_remove(const pst_processor *proc)
{
    pthread_mutex_lock(&slots_lock);
    for (unsigned i = 0; i < PST__MAX_CALL_TAPS; i++) {
        if (atomic_load_explicit(&slots[i].proc, memory_order_relaxed) == proc) {
            atomic_store_explicit(&slots[i].proc, NULL, memory_order_relaxed);
            atomic_fetch_sub(&pst__call_taps, 1);
            break;
        }
    }
    pthread_mutex_unlock(&slots_lock);
}

const pst__call_tap *pst__call_tap_find(const pst_processor *proc)
{
    for (unsigned i = 0; i < PST__MAX_CALL_TAPS; i++)
        if (atomic_load_explicit(&slots[i].proc, memory_order_acquire) == proc)
            return &slots[i].tap;
    return NULL;
}
