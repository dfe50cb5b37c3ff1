/* simple.c: the SIMPLE model: one connection at a time, on the thread that
 * called pst_server_run. Others wait in the listen backlog. */
#include "blocking.h"

int pst__simple_run(pst_server *s)
{
    for (;;) {
        int fd = pst__server_accept(s);
        if (fd == PST_E_STOPPED)
            return 0;
        if (fd < 0)
            return fd;
        pst__conn_serve(s, fd);
    }
}
