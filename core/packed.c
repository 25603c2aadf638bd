/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The packed-context envelope; the format and its errors are documented in
 * include/sspishim/packed.h. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/aead.h"
#include "sspishim/bytes.h"
#include "sspishim/crypto.h"
#include "sspishim/crypto_gcm.h"
#include "sspishim/debug.h"
#include "sspishim/packed.h"
#include "sspishim/sys.h"

static const uint8_t magic[4] = { 'S', 'S', 'P', 'X' };

/* Where the key id lives in the keystream: a nonce and counter no seal
 * reaches (see packed.h). */
static const uint8_t key_id_nonce[12] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
#define KEY_ID_COUNTER 0xffffffffu

void packed_key_id(const uint8_t key[32], uint8_t id[PACKED_KEY_ID_SIZE])
{
    uint8_t block[64];

    crypto_chacha20_block(key, key_id_nonce, KEY_ID_COUNTER, block);
    memcpy(id, block, PACKED_KEY_ID_SIZE);
    crypto_wipe(block, sizeof(block));
}

static int fold(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int packed_package_equal(const char *a, const char *b)
{
    if (!a || !b) return 0;
    for (; *a && *b; a++, b++)
        if (fold((unsigned char)*a) != fold((unsigned char)*b)) return 0;
    return !*a && !*b;
}

int packed_package_equal_w(const char *a, const shim_wchar *b)
{
    if (!a || !b) return 0;
    for (; *a && *b; a++, b++)
        if (*b > 0x7f || fold((unsigned char)*a) != fold(*b)) return 0;
    return !*a && !*b;
}

/* A name SSPI could have registered and a reader can print safely. */
static int name_ok(const uint8_t *p, size_t n)
{
    if (n < 1 || n > PACKED_PACKAGE_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] > 0x7e) return 0;
    return 1;
}

static int role_ok(uint8_t role)
{
    return role == PACKED_ROLE_CLIENT || role == PACKED_ROLE_SERVER;
}

/* ---- sealing -------------------------------------------------------------- */

/* What sealing and opening need of the machine key besides the key: its
 * id (a ChaCha20 block) and its AES-256-GCM expansion (round keys and
 * GHASH powers), which together cost more than sealing a context.  Every
 * seal and open uses the one machine key in practice, so the first key
 * seen is expanded once and kept, and read from then on without a lock:
 * the cache is written only while its state says "being filled", and
 * never changed once it says "ready".  A call with another key (tests)
 * computes its own copy on the stack.  packed_forget empties the cache;
 * it runs when the DLL unloads (and in tests), with no seal in flight. */
struct key_cache {
    uint8_t key[32];
    uint8_t id[PACKED_KEY_ID_SIZE];
    struct crypto_gcm gcm;
};

enum { CACHE_EMPTY, CACHE_FILLING, CACHE_READY };
static struct key_cache cache;
static atomic_int cache_state;

static int same_key(const uint8_t a[32], const uint8_t b[32])
{
    unsigned d = 0;
    for (int i = 0; i < 32; i++) d |= (unsigned)(a[i] ^ b[i]);
    return d == 0;
}

/* The expansion of key: the process's cache, or *local filled in (which
 * the caller wipes when done, see done_key). */
static const struct key_cache *key_expanded(const uint8_t key[32], struct key_cache *local)
{
    int state = atomic_load_explicit(&cache_state, memory_order_acquire), empty = CACHE_EMPTY;

    if (state == CACHE_READY && same_key(cache.key, key)) return &cache;
    memcpy(local->key, key, 32);
    packed_key_id(key, local->id);
    crypto_gcm_init(&local->gcm, key);
    if (state == CACHE_EMPTY &&
        atomic_compare_exchange_strong_explicit(&cache_state, &empty, CACHE_FILLING,
                                                memory_order_acquire, memory_order_relaxed)) {
        memcpy(&cache, local, sizeof(cache));
        atomic_store_explicit(&cache_state, CACHE_READY, memory_order_release);
    }
    return local;
}

static void done_key(const struct key_cache *used, struct key_cache *local)
{
    if (used == local) crypto_wipe(local, sizeof(*local));
}

void packed_forget(void)
{
    atomic_store_explicit(&cache_state, CACHE_FILLING, memory_order_relaxed);
    crypto_wipe(&cache, sizeof(cache));
    atomic_store_explicit(&cache_state, CACHE_EMPTY, memory_order_release);
}

/* The AEAD a seal uses (packed.h): SSPISHIM_EXPORT_CIPHER if it names one,
 * else GCM where the CPU runs it in hardware.  Asked once per process; a
 * race between first callers only asks twice. */
static atomic_int aead_known;   /* 0 not asked, 1 ChaCha20-Poly1305, 2 AES-256-GCM */

static uint16_t seal_flags(void)
{
    int k = atomic_load_explicit(&aead_known, memory_order_relaxed);

    if (!k) {
        char name[32];
        if (!sys_getenv_ascii("SSPISHIM_EXPORT_CIPHER", name, sizeof(name)) && name[0]) {
            if (packed_package_equal("aes-256-gcm", name)) k = 2;
            else if (packed_package_equal("chacha20-poly1305", name)) k = 1;
            else WARN("SSPISHIM_EXPORT_CIPHER=%s: not aes-256-gcm or chacha20-poly1305; "
                      "choosing by the CPU\n", dbg_astr(name));
        }
        if (!k) k = crypto_gcm_hardware() ? 2 : 1;
        TRACE("exported contexts are sealed with %s\n", k == 2 ? "AES-256-GCM" : "ChaCha20-Poly1305");
        atomic_store_explicit(&aead_known, k, memory_order_relaxed);
    }
    return k == 2 ? PACKED_FLAG_AES_GCM : 0;
}

uint16_t packed_use_aead(uint16_t flags)
{
    int k = flags == PACKED_AEAD_AUTO ? 0 : flags & PACKED_FLAG_AES_GCM ? 2 : 1;

    atomic_store_explicit(&aead_known, k, memory_order_relaxed);
    return seal_flags();
}

/* 0 when the tag verifies; pt NULL only checks, else it receives the
 * plaintext (zeroed on failure). */
static int aead_open(const uint8_t key[32], uint16_t flags, const uint8_t nonce[PACKED_NONCE_SIZE],
                     const struct bytes_span *aad, const struct bytes_span *ct, const uint8_t *tag, uint8_t *pt)
{
    struct key_cache local;
    const struct key_cache *k;
    int ret;

    if (!(flags & PACKED_FLAG_AES_GCM)) {
        return pt ? crypto_aead_open(key, nonce, aad->p, aad->len, ct->p, ct->len, tag, pt)
                  : crypto_aead_verify(key, nonce, aad->p, aad->len, ct->p, ct->len, tag);
    }
    k = key_expanded(key, &local);
    ret = pt ? crypto_gcm_open(&k->gcm, nonce, aad->p, aad->len, ct->p, ct->len, tag, pt)
             : crypto_gcm_verify(&k->gcm, nonce, aad->p, aad->len, ct->p, ct->len, tag);
    done_key(k, &local);
    return ret;
}

shim_status packed_seal_with_nonce(const uint8_t key[32], const uint8_t nonce[PACKED_NONCE_SIZE],
                                   const char *package, uint8_t role, const void *payload,
                                   size_t len, uint8_t **blob, size_t *blob_len)
{
    struct bytes_writer w;
    uint8_t tag[PACKED_TAG_SIZE], *buf;
    size_t n, total, header_len, ct_off, tag_off;
    struct key_cache local;
    const struct key_cache *k;
    uint16_t flags;

    if (blob) *blob = NULL;
    if (blob_len) *blob_len = 0;
    if (!key || !nonce || !package || !blob || !blob_len || (!payload && len)) {
        WARN("NULL argument\n");
        return SHIM_E_INVALID_PARAMETER;
    }
    n = strlen(package);
    if (!name_ok((const uint8_t *)package, n) || !role_ok(role)) {
        WARN("package %s, role %u: not packable\n", dbg_astr(package), role);
        return SHIM_E_INVALID_PARAMETER;
    }
    if (len > PACKED_PAYLOAD_MAX) {
        WARN("payload of %lu bytes is over the %u-byte limit\n", (unsigned long)len, PACKED_PAYLOAD_MAX);
        return SHIM_E_CANNOT_PACK;
    }
    /* Both terms are bounded above, so the sum cannot wrap. */
    total = PACKED_OVERHEAD + n + len;
    if (!(buf = sys_caller_alloc(total))) return SHIM_E_INSUFFICIENT_MEMORY;

    k = key_expanded(key, &local);
    flags = seal_flags();
    bytes_writer_init(&w, buf, total);
    bytes_put(&w, magic, sizeof(magic));
    bytes_put_u16le(&w, PACKED_VERSION);
    bytes_put_u16le(&w, flags);
    bytes_put_u8(&w, role);
    bytes_put_u8(&w, (uint8_t)n);
    bytes_put(&w, package, n);
    bytes_put(&w, k->id, sizeof(k->id));
    bytes_put(&w, nonce, PACKED_NONCE_SIZE);
    bytes_put_u32le(&w, (uint32_t)len);
    header_len = w.len;
    ct_off = bytes_reserve(&w, len);
    tag_off = bytes_reserve(&w, PACKED_TAG_SIZE);
    if (w.failed || w.len != total) {
        ERR("writer ended at %lu of %lu bytes\n", (unsigned long)w.len, (unsigned long)total);
        done_key(k, &local);
        sys_caller_free(buf);
        return SHIM_E_INTERNAL_ERROR;
    }
    /* The payload is encrypted straight into its place in the blob; both
     * offsets are the writer's, of our own sizes. */
    if (flags & PACKED_FLAG_AES_GCM)
        crypto_gcm_seal(&k->gcm, nonce, buf, header_len, payload, len, buf + ct_off, tag);
    else
        crypto_aead_seal(key, nonce, buf, header_len, payload, len, buf + ct_off, tag);
    done_key(k, &local);
    bytes_patch(&w, tag_off, tag, sizeof(tag));

    *blob = buf;
    *blob_len = total;
    TRACE("sealed %s (role %u): %lu bytes of payload, %lu of blob\n", package, role,
          (unsigned long)len, (unsigned long)total);
    return SHIM_OK;
}

/* Nonces need to be unique, not secret (they travel in the clear): an
 * 8-byte prefix from the system RNG, drawn once per process, then a 32-bit
 * counter.  The counter keeps a process's nonces apart, the prefix keeps
 * processes apart (n processes share one with probability about
 * n^2 / 2^65), and a fork or an exhausted counter draws a new prefix.
 * Not a system call per seal: that costs more than the sealing. */
static sys_mutex nonce_lock;
static uint8_t nonce_prefix[8];
static uint32_t nonce_counter;
static unsigned long nonce_fork;
static int nonce_ready;

static int next_nonce(uint8_t nonce[PACKED_NONCE_SIZE])
{
    unsigned long fork_gen;
    int ret = 0;

    sys_mutex_lock(&nonce_lock);
    fork_gen = sys_fork_generation();
    if (!nonce_ready || nonce_fork != fork_gen || nonce_counter == 0xffffffffu) {
        nonce_ready = !sys_random(nonce_prefix, sizeof(nonce_prefix));
        nonce_counter = 0;
        nonce_fork = fork_gen;
    }
    if (nonce_ready) {
        memcpy(nonce, nonce_prefix, sizeof(nonce_prefix));
        for (int i = 0; i < 4; i++) nonce[8 + i] = (uint8_t)(nonce_counter >> (8 * i));
        nonce_counter++;
    } else {
        ret = -1;
    }
    sys_mutex_unlock(&nonce_lock);
    return ret;
}

shim_status packed_seal(const uint8_t key[32], const char *package, uint8_t role,
                        const void *payload, size_t len, uint8_t **blob, size_t *blob_len)
{
    uint8_t nonce[PACKED_NONCE_SIZE];

    if (blob) *blob = NULL;
    if (blob_len) *blob_len = 0;
    if (next_nonce(nonce)) {
        ERR("the system RNG failed\n");
        return SHIM_E_INTERNAL_ERROR;
    }
    return packed_seal_with_nonce(key, nonce, package, role, payload, len, blob, blob_len);
}

/* ---- parsing -------------------------------------------------------------- */

/* The parts of a blob that passed every structural check. */
struct packed_parts {
    struct bytes_span aad, ct, tag;
};

/* Fills hdr as it goes, so a caller can see how far the blob made sense. */
static shim_status parse(const void *blob, size_t len, struct packed_header *hdr,
                         struct packed_parts *parts)
{
    struct bytes_reader r;
    struct bytes_span name;
    uint8_t m[4];

    memset(hdr, 0, sizeof(*hdr));
    memset(parts, 0, sizeof(*parts));
    bytes_reader_init(&r, blob, blob ? len : 0);
    if (bytes_get(&r, m, sizeof(m)) || memcmp(m, magic, sizeof(m))) {
        TRACE("%lu bytes: not a packed context\n", (unsigned long)len);
        return SHIM_E_INVALID_TOKEN;
    }
    hdr->version = bytes_get_u16le(&r);
    if (r.failed) {
        TRACE("truncated before the version\n");
        return SHIM_E_INVALID_TOKEN;
    }
    if (hdr->version != PACKED_VERSION) {
        WARN("packed context version %u; this build reads version %u\n", hdr->version, PACKED_VERSION);
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }

    hdr->flags = bytes_get_u16le(&r);
    hdr->role = bytes_get_u8(&r);
    hdr->package_len = bytes_get_u8(&r);
    bytes_get_span(&r, hdr->package_len, &name);
    bytes_get(&r, hdr->key_id, sizeof(hdr->key_id));
    bytes_get(&r, hdr->nonce, sizeof(hdr->nonce));
    hdr->payload_len = bytes_get_u32le(&r);
    if (r.failed) {
        TRACE("%lu bytes: truncated in the header\n", (unsigned long)len);
        return SHIM_E_INVALID_TOKEN;
    }
    if (hdr->flags & ~PACKED_FLAG_AES_GCM) {
        WARN("header flags %#x are not defined in version %u\n", hdr->flags, PACKED_VERSION);
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    if (!role_ok(hdr->role) || !name_ok(name.p, name.len) || hdr->payload_len > PACKED_PAYLOAD_MAX) {
        TRACE("role %u, name of %u bytes, payload of %u bytes: invalid\n", hdr->role,
              hdr->package_len, hdr->payload_len);
        return SHIM_E_INVALID_TOKEN;
    }
    memcpy(hdr->package, name.p, name.len);
    hdr->package[name.len] = 0;
    hdr->header_len = r.pos;

    bytes_get_span_at(&r, 0, hdr->header_len, &parts->aad);
    bytes_get_span(&r, hdr->payload_len, &parts->ct);
    bytes_get_span(&r, PACKED_TAG_SIZE, &parts->tag);
    if (r.failed || bytes_remaining(&r)) {
        TRACE("%lu bytes for a %lu-byte context: %s\n", (unsigned long)len,
              (unsigned long)(PACKED_OVERHEAD + (size_t)hdr->package_len + hdr->payload_len),
              r.failed ? "truncated" : "padded");
        return SHIM_E_INVALID_TOKEN;
    }
    return SHIM_OK;
}

/* Why a tag did not verify: the key id tells another machine's blob from a
 * tampered one of ours. */
static shim_status explain_failure(const uint8_t key[32], const struct packed_header *hdr)
{
    uint8_t ours[PACKED_KEY_ID_SIZE];

    packed_key_id(key, ours);
    if (memcmp(ours, hdr->key_id, sizeof(ours))) {
        WARN("%s context made with another machine key\n", hdr->package);
        return SHIM_E_DECRYPT_FAILURE;
    }
    WARN("%s context does not authenticate: altered\n", hdr->package);
    return SHIM_E_MESSAGE_ALTERED;
}

shim_status packed_peek(const void *blob, size_t len, struct packed_header *hdr)
{
    struct packed_header local;
    struct packed_parts parts;

    return parse(blob, len, hdr ? hdr : &local, &parts);
}

shim_status packed_verify(const uint8_t key[32], const void *blob, size_t len)
{
    struct packed_header hdr;
    struct packed_parts parts;
    shim_status st;

    if (!key) return SHIM_E_INVALID_PARAMETER;
    if ((st = parse(blob, len, &hdr, &parts))) return st;
    if (aead_open(key, hdr.flags, hdr.nonce, &parts.aad, &parts.ct, parts.tag.p, NULL))
        return explain_failure(key, &hdr);
    return SHIM_OK;
}

shim_status packed_open_into(const uint8_t key[32], const void *blob, size_t len, struct packed_header *hdr,
                             uint8_t *buf, size_t cap, uint8_t **payload, size_t *payload_len)
{
    struct packed_header local, *h = hdr ? hdr : &local;
    struct packed_parts parts;
    shim_status st;
    uint8_t *out;

    if (payload) *payload = NULL;
    if (payload_len) *payload_len = 0;
    if (!key || !payload || !payload_len) return SHIM_E_INVALID_PARAMETER;
    if ((st = parse(blob, len, h, &parts))) return st;

    /* One byte at least, so an empty payload is still a non-NULL pointer. */
    if (buf && parts.ct.len && parts.ct.len <= cap) out = buf;
    else if (!(out = malloc(parts.ct.len ? parts.ct.len : 1))) return SHIM_E_INSUFFICIENT_MEMORY;
    if (aead_open(key, h->flags, h->nonce, &parts.aad, &parts.ct, parts.tag.p, out)) {
        if (out != buf) free(out);   /* open() zeroed it */
        return explain_failure(key, h);
    }
    *payload = out;
    *payload_len = parts.ct.len;
    TRACE("opened %s (role %u): %lu bytes of payload\n", h->package, h->role,
          (unsigned long)parts.ct.len);
    return SHIM_OK;
}

shim_status packed_open(const uint8_t key[32], const void *blob, size_t len,
                        struct packed_header *hdr, uint8_t **payload, size_t *payload_len)
{
    return packed_open_into(key, blob, len, hdr, NULL, 0, payload, payload_len);
}

void packed_free_payload(uint8_t *payload, size_t len)
{
    if (!payload) return;
#if defined(__GNUC__)
    /* crypto_wipe stores a byte at a time through a volatile pointer, which
     * for a payload of hundreds of bytes costs more than opening it did.
     * memset followed by an asm that claims to read the memory cannot be
     * dropped as a dead store before free() either. */
    memset(payload, 0, len);
    __asm__ __volatile__("" : : "r"(payload) : "memory");
#else
    crypto_wipe(payload, len);
#endif
    free(payload);
}
