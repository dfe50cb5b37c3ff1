/*
 * nb_internal.h: what the files of the NONBLOCKING server model share: its
 * limits, the per-loop, per-connection and per-job structs, and the few
 * functions one file calls in another (internal; see nonblocking.c for the
 * model as a whole).
 *
 * Thread-safety: an nb_loop and its connections belong to the loop's thread,
 * except the fields marked "under mu" and the atomics; an nb_job belongs to
 * the loop until submitted, then to the worker that takes it, then to the
 * loop again through its done list.
 */
#ifndef POSTERN_SERVER_NB_INTERNAL_H
#define POSTERN_SERVER_NB_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postern/arena.h"
#include "postern/processor.h"
#include "server/loop.h"
#include "server/server_internal.h"

#define READ_SCRATCH   (64u * 1024)   /* per loop: one recv at most this    */
#define ARENA_BLOCK    (32u * 1024)   /* per loop / worker: small calls     */
#define OUT_HIGH       (1u << 20)     /* stop reading a connection above    */
#define OUT_LOW        (OUT_HIGH / 2) /* ... and resume below               */
#define INFLIGHT_HIGH  1024u          /* worker jobs per connection         */
#define SCRATCH_KEEP   (1u << 20)     /* shrink loop's output scratch above */
#define SNIFF_MAX      PST__SNIFF_BYTES /* bytes that always decide */
#define LINGER_MS      2000           /* after shutdown(SHUT_WR)            */
#define STOP_GRACE_MS  10000          /* stop: drain limit without write_timeout */
#define ACCEPT_PAUSE_MS 100           /* after EMFILE and friends           */
#define ACCEPT_BATCH   64

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define COLD __attribute__((cold, noinline))

#define container_of(p, type, member) \
    ((type *)(void *)((char *)(p) - offsetof(type, member)))

typedef struct nb_loop nb_loop;
typedef struct nb_conn nb_conn;
typedef struct nb_job nb_job;
typedef struct nb_pool nb_pool;
typedef struct nb_run nb_run;

enum {
    C_CLOSED    = 1u << 0,  /* fd closed; struct waits for workers or free */
    C_EOF       = 1u << 1,  /* peer shut its write side: answer, then close */
    C_ERROR     = 1u << 2,  /* protocol error: flush earlier replies, close */
    C_DRAIN     = 1u << 3,  /* server stopping: read no more, finish, close */
    C_LINGER    = 1u << 4,  /* our write side is shut; waiting for peer EOF */
    C_PAUSED    = 1u << 5,  /* back-pressure: not reading                   */
    C_WPROGRESS = 1u << 6,  /* this pass wrote bytes (refreshes write timer)*/
    C_MSGDONE   = 1u << 7,  /* this pass completed a message (read timer)   */
    C_TOUCHED   = 1u << 8,  /* in the current batch of finished jobs        */
    C_DROP      = 1u << 9,  /* a job failed: drop the replies after it      */
    C_HUP       = 1u << 10  /* peer gone both ways: fd out of epoll, replies
                               cannot be delivered; what was read still runs */
};

struct nb_conn {
    pst__io io;
    pst__timer timer;
    nb_loop *loop;
    nb_conn *prev, *next;          /* the loop's open connections */
    const pst_protocol *proto;     /* NULL until sniffed */
    uint16_t flags;
    bool framed;
    uint32_t inflight;             /* jobs at the workers */
    /* partial input (NULL while none) */
    uint8_t *in;
    uint32_t in_len, in_cap;
    uint32_t rescan_at;            /* unframed: walk the message again from
                                      this many bytes (0 = at every read) */
    /* unsent output (NULL while none) */
    uint8_t *out;
    size_t out_off, out_len, out_cap;
    /* workers: jobs in request order; replies leave from the head */
    nb_job *jobs_head, *jobs_tail;
    size_t inflight_bytes;
    uint32_t unsent_calls;         /* answered calls whose replies sit in out */
    nb_conn *touched_next;
};

struct nb_job {
    nb_job *next;                  /* pool queue, then loop's done list */
    nb_job *conn_next;             /* connection's order */
    nb_conn *conn;
    const pst_protocol *proto;
    bool framed, done;
    int rc;
    pst_wbuf reply;
    pst_error err;
    size_t len;
    uint8_t req[];
};

struct nb_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    nb_job *head, *tail;
    bool quit;
    int nthreads;
    pthread_t *threads;
    pst_server *s;
};

struct nb_loop {
    pst__loop loop;
    nb_run *run;
    pst_server *s;
    int index;
    pthread_t thread;
    bool thread_started;
    bool stopping, listening;

    pst__io listen_io, stop_io, wake_io;
    pst__timer_list idle_list, read_list, write_list, linger_list,
        accept_list, grace_list;
    pst__timer accept_timer, grace_timer;

    nb_conn *conns;                /* open connections */
    atomic_uint nconns;            /* open + handed over, for balancing */
    unsigned zombies;              /* closed, waiting for their jobs */
    nb_conn *graveyard;            /* closed during this wake-up; freed after */

    uint8_t *scratch;              /* READ_SCRATCH bytes */
    pst_wbuf out;                  /* replies of the current pass */
    pst_arena arena;
    uint8_t *arena_block;
    uint64_t calls_batch;          /* calls answered into `out` this pass */
    nb_job *batch_head, *batch_tail; /* jobs of this pass, for the pool */

    /* cross-thread inbox, under mu */
    pthread_mutex_t mu;
    bool mu_init;
    bool exited;                   /* loop_main returned: hand nothing over */
    atomic_bool gone;              /* `exited`, for pick_loop's lock-free look */
    int *inbox;
    size_t inbox_len, inbox_cap;
    nb_job *done_head, *done_tail;
    bool wake_pending;
};

struct nb_run {
    pst_server *s;
    nb_loop *loops;
    int nloops;
    nb_pool *pool;
    bool tcp;                      /* set TCP_NODELAY on accepted sockets */
};

/* The running loop with the fewest connections (`self` on a tie) for a
 * connection `self` accepted. */
nb_loop *pst__nb_pick_loop(nb_loop *self);

#endif
