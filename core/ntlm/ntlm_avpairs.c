/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AV_PAIR lists (MS-NLMP 2.2.2.1): the server's TargetInfo and the copy the
 * client sends back inside its NTLMv2 response. */
#include <string.h>

#include "sspishim/ntlm_msg.h"

#define AV_VALUE_MAX 0xffff
/* ntlm_av_rebuild tracks which replacements it has written in a bit mask. */
#define REBUILD_MAX 32

void ntlm_av_iter_init(struct ntlm_av_iter *it, struct bytes_span list)
{
    bytes_reader_init(&it->r, list.p, list.len);
    it->state = 0;
}

int ntlm_av_next(struct ntlm_av_iter *it, struct ntlm_av_pair *pair)
{
    uint16_t id, len;

    if (it->state)
        return it->state > 0 ? 0 : it->state;
    id = bytes_get_u16le(&it->r);
    len = bytes_get_u16le(&it->r);
    bytes_get_span(&it->r, len, &pair->value);
    pair->id = id;
    if (it->r.failed)
        return it->state = NTLM_ERR_AVPAIRS;
    if (id == NTLM_AV_EOL) {
        /* MsvAvEOL's AvLen MUST be 0: anything else is not a list end we
         * can trust, so the list is rejected rather than guessed at. */
        it->state = len ? NTLM_ERR_AVPAIRS : 1;
        return it->state > 0 ? 0 : it->state;
    }
    return 1;
}

int ntlm_av_validate(struct bytes_span list)
{
    struct ntlm_av_iter it;
    struct ntlm_av_pair pair;
    int rc;

    ntlm_av_iter_init(&it, list);
    while ((rc = ntlm_av_next(&it, &pair)) > 0)
        ;
    return rc;
}

int ntlm_av_find(struct bytes_span list, uint16_t id, struct bytes_span *value)
{
    struct ntlm_av_iter it;
    struct ntlm_av_pair pair;
    int rc, found = 0;

    ntlm_av_iter_init(&it, list);
    while ((rc = ntlm_av_next(&it, &pair)) > 0) {
        if (!found && pair.id == id) {
            *value = pair.value;
            found = 1;
        }
    }
    if (rc < 0)
        return rc;
    return found ? 0 : NTLM_ERR_NOT_FOUND;
}

/* A fixed-size value, decoded through a reader like everything else. */
static int find_fixed(struct bytes_span list, uint16_t id, size_t size, struct bytes_reader *r)
{
    struct bytes_span v;
    int rc = ntlm_av_find(list, id, &v);

    if (rc)
        return rc;
    if (v.len != size)
        return NTLM_ERR_AVPAIRS;
    bytes_reader_init(r, v.p, v.len);
    return 0;
}

int ntlm_av_get_flags(struct bytes_span list, uint32_t *flags)
{
    struct bytes_reader r;
    int rc = find_fixed(list, NTLM_AV_FLAGS, 4, &r);

    if (!rc)
        *flags = bytes_get_u32le(&r);
    return rc;
}

int ntlm_av_get_timestamp(struct bytes_span list, uint64_t *filetime)
{
    struct bytes_reader r;
    int rc = find_fixed(list, NTLM_AV_TIMESTAMP, 8, &r);

    if (!rc)
        *filetime = bytes_get_u64le(&r);
    return rc;
}

int ntlm_av_put(struct bytes_writer *w, uint16_t id, const void *value, size_t len)
{
    if (len > AV_VALUE_MAX)
        return NTLM_ERR_TOO_LONG;
    bytes_put_u16le(w, id);
    bytes_put_u16le(w, (uint16_t)len);
    bytes_put(w, value, len);
    return w->failed ? NTLM_ERR_WRITER : 0;
}

int ntlm_av_put_eol(struct bytes_writer *w)
{
    return ntlm_av_put(w, NTLM_AV_EOL, NULL, 0);
}

static int set_index(const struct ntlm_av_pair *set, size_t nset, uint16_t id)
{
    for (size_t i = 0; i < nset; i++)
        if (set[i].id == id)
            return (int)i;
    return -1;
}

int ntlm_av_rebuild(struct bytes_writer *w, struct bytes_span list,
                    const struct ntlm_av_pair *set, size_t nset)
{
    struct ntlm_av_iter it;
    struct ntlm_av_pair pair;
    uint32_t written = 0;
    int rc, err = 0;

    if (nset > REBUILD_MAX)
        return NTLM_ERR_TOO_LONG;
    for (size_t i = 0; i < nset; i++) {
        if (set[i].id == NTLM_AV_EOL)
            return NTLM_ERR_AVPAIRS;
        if (set[i].value.len > AV_VALUE_MAX)
            return NTLM_ERR_TOO_LONG;
    }
    /* Checked in full first so nothing is written for a bad list. */
    if (list.len && (rc = ntlm_av_validate(list)))
        return rc;

    ntlm_av_iter_init(&it, list);
    while (list.len && ntlm_av_next(&it, &pair) > 0) {
        int i = set_index(set, nset, pair.id);
        if (i < 0)
            err |= ntlm_av_put(w, pair.id, pair.value.p, pair.value.len);
        else if (!(written & (1u << i))) {
            err |= ntlm_av_put(w, set[i].id, set[i].value.p, set[i].value.len);
            written |= 1u << i;
        }
    }
    for (size_t i = 0; i < nset; i++)
        if (!(written & (1u << i)))
            err |= ntlm_av_put(w, set[i].id, set[i].value.p, set[i].value.len);
    err |= ntlm_av_put_eol(w);
    return err ? NTLM_ERR_WRITER : 0;
}

int ntlm_av_client_info(struct bytes_writer *w, struct bytes_span server_info,
                        uint32_t or_flags, const uint64_t *filetime,
                        struct bytes_span channel_bindings, struct bytes_span target_name)
{
    struct ntlm_av_pair set[4];
    struct bytes_writer vw;
    uint8_t flags_buf[4], time_buf[8];
    uint32_t flags = 0;
    size_t n = 0;
    int rc;

    if (server_info.len) {
        rc = ntlm_av_get_flags(server_info, &flags);
        if (rc && rc != NTLM_ERR_NOT_FOUND)
            return rc;
    }
    if (or_flags) {
        bytes_writer_init(&vw, flags_buf, sizeof(flags_buf));
        bytes_put_u32le(&vw, flags | or_flags);
        set[n++] = (struct ntlm_av_pair){ NTLM_AV_FLAGS, { flags_buf, sizeof(flags_buf) } };
    }
    if (filetime) {
        bytes_writer_init(&vw, time_buf, sizeof(time_buf));
        bytes_put_u64le(&vw, *filetime);
        set[n++] = (struct ntlm_av_pair){ NTLM_AV_TIMESTAMP, { time_buf, sizeof(time_buf) } };
    }
    if (channel_bindings.len) {
        if (channel_bindings.len != 16)
            return NTLM_ERR_AVPAIRS;
        set[n++] = (struct ntlm_av_pair){ NTLM_AV_CHANNEL_BINDINGS, channel_bindings };
    }
    if (target_name.len)
        set[n++] = (struct ntlm_av_pair){ NTLM_AV_TARGET_NAME, target_name };
    return ntlm_av_rebuild(w, server_info, set, n);
}
