/* nonblocking_stub.c: placeholder for the NONBLOCKING model until
 * nonblocking.c lands; delete this file then. */
#include "server_internal.h"

int pst__nonblocking_run(pst_server *s)
{
    pst__server_log(s, PST_LOG_ERROR,
                    "the nonblocking server model is not built in yet");
    return PST_E_UNSUPPORTED;
}
