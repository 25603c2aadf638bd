/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* NTLMv2 key math, following MS-NLMP 3.3.2 (responses), 3.4.4.2 (signatures
 * with extended session security), 3.4.4.1 (signatures without it) and
 * 3.4.5 (key derivation). */
#include <string.h>

#include "sspishim/crypto_rc4_md5.h"
#include "sspishim/ntlm_crypto.h"

#define BLOB_HEADER 28   /* versions, reserved, timestamp, challenge, reserved */

uint16_t ntlm_upcase(uint16_t c)
{
    if (c >= 'a' && c <= 'z') return (uint16_t)(c - 0x20);
    if (c >= 0xe0 && c <= 0xfe && c != 0xf7) return (uint16_t)(c - 0x20);
    if (c == 0xff) return 0x178;   /* its capital lives in Latin Extended-A */
    return c;
}

bool ntlm_equal(const void *a, const void *b, size_t len)
{
    const uint8_t *x = a, *y = b;
    uint8_t diff = 0;

    /* No early exit: the time taken must not say where a guess went wrong. */
    for (size_t i = 0; i < len; i++) diff |= (uint8_t)(x[i] ^ y[i]);
    return diff == 0;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Serialises up to 32 code units as UTF-16LE into buf and returns how many
 * it took: the hashes are fed in chunks so no allocation is needed. */
static size_t utf16le_chunk(const uint16_t *s, size_t n, bool upper, uint8_t buf[64])
{
    size_t k = n < 32 ? n : 32;

    for (size_t i = 0; i < k; i++) {
        uint16_t c = upper ? ntlm_upcase(s[i]) : s[i];
        buf[2 * i] = (uint8_t)c;
        buf[2 * i + 1] = (uint8_t)(c >> 8);
    }
    return k;
}

static void hmac_update_utf16(struct crypto_hmac_md5 *h, const uint16_t *s, size_t n, bool upper)
{
    uint8_t buf[64];

    while (n) {
        size_t k = utf16le_chunk(s, n, upper, buf);
        crypto_hmac_md5_update(h, buf, 2 * k);
        s += k;
        n -= k;
    }
    crypto_wipe(buf, sizeof(buf));
}

void ntlm_nt_hash(const uint16_t *password, size_t password_len, uint8_t out[NTLM_KEY_SIZE])
{
    struct crypto_md4 md4;
    uint8_t buf[64];

    crypto_md4_init(&md4);
    while (password_len) {
        size_t k = utf16le_chunk(password, password_len, false, buf);
        crypto_md4_update(&md4, buf, 2 * k);
        password += k;
        password_len -= k;
    }
    crypto_md4_final(&md4, out);
    crypto_wipe(buf, sizeof(buf));
}

void ntlm_ntowfv2_from_hash(const uint8_t nt_hash[NTLM_KEY_SIZE],
                            const uint16_t *user, size_t user_len,
                            const uint16_t *domain, size_t domain_len,
                            uint8_t out[NTLM_KEY_SIZE])
{
    struct crypto_hmac_md5 h;

    crypto_hmac_md5_init(&h, nt_hash, NTLM_KEY_SIZE);
    hmac_update_utf16(&h, user, user_len, true);
    hmac_update_utf16(&h, domain, domain_len, false);
    crypto_hmac_md5_final(&h, out);
}

void ntlm_ntowfv2(const uint16_t *password, size_t password_len,
                  const uint16_t *user, size_t user_len,
                  const uint16_t *domain, size_t domain_len, uint8_t out[NTLM_KEY_SIZE])
{
    uint8_t nt_hash[NTLM_KEY_SIZE];

    ntlm_nt_hash(password, password_len, nt_hash);
    ntlm_ntowfv2_from_hash(nt_hash, user, user_len, domain, domain_len, out);
    crypto_wipe(nt_hash, sizeof(nt_hash));
}

void ntlm_nt_proof(const uint8_t response_key[NTLM_KEY_SIZE],
                   const uint8_t server_challenge[NTLM_CHALLENGE_SIZE],
                   const uint8_t *blob, size_t blob_len, uint8_t out[NTLM_KEY_SIZE])
{
    struct crypto_hmac_md5 h;

    crypto_hmac_md5_init(&h, response_key, NTLM_KEY_SIZE);
    crypto_hmac_md5_update(&h, server_challenge, NTLM_CHALLENGE_SIZE);
    crypto_hmac_md5_update(&h, blob, blob_len);
    crypto_hmac_md5_final(&h, out);
}

size_t ntlm_v2_response(const uint8_t response_key[NTLM_KEY_SIZE],
                        const uint8_t server_challenge[NTLM_CHALLENGE_SIZE],
                        const uint8_t client_challenge[NTLM_CHALLENGE_SIZE],
                        uint64_t timestamp, const uint8_t *target_info, size_t target_info_len,
                        uint8_t *out, size_t out_size)
{
    uint8_t *blob;
    size_t total;

    if (target_info_len > SIZE_MAX - NTLM_V2_RESPONSE_SIZE(0)) return 0;
    total = NTLM_V2_RESPONSE_SIZE(target_info_len);
    if (out_size < total) return 0;
    blob = out + NTLM_KEY_SIZE;

    /* RespType and HiRespType are both 1; the reserved fields are zero. */
    memset(blob, 0, BLOB_HEADER);
    blob[0] = 1;
    blob[1] = 1;
    for (int i = 0; i < 8; i++) blob[8 + i] = (uint8_t)(timestamp >> (8 * i));
    memcpy(blob + 16, client_challenge, NTLM_CHALLENGE_SIZE);
    if (target_info_len) memcpy(blob + BLOB_HEADER, target_info, target_info_len);
    memset(blob + BLOB_HEADER + target_info_len, 0, 4);

    ntlm_nt_proof(response_key, server_challenge, blob, total - NTLM_KEY_SIZE, out);
    return total;
}

bool ntlm_v2_response_check(const uint8_t response_key[NTLM_KEY_SIZE],
                            const uint8_t server_challenge[NTLM_CHALLENGE_SIZE],
                            const uint8_t *response, size_t response_len,
                            uint8_t session_base_key[NTLM_KEY_SIZE])
{
    uint8_t proof[NTLM_KEY_SIZE];
    bool ok;

    /* Shorter than NTProofStr plus the blob header is v1 or garbage. */
    if (response_len < NTLM_KEY_SIZE + BLOB_HEADER) return false;
    ntlm_nt_proof(response_key, server_challenge, response + NTLM_KEY_SIZE,
                  response_len - NTLM_KEY_SIZE, proof);
    ok = ntlm_equal(proof, response, NTLM_KEY_SIZE);
    if (ok && session_base_key) ntlm_session_base_key(response_key, proof, session_base_key);
    crypto_wipe(proof, sizeof(proof));
    return ok;
}

void ntlm_session_base_key(const uint8_t response_key[NTLM_KEY_SIZE],
                           const uint8_t nt_proof[NTLM_KEY_SIZE], uint8_t out[NTLM_KEY_SIZE])
{
    crypto_hmac_md5(response_key, NTLM_KEY_SIZE, nt_proof, NTLM_KEY_SIZE, out);
}

void ntlm_lmv2_response(const uint8_t response_key[NTLM_KEY_SIZE],
                        const uint8_t server_challenge[NTLM_CHALLENGE_SIZE],
                        const uint8_t client_challenge[NTLM_CHALLENGE_SIZE],
                        uint8_t out[NTLM_LMV2_SIZE])
{
    struct crypto_hmac_md5 h;

    crypto_hmac_md5_init(&h, response_key, NTLM_KEY_SIZE);
    crypto_hmac_md5_update(&h, server_challenge, NTLM_CHALLENGE_SIZE);
    crypto_hmac_md5_update(&h, client_challenge, NTLM_CHALLENGE_SIZE);
    crypto_hmac_md5_final(&h, out);
    memcpy(out + NTLM_KEY_SIZE, client_challenge, NTLM_CHALLENGE_SIZE);
}

void ntlm_kxkey_v2(const uint8_t session_base_key[NTLM_KEY_SIZE], uint8_t out[NTLM_KEY_SIZE])
{
    memmove(out, session_base_key, NTLM_KEY_SIZE);
}

void ntlm_encrypt_session_key(const uint8_t kxkey[NTLM_KEY_SIZE],
                              const uint8_t in[NTLM_KEY_SIZE], uint8_t out[NTLM_KEY_SIZE])
{
    struct crypto_rc4 rc4;

    crypto_rc4_init(&rc4, kxkey, NTLM_KEY_SIZE);
    crypto_rc4_crypt(&rc4, in, out, NTLM_KEY_SIZE);
    crypto_wipe(&rc4, sizeof(rc4));
}

void ntlm_decrypt_session_key(const uint8_t kxkey[NTLM_KEY_SIZE],
                              const uint8_t in[NTLM_KEY_SIZE], uint8_t out[NTLM_KEY_SIZE])
{
    ntlm_encrypt_session_key(kxkey, in, out);
}

/* sizeof keeps the terminating NUL, which MS-NLMP 3.4.5.2/3.4.5.3 include. */
static const char sign_c2s[] = "session key to client-to-server signing key magic constant";
static const char sign_s2c[] = "session key to server-to-client signing key magic constant";
static const char seal_c2s[] = "session key to client-to-server sealing key magic constant";
static const char seal_s2c[] = "session key to server-to-client sealing key magic constant";

static void derive(const uint8_t key[NTLM_KEY_SIZE], const char *magic, size_t magic_size,
                   uint8_t out[NTLM_KEY_SIZE])
{
    struct crypto_md5 md5;

    crypto_md5_init(&md5);
    crypto_md5_update(&md5, key, NTLM_KEY_SIZE);
    crypto_md5_update(&md5, magic, magic_size);
    crypto_md5_final(&md5, out);
}

void ntlm_sign_key(const uint8_t exported_session_key[NTLM_KEY_SIZE],
                   enum ntlm_direction dir, uint8_t out[NTLM_KEY_SIZE])
{
    if (dir == NTLM_CLIENT_TO_SERVER)
        derive(exported_session_key, sign_c2s, sizeof(sign_c2s), out);
    else
        derive(exported_session_key, sign_s2c, sizeof(sign_s2c), out);
}

/* With 128-bit keys the whole exported session key goes in; the 56- and
 * 40-bit truncations of 3.4.5.3 are not supported. */
void ntlm_seal_key(const uint8_t exported_session_key[NTLM_KEY_SIZE],
                   enum ntlm_direction dir, uint8_t out[NTLM_KEY_SIZE])
{
    if (dir == NTLM_CLIENT_TO_SERVER)
        derive(exported_session_key, seal_c2s, sizeof(seal_c2s), out);
    else
        derive(exported_session_key, seal_s2c, sizeof(seal_s2c), out);
}

bool ntlm_mic(const uint8_t exported_session_key[NTLM_KEY_SIZE],
              const uint8_t *negotiate, size_t negotiate_len,
              const uint8_t *challenge, size_t challenge_len,
              const uint8_t *authenticate, size_t authenticate_len,
              size_t mic_offset, uint8_t out[NTLM_KEY_SIZE])
{
    static const uint8_t zeros[NTLM_KEY_SIZE];
    struct crypto_hmac_md5 h;

    if (mic_offset > authenticate_len || authenticate_len - mic_offset < NTLM_KEY_SIZE)
        return false;
    crypto_hmac_md5_init(&h, exported_session_key, NTLM_KEY_SIZE);
    crypto_hmac_md5_update(&h, negotiate, negotiate_len);
    crypto_hmac_md5_update(&h, challenge, challenge_len);
    crypto_hmac_md5_update(&h, authenticate, mic_offset);
    crypto_hmac_md5_update(&h, zeros, sizeof(zeros));
    crypto_hmac_md5_update(&h, authenticate + mic_offset + NTLM_KEY_SIZE,
                           authenticate_len - mic_offset - NTLM_KEY_SIZE);
    crypto_hmac_md5_final(&h, out);
    return true;
}

void ntlm_seal_dir_init(struct ntlm_seal_dir *d, const uint8_t exported_session_key[NTLM_KEY_SIZE],
                        enum ntlm_direction dir, bool key_exch)
{
    uint8_t seal_key[NTLM_KEY_SIZE];

    ntlm_sign_key(exported_session_key, dir, d->sign_key);
    ntlm_seal_key(exported_session_key, dir, seal_key);
    crypto_rc4_init(&d->rc4, seal_key, sizeof(seal_key));
    d->key_exch = key_exch;
    d->ess = true;
    crypto_wipe(seal_key, sizeof(seal_key));
}

size_t ntlm_seal_key_no_ess(const uint8_t exported_session_key[NTLM_KEY_SIZE], enum ntlm_key_strength strength,
                            uint8_t out[NTLM_KEY_SIZE])
{
    switch (strength) {
    case NTLM_KEY_56:
        memmove(out, exported_session_key, 7);
        out[7] = 0xa0;
        return 8;
    case NTLM_KEY_40:
        memmove(out, exported_session_key, 5);
        out[5] = 0xe5;
        out[6] = 0x38;
        out[7] = 0xb0;
        return 8;
    case NTLM_KEY_FULL:
        break;
    }
    memmove(out, exported_session_key, NTLM_KEY_SIZE);
    return NTLM_KEY_SIZE;
}

void ntlm_seal_dir_init_shared(struct ntlm_seal_dir *d, const uint8_t exported_session_key[NTLM_KEY_SIZE],
                               enum ntlm_key_strength strength)
{
    uint8_t seal_key[NTLM_KEY_SIZE];
    size_t len = ntlm_seal_key_no_ess(exported_session_key, strength, seal_key);

    memset(d->sign_key, 0, sizeof(d->sign_key));
    crypto_rc4_init(&d->rc4, seal_key, len);
    d->key_exch = false;
    d->ess = false;
    crypto_wipe(seal_key, sizeof(seal_key));
}

void ntlm_seal_dir_wipe(struct ntlm_seal_dir *d)
{
    crypto_wipe(d, sizeof(*d));
}

void ntlm_mac_init(struct ntlm_mac *m, const struct ntlm_seal_dir *d, uint32_t seq)
{
    uint8_t seq_le[4];

    m->seq = seq;
    m->crc = 0;
    if (!(m->ess = d->ess))
        return;
    put_le32(seq_le, seq);
    crypto_hmac_md5_init(&m->hmac, d->sign_key, NTLM_KEY_SIZE);
    crypto_hmac_md5_update(&m->hmac, seq_le, sizeof(seq_le));
}

void ntlm_mac_update(struct ntlm_mac *m, const void *data, size_t len)
{
    if (m->ess)
        crypto_hmac_md5_update(&m->hmac, data, len);
    else
        m->crc = crypto_crc32(m->crc, data, len);
}

/* With extended session security the HMAC's inner MD5 and the stream run
 * over each byte in one pass (core/crypto/rc4_md5.c), at about the cost of
 * the MD5 alone. */
void ntlm_mac_seal(struct ntlm_mac *m, struct ntlm_seal_dir *d, void *data, size_t len)
{
    if (m->ess) {
        crypto_rc4_md5_seal(&d->rc4, &m->hmac.inner, data, data, len);
        return;
    }
    ntlm_mac_update(m, data, len);
    crypto_rc4_crypt(&d->rc4, data, data, len);
}

void ntlm_mac_unseal(struct ntlm_mac *m, struct ntlm_seal_dir *d, void *data, size_t len)
{
    if (m->ess) {
        crypto_rc4_md5_open(&d->rc4, &m->hmac.inner, data, data, len);
        return;
    }
    crypto_rc4_crypt(&d->rc4, data, data, len);
    ntlm_mac_update(m, data, len);
}

/* MS-NLMP 3.4.4.1: RandomPad (sent as 0), CRC32 and SeqNum, one run of the
 * shared stream over all three; the pad's keystream is thrown away. */
static void crc_signature(struct ntlm_mac *m, struct ntlm_seal_dir *d, uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    uint8_t tail[12] = { 0 };

    put_le32(tail + 4, m->crc);
    put_le32(tail + 8, m->seq);
    crypto_rc4_crypt(&d->rc4, tail, tail, sizeof(tail));
    put_le32(sig, 1);
    memset(sig + 4, 0, 4);
    memcpy(sig + 8, tail + 4, 8);
    crypto_wipe(tail, sizeof(tail));
}

/* The checksum both sides compare: the truncated HMAC, through the
 * direction's stream when key exchange was negotiated. */
static void mac_checksum(struct ntlm_mac *m, struct ntlm_seal_dir *d, uint8_t checksum[8])
{
    uint8_t full[CRYPTO_HMAC_MD5_SIZE];

    crypto_hmac_md5_final(&m->hmac, full);
    memcpy(checksum, full, 8);
    if (d->key_exch) crypto_rc4_crypt(&d->rc4, checksum, checksum, 8);
    crypto_wipe(full, sizeof(full));
}

void ntlm_mac_final(struct ntlm_mac *m, struct ntlm_seal_dir *d, uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    if (!m->ess) {
        crc_signature(m, d, sig);
        crypto_wipe(m, sizeof(*m));
        return;
    }
    put_le32(sig, 1);
    mac_checksum(m, d, sig + 4);
    put_le32(sig + 12, m->seq);
    crypto_wipe(m, sizeof(*m));
}

enum ntlm_sig_status ntlm_mac_check(struct ntlm_mac *m, struct ntlm_seal_dir *d,
                                    const uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    enum ntlm_sig_status st = NTLM_SIG_OK;
    uint8_t checksum[8];

    if (!m->ess) {
        uint8_t want[NTLM_SIGNATURE_SIZE];

        /* The expected signature for the expected SeqNum: the stream is
         * spent as the sender spent it.  Encrypted, a different SeqNum
         * differs in the last 4 bytes only, a different CRC in the 4
         * before; the RandomPad is not compared.  A message checked at
         * another keystream offset (replayed, reordered, or sealed when
         * taken as signed) garbles both, so only a right checksum with a
         * wrong number is called out of sequence; the rest is altered,
         * which lets DecryptMessage try a sealed message as signed. */
        crc_signature(m, d, want);
        if (get_le32(sig) != 1 || !ntlm_equal(want + 8, sig + 8, 4))
            st = NTLM_SIG_ALTERED;
        else if (!ntlm_equal(want + 12, sig + 12, 4))
            st = NTLM_SIG_OUT_OF_SEQUENCE;
        crypto_wipe(want, sizeof(want));
        crypto_wipe(m, sizeof(*m));
        return st;
    }

    /* Always run the stream: the sender spent 8 bytes on this checksum
     * whether or not it arrives intact. */
    mac_checksum(m, d, checksum);
    if (get_le32(sig) != 1 || !ntlm_equal(checksum, sig + 4, sizeof(checksum)))
        st = NTLM_SIG_ALTERED;
    /* A SeqNum other than the expected one is reported as such even though
     * the checksum then fails too: it names the likelier cause. */
    if (get_le32(sig + 12) != m->seq)
        st = NTLM_SIG_OUT_OF_SEQUENCE;
    crypto_wipe(checksum, sizeof(checksum));
    crypto_wipe(m, sizeof(*m));
    return st;
}

void ntlm_sign(struct ntlm_seal_dir *d, uint32_t seq, const void *msg, size_t len,
               uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    struct ntlm_mac m;

    ntlm_mac_init(&m, d, seq);
    ntlm_mac_update(&m, msg, len);
    ntlm_mac_final(&m, d, sig);
}

enum ntlm_sig_status ntlm_verify(struct ntlm_seal_dir *d, uint32_t seq, const void *msg, size_t len,
                                 const uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    struct ntlm_mac m;

    ntlm_mac_init(&m, d, seq);
    ntlm_mac_update(&m, msg, len);
    return ntlm_mac_check(&m, d, sig);
}

void ntlm_seal(struct ntlm_seal_dir *d, uint32_t seq, void *msg, size_t len,
               uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    struct ntlm_mac m;

    ntlm_mac_init(&m, d, seq);
    ntlm_mac_seal(&m, d, msg, len);
    ntlm_mac_final(&m, d, sig);
}

enum ntlm_sig_status ntlm_unseal(struct ntlm_seal_dir *d, uint32_t seq, void *msg, size_t len,
                                 const uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    struct ntlm_mac m;

    ntlm_mac_init(&m, d, seq);
    ntlm_mac_unseal(&m, d, msg, len);
    return ntlm_mac_check(&m, d, sig);
}
