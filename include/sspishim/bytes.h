/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one bounds-checked reader every parser uses, and its writer twin.
 *
 * The reader's failure flag is sticky: once a read is out of range, that read
 * and every later one fails and yields zeros, so a parser reads a whole
 * structure and checks `r.failed` once at the end.  All range checks are of
 * the form `n > len - pos` (pos <= len always holds), so no sum of untrusted
 * lengths is ever formed and nothing can wrap.
 *
 * The writer appends to a caller buffer (fixed capacity) or to a heap buffer
 * that grows up to a limit.  Its failure flag is sticky too: builders write a
 * whole message and check once.
 *
 * Functions returning int give 0 on success and -1 on failure. */
#ifndef SSPISHIM_BYTES_H
#define SSPISHIM_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* A borrowed (pointer, length) range; p is never dereferenced past len. */
struct bytes_span {
    const uint8_t *p;
    size_t len;
};

struct bytes_reader {
    const uint8_t *p;
    size_t len, pos;
    int failed;
};

/* data may be NULL only with len 0. */
void bytes_reader_init(struct bytes_reader *r, const void *data, size_t len);
/* Bytes left after pos; 0 once the reader has failed. */
size_t bytes_remaining(const struct bytes_reader *r);

uint8_t bytes_get_u8(struct bytes_reader *r);
uint16_t bytes_get_u16le(struct bytes_reader *r);
uint32_t bytes_get_u32le(struct bytes_reader *r);
uint64_t bytes_get_u64le(struct bytes_reader *r);
uint16_t bytes_get_u16be(struct bytes_reader *r);
uint32_t bytes_get_u32be(struct bytes_reader *r);

/* Copies n bytes out and advances; on failure out is zero-filled. */
int bytes_get(struct bytes_reader *r, void *out, size_t n);
/* Borrows the next n bytes and advances; on failure *out is empty. */
int bytes_get_span(struct bytes_reader *r, size_t n, struct bytes_span *out);
/* A reader over the next n bytes, then advances past them.  On failure *sub
 * is an empty reader that has already failed, so its reads fail too. */
int bytes_get_sub(struct bytes_reader *r, size_t n, struct bytes_reader *sub);
/* Borrows n bytes at absolute offset off without moving pos: for formats
 * that locate fields by (offset, length) pairs, like NTLM's payload. */
int bytes_get_span_at(struct bytes_reader *r, size_t off, size_t n, struct bytes_span *out);

/* Copies the next n bytes without advancing.  Peeking asks a question and
 * does not consume, so a peek past the end fails without making the reader
 * fail. */
int bytes_peek(const struct bytes_reader *r, void *out, size_t n);
int bytes_skip(struct bytes_reader *r, size_t n);
/* Moves to absolute offset off (off == len is the end, and valid). */
int bytes_seek(struct bytes_reader *r, size_t off);

#define BYTES_NO_LIMIT SIZE_MAX

struct bytes_writer {
    uint8_t *buf;
    size_t len, cap, limit;
    int heap;       /* buf is ours: grown by copying, wiped and freed */
    int failed;
};

/* Writes into buf[0..cap). */
void bytes_writer_init(struct bytes_writer *w, void *buf, size_t cap);
/* Writes into a heap buffer of at most limit bytes (BYTES_NO_LIMIT). */
void bytes_writer_init_heap(struct bytes_writer *w, size_t limit);
/* Heap writer: wipes and frees the buffer.  Fixed writer: the caller's
 * buffer is left as it is.  Either way the writer is then empty. */
void bytes_writer_free(struct bytes_writer *w);
/* What has been written so far (empty if the writer failed). */
struct bytes_span bytes_writer_span(const struct bytes_writer *w);

int bytes_put_u8(struct bytes_writer *w, uint8_t v);
int bytes_put_u16le(struct bytes_writer *w, uint16_t v);
/* n 16-bit units, each little-endian (UTF-16LE text), in one step. */
int bytes_put_u16le_array(struct bytes_writer *w, const uint16_t *v, size_t n);
/* The reverse, from 2 n bytes already bounds-checked (a span). */
void bytes_load_u16le_array(const uint8_t *in, uint16_t *out, size_t n);
int bytes_put_u32le(struct bytes_writer *w, uint32_t v);
int bytes_put_u64le(struct bytes_writer *w, uint64_t v);
int bytes_put_u16be(struct bytes_writer *w, uint16_t v);
int bytes_put_u32be(struct bytes_writer *w, uint32_t v);
int bytes_put(struct bytes_writer *w, const void *data, size_t n);
int bytes_put_zeros(struct bytes_writer *w, size_t n);

/* Appends n zero bytes to fill in later and returns their offset (the
 * writer's length before the call, even on failure: a patch of a failed
 * writer is a no-op). */
size_t bytes_reserve(struct bytes_writer *w, size_t n);
/* Overwrites already written bytes at offset off. */
int bytes_patch(struct bytes_writer *w, size_t off, const void *data, size_t n);
int bytes_patch_u16le(struct bytes_writer *w, size_t off, uint16_t v);
int bytes_patch_u32le(struct bytes_writer *w, size_t off, uint32_t v);

/* Zeroes memory in a way the compiler may not drop as a dead store. */
void bytes_wipe(void *p, size_t n);

#endif
