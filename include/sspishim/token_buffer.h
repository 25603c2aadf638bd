/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SECBUFFER_TOKEN of a context call's input and output descriptions,
 * with SSPI's ownership rules: with ISC/ASC_REQ_ALLOCATE_MEMORY the token
 * comes from the caller allocator (FreeContextBuffer), else it is copied
 * into the caller's buffer, which must be large enough.  Every package's
 * handshake goes through these. */
#ifndef SSPISHIM_TOKEN_BUFFER_H
#define SSPISHIM_TOKEN_BUFFER_H

#include <stdbool.h>

#include "sspishim/bytes.h"
#include "sspishim/types.h"

/* The input token: SEC_E_INVALID_TOKEN when there is none or it is empty. */
shim_status token_input(const struct shim_buffer_desc *in, struct bytes_span *token);

/* Hands msg out through the output token.  An empty msg is an empty token
 * (NULL when allocating).  SEC_E_BUFFER_TOO_SMALL: no token buffer, or one
 * too small; SEC_E_INTERNAL_ERROR: a token buffer without memory. */
shim_status token_output(struct shim_buffer_desc *out, bool allocate, struct bytes_span msg);

/* The output token of a step that sends nothing (no token buffer is fine). */
void token_output_empty(struct shim_buffer_desc *out, bool allocate);

#endif
