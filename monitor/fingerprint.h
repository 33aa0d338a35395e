/* SPDX-License-Identifier: Apache-2.0 */
/* fingerprint.h - keyed fingerprints of secret values.
 *
 * fingerprint = lowercase hex of HMAC-SHA256(key, value), the same text as
 *   printf %s VALUE | openssl dgst -sha256 -mac HMAC -macopt hexkey:KEYHEX
 * The key is 32 random bytes kept as 64 hex digits and a newline, mode
 * 0600 (in the state directory, or where key-file / key-credential say).
 * Without the key a fingerprint tells nothing about the value, so the
 * baseline may be read by operators. */
#ifndef MONITOR_FINGERPRINT_H
#define MONITOR_FINGERPRINT_H

#include <stddef.h>
#include <sys/stat.h>

#define FP_KEY_LEN 32
#define FP_HEX_LEN 64

/* Creates `path` (which must not exist) holding a new random key, 0600. */
int fp_key_create(const char *path, unsigned char key[FP_KEY_LEN], char **err);
/* A throw-away key that is never stored. */
int fp_key_random(unsigned char key[FP_KEY_LEN]);
/* Reads the key (a symlink is refused); *st gets its attributes so the
 * caller can judge its mode and owner.  -1 with *err and errno (ENOENT
 * when the file is gone, EINVAL when it is malformed). */
int fp_key_load(const char *path, unsigned char key[FP_KEY_LEN], struct stat *st, char **err);

/* hex gets FP_HEX_LEN digits and a NUL. */
int fp_compute(const unsigned char key[FP_KEY_LEN], const void *value, size_t len,
               char hex[FP_HEX_LEN + 1]);

/* Coarse length class for the baseline, e.g. "16-31", so the baseline
 * says roughly how long a secret is without giving its exact length. */
const char *fp_length_class(size_t len);

/* Non-zero when `text` is FP_HEX_LEN lowercase hex digits. */
int fp_is_fingerprint(const char *text);

#endif
