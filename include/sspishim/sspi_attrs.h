/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Portable mirrors of the SSPI structures and constants a package of the
 * core fills in: context and credential attributes, the identity structures
 * AcquireCredentialsHandle receives, and the request/return flag sets of
 * InitializeSecurityContext and AcceptSecurityContext.
 *
 * Each structure has the layout of its Windows namesake (ULONG is uint32_t,
 * pointers are pointers, TimeStamp is int64_t), so the DLL passes the
 * caller's buffer straight to the core.  sspi_attrs_win.h checks that
 * against the mingw headers; include it once in the DLL. */
#ifndef SSPISHIM_SSPI_ATTRS_H
#define SSPISHIM_SSPI_ATTRS_H

#include <stdint.h>

#include "sspishim/registry.h"
#include "sspishim/types.h"

/* ---- QueryContextAttributes ids (SECPKG_ATTR_*) --------------------------- */

#define SHIM_ATTR_SIZES             0
#define SHIM_ATTR_NAMES             1
#define SHIM_ATTR_LIFESPAN          2
#define SHIM_ATTR_DCE_INFO          3
#define SHIM_ATTR_STREAM_SIZES      4
#define SHIM_ATTR_KEY_INFO          5
#define SHIM_ATTR_AUTHORITY         6
#define SHIM_ATTR_PASSWORD_EXPIRY   8
#define SHIM_ATTR_SESSION_KEY       9
#define SHIM_ATTR_PACKAGE_INFO      10
#define SHIM_ATTR_NEGOTIATION_INFO  12
#define SHIM_ATTR_NATIVE_NAMES      13
#define SHIM_ATTR_FLAGS             14
#define SHIM_ATTR_CREDENTIAL_NAME   16
#define SHIM_ATTR_TARGET_INFORMATION 17
#define SHIM_ATTR_ACCESS_TOKEN      18

/* QueryCredentialsAttributes */
#define SHIM_CRED_ATTR_NAMES        1

/* SecPkgContext_NegotiationInfo.NegotiationState */
#define SHIM_NEGOTIATION_COMPLETE    0
#define SHIM_NEGOTIATION_IN_PROGRESS 2

/* Data representation (InitializeSecurityContext's TargetDataRep) */
#define SHIM_NATIVE_DREP            0x10
#define SHIM_NETWORK_DREP           0x00

/* EncryptMessage's fQOP and DecryptMessage's *pfQOP */
#define SHIM_QOP_WRAP_NO_ENCRYPT    0x80000001u
#define SHIM_QOP_WRAP_OOB_DATA      0x40000000u

/* CALG_RC4, SecPkgContext_KeyInfo.EncryptAlgorithm */
#define SHIM_CALG_RC4               0x6801u

/* ---- Context attribute structures --------------------------------------- */

struct shim_ctx_sizes {            /* SecPkgContext_Sizes */
    uint32_t cbMaxToken;
    uint32_t cbMaxSignature;
    uint32_t cbBlockSize;
    uint32_t cbSecurityTrailer;
};

struct shim_ctx_names {            /* SecPkgContext_NamesW */
    shim_wchar *sUserName;
};

struct shim_ctx_lifespan {         /* SecPkgContext_Lifespan */
    int64_t tsStart;
    int64_t tsExpiry;
};

struct shim_ctx_key_info {         /* SecPkgContext_KeyInfoW */
    shim_wchar *sSignatureAlgorithmName;
    shim_wchar *sEncryptAlgorithmName;
    uint32_t KeySize;
    uint32_t SignatureAlgorithm;
    uint32_t EncryptAlgorithm;
};

struct shim_ctx_package_info {     /* SecPkgContext_PackageInfoW */
    struct shim_pkginfo *PackageInfo;
};

struct shim_ctx_negotiation_info { /* SecPkgContext_NegotiationInfoW */
    struct shim_pkginfo *PackageInfo;
    uint32_t NegotiationState;
};

struct shim_ctx_native_names {     /* SecPkgContext_NativeNamesW */
    shim_wchar *sClientName;
    shim_wchar *sServerName;
};

struct shim_ctx_flags {            /* SecPkgContext_Flags */
    uint32_t Flags;
};

struct shim_ctx_access_token {     /* SecPkgContext_AccessToken */
    void *AccessToken;
};

struct shim_ctx_session_key {      /* SecPkgContext_SessionKey */
    uint32_t SessionKeyLength;
    uint8_t *SessionKey;
};

struct shim_cred_names {           /* SecPkgCredentials_NamesW */
    shim_wchar *sUserName;
};

/* ---- Identities (AcquireCredentialsHandle's pAuthData) -------------------- */

#define SHIM_AUTH_IDENTITY_ANSI     0x1
#define SHIM_AUTH_IDENTITY_UNICODE  0x2
#define SHIM_AUTH_IDENTITY_VERSION  0x200   /* the _EX forms */
#define SHIM_AUTH_IDENTITY_VERSION_2 0x201  /* SEC_WINNT_AUTH_IDENTITY_EX2, opaque */

/* Lengths count characters, without any terminator; the strings need not
 * be terminated. */
struct shim_auth_identity_w {      /* SEC_WINNT_AUTH_IDENTITY_W */
    shim_wchar *User;
    uint32_t UserLength;
    shim_wchar *Domain;
    uint32_t DomainLength;
    shim_wchar *Password;
    uint32_t PasswordLength;
    uint32_t Flags;
};

struct shim_auth_identity_a {      /* SEC_WINNT_AUTH_IDENTITY_A */
    unsigned char *User;
    uint32_t UserLength;
    unsigned char *Domain;
    uint32_t DomainLength;
    unsigned char *Password;
    uint32_t PasswordLength;
    uint32_t Flags;
};

struct shim_auth_identity_exw {    /* SEC_WINNT_AUTH_IDENTITY_EXW */
    uint32_t Version;
    uint32_t Length;
    shim_wchar *User;
    uint32_t UserLength;
    shim_wchar *Domain;
    uint32_t DomainLength;
    shim_wchar *Password;
    uint32_t PasswordLength;
    uint32_t Flags;
    shim_wchar *PackageList;
    uint32_t PackageListLength;
};

struct shim_auth_identity_exa {    /* SEC_WINNT_AUTH_IDENTITY_EXA */
    uint32_t Version;
    uint32_t Length;
    unsigned char *User;
    uint32_t UserLength;
    unsigned char *Domain;
    uint32_t DomainLength;
    unsigned char *Password;
    uint32_t PasswordLength;
    uint32_t Flags;
    unsigned char *PackageList;
    uint32_t PackageListLength;
};

/* ---- InitializeSecurityContext: requests and results --------------------- */

#define SHIM_ISC_REQ_DELEGATE           0x00000001u
#define SHIM_ISC_REQ_MUTUAL_AUTH        0x00000002u
#define SHIM_ISC_REQ_REPLAY_DETECT      0x00000004u
#define SHIM_ISC_REQ_SEQUENCE_DETECT    0x00000008u
#define SHIM_ISC_REQ_CONFIDENTIALITY    0x00000010u
#define SHIM_ISC_REQ_USE_SESSION_KEY    0x00000020u
#define SHIM_ISC_REQ_PROMPT_FOR_CREDS   0x00000040u
#define SHIM_ISC_REQ_USE_SUPPLIED_CREDS 0x00000080u
#define SHIM_ISC_REQ_ALLOCATE_MEMORY    0x00000100u
#define SHIM_ISC_REQ_USE_DCE_STYLE      0x00000200u
#define SHIM_ISC_REQ_DATAGRAM           0x00000400u
#define SHIM_ISC_REQ_CONNECTION         0x00000800u
#define SHIM_ISC_REQ_CALL_LEVEL         0x00001000u
#define SHIM_ISC_REQ_FRAGMENT_SUPPLIED  0x00002000u
#define SHIM_ISC_REQ_EXTENDED_ERROR     0x00004000u
#define SHIM_ISC_REQ_STREAM             0x00008000u
#define SHIM_ISC_REQ_INTEGRITY          0x00010000u
#define SHIM_ISC_REQ_IDENTIFY           0x00020000u
#define SHIM_ISC_REQ_NULL_SESSION       0x00040000u

#define SHIM_ISC_RET_DELEGATE           0x00000001u
#define SHIM_ISC_RET_MUTUAL_AUTH        0x00000002u
#define SHIM_ISC_RET_REPLAY_DETECT      0x00000004u
#define SHIM_ISC_RET_SEQUENCE_DETECT    0x00000008u
#define SHIM_ISC_RET_CONFIDENTIALITY    0x00000010u
#define SHIM_ISC_RET_USE_SESSION_KEY    0x00000020u
#define SHIM_ISC_RET_USED_COLLECTED_CREDS 0x00000040u
#define SHIM_ISC_RET_USED_SUPPLIED_CREDS 0x00000080u
#define SHIM_ISC_RET_ALLOCATED_MEMORY   0x00000100u
#define SHIM_ISC_RET_USED_DCE_STYLE     0x00000200u
#define SHIM_ISC_RET_DATAGRAM           0x00000400u
#define SHIM_ISC_RET_CONNECTION         0x00000800u
#define SHIM_ISC_RET_EXTENDED_ERROR     0x00004000u
#define SHIM_ISC_RET_STREAM             0x00008000u
#define SHIM_ISC_RET_INTEGRITY          0x00010000u
#define SHIM_ISC_RET_IDENTIFY           0x00020000u
#define SHIM_ISC_RET_NULL_SESSION       0x00040000u

/* ---- AcceptSecurityContext: requests and results ------------------------- */

#define SHIM_ASC_REQ_DELEGATE           0x00000001u
#define SHIM_ASC_REQ_MUTUAL_AUTH        0x00000002u
#define SHIM_ASC_REQ_REPLAY_DETECT      0x00000004u
#define SHIM_ASC_REQ_SEQUENCE_DETECT    0x00000008u
#define SHIM_ASC_REQ_CONFIDENTIALITY    0x00000010u
#define SHIM_ASC_REQ_USE_SESSION_KEY    0x00000020u
#define SHIM_ASC_REQ_ALLOCATE_MEMORY    0x00000100u
#define SHIM_ASC_REQ_USE_DCE_STYLE      0x00000200u
#define SHIM_ASC_REQ_DATAGRAM           0x00000400u
#define SHIM_ASC_REQ_CONNECTION         0x00000800u
#define SHIM_ASC_REQ_CALL_LEVEL         0x00001000u
#define SHIM_ASC_REQ_EXTENDED_ERROR     0x00008000u
#define SHIM_ASC_REQ_STREAM             0x00010000u
#define SHIM_ASC_REQ_INTEGRITY          0x00020000u
#define SHIM_ASC_REQ_LICENSING          0x00040000u
#define SHIM_ASC_REQ_IDENTIFY           0x00080000u
#define SHIM_ASC_REQ_ALLOW_NULL_SESSION 0x00100000u

#define SHIM_ASC_RET_DELEGATE           0x00000001u
#define SHIM_ASC_RET_MUTUAL_AUTH        0x00000002u
#define SHIM_ASC_RET_REPLAY_DETECT      0x00000004u
#define SHIM_ASC_RET_SEQUENCE_DETECT    0x00000008u
#define SHIM_ASC_RET_CONFIDENTIALITY    0x00000010u
#define SHIM_ASC_RET_USE_SESSION_KEY    0x00000020u
#define SHIM_ASC_RET_ALLOCATED_MEMORY   0x00000100u
#define SHIM_ASC_RET_USED_DCE_STYLE     0x00000200u
#define SHIM_ASC_RET_DATAGRAM           0x00000400u
#define SHIM_ASC_RET_CONNECTION         0x00000800u
#define SHIM_ASC_RET_EXTENDED_ERROR     0x00008000u
#define SHIM_ASC_RET_STREAM             0x00010000u
#define SHIM_ASC_RET_INTEGRITY          0x00020000u
#define SHIM_ASC_RET_IDENTIFY           0x00080000u
#define SHIM_ASC_RET_NULL_SESSION       0x00100000u

/* ---- SecPkgInfo.fCapabilities (SECPKG_FLAG_*) ---------------------------- */

#define SHIM_PKGCAP_INTEGRITY           0x00000001u
#define SHIM_PKGCAP_PRIVACY             0x00000002u
#define SHIM_PKGCAP_TOKEN_ONLY          0x00000004u
#define SHIM_PKGCAP_CONNECTION          0x00000010u
#define SHIM_PKGCAP_MULTI_REQUIRED      0x00000020u
#define SHIM_PKGCAP_IMPERSONATION       0x00000100u
#define SHIM_PKGCAP_ACCEPT_WIN32_NAME   0x00000200u
#define SHIM_PKGCAP_NEGOTIABLE          0x00000800u
#define SHIM_PKGCAP_LOGON               0x00002000u
#define SHIM_PKGCAP_RESTRICTED_TOKENS   0x00080000u

#endif
