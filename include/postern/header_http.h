/*
 * postern/header_http.h: THeader over Thrift over HTTP, the client's side
 * (what Thrift's THeaderTransport over a THttpClient sends): each call's
 * request is one header frame, with its 4-byte length, as the body of the
 * POST, and the body of each 200 response is one header frame (with its
 * length or without) whose payload is the reply. Servers: postern's answer
 * such bodies already (see postern/header.h).
 *
 * Ownership and thread-safety: as the HTTP transport's; a transport is used
 * by one thread at a time.
 */
#ifndef POSTERN_HEADER_HTTP_H
#define POSTERN_HEADER_HTTP_H

#include "header.h"
#include "transport.h"

/* Make the bodies of HTTP transport t (pst_transport_http_new, or the
 * transport of a client from pst_client_connect_url with an http:// URL)
 * header frames: requests carry inner's protocol id (NULL: binary; the
 * client's protocol must be inner too) and the message's seqid, with the
 * zlib transform when flags has PST_HEADER_ZLIB. Call it before the first
 * message. Replies are checked: a body that is no header frame, or one in
 * another protocol than inner, is PST_E_PROTOCOL naming what it found.
 * Info headers (pst_transport_header_set) are not carried over HTTP.
 * 0; PST_E_INVALID when t is not an HTTP transport, inner is neither
 * binary nor compact, or flags has other bits than PST_HEADER_ZLIB;
 * PST_E_NOMEM. */
int pst_transport_http_use_header(pst_transport *t, const pst_protocol *inner,
                                  unsigned flags);

#endif
