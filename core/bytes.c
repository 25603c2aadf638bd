/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "sspishim/bytes.h"

/* Stands in for a NULL buffer so that p + pos is always a valid expression
 * (arithmetic on a null pointer is undefined even when adding zero). */
static const uint8_t no_bytes[1];

void bytes_reader_init(struct bytes_reader *r, const void *data, size_t len)
{
    r->p = data ? data : no_bytes;
    r->len = data ? len : 0;
    r->pos = 0;
    r->failed = !data && len;
}

size_t bytes_remaining(const struct bytes_reader *r)
{
    return r->failed ? 0 : r->len - r->pos;
}

/* Every read goes through here: NULL when n bytes are not there. */
static const uint8_t *take(struct bytes_reader *r, size_t n)
{
    const uint8_t *p;

    if (r->failed || n > r->len - r->pos) {
        r->failed = 1;
        return NULL;
    }
    p = r->p + r->pos;
    r->pos += n;
    return p;
}

uint8_t bytes_get_u8(struct bytes_reader *r)
{
    const uint8_t *p = take(r, 1);
    return p ? p[0] : 0;
}

uint16_t bytes_get_u16le(struct bytes_reader *r)
{
    const uint8_t *p = take(r, 2);
    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint32_t bytes_get_u32le(struct bytes_reader *r)
{
    const uint8_t *p = take(r, 4);
    return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}

uint64_t bytes_get_u64le(struct bytes_reader *r)
{
    uint64_t lo = bytes_get_u32le(r);
    uint64_t hi = bytes_get_u32le(r);
    return r->failed ? 0 : lo | hi << 32;
}

uint16_t bytes_get_u16be(struct bytes_reader *r)
{
    const uint8_t *p = take(r, 2);
    return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t bytes_get_u32be(struct bytes_reader *r)
{
    const uint8_t *p = take(r, 4);
    return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3] : 0;
}

int bytes_get(struct bytes_reader *r, void *out, size_t n)
{
    const uint8_t *p = take(r, n);
    if (!p) {
        if (n) memset(out, 0, n);
        return -1;
    }
    if (n) memcpy(out, p, n);
    return 0;
}

int bytes_get_span(struct bytes_reader *r, size_t n, struct bytes_span *out)
{
    const uint8_t *p = take(r, n);
    out->p = p ? p : no_bytes;
    out->len = p ? n : 0;
    return p ? 0 : -1;
}

int bytes_get_sub(struct bytes_reader *r, size_t n, struct bytes_reader *sub)
{
    const uint8_t *p = take(r, n);
    bytes_reader_init(sub, p ? p : no_bytes, p ? n : 0);
    sub->failed = !p;
    return p ? 0 : -1;
}

int bytes_get_span_at(struct bytes_reader *r, size_t off, size_t n, struct bytes_span *out)
{
    out->p = no_bytes;
    out->len = 0;
    if (r->failed || off > r->len || n > r->len - off) {
        r->failed = 1;
        return -1;
    }
    out->p = r->p + off;
    out->len = n;
    return 0;
}

int bytes_peek(const struct bytes_reader *r, void *out, size_t n)
{
    if (r->failed || n > r->len - r->pos) {
        if (n) memset(out, 0, n);
        return -1;
    }
    if (n) memcpy(out, r->p + r->pos, n);
    return 0;
}

int bytes_skip(struct bytes_reader *r, size_t n)
{
    return take(r, n) ? 0 : -1;
}

int bytes_seek(struct bytes_reader *r, size_t off)
{
    if (r->failed || off > r->len) {
        r->failed = 1;
        return -1;
    }
    r->pos = off;
    return 0;
}

/* ---- writer ------------------------------------------------------------ */

void bytes_writer_init(struct bytes_writer *w, void *buf, size_t cap)
{
    w->buf = buf;
    w->len = 0;
    w->cap = buf ? cap : 0;
    w->limit = w->cap;
    w->heap = 0;
    w->failed = 0;
}

void bytes_writer_init_heap(struct bytes_writer *w, size_t limit)
{
    w->buf = NULL;
    w->len = w->cap = 0;
    w->limit = limit;
    w->heap = 1;
    w->failed = 0;
}

void bytes_writer_free(struct bytes_writer *w)
{
    if (w->heap && w->buf) {
        bytes_wipe(w->buf, w->cap);
        free(w->buf);
    }
    memset(w, 0, sizeof(*w));
}

struct bytes_span bytes_writer_span(const struct bytes_writer *w)
{
    struct bytes_span s = { no_bytes, 0 };
    if (!w->failed && w->buf) {
        s.p = w->buf;
        s.len = w->len;
    }
    return s;
}

/* Growth copies instead of calling realloc so that the old block, which may
 * hold key material, is wiped before it goes back to the allocator. */
static int grow(struct bytes_writer *w, size_t n)
{
    size_t need, cap;
    uint8_t *buf;

    if (!w->heap || n > w->limit - w->len)
        return -1;
    need = w->len + n;
    cap = w->cap ? w->cap : 64;
    while (cap < need)
        cap = cap > w->limit / 2 ? w->limit : cap * 2;
    if (cap > w->limit)
        cap = w->limit;
    if (!(buf = malloc(cap)))
        return -1;
    if (w->buf) {
        if (w->len) memcpy(buf, w->buf, w->len);
        bytes_wipe(w->buf, w->cap);
        free(w->buf);
    }
    w->buf = buf;
    w->cap = cap;
    return 0;
}

/* Makes room for n more bytes; the caller writes them at buf + len. */
static int room(struct bytes_writer *w, size_t n)
{
    if (w->failed)
        return -1;
    if (n > w->cap - w->len && grow(w, n)) {
        w->failed = 1;
        return -1;
    }
    return 0;
}

int bytes_put(struct bytes_writer *w, const void *data, size_t n)
{
    if (room(w, n))
        return -1;
    if (n) memcpy(w->buf + w->len, data, n);
    w->len += n;
    return 0;
}

int bytes_put_zeros(struct bytes_writer *w, size_t n)
{
    if (room(w, n))
        return -1;
    if (n) memset(w->buf + w->len, 0, n);
    w->len += n;
    return 0;
}

int bytes_put_u8(struct bytes_writer *w, uint8_t v)
{
    return bytes_put(w, &v, 1);
}

int bytes_put_u16le(struct bytes_writer *w, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    return bytes_put(w, b, sizeof(b));
}

/* On a little-endian host the units' memory is already the wire form:
 * names of a few dozen units went out one call per unit before. */
static int host_is_le(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

int bytes_put_u16le_array(struct bytes_writer *w, const uint16_t *v, size_t n)
{
    if (n > SIZE_MAX / 2 || room(w, 2 * n))
        return -1;
    if (host_is_le()) {
        if (n) memcpy(w->buf + w->len, v, 2 * n);
    } else {
        for (size_t i = 0; i < n; i++) {
            w->buf[w->len + 2 * i] = (uint8_t)v[i];
            w->buf[w->len + 2 * i + 1] = (uint8_t)(v[i] >> 8);
        }
    }
    w->len += 2 * n;
    return 0;
}

void bytes_load_u16le_array(const uint8_t *in, uint16_t *out, size_t n)
{
    if (host_is_le()) {
        if (n) memcpy(out, in, 2 * n);
        return;
    }
    for (size_t i = 0; i < n; i++) out[i] = (uint16_t)(in[2 * i] | in[2 * i + 1] << 8);
}

int bytes_put_u32le(struct bytes_writer *w, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    return bytes_put(w, b, sizeof(b));
}

int bytes_put_u64le(struct bytes_writer *w, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return bytes_put(w, b, sizeof(b));
}

int bytes_put_u16be(struct bytes_writer *w, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
    return bytes_put(w, b, sizeof(b));
}

int bytes_put_u32be(struct bytes_writer *w, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    return bytes_put(w, b, sizeof(b));
}

size_t bytes_reserve(struct bytes_writer *w, size_t n)
{
    size_t off = w->len;
    bytes_put_zeros(w, n);
    return off;
}

int bytes_patch(struct bytes_writer *w, size_t off, const void *data, size_t n)
{
    if (w->failed || off > w->len || n > w->len - off) {
        w->failed = 1;
        return -1;
    }
    if (n) memcpy(w->buf + off, data, n);
    return 0;
}

int bytes_patch_u16le(struct bytes_writer *w, size_t off, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    return bytes_patch(w, off, b, sizeof(b));
}

int bytes_patch_u32le(struct bytes_writer *w, size_t off, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    return bytes_patch(w, off, b, sizeof(b));
}

/* As crypto_wipe: memset, then an asm the optimiser must assume reads the
 * memory, so the stores stay; a byte per volatile store elsewhere. */
void bytes_wipe(void *p, size_t n)
{
#if defined(__GNUC__)
    if (!n)
        return;
    memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    volatile uint8_t *v = p;
    while (n--)
        *v++ = 0;
#endif
}
