/* loop_epoll.c: the epoll event loop and its fixed-duration timer lists. */
#include <errno.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "server/loop.h"

int pst__loop_init(pst__loop *l)
{
    l->lists = NULL;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0)
        return -errno;
    pst__loop_update_time(l);
    l->wake_ms = l->now_ms;
    return 0;
}

void pst__loop_close(pst__loop *l)
{
    if (l->epfd >= 0)
        close(l->epfd);
    l->epfd = -1;
}

int pst__loop_add(pst__loop *l, pst__io *io, uint32_t events)
{
    struct epoll_event ev = { .events = events, .data.ptr = io };
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, io->fd, &ev) < 0)
        return -errno;
    io->events = events;
    return 0;
}

int pst__loop_mod(pst__loop *l, pst__io *io, uint32_t events)
{
    if (io->events == events)
        return 0;
    struct epoll_event ev = { .events = events, .data.ptr = io };
    if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0)
        return -errno;
    io->events = events;
    return 0;
}

void pst__loop_del(pst__loop *l, pst__io *io)
{
    if (io->fd >= 0)
        epoll_ctl(l->epfd, EPOLL_CTL_DEL, io->fd, NULL);
    io->events = 0;
}

void pst__loop_add_timer_list(pst__loop *l, pst__timer_list *list,
                              int64_t duration_ms, pst__timer_fn fn)
{
    list->head = list->tail = NULL;
    list->duration_ms = duration_ms;
    list->fn = fn;
    list->next_list = l->lists;
    l->lists = list;
}

void pst__timer_disarm(pst__timer *t)
{
    pst__timer_list *list = t->list;
    if (!list)
        return;
    if (t->prev)
        t->prev->next = t->next;
    else
        list->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    else
        list->tail = t->prev;
    t->prev = t->next = NULL;
    t->list = NULL;
}

void pst__timer_arm(pst__loop *l, pst__timer_list *list, pst__timer *t)
{
    pst__timer_disarm(t);
    if (list->duration_ms <= 0)
        return;
    t->deadline_ms = l->now_ms + list->duration_ms;
    t->list = list;
    t->next = NULL;
    t->prev = list->tail;
    if (list->tail)
        list->tail->next = t;
    else
        list->head = t;
    list->tail = t;
}

/* Milliseconds until the earliest deadline, or -1 when no timer is armed
 * (from now_ms, the freshest time known). */
static int next_timeout(const pst__loop *l)
{
    int64_t best = -1;
    for (const pst__timer_list *list = l->lists; list; list = list->next_list) {
        if (!list->head)
            continue;
        int64_t d = list->head->deadline_ms - l->now_ms;
        if (d < 0)
            d = 0;
        if (best < 0 || d < best)
            best = d;
    }
    /* The coarse clock ticks every few ms; +1 so we do not wake just before
     * a deadline and spin. */
    if (best > 0)
        best += 1;
    return best > 1000000 ? 1000000 : (int)best;
}

/* Expire against the wake-up's time: a deadline that passed while this
 * wake-up's handlers ran is left to the next wake-up, which first looks at
 * the events that arrived meanwhile. */
static void run_timers(pst__loop *l)
{
    for (pst__timer_list *list = l->lists; list; list = list->next_list) {
        pst__timer *t;
        while ((t = list->head) && t->deadline_ms <= l->wake_ms) {
            pst__timer_disarm(t);
            list->fn(l, t);
        }
    }
}

int pst__loop_run_once(pst__loop *l, int max_wait_ms)
{
    struct epoll_event evs[PST__LOOP_MAX_EVENTS];
    int timeout = next_timeout(l);
    if (max_wait_ms >= 0 && (timeout < 0 || max_wait_ms < timeout))
        timeout = max_wait_ms;
    int n = epoll_wait(l->epfd, evs, PST__LOOP_MAX_EVENTS, timeout);
    if (n < 0) {
        if (errno != EINTR)
            return -errno;
        n = 0;
    }
    pst__loop_update_time(l);
    l->wake_ms = l->now_ms;
    for (int i = 0; i < n; i++) {
        pst__io *io = evs[i].data.ptr;
        io->fn(l, io, evs[i].events);
    }
    run_timers(l);
    return n;
}
