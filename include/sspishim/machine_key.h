/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine key: one 32-byte key per Wine prefix (per user natively),
 * made once from the system RNG, that seals packed contexts so only
 * processes of the same prefix can import them.
 *
 * It lives in a file (sys_machine_key_path: SSPISHIM_MACHINE_KEY, else
 * %ProgramData%\sspishim\machine.key in the prefix, natively
 * $HOME/.config/sspishim/machine.key).  File format, 56 bytes:
 *
 *   offset  size  field
 *   0       4     magic "SSPK"
 *   4       2     version, 1 (little-endian)
 *   6       2     key length, 32 (little-endian)
 *   8       32    key
 *   40      16    check: bytes 0..15 of the ChaCha20 keystream block under
 *                 the key with nonce ff x 12 and counter 0xffffffff (so its
 *                 first 8 bytes are the key id packed contexts carry)
 *
 * Any other content (another length, magic, version, a check that does not
 * match) is corruption: reported as SEC_E_INTERNAL_ERROR, and the file is
 * never touched, since regenerating would silently orphan every context
 * exported under the old key.  The fix is for a person to delete it. */
#ifndef SSPISHIM_MACHINE_KEY_H
#define SSPISHIM_MACHINE_KEY_H

#include <stdint.h>

#include "sspishim/types.h"

#define MACHINE_KEY_SIZE      32
#define MACHINE_KEY_FILE_SIZE 56

/* The key, loaded once per process and then served from memory; created
 * when the file does not exist.  Thread-safe; when several threads or
 * processes start together, all get the key of whichever created the file.
 *   SEC_E_INTERNAL_ERROR  no path, the file is corrupt or unreadable, it
 *                         could not be created, or the RNG failed (the
 *                         debug channel says which)
 * On failure key is zeroed and nothing is cached, so a later call tries
 * again (e.g. after the corrupt file was removed). */
shim_status machine_key_get(uint8_t key[MACHINE_KEY_SIZE]);

/* Loads, or creates, the key file at path, without the cache: the loading
 * machine_key_get does, for tests and tools. */
shim_status machine_key_load(const char *path, uint8_t key[MACHINE_KEY_SIZE]);

/* Wipes the cached key, e.g. when the DLL unloads; the next
 * machine_key_get reads the file again.  Not while other threads may be
 * calling machine_key_get. */
void machine_key_forget(void);

#endif
