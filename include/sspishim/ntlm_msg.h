/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* NTLM message codec, MS-NLMP section 2.2: the three messages, AV_PAIR
 * lists, VERSION and the NTLMv2 response structures.  Pure layout, no
 * policy: which flags to send, which strings to put where and how to check
 * a response belong to the callers.
 *
 * Parsed messages hold bytes_span views into the caller's buffer, which must
 * outlive them.  Strings stay as they are on the wire (UTF-16LE, or OEM when
 * NTLM_NEGOTIATE_UNICODE is not negotiated); charset conversion is the
 * caller's job.  Parsers return 0 or a negative NTLM_ERR_* code. */
#ifndef SSPISHIM_NTLM_MSG_H
#define SSPISHIM_NTLM_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "sspishim/bytes.h"

/* NegotiateFlags, 2.2.2.5: the spec's NTLMSSP_ names with NTLM_ instead. */
#define NTLM_NEGOTIATE_UNICODE                  0x00000001u  /* A */
#define NTLM_NEGOTIATE_OEM                      0x00000002u  /* B */
#define NTLM_REQUEST_TARGET                     0x00000004u  /* C */
#define NTLM_NEGOTIATE_SIGN                     0x00000010u  /* D */
#define NTLM_NEGOTIATE_SEAL                     0x00000020u  /* E */
#define NTLM_NEGOTIATE_DATAGRAM                 0x00000040u  /* F */
#define NTLM_NEGOTIATE_LM_KEY                   0x00000080u  /* G */
#define NTLM_NEGOTIATE_NTLM                     0x00000200u  /* H */
#define NTLM_NEGOTIATE_ANONYMOUS                0x00000800u  /* J: anonymous connection */
#define NTLM_NEGOTIATE_OEM_DOMAIN_SUPPLIED      0x00001000u  /* K */
#define NTLM_NEGOTIATE_OEM_WORKSTATION_SUPPLIED 0x00002000u  /* L */
#define NTLM_NEGOTIATE_ALWAYS_SIGN              0x00008000u  /* M */
#define NTLM_TARGET_TYPE_DOMAIN                 0x00010000u  /* N */
#define NTLM_TARGET_TYPE_SERVER                 0x00020000u  /* O */
#define NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u  /* P */
#define NTLM_NEGOTIATE_IDENTIFY                 0x00100000u  /* Q */
#define NTLM_REQUEST_NON_NT_SESSION_KEY         0x00400000u  /* R */
#define NTLM_NEGOTIATE_TARGET_INFO              0x00800000u  /* S */
#define NTLM_NEGOTIATE_VERSION                  0x02000000u  /* T */
#define NTLM_NEGOTIATE_128                      0x20000000u  /* U */
#define NTLM_NEGOTIATE_KEY_EXCH                 0x40000000u  /* V */
#define NTLM_NEGOTIATE_56                       0x80000000u  /* W */

#define NTLM_MSG_NEGOTIATE      1
#define NTLM_MSG_CHALLENGE      2
#define NTLM_MSG_AUTHENTICATE   3

/* Where the AUTHENTICATE_MESSAGE's MIC sits when it is present. */
#define NTLM_MIC_OFFSET         72
#define NTLM_MIC_LEN            16

enum {
    NTLM_ERR_TRUNCATED = -1,  /* shorter than its fixed part */
    NTLM_ERR_SIGNATURE = -2,  /* does not start with "NTLMSSP\0" */
    NTLM_ERR_TYPE      = -3,  /* another message type, or an unknown response version */
    NTLM_ERR_FIELD     = -4,  /* a payload field lies outside the message or in its header */
    NTLM_ERR_AVPAIRS   = -5,  /* AV_PAIR list overruns, lacks MsvAvEOL, or a value has the wrong size */
    NTLM_ERR_NOT_FOUND = -6,  /* no AV_PAIR with that id */
    NTLM_ERR_TOO_LONG  = -7,  /* build: a field longer than 65535 bytes */
    NTLM_ERR_WRITER    = -8,  /* build: the writer ran out of room or memory */
};
const char *ntlm_strerror(int err);

/* VERSION, 2.2.2.10.  Only exchanged when NTLM_NEGOTIATE_VERSION is set. */
struct ntlm_version {
    uint8_t major, minor;
    uint16_t build;
    uint8_t revision;                   /* NTLM_REVISION_W2K3 */
};
#define NTLM_REVISION_W2K3 0x0f

/* 2.2.1.1.  domain and workstation are OEM strings. */
struct ntlm_negotiate {
    uint32_t flags;
    struct bytes_span domain, workstation;
    struct ntlm_version version;
};

/* 2.2.1.2 */
struct ntlm_challenge {
    uint32_t flags;
    uint8_t server_challenge[8];
    struct bytes_span target_name;
    struct bytes_span target_info;      /* AV_PAIR list; checked by the parser when not empty */
    struct ntlm_version version;
};

/* 2.2.1.3 */
struct ntlm_authenticate {
    uint32_t flags;
    struct bytes_span lm_response, nt_response;
    struct bytes_span domain, user, workstation;
    struct bytes_span session_key;      /* EncryptedRandomSessionKey */
    struct ntlm_version version;
    /* Parse: NTLM_MIC_OFFSET when the header has room for a MIC (the message
     * is long enough and no payload field starts before its end), else 0.
     * Whether a MIC must be there is said by MsvAvFlags in the NTLMv2
     * response, which the caller checks.  Ignored by the builder. */
    size_t mic_offset;
};

/* Returns the message type (1, 2 or 3; others are NTLM_ERR_TYPE) after
 * checking the signature. */
int ntlm_message_type(const void *msg, size_t len);

int ntlm_parse_negotiate(const void *msg, size_t len, struct ntlm_negotiate *out);
int ntlm_parse_challenge(const void *msg, size_t len, struct ntlm_challenge *out);
int ntlm_parse_authenticate(const void *msg, size_t len, struct ntlm_authenticate *out);

/* Builders append one message to w, laying the payload after the header in
 * field order; offsets inside the message are relative to where it starts
 * (w->len on entry).  The fields are written as given: the builder does not
 * add flags.  VERSION is written when flags has NTLM_NEGOTIATE_VERSION. */
int ntlm_build_negotiate(struct bytes_writer *w, const struct ntlm_negotiate *m);
int ntlm_build_challenge(struct bytes_writer *w, const struct ntlm_challenge *m);
/* Always lays out Version (zeros unless negotiated) and a zeroed 16-byte MIC;
 * *mic_pos receives the MIC's offset in the writer, for bytes_patch once the
 * MIC has been computed over the three messages. */
int ntlm_build_authenticate(struct bytes_writer *w, const struct ntlm_authenticate *m,
                            size_t *mic_pos);

/* ---- AV_PAIR lists, 2.2.2.1 --------------------------------------------- */

#define NTLM_AV_EOL                 0
#define NTLM_AV_NB_COMPUTER_NAME    1
#define NTLM_AV_NB_DOMAIN_NAME      2
#define NTLM_AV_DNS_COMPUTER_NAME   3
#define NTLM_AV_DNS_DOMAIN_NAME     4
#define NTLM_AV_DNS_TREE_NAME       5
#define NTLM_AV_FLAGS               6   /* uint32 */
#define NTLM_AV_TIMESTAMP           7   /* FILETIME, uint64 */
#define NTLM_AV_SINGLE_HOST         8
#define NTLM_AV_TARGET_NAME         9   /* SPN, UTF-16LE */
#define NTLM_AV_CHANNEL_BINDINGS    10  /* MD5 of gss_channel_bindings_struct */

/* MsvAvFlags bits */
#define NTLM_AV_FLAG_CONSTRAINED    0x1u
#define NTLM_AV_FLAG_MIC            0x2u
#define NTLM_AV_FLAG_UNTRUSTED_SPN  0x4u

struct ntlm_av_pair {
    uint16_t id;
    struct bytes_span value;
};

/* Iteration stops at MsvAvEOL; bytes after it are ignored (an NTLMv2
 * response carries padding there). */
struct ntlm_av_iter {
    struct bytes_reader r;
    int state;                          /* 0 going, 1 at end, <0 error */
};
void ntlm_av_iter_init(struct ntlm_av_iter *it, struct bytes_span list);
/* 1 with *pair filled, 0 at MsvAvEOL, NTLM_ERR_AVPAIRS when malformed. */
int ntlm_av_next(struct ntlm_av_iter *it, struct ntlm_av_pair *pair);

/* 0 when list is a well-formed list ending in MsvAvEOL. */
int ntlm_av_validate(struct bytes_span list);
/* The first pair with that id; NTLM_ERR_NOT_FOUND, or NTLM_ERR_AVPAIRS for
 * a malformed list (checked to the end even when the id comes first). */
int ntlm_av_find(struct bytes_span list, uint16_t id, struct bytes_span *value);
/* Typed lookups; a value of the wrong size is NTLM_ERR_AVPAIRS. */
int ntlm_av_get_flags(struct bytes_span list, uint32_t *flags);
int ntlm_av_get_timestamp(struct bytes_span list, uint64_t *filetime);

/* Build a list pair by pair, then end it with ntlm_av_put_eol. */
int ntlm_av_put(struct bytes_writer *w, uint16_t id, const void *value, size_t len);
int ntlm_av_put_eol(struct bytes_writer *w);

/* Copies list (which may be empty) with the pairs in set[] replacing those
 * of the same id: a replacement takes the place of the first pair with its
 * id, later pairs with that id are dropped, and set[] entries the list
 * lacks are appended before the new MsvAvEOL.  set[] holds at most 32
 * pairs with distinct ids, none of them MsvAvEOL.  A bad list writes
 * nothing. */
int ntlm_av_rebuild(struct bytes_writer *w, struct bytes_span list,
                    const struct ntlm_av_pair *set, size_t nset);

/* The client's copy of the server's TargetInfo, 3.1.5.1.2: MsvAvFlags gets
 * or_flags ORed in (added if absent and or_flags is non-zero); MsvAvTimestamp
 * is set when filetime is non-NULL; MsvAvChannelBindings (16 bytes) and
 * MsvAvTargetName are set when their span is not empty. */
int ntlm_av_client_info(struct bytes_writer *w, struct bytes_span server_info,
                        uint32_t or_flags, const uint64_t *filetime,
                        struct bytes_span channel_bindings, struct bytes_span target_name);

/* ---- NTLMv2 responses, 2.2.2.7 and 2.2.2.8 ------------------------------ */

#define NTLM_V2_PROOF_LEN       16
#define NTLM_V2_BLOB_HEADER_LEN 28   /* NTLMv2_CLIENT_CHALLENGE up to AvPairs */

struct ntlm_v2_response {
    struct bytes_span proof;            /* NTProofStr */
    struct bytes_span blob;             /* the client challenge: everything after proof */
    uint64_t timestamp;
    uint8_t client_challenge[8];
    struct bytes_span av_pairs;         /* from AvPairs to the end, padding included */
};
/* Parses an NtChallengeResponse longer than 24 bytes (24 is NTLMv1). */
int ntlm_parse_v2_response(struct bytes_span nt_response, struct ntlm_v2_response *out);
/* Appends the client challenge ("temp" in 3.3.2): RespType, HiRespType,
 * reserved zeros, timestamp, client challenge, zeros, av_pairs and the
 * trailing four zero bytes that ComputeResponse adds. */
int ntlm_build_v2_blob(struct bytes_writer *w, uint64_t filetime,
                       const uint8_t client_challenge[8], struct bytes_span av_pairs);

#endif
