/* protocol.c: the built-in protocols by name. */
#include <string.h>

#include "postern/debug.h"
#include "postern/protocol.h"

const pst_protocol *pst_protocol_by_name(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, "binary") == 0)
        return &pst_protocol_binary;
    if (strcmp(name, "compact") == 0)
        return &pst_protocol_compact;
    if (strcmp(name, "json") == 0)
        return &pst_protocol_json;
    if (strcmp(name, "debug") == 0)
        return &pst_protocol_debug;
    return NULL;
}
