/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* DllMain, the package registry's boot, and this DLL's own exports. */
#include "secur32_private.h"
#include "sspishim/kerberos.h"
#include "sspishim/machine_key.h"
#include "sspishim/negotiate.h"
#include "sspishim/ntlm.h"
#include "sspishim/packed.h"
#include "sspishim/sspi_attrs_win.h"
#include "sspishim/sspishim.h"

#ifndef SSPISHIM_VERSION
#error "SSPISHIM_VERSION comes from the VERSION file (mk/dist.mk)"
#endif

HMODULE secur32_module;

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
    switch (reason) {
    case DLL_PROCESS_ATTACH:
        secur32_module = inst;
        DisableThreadLibraryCalls(inst);
        dbg_init();
        TRACE("sspishim %s loaded at %p\n", SSPISHIM_VERSION, (void *)inst);
        secur32_register_own_packages();
        /* Host packages are registered the first time somebody asks for a
         * package we do not have: loading the host makes GetModuleHandle
         * ("secur32") name it instead of us, so it waits until needed. */
        registry_set_loader(secur32_load_foreign_packages);
        break;
    case DLL_PROCESS_DETACH:
        TRACE("unloading (process exit: %d)\n", reserved != NULL);
        /* On FreeLibrary, wipe the cached machine key; at process exit
         * other threads may have died holding it, and memory goes anyway. */
        if (!reserved) {
            machine_key_forget();
            packed_forget();
        }
        break;
    }
    return TRUE;
}

/* Our own packages come first, so they win over the host's of the same name. */
void secur32_register_own_packages(void)
{
    registry_add(ntlm_package());
    registry_add(negotiate_package());   /* replaces the host's Negotiate */
    /* Kerberos is ours too, unless SSPISHIM_KERBEROS=builtin hands it to
     * the host (Wine's builtin, through the host's MIT library). */
    if (!kerberos_delegated())
        registry_add(kerberos_package());
}

int32_t SSPISHIM_API SspiShimGetStatistics(struct sspishim_stats *stats)
{
    TRACE("(%p)\n", (void *)stats);
    if (!stats || stats->size < sizeof(*stats)) return SEC_E_INVALID_PARAMETER;
    struct handles_stats hs;
    handles_stats(&hs);
    stats->live_credentials = (uint32_t)hs.live_creds;
    stats->live_contexts = (uint32_t)hs.live_contexts;
    stats->live_objects = (uint32_t)hs.live_objects;
    stats->host_loaded = host_loaded();
    stats->packages = (uint32_t)registry_count();
    stats->live_tokens = (uint32_t)secur32_live_tokens;
    return SEC_E_OK;
}

const char *SSPISHIM_API SspiShimVersion(void)
{
    return SSPISHIM_VERSION;
}
