/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The per-prefix machine key; its file format is in machine_key.h. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/aead.h"
#include "sspishim/bytes.h"
#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/machine_key.h"
#include "sspishim/sys.h"

#define FILE_VERSION 1
#define CHECK_SIZE   16

static const uint8_t magic[4] = { 'S', 'S', 'P', 'K' };

/* The same keystream block as packed.c's key id, so the check's first
 * bytes name the key that blobs from this prefix carry. */
static void key_check(const uint8_t key[MACHINE_KEY_SIZE], uint8_t check[CHECK_SIZE])
{
    static const uint8_t nonce[12] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    uint8_t block[64];

    crypto_chacha20_block(key, nonce, 0xffffffffu, block);
    memcpy(check, block, CHECK_SIZE);
    crypto_wipe(block, sizeof(block));
}

static void build_file(const uint8_t key[MACHINE_KEY_SIZE], uint8_t out[MACHINE_KEY_FILE_SIZE])
{
    struct bytes_writer w;
    uint8_t check[CHECK_SIZE];

    key_check(key, check);
    bytes_writer_init(&w, out, MACHINE_KEY_FILE_SIZE);
    bytes_put(&w, magic, sizeof(magic));
    bytes_put_u16le(&w, FILE_VERSION);
    bytes_put_u16le(&w, MACHINE_KEY_SIZE);
    bytes_put(&w, key, MACHINE_KEY_SIZE);
    bytes_put(&w, check, sizeof(check));
}

/* 0 and the key, or -1 with key zeroed. */
static int parse_file(const uint8_t *data, size_t len, uint8_t key[MACHINE_KEY_SIZE])
{
    struct bytes_reader r;
    uint8_t m[4], check[CHECK_SIZE], want[CHECK_SIZE];
    uint16_t version, key_len;
    unsigned diff = 0;

    bytes_reader_init(&r, data, len);
    bytes_get(&r, m, sizeof(m));
    version = bytes_get_u16le(&r);
    key_len = bytes_get_u16le(&r);
    bytes_get(&r, key, MACHINE_KEY_SIZE);
    bytes_get(&r, check, sizeof(check));
    if (r.failed || bytes_remaining(&r) || memcmp(m, magic, sizeof(m)) || version != FILE_VERSION
        || key_len != MACHINE_KEY_SIZE) {
        ERR("%lu bytes, version %u, key length %u: not a version %u key file\n",
            (unsigned long)len, version, key_len, FILE_VERSION);
        crypto_wipe(key, MACHINE_KEY_SIZE);
        return -1;
    }
    key_check(key, want);
    for (int i = 0; i < CHECK_SIZE; i++) diff |= (unsigned)(check[i] ^ want[i]);
    crypto_wipe(want, sizeof(want));
    if (diff) {
        ERR("the key does not match its check value\n");
        crypto_wipe(key, MACHINE_KEY_SIZE);
        return -1;
    }
    return 0;
}

/* One byte more than a key file, so a longer file shows as too long. */
static int read_key_file(const char *path, uint8_t buf[MACHINE_KEY_FILE_SIZE + 1], size_t *len)
{
    int rc = sys_read_file(path, buf, MACHINE_KEY_FILE_SIZE + 1, len);
    if (rc < 0) ERR("cannot read the machine key file %s\n", path);
    return rc;
}

shim_status machine_key_load(const char *path, uint8_t key[MACHINE_KEY_SIZE])
{
    uint8_t buf[MACHINE_KEY_FILE_SIZE + 1];
    size_t len = 0;
    shim_status st = SHIM_E_INTERNAL_ERROR;
    int rc;

    memset(key, 0, MACHINE_KEY_SIZE);
    if (!path) {
        ERR("no place for a machine key file\n");
        return SHIM_E_INTERNAL_ERROR;
    }
    rc = read_key_file(path, buf, &len);
    if (rc == 1) {
        /* None yet: make one.  Whoever loses a race to create it takes the
         * winner's, so every process of the prefix ends with the same key. */
        uint8_t fresh[MACHINE_KEY_SIZE];
        if (sys_random(fresh, sizeof(fresh))) {
            ERR("the system RNG failed\n");
            return SHIM_E_INTERNAL_ERROR;
        }
        build_file(fresh, buf);
        rc = sys_create_exclusive(path, buf, MACHINE_KEY_FILE_SIZE);
        if (rc == 0) {
            memcpy(key, fresh, MACHINE_KEY_SIZE);
            TRACE("created the machine key file %s\n", path);
            st = SHIM_OK;
        } else if (rc == 1) {
            TRACE("%s appeared meanwhile: using that key\n", path);
            rc = read_key_file(path, buf, &len);
        } else {
            ERR("cannot create the machine key file %s\n", path);
        }
        crypto_wipe(fresh, sizeof(fresh));
    }
    if (st != SHIM_OK && rc == 0) {
        if (!parse_file(buf, len, key)) st = SHIM_OK;
        else ERR("the machine key file %s is corrupt; delete it to make a new key "
                 "(contexts exported under the old one cannot be imported then)\n", path);
    } else if (st != SHIM_OK && rc == 1) {
        ERR("the machine key file %s vanished while being read\n", path);
    }
    crypto_wipe(buf, sizeof(buf));
    return st;
}

/* Loaded once per process: a fast path that is a single acquire load, and
 * a lock around the slow one so only one thread reads or creates the file. */
static sys_mutex lock;
static atomic_int cached;
static uint8_t cached_key[MACHINE_KEY_SIZE];

shim_status machine_key_get(uint8_t key[MACHINE_KEY_SIZE])
{
    shim_status st = SHIM_OK;

    if (atomic_load_explicit(&cached, memory_order_acquire)) {
        memcpy(key, cached_key, MACHINE_KEY_SIZE);
        return SHIM_OK;
    }
    sys_mutex_lock(&lock);
    if (!atomic_load_explicit(&cached, memory_order_relaxed)) {
        char *path = sys_machine_key_path();
        st = machine_key_load(path, cached_key);
        free(path);
        if (st == SHIM_OK) atomic_store_explicit(&cached, 1, memory_order_release);
    }
    if (st == SHIM_OK) memcpy(key, cached_key, MACHINE_KEY_SIZE);
    else memset(key, 0, MACHINE_KEY_SIZE);
    sys_mutex_unlock(&lock);
    return st;
}

void machine_key_forget(void)
{
    sys_mutex_lock(&lock);
    atomic_store_explicit(&cached, 0, memory_order_relaxed);
    crypto_wipe(cached_key, sizeof(cached_key));
    sys_mutex_unlock(&lock);
}
