/* SPDX-License-Identifier: Apache-2.0 */
/* Decoders: encoded forms a log writer produces (percent-encoding,
 * JSON/C backslash escapes, HTML entities), decoded so that rules and
 * known secrets match what they stand for.  Each decoded byte keeps the
 * offset of the source bytes it came from (view.h maps spans back). */
#ifndef LM_DECODE_H
#define LM_DECODE_H
#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/* Which encodings text holds (LM_ENC_* bits), cheaply (memchr driven). */
enum { LM_ENC_PERCENT = 1, LM_ENC_BACKSLASH = 2, LM_ENC_HTML = 4 };
unsigned lm_encodings(const char *text, size_t len);
/* 1 when encodings `enc` of text could hide a letter or a blank (a
 * keyword): percent-encoding, HTML entities, \uXXXX or \xNN; a plain \n
 * or \" cannot. */
int lm_hides_letters(const char *text, size_t len, unsigned enc);

/* Decodes src[0..len) with one decoder into dst (cleared first); pmap gets
 * one source offset per decoded byte (grown as needed).  0 or -1 (OOM). */
typedef struct lm_pmap {
  uint32_t *v;
  size_t cap;
} lm_pmap;
int lm_decode(unsigned enc, const char *src, size_t len, lm_buf *dst, lm_pmap *pmap);
/* The backslash escapes of a JSON string's inside (a superset of JSON's:
 * \xNN and \' too, and a lone backslash kept). */
int lm_unescape(const char *src, size_t len, lm_buf *dst, lm_pmap *pmap);
void lm_pmap_free(lm_pmap *p);
#endif
