/*
 * http_header.h: the header frames that the HTTP client's bodies become
 * with pst_transport_http_use_header (postern/header_http.h). Not public
 * API.
 */
#ifndef POSTERN_TRANSPORT_HTTP_HEADER_H
#define POSTERN_TRANSPORT_HTTP_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postern/header.h"

typedef struct pst__http_header pst__http_header;

/* NULL: out of memory. */
pst__http_header *pst__http_header_new(const pst_protocol *inner, int32_t id,
                                       bool zlib, const pst_codec_config *cfg);
void pst__http_header_free(pst__http_header *h);

/* The request body for message msg[0..n): a whole header frame with its
 * length, in h's buffer (valid until the next wrap or free). */
int pst__http_header_wrap(pst__http_header *h, const void *msg, size_t n,
                          const uint8_t **body, size_t *body_len, pst_error *err);

/* The reply message in response body body[0..n) (a header frame with its
 * length or without): a view into body, or into h's buffer when inflated
 * (valid until the next unwrap or free). */
int pst__http_header_unwrap(pst__http_header *h, const uint8_t *body, size_t n,
                            const uint8_t **msg, size_t *len, pst_error *err);

#endif
