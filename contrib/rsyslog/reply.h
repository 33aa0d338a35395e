/* SPDX-License-Identifier: Apache-2.0 */
/* Replies to mmexternal: one JSON object a line, generated with yajl.
 *
 *   {"msg":"<masked>","$!":{"logmask":{"ok":1,"masked":N,"check":"L:H"}}}
 *   {"$!":{"logmask":{"ok":1,"masked":0,"check":"L:H"}}}      unchanged
 *   {"msg":"[logmask: withheld]","$!":{"logmask":{"ok":0,"error":"..."}}}
 *
 * "check" binds the answer to the message it answers (check.h): the
 * configuration trusts ok only when it equals what it computes itself.
 *
 * Properties come first, in the order given; the "$!" marker last.  Bytes
 * that are not valid UTF-8 are written as they are (rsyslog's JSON parser
 * takes them), so a message keeps every byte outside its masks. */
#ifndef LMR_REPLY_H
#define LMR_REPLY_H
#include <stddef.h>

typedef struct lmr_prop {
  const char *name; /* rsyslog property: "msg", "rawmsg", "syslogtag", ... */
  const char *text;
  size_t len;
} lmr_prop;

typedef struct lmr_status {
  int ok;            /* 1: every property was masked by the library */
  unsigned masked;   /* secrets masked in this message */
  int dropped;       /* the "drop" style removed the message text */
  const char *error; /* short reason when ok == 0, else NULL */
  const char *check; /* "LEN:HASH" of the message answered, or NULL */
} lmr_status;

typedef struct lmr_reply lmr_reply;

/* NULL when out of memory.  Free with lmr_reply_free(). */
lmr_reply *lmr_reply_new(void);
void lmr_reply_free(lmr_reply *r);

/* Builds one reply line, '\n' included, into memory owned by `r` (valid
 * until the next call).  0 ok, -1 when yajl refused (out of memory). */
int lmr_reply_build(lmr_reply *r, const lmr_prop *props, size_t nprops,
                    const lmr_status *st, const char **line, size_t *len);
#endif
