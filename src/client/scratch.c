/* scratch.c: a per-thread arena for calls made without one (pst_client_call
 * accepts a NULL arena; the pipeline and the pool, shared between threads,
 * keep one per calling thread instead of one per connection). */
#include <pthread.h>

#include "client/conn.h"

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_ok;

static void scratch_free(void *a)
{
    pst_arena_free(a);
}

static void scratch_make_key(void)
{
    scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

pst_arena *pst__thread_scratch_arena(void)
{
    pthread_once(&scratch_once, scratch_make_key);
    if (!scratch_key_ok)
        return NULL;
    pst_arena *a = pthread_getspecific(scratch_key);
    if (a) {
        pst_arena_reset(a);
        return a;
    }
    a = pst_arena_new(0);
    if (a && pthread_setspecific(scratch_key, a) != 0) {
        pst_arena_free(a);
        a = NULL;
    }
    return a;
}
