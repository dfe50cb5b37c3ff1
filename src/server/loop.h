/*
 * loop.h: a small epoll event loop (internal; used by the NONBLOCKING model,
 * nonblocking.c and nb_*.c).
 *
 * In the spirit of redis's ae.c: one epoll instance, level-triggered
 * readiness callbacks, and cheap timers. Each watched object embeds a
 * pst__io (fd, registered events, callback) and epoll hands it back through
 * data.ptr, so dispatch is one indirect call with no lookup table.
 *
 * Timers are fixed-duration lists: every timer in a list has the same
 * duration, so appending at the tail keeps the list sorted by deadline.
 * Arming, re-arming and disarming are O(1) pointer updates, and the loop
 * only looks at each list's head. That covers connection timeouts (idle,
 * read, write: one list each) without a heap or a wheel. Time is
 * CLOCK_MONOTONIC_COARSE in milliseconds, read once per wake-up and again
 * by the owner after work that may have taken long (handlers run inline), so
 * a timer is armed from the time it is armed. Timers expire against the
 * wake-up's time, after that wake-up's events were dispatched: a connection
 * whose bytes arrived while the loop was busy is served, not timed out.
 *
 * Thread-safety: a loop and everything registered on it belong to the one
 * thread that runs it.
 */
#ifndef POSTERN_SERVER_LOOP_H
#define POSTERN_SERVER_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct pst__loop pst__loop;
typedef struct pst__io pst__io;
typedef struct pst__timer pst__timer;
typedef struct pst__timer_list pst__timer_list;

/* Called with the epoll events (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR...). */
typedef void (*pst__io_fn)(pst__loop *loop, pst__io *io, uint32_t events);
/* Called when a timer's deadline has passed; the timer is already unlinked. */
typedef void (*pst__timer_fn)(pst__loop *loop, pst__timer *t);

struct pst__io {
    int fd;
    uint32_t events;       /* what is registered now (0 = not registered) */
    pst__io_fn fn;
};

struct pst__timer {
    pst__timer *prev, *next;
    pst__timer_list *list; /* NULL when not armed */
    int64_t deadline_ms;
};

struct pst__timer_list {
    pst__timer *head, *tail;
    int64_t duration_ms;   /* <= 0: the list is disabled, arm does nothing */
    pst__timer_fn fn;
    pst__timer_list *next_list; /* the loop's lists, linked */
};

#define PST__LOOP_MAX_EVENTS 256

struct pst__loop {
    int epfd;
    int64_t now_ms;        /* coarse monotonic time: timers are armed from it */
    int64_t wake_ms;       /* now_ms at the last wake-up: timers expire by it */
    pst__timer_list *lists;
};

/* 0 or -errno. */
int pst__loop_init(pst__loop *l);
void pst__loop_close(pst__loop *l);

/* Register io->fd for `events` (EPOLLIN/EPOLLOUT, plus flags such as
 * EPOLLEXCLUSIVE); io->fn must be set. 0 or -errno. */
int pst__loop_add(pst__loop *l, pst__io *io, uint32_t events);
/* Change the registered events; a no-op when they are the same. */
int pst__loop_mod(pst__loop *l, pst__io *io, uint32_t events);
/* Stop watching io->fd (before closing it, or to pause it). */
void pst__loop_del(pst__loop *l, pst__io *io);

/* Timer lists: set duration_ms and fn, then register once. */
void pst__loop_add_timer_list(pst__loop *l, pst__timer_list *list,
                              int64_t duration_ms, pst__timer_fn fn);
/* (Re)arm t in `list`: deadline = now + list's duration, at the list's tail.
 * Moves t out of any other list. Does nothing for a disabled list except
 * disarming t. */
void pst__timer_arm(pst__loop *l, pst__timer_list *list, pst__timer *t);
void pst__timer_disarm(pst__timer *t);
static inline bool pst__timer_armed(const pst__timer *t) { return t->list != 0; }

/* Refresh now_ms from the coarse clock (a vDSO read of the last tick: cheap
 * enough for once per pass of handlers). */
static inline void pst__loop_update_time(pst__loop *l)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    l->now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events (at most max_wait_ms; -1 = until the next timer or event),
 * dispatch them, then run due timers. Returns the number of events
 * dispatched, or -errno for a failure other than EINTR. */
int pst__loop_run_once(pst__loop *l, int max_wait_ms);

#endif
