/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* NTLMv2 key math (MS-NLMP 3.3.2, 3.4.4, 3.4.5): the one-way functions,
 * the challenge responses, the session keys and message integrity and
 * confidentiality, with extended session security and 128-bit keys or
 * without extended session security (3.4.4.1: one RC4 stream for both
 * directions, CRC32 checksums, the 40/56-bit key weakening).  Pure
 * functions of their arguments: parsing and building the three handshake
 * messages, flags and policy belong to the caller.
 *
 * Text is UTF-16 as uint16_t code units with an explicit count (no
 * terminator, no wchar_t); it is serialised little-endian when hashed. */
#ifndef SSPISHIM_NTLM_CRYPTO_H
#define SSPISHIM_NTLM_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sspishim/crypto.h"

#define NTLM_KEY_SIZE        16   /* every key, hash and NTProofStr */
#define NTLM_CHALLENGE_SIZE   8
#define NTLM_SIGNATURE_SIZE  16
#define NTLM_LMV2_SIZE       24
/* NTProofStr, the blob's 28 fixed bytes, the AV pairs, 4 reserved zeros. */
#define NTLM_V2_RESPONSE_SIZE(target_info_len) (16 + 28 + (size_t)(target_info_len) + 4)

/* Uppercase as the user name is uppercased for NTOWFv2.  Covers ASCII and
 * Latin-1 (U+00E0-U+00FE except U+00F7, and U+00FF to U+0178); everything
 * else, U+00B5 included, is returned unchanged.  Names outside that range
 * that differ only by case therefore hash differently than on Windows. */
uint16_t ntlm_upcase(uint16_t c);

/* Compares in time independent of the contents: for proofs and checksums. */
bool ntlm_equal(const void *a, const void *b, size_t len);

/* ---- One-way functions -------------------------------------------------- */

/* The NT hash, MD4(UTF-16LE(password)): what account files store. */
void ntlm_nt_hash(const uint16_t *password, size_t password_len, uint8_t out[NTLM_KEY_SIZE]);

/* NTOWFv2 = HMAC_MD5(NT hash, UTF-16LE(Uppercase(user) || domain)).  Only
 * the user is uppercased.  It is both ResponseKeyNT and ResponseKeyLM. */
void ntlm_ntowfv2(const uint16_t *password, size_t password_len,
                  const uint16_t *user, size_t user_len,
                  const uint16_t *domain, size_t domain_len, uint8_t out[NTLM_KEY_SIZE]);
void ntlm_ntowfv2_from_hash(const uint8_t nt_hash[NTLM_KEY_SIZE],
                            const uint16_t *user, size_t user_len,
                            const uint16_t *domain, size_t domain_len,
                            uint8_t out[NTLM_KEY_SIZE]);

/* ---- Challenge responses ------------------------------------------------ */

/* NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge || blob), where the
 * blob is everything in the NT response after the NTProofStr. */
void ntlm_nt_proof(const uint8_t response_key[NTLM_KEY_SIZE],
                   const uint8_t server_challenge[NTLM_CHALLENGE_SIZE],
                   const uint8_t *blob, size_t blob_len, uint8_t out[NTLM_KEY_SIZE]);

/* Writes the NTLMv2 NtChallengeResponse (NTProofStr || blob) to out and
 * returns its length, NTLM_V2_RESPONSE_SIZE(target_info_len); returns 0 and
 * writes nothing when out_size is smaller.  timestamp is a FILETIME (100 ns
 * since 1601).  target_info is the AV pair list, MsvAvEOL included, exactly
 * as the client sends it (with any MsvAvFlags or MsvAvTimestamp it adds). */
size_t ntlm_v2_response(const uint8_t response_key[NTLM_KEY_SIZE],
                        const uint8_t server_challenge[NTLM_CHALLENGE_SIZE],
                        const uint8_t client_challenge[NTLM_CHALLENGE_SIZE],
                        uint64_t timestamp, const uint8_t *target_info, size_t target_info_len,
                        uint8_t *out, size_t out_size);

/* The server's check of a received NtChallengeResponse: true when its
 * NTProofStr is right for response_key.  The blob is not interpreted
 * (timestamps and AV pairs are policy).  On success session_base_key, if
 * not NULL, receives the session base key. */
bool ntlm_v2_response_check(const uint8_t response_key[NTLM_KEY_SIZE],
                            const uint8_t server_challenge[NTLM_CHALLENGE_SIZE],
                            const uint8_t *response, size_t response_len,
                            uint8_t session_base_key[NTLM_KEY_SIZE]);

/* SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr). */
void ntlm_session_base_key(const uint8_t response_key[NTLM_KEY_SIZE],
                           const uint8_t nt_proof[NTLM_KEY_SIZE], uint8_t out[NTLM_KEY_SIZE]);

/* LmChallengeResponse = HMAC_MD5(ResponseKeyLM, ServerChallenge ||
 * ClientChallenge) || ClientChallenge. */
void ntlm_lmv2_response(const uint8_t response_key[NTLM_KEY_SIZE],
                        const uint8_t server_challenge[NTLM_CHALLENGE_SIZE],
                        const uint8_t client_challenge[NTLM_CHALLENGE_SIZE],
                        uint8_t out[NTLM_LMV2_SIZE]);

/* ---- Session keys ------------------------------------------------------- */

/* With NTLMv2 the key exchange key is the session base key itself. */
void ntlm_kxkey_v2(const uint8_t session_base_key[NTLM_KEY_SIZE], uint8_t out[NTLM_KEY_SIZE]);

/* Key exchange: EncryptedRandomSessionKey = RC4K(KXKEY, ExportedSessionKey).
 * RC4 is its own inverse, so the server decrypts with the same call; the
 * two names only say which way the data flows.  in == out is allowed. */
void ntlm_encrypt_session_key(const uint8_t kxkey[NTLM_KEY_SIZE],
                              const uint8_t in[NTLM_KEY_SIZE], uint8_t out[NTLM_KEY_SIZE]);
void ntlm_decrypt_session_key(const uint8_t kxkey[NTLM_KEY_SIZE],
                              const uint8_t in[NTLM_KEY_SIZE], uint8_t out[NTLM_KEY_SIZE]);

/* A client sends with CLIENT_TO_SERVER keys and receives with
 * SERVER_TO_CLIENT ones; a server the other way round. */
enum ntlm_direction { NTLM_CLIENT_TO_SERVER, NTLM_SERVER_TO_CLIENT };

/* SIGNKEY and SEALKEY with extended session security and 128-bit keys:
 * MD5(ExportedSessionKey || the direction's magic constant with its NUL). */
void ntlm_sign_key(const uint8_t exported_session_key[NTLM_KEY_SIZE],
                   enum ntlm_direction dir, uint8_t out[NTLM_KEY_SIZE]);
void ntlm_seal_key(const uint8_t exported_session_key[NTLM_KEY_SIZE],
                   enum ntlm_direction dir, uint8_t out[NTLM_KEY_SIZE]);

/* MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE)
 * with AUTHENTICATE's 16-byte MIC field counted as zeros, whatever it holds,
 * so a received message needs no copy.  False when the field at mic_offset
 * does not fit in the AUTHENTICATE message. */
bool ntlm_mic(const uint8_t exported_session_key[NTLM_KEY_SIZE],
              const uint8_t *negotiate, size_t negotiate_len,
              const uint8_t *challenge, size_t challenge_len,
              const uint8_t *authenticate, size_t authenticate_len,
              size_t mic_offset, uint8_t out[NTLM_KEY_SIZE]);

/* ---- Message signatures and sealing ------------------------------------- */

/* One direction of a session.  Signing and sealing in the same direction
 * share the RC4 stream, so calls must be made in message order.  The
 * sequence number is the caller's (the signing functions take it as an
 * argument), which lets the SSPI layer apply its own rules (implicit
 * counter, or the caller's MessageSeqNo).  All bytes, no padding: a live
 * context holds two.
 *
 * Without extended session security the same struct is the one handle
 * both directions share (ess false): the caller then signs, seals,
 * verifies and unseals through that single struct and a single counter,
 * so sent and received messages take turns on one keystream, as MS-NLMP
 * 3.4.4.1 has it (sign_key is unused and zero). */
struct ntlm_seal_dir {
    uint8_t sign_key[NTLM_KEY_SIZE];
    struct crypto_rc4 rc4;
    bool key_exch;   /* ESS and NTLMSSP_NEGOTIATE_KEY_EXCH: the checksum is RC4-encrypted */
    bool ess;        /* true: HMAC-MD5 signatures (3.4.4.2); false: CRC32 (3.4.4.1) */
};

void ntlm_seal_dir_init(struct ntlm_seal_dir *d, const uint8_t exported_session_key[NTLM_KEY_SIZE],
                        enum ntlm_direction dir, bool key_exch);
void ntlm_seal_dir_wipe(struct ntlm_seal_dir *d);

/* Without extended session security, SEALKEY (MS-NLMP 3.4.5.3) is the whole
 * exported session key unless NTLMSSP_NEGOTIATE_LM_KEY or datagram mode
 * was negotiated; then it is weakened to 56 bits (NTLMSSP_NEGOTIATE_56:
 * key[0..6] || A0) or else 40 bits (key[0..4] || E5 38 B0).  The 128 flag
 * plays no part here. */
enum ntlm_key_strength { NTLM_KEY_FULL, NTLM_KEY_56, NTLM_KEY_40 };

/* Writes that key to out and returns its length: 16, or 8 when weakened. */
size_t ntlm_seal_key_no_ess(const uint8_t exported_session_key[NTLM_KEY_SIZE], enum ntlm_key_strength strength,
                            uint8_t out[NTLM_KEY_SIZE]);
/* The shared handle of a session without extended session security. */
void ntlm_seal_dir_init_shared(struct ntlm_seal_dir *d, const uint8_t exported_session_key[NTLM_KEY_SIZE],
                               enum ntlm_key_strength strength);

enum ntlm_sig_status {
    NTLM_SIG_OK = 0,
    NTLM_SIG_ALTERED,           /* bad version or checksum: SEC_E_MESSAGE_ALTERED */
    NTLM_SIG_OUT_OF_SEQUENCE,   /* SeqNum is not the expected one: SEC_E_OUT_OF_SEQUENCE */
};

/* One message: signature = 01000000 || checksum(8) || SeqNum(4, LE), where
 * checksum = HMAC_MD5(SignKey, SeqNum || message)[0..7], RC4-encrypted with
 * the direction's stream when key exchange was negotiated.
 *
 * Without extended session security (d->ess false, MS-NLMP 3.4.4.1):
 * signature = 01000000 || RandomPad(4) || CRC32(message)(4, LE) ||
 * SeqNum(4, LE), the last 12 bytes through the stream; the RandomPad's
 * keystream is spent but 0 is sent, as Windows does.  A received RandomPad
 * is not looked at: nothing covers it, and old peers put random bytes there.
 * The SeqNum is encrypted too, so a message checked at the wrong keystream
 * offset is NTLM_SIG_ALTERED; NTLM_SIG_OUT_OF_SEQUENCE means the checksum
 * was right and only the number was not. */
void ntlm_sign(struct ntlm_seal_dir *d, uint32_t seq, const void *msg, size_t len,
               uint8_t sig[NTLM_SIGNATURE_SIZE]);
enum ntlm_sig_status ntlm_verify(struct ntlm_seal_dir *d, uint32_t seq, const void *msg, size_t len,
                                 const uint8_t sig[NTLM_SIGNATURE_SIZE]);

/* Sealing encrypts msg in place with the stream, then signs the plaintext
 * (the checksum's RC4 bytes follow the message's).  Unsealing decrypts in
 * place, then verifies; on failure msg holds unauthenticated bytes that
 * must not be used.  The stream advances either way, as the sender's did. */
void ntlm_seal(struct ntlm_seal_dir *d, uint32_t seq, void *msg, size_t len,
               uint8_t sig[NTLM_SIGNATURE_SIZE]);
enum ntlm_sig_status ntlm_unseal(struct ntlm_seal_dir *d, uint32_t seq, void *msg, size_t len,
                                 const uint8_t sig[NTLM_SIGNATURE_SIZE]);

/* The same in pieces, for messages spread over several SecBuffers: init,
 * then per buffer in order mac_update with the plaintext (and, to seal or
 * unseal, crypto_rc4_crypt on &d->rc4 for the buffers that are encrypted,
 * after updating when sealing, before when unsealing), then final or check.
 * Both finish by wiping the struct ntlm_mac. */
struct ntlm_mac {
    struct crypto_hmac_md5 hmac;   /* with extended session security */
    uint32_t crc;                  /* without */
    uint32_t seq;
    bool ess;
};

void ntlm_mac_init(struct ntlm_mac *m, const struct ntlm_seal_dir *d, uint32_t seq);
void ntlm_mac_update(struct ntlm_mac *m, const void *data, size_t len);
/* mac_update and crypto_rc4_crypt on &d->rc4 over one encrypted buffer, in
 * place, in the order sealing (hash, then encrypt) or unsealing (decrypt,
 * then hash) needs: one pass instead of two. */
void ntlm_mac_seal(struct ntlm_mac *m, struct ntlm_seal_dir *d, void *data, size_t len);
void ntlm_mac_unseal(struct ntlm_mac *m, struct ntlm_seal_dir *d, void *data, size_t len);
void ntlm_mac_final(struct ntlm_mac *m, struct ntlm_seal_dir *d, uint8_t sig[NTLM_SIGNATURE_SIZE]);
enum ntlm_sig_status ntlm_mac_check(struct ntlm_mac *m, struct ntlm_seal_dir *d,
                                    const uint8_t sig[NTLM_SIGNATURE_SIZE]);

#endif
