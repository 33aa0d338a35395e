/* SPDX-License-Identifier: Apache-2.0 */
/* The check a reply carries, "LEN:HASH" of the text the helper received
 * (msg, or rawmsg in rawmsg mode): LEN its length in bytes, HASH what
 * rsyslog's hash32() of fmhash gives for it.  The shipped configuration
 * computes the same before the action,
 *
 *   set $.logmask_check = strlen($msg) & ":" & hash32($msg);
 *
 * and trusts $!logmask!ok only when $!logmask!check equals it, so an
 * answer that belongs to another line (a stray line from a wrapper, a line
 * feed inside a message) is never taken for this message's.
 *
 * Debian's rsyslog builds fmhash without xxhash: hash32() is the 32-bit
 * FNV-1 of the bytes with seed 0 (fnv_32 in contrib/fmhash/fmhash.c),
 * computed over the text as a C string (up to a NUL), as strlen() is. */
#ifndef LMR_CHECK_H
#define LMR_CHECK_H
#include <stddef.h>
#include <stdint.h>

enum { LMR_CHECK_MAX = 32 };

uint32_t lmr_fnv32(const char *text, size_t len);
/* Writes the NUL-terminated check of text into out. */
void lmr_check(const char *text, size_t len, char out[LMR_CHECK_MAX]);
#endif
