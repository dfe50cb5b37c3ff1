/*
 * view_internal.h: views that own what they forward to (not public API).
 */
#ifndef POSTERN_CLIENT_VIEW_INTERNAL_H
#define POSTERN_CLIENT_VIEW_INTERNAL_H

#include "postern/client.h"

/* pst_client_view whose pst_client_free also runs free_self(self) (on
 * failure, free_self(self) has run and NULL is returned). */
pst_client *pst__client_view_owning(const pst_client_ops *ops, void *self,
                                    void (*free_self)(void *));

#endif
