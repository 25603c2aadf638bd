/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Proof, at compile time, that the mirrors in sspi_attrs.h are the Windows
 * structures byte for byte.  For the DLL only: include it once, after
 * <windows.h> and <sspi.h> (with SECURITY_WIN32 defined); it declares
 * nothing. */
#ifndef SSPISHIM_SSPI_ATTRS_WIN_H
#define SSPISHIM_SSPI_ATTRS_WIN_H

#include <stddef.h>

#include "sspishim/sspi_attrs.h"

#define SHIM_SAME_LAYOUT(ours, theirs) \
    _Static_assert(sizeof(struct ours) == sizeof(theirs), #theirs " size")
#define SHIM_SAME_FIELD(ours, theirs, f) \
    _Static_assert(offsetof(struct ours, f) == offsetof(theirs, f), #theirs "." #f)

SHIM_SAME_LAYOUT(shim_ctx_sizes, SecPkgContext_Sizes);
SHIM_SAME_FIELD(shim_ctx_sizes, SecPkgContext_Sizes, cbSecurityTrailer);
SHIM_SAME_LAYOUT(shim_ctx_names, SecPkgContext_NamesW);
SHIM_SAME_LAYOUT(shim_ctx_lifespan, SecPkgContext_Lifespan);
SHIM_SAME_FIELD(shim_ctx_lifespan, SecPkgContext_Lifespan, tsExpiry);
SHIM_SAME_LAYOUT(shim_ctx_key_info, SecPkgContext_KeyInfoW);
SHIM_SAME_FIELD(shim_ctx_key_info, SecPkgContext_KeyInfoW, KeySize);
SHIM_SAME_FIELD(shim_ctx_key_info, SecPkgContext_KeyInfoW, EncryptAlgorithm);
SHIM_SAME_LAYOUT(shim_ctx_package_info, SecPkgContext_PackageInfoW);
SHIM_SAME_LAYOUT(shim_ctx_negotiation_info, SecPkgContext_NegotiationInfoW);
SHIM_SAME_FIELD(shim_ctx_negotiation_info, SecPkgContext_NegotiationInfoW, NegotiationState);
SHIM_SAME_LAYOUT(shim_ctx_native_names, SecPkgContext_NativeNamesW);
SHIM_SAME_FIELD(shim_ctx_native_names, SecPkgContext_NativeNamesW, sServerName);
SHIM_SAME_LAYOUT(shim_ctx_flags, SecPkgContext_Flags);
SHIM_SAME_LAYOUT(shim_ctx_access_token, SecPkgContext_AccessToken);
SHIM_SAME_LAYOUT(shim_ctx_session_key, SecPkgContext_SessionKey);
SHIM_SAME_FIELD(shim_ctx_session_key, SecPkgContext_SessionKey, SessionKey);
SHIM_SAME_LAYOUT(shim_cred_names, SecPkgCredentials_NamesW);
SHIM_SAME_LAYOUT(shim_pkginfo, SecPkgInfoW);

SHIM_SAME_LAYOUT(shim_auth_identity_w, SEC_WINNT_AUTH_IDENTITY_W);
SHIM_SAME_FIELD(shim_auth_identity_w, SEC_WINNT_AUTH_IDENTITY_W, PasswordLength);
SHIM_SAME_FIELD(shim_auth_identity_w, SEC_WINNT_AUTH_IDENTITY_W, Flags);
SHIM_SAME_LAYOUT(shim_auth_identity_a, SEC_WINNT_AUTH_IDENTITY_A);
SHIM_SAME_FIELD(shim_auth_identity_a, SEC_WINNT_AUTH_IDENTITY_A, Flags);
SHIM_SAME_LAYOUT(shim_auth_identity_exw, SEC_WINNT_AUTH_IDENTITY_EXW);
SHIM_SAME_FIELD(shim_auth_identity_exw, SEC_WINNT_AUTH_IDENTITY_EXW, Flags);
SHIM_SAME_FIELD(shim_auth_identity_exw, SEC_WINNT_AUTH_IDENTITY_EXW, PackageListLength);
SHIM_SAME_LAYOUT(shim_auth_identity_exa, SEC_WINNT_AUTH_IDENTITY_EXA);
SHIM_SAME_FIELD(shim_auth_identity_exa, SEC_WINNT_AUTH_IDENTITY_EXA, Flags);

_Static_assert(SHIM_ATTR_ACCESS_TOKEN == SECPKG_ATTR_ACCESS_TOKEN, "SECPKG_ATTR_*");
_Static_assert(SHIM_ATTR_NEGOTIATION_INFO == SECPKG_ATTR_NEGOTIATION_INFO, "SECPKG_ATTR_*");
_Static_assert(SHIM_ISC_REQ_INTEGRITY == ISC_REQ_INTEGRITY, "ISC_REQ_*");
_Static_assert(SHIM_ISC_RET_INTEGRITY == ISC_RET_INTEGRITY, "ISC_RET_*");
_Static_assert(SHIM_ASC_REQ_INTEGRITY == ASC_REQ_INTEGRITY, "ASC_REQ_*");
_Static_assert(SHIM_ASC_RET_INTEGRITY == ASC_RET_INTEGRITY, "ASC_RET_*");
_Static_assert(SHIM_ASC_REQ_EXTENDED_ERROR == ASC_REQ_EXTENDED_ERROR, "ASC_REQ_*");
_Static_assert(SHIM_QOP_WRAP_NO_ENCRYPT == SECQOP_WRAP_NO_ENCRYPT, "SECQOP_*");
_Static_assert(SHIM_AUTH_IDENTITY_VERSION == SEC_WINNT_AUTH_IDENTITY_VERSION, "identity version");

#undef SHIM_SAME_LAYOUT
#undef SHIM_SAME_FIELD

#endif
