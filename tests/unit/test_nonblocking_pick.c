/*
 * test_nonblocking_pick.c: which loop of the NONBLOCKING server gets a new
 * connection: the running loop with the fewest, the accepting loop on a tie,
 * and never a loop that has exited (whose count stays at zero for good, so
 * it would otherwise win every time and its connections would never be
 * served).
 */
#include <stdlib.h>

#include "server/nb_internal.h"
#include "test.h"

static void set_counts(nb_run *run, const unsigned *n)
{
    for (int i = 0; i < run->nloops; i++)
        atomic_store(&run->loops[i].nconns, n[i]);
}

static void test_pick(void)
{
    nb_run run = { .nloops = 3 };
    run.loops = calloc(3, sizeof *run.loops);
    for (int i = 0; i < 3; i++) {
        run.loops[i].run = &run;
        run.loops[i].index = i;
    }
    nb_loop *l = run.loops;

    set_counts(&run, (const unsigned[]){ 5, 2, 7 });
    CHECK(pst__nb_pick_loop(&l[0]) == &l[1]);          /* the fewest */
    set_counts(&run, (const unsigned[]){ 2, 2, 2 });
    CHECK(pst__nb_pick_loop(&l[2]) == &l[2]);          /* a tie: stay */

    /* loop 1 exited with no connections: skipped */
    atomic_store(&l[1].gone, true);
    set_counts(&run, (const unsigned[]){ 5, 0, 7 });
    CHECK(pst__nb_pick_loop(&l[0]) == &l[0]);
    CHECK(pst__nb_pick_loop(&l[2]) == &l[0]);
    set_counts(&run, (const unsigned[]){ 9, 0, 3 });
    CHECK(pst__nb_pick_loop(&l[0]) == &l[2]);
    free(run.loops);
}

int main(void)
{
    RUN(test_pick);
    return test_report();
}
