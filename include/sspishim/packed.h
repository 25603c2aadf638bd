/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The packed-context envelope: what ExportSecurityContext hands out and
 * ImportSecurityContext takes back, in another process of the same Wine
 * prefix.  It names its package and role, and seals the package's payload
 * (the context state, keys included) with the prefix's machine key.
 *
 * The format is a contract between builds, 32- and 64-bit alike: written
 * and read only through the bytes writer/reader, never as a struct.
 *
 * Format, version 1.  All integers little-endian; n = package name length.
 *
 *   offset   size  field
 *   0        4     magic "SSPX" (53 53 50 58)
 *   4        2     version, 1
 *   6        2     header flags: 0, or PACKED_FLAG_AES_GCM (1); a reader refuses
 *                  any other bit
 *   8        1     role: 1 client, 2 server
 *   9        1     n, 1..32
 *   10       n     package name: printable ASCII (0x20..0x7e), stored as the
 *                  exporter spelled it, no terminator
 *   10+n     8     key id: bytes 0..7 of the ChaCha20 keystream block under
 *                  the machine key with nonce ff x 12 and counter
 *                  0xffffffff.  A PRF output, so it names the key without
 *                  revealing it; no seal ever uses that keystream block (a
 *                  seal's counters stop at 16384).
 *   18+n     12    nonce, never repeated under one key: 8 bytes drawn from
 *                  the system RNG per process, then a 32-bit counter
 *                  (little-endian); readers treat it as opaque
 *   30+n     4     L, payload length, 0..PACKED_PAYLOAD_MAX
 *   34+n     L     ciphertext: the payload sealed under the machine key and
 *                  the nonce above with AEAD_CHACHA20_POLY1305 (RFC 8439),
 *                  or with AES-256-GCM (NIST SP 800-38D) when the flags
 *                  say PACKED_FLAG_AES_GCM
 *   34+n+L   16    tag; the AAD is every byte before the ciphertext
 *
 * Which AEAD seals is the sealer's choice, and every build opens both:
 * AES-256-GCM where the CPU has AES-NI and PCLMULQDQ (it costs about two
 * thirds of ChaCha20-Poly1305 there), ChaCha20-Poly1305 elsewhere, or the
 * one SSPISHIM_EXPORT_CIPHER names ("aes-256-gcm", "chacha20-poly1305").
 * Both take the same 32-byte key, 12-byte nonce and 16-byte tag, so the
 * layout is the same.  A build from before the flag refuses a GCM blob as
 * it refuses any unknown flag: SEC_E_UNSUPPORTED_FUNCTION.
 *
 * A blob is exactly 50 + n + L bytes: a longer one (padded) or a shorter
 * one (truncated) is refused.  A reader checks, in this order:
 *
 *   not "SSPX" or under 4 bytes ........ SEC_E_INVALID_TOKEN: not a packed context
 *   version other than 1 ............... SEC_E_UNSUPPORTED_FUNCTION (from another
 *                                        sspishim release: this one cannot read it)
 *   header cut short ................... SEC_E_INVALID_TOKEN: truncated
 *   header flags other than 0 or 1 ..... SEC_E_UNSUPPORTED_FUNCTION
 *   role, n, name bytes or L invalid ... SEC_E_INVALID_TOKEN
 *   length not 50 + n + L .............. SEC_E_INVALID_TOKEN: truncated or padded
 *   tag does not verify, and the key id
 *     is not ours ...................... SEC_E_DECRYPT_FAILURE (0x80090330): made
 *                                        with another machine key (another prefix
 *                                        or machine), or its key id was altered
 *     is ours .......................... SEC_E_MESSAGE_ALTERED: tampered
 *
 * Authentication comes first and the key id only explains a failure, so a
 * blob that opens is known to be ours without computing the id.  Every
 * failure leaves the payload outputs NULL/0, and no plaintext survives a
 * tag that does not verify. */
#ifndef SSPISHIM_PACKED_H
#define SSPISHIM_PACKED_H

#include <stddef.h>
#include <stdint.h>

#include "sspishim/types.h"

#define PACKED_VERSION        1
#define PACKED_ROLE_CLIENT    1
#define PACKED_ROLE_SERVER    2
#define PACKED_PACKAGE_MAX    32
#define PACKED_KEY_ID_SIZE    8
#define PACKED_NONCE_SIZE     12
#define PACKED_TAG_SIZE       16
#define PACKED_FLAG_AES_GCM   0x0001   /* sealed with AES-256-GCM, not ChaCha20-Poly1305 */
/* Bytes around the name and payload: 34 of header, 16 of tag. */
#define PACKED_OVERHEAD       50
/* A context's state is a few hundred bytes; a megabyte is far beyond any
 * real one and keeps a hostile length from asking for a huge allocation. */
#define PACKED_PAYLOAD_MAX    (1u << 20)

struct packed_header {
    uint16_t version;
    uint16_t flags;
    uint8_t role;
    uint8_t package_len;
    char package[PACKED_PACKAGE_MAX + 1];   /* NUL-terminated */
    uint8_t key_id[PACKED_KEY_ID_SIZE];
    uint8_t nonce[PACKED_NONCE_SIZE];
    uint32_t payload_len;
    size_t header_len;                       /* bytes before the ciphertext: the AAD */
};

/* Seals payload into a new blob from sys_caller_alloc: it becomes the
 * caller's SecBuffer, released with FreeContextBuffer (sys_caller_free).
 * It holds no key material in the clear, so it needs no wiping.
 *   SEC_E_INVALID_PARAMETER  NULL arguments, a role other than 1 or 2, a
 *                            package name that is empty, over 32 bytes or
 *                            not printable ASCII
 *   SEC_E_CANNOT_PACK        len > PACKED_PAYLOAD_MAX
 *   SEC_E_INTERNAL_ERROR     the system RNG failed
 *   SEC_E_INSUFFICIENT_MEMORY
 * On failure *blob is NULL and *blob_len 0. */
shim_status packed_seal(const uint8_t key[32], const char *package, uint8_t role,
                        const void *payload, size_t len, uint8_t **blob, size_t *blob_len);

/* packed_seal with the nonce given: for tests that need the same bytes on
 * every build.  Reusing a nonce under one key breaks the AEAD; nothing
 * else may call this. */
shim_status packed_seal_with_nonce(const uint8_t key[32], const uint8_t nonce[PACKED_NONCE_SIZE],
                                   const char *package, uint8_t role, const void *payload,
                                   size_t len, uint8_t **blob, size_t *blob_len);

/* Which AEAD seals from now on in this process: 0 (ChaCha20-Poly1305),
 * PACKED_FLAG_AES_GCM, or PACKED_AEAD_AUTO (SSPISHIM_EXPORT_CIPHER, else
 * the CPU).  Returns the flags seals will carry.  For tests that need the
 * same bytes from every build, and for benchmarks comparing the two. */
#define PACKED_AEAD_AUTO 0xffffu
uint16_t packed_use_aead(uint16_t flags);

/* Checks and opens a blob (the statuses are in the table above; a NULL
 * key or output pointer is SEC_E_INVALID_PARAMETER).  On
 * success *payload is a malloc'd copy of the payload (non-NULL even when
 * empty) that the caller releases with packed_free_payload.  hdr may be
 * NULL; otherwise it is filled as far as the blob could be parsed, so a
 * failure can still report e.g. the version that was not understood. */
shim_status packed_open(const uint8_t key[32], const void *blob, size_t len,
                        struct packed_header *hdr, uint8_t **payload, size_t *payload_len);

/* packed_open into buf when the payload fits its cap bytes (then *payload
 * is buf, which the caller wipes), else into a malloc'd copy as
 * packed_open makes: an import saves an allocation, which under Wine costs
 * about as much as opening a small payload. */
shim_status packed_open_into(const uint8_t key[32], const void *blob, size_t len, struct packed_header *hdr,
                             uint8_t *buf, size_t cap, uint8_t **payload, size_t *payload_len);

/* Wipes and frees what packed_open returned; NULL is ignored. */
void packed_free_payload(uint8_t *payload, size_t len);

/* The header alone, no key needed, nothing decrypted: for an inspector that
 * must never print key material.  Every structural check of the table runs
 * (exact length included); authentication does not. */
shim_status packed_peek(const void *blob, size_t len, struct packed_header *hdr);

/* Would packed_open accept this blob under this key?  Same statuses,
 * nothing decrypted. */
shim_status packed_verify(const uint8_t key[32], const void *blob, size_t len);

/* The key id a blob sealed under key carries. */
void packed_key_id(const uint8_t key[32], uint8_t id[PACKED_KEY_ID_SIZE]);

/* Sealing remembers the last key's id (and so a copy of the key); this
 * wipes it, e.g. when the DLL unloads, next to machine_key_forget. */
void packed_forget(void);

/* Package names compare without regard to ASCII case, as SSPI's do:
 * "ntlm" imports what "NTLM" exported.  1 when equal, else 0.  The _w form
 * takes the caller's UTF-16 name; a non-ASCII unit never matches. */
int packed_package_equal(const char *a, const char *b);
int packed_package_equal_w(const char *a, const shim_wchar *b);

#endif
