/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "sspishim/debug.h"
#include "sspishim/sys.h"
#include "sspishim/token_buffer.h"

static struct shim_buffer *find_token(const struct shim_buffer_desc *desc)
{
    if (!desc || !desc->buffers)
        return NULL;
    for (uint32_t i = 0; i < desc->count; i++)
        if ((desc->buffers[i].type & ~SHIM_BUFFER_ATTRMASK) == SHIM_BUFFER_TOKEN)
            return &desc->buffers[i];
    return NULL;
}

shim_status token_input(const struct shim_buffer_desc *in, struct bytes_span *token)
{
    const struct shim_buffer *b = find_token(in);

    if (!b || !b->cb || !b->pv) {
        WARN("no input token\n");
        return SHIM_E_INVALID_TOKEN;
    }
    token->p = b->pv;
    token->len = b->cb;
    return SHIM_OK;
}

shim_status token_output(struct shim_buffer_desc *out, bool allocate, struct bytes_span msg)
{
    struct shim_buffer *b = find_token(out);
    void *p;

    if (!b) {
        WARN("no output token buffer\n");
        return SHIM_E_BUFFER_TOO_SMALL;
    }
    if (msg.len > UINT32_MAX)
        return SHIM_E_INTERNAL_ERROR;
    if (!msg.len) {
        token_output_empty(out, allocate);
        return SHIM_OK;
    }
    if (allocate) {
        if (!(p = sys_caller_alloc(msg.len)))
            return SHIM_E_INSUFFICIENT_MEMORY;
    } else {
        if (!b->pv) {
            WARN("output token buffer without memory\n");
            return SHIM_E_INTERNAL_ERROR;
        }
        if (b->cb < msg.len) {
            WARN("output token buffer of %u bytes for %lu\n", b->cb, (unsigned long)msg.len);
            return SHIM_E_BUFFER_TOO_SMALL;
        }
        p = b->pv;
    }
    memcpy(p, msg.p, msg.len);
    b->pv = p;
    b->cb = (uint32_t)msg.len;
    return SHIM_OK;
}

void token_output_empty(struct shim_buffer_desc *out, bool allocate)
{
    struct shim_buffer *b = find_token(out);

    if (!b)
        return;
    if (allocate)
        b->pv = NULL;
    b->cb = 0;
}
