/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* SSPISHIM_NTLM_NO_ESS: an end that leaves extended session security out,
 * as a legacy peer would.  "client": our NEGOTIATE does not ask for it;
 * "server": our CHALLENGE does not offer it, whatever the client asked;
 * "both": neither.  Anything else, or unset, is today's default (asked
 * for and offered).  The session then uses MS-NLMP 3.4.4.1's shared RC4
 * stream.  It exists so that that mode can be tested through the DLL with
 * sspishim on both ends; it weakens the session and has no other use.
 *
 * Read at the first call of each handshake, not once per process: a test
 * program sets it for one handshake and clears it for the next (a getenv
 * or GetEnvironmentVariable, next to the handshake's own work). */
#include <string.h>

#include "sspishim/sspishim.h"

#include "ntlm_pkg.h"

bool ntlm_no_ess(bool server)
{
    char v[8];

    if (sys_getenv_ascii(SSPISHIM_ENV_NTLM_NO_ESS, v, sizeof(v)))
        return false;
    if (!strcmp(v, "both"))
        return true;
    return !strcmp(v, server ? "server" : "client");
}
