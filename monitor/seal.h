/* SPDX-License-Identifier: Apache-2.0 */
/* seal.h - authenticated state files.  A sealed file is its body, then
 * one last line
 *   {"mac":"<64 lowercase hex digits>"}
 * with mac = HMAC-SHA256(state key, LABEL NUL body) (keys.h).  The label
 * names the kind of file, so a sealed status file never passes for a
 * baseline.  Any edit of the body, or a missing or moved last line, fails
 * the check. */
#ifndef MONITOR_SEAL_H
#define MONITOR_SEAL_H

#include "keys.h"

#include <stddef.h>

/* A new buffer: body then the seal line (NUL-terminated; *out_len without
 * the NUL).  -1 when out of memory. */
int seal_wrap(const unsigned char key[MAC_LEN], const char *label, const char *body,
              size_t body_len, char **out, size_t *out_len);

typedef enum seal_result { SEAL_OK = 0, SEAL_MISSING = 1, SEAL_BAD = 2 } seal_result;

/* Checks text; on SEAL_OK *body_len is the length of the body. */
seal_result seal_check(const unsigned char key[MAC_LEN], const char *label, const char *text,
                       size_t len, size_t *body_len);

#endif
