/* SPDX-License-Identifier: Apache-2.0 */
/* keys.h - the keys derived from the fingerprint key, and MACs under them.
 *
 * The fingerprint key (fingerprint.h) is the one secret of the monitor.
 * From it HKDF-Expand (RFC 5869, SHA-256, the key as PRK) derives one key
 * per purpose, so a MAC of one kind can never pass for another and a
 * fingerprint never for a MAC:
 *   state  MACs over the baseline, status and offsets files (seal.h)
 *   audit  the hash chain of the audit log
 *   head   fingerprints of the first bytes of watched logs
 * Fingerprints themselves stay HMAC-SHA256 under the key file's key, so
 * they can be checked with openssl dgst as documented. */
#ifndef MONITOR_KEYS_H
#define MONITOR_KEYS_H

#include "fingerprint.h"

#include <stddef.h>

#define MAC_LEN 32
#define MAC_HEX_LEN 64

typedef struct keyring {
  unsigned char fp[FP_KEY_LEN];
  unsigned char state[MAC_LEN];
  unsigned char audit[MAC_LEN];
  unsigned char head[MAC_LEN];
} keyring;

/* Fills state, audit and head from fp.  -1 when libcrypto fails. */
int keyring_derive(keyring *k);
void keyring_wipe(keyring *k);

/* HMAC-SHA256 under key of label, a NUL byte, then the parts in order
 * (NULL-terminated list of pointer, length pairs is awkward in C: two
 * parts cover every use).  hex gets MAC_HEX_LEN digits and a NUL. */
int mac_hex(const unsigned char key[MAC_LEN], const char *label, const void *a, size_t a_len,
            const void *b, size_t b_len, char hex[MAC_HEX_LEN + 1]);

/* Constant-time comparison of two hex MACs. */
int mac_equal(const char *x, const char *y);

#endif
