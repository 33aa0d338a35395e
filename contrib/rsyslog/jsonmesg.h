/* Reads the `fulljson` form of a message (rsyslog's jsonmesg property: one
 * JSON object of every property) and keeps the top-level string values the
 * helper masks.  Values are kept with their length: a "\u0000" inside does
 * not cut them short, so no byte escapes the masker unseen. */
#ifndef LMR_JSONMESG_H
#define LMR_JSONMESG_H
#include <stddef.h>

typedef struct lmr_text {
  char *data;
  size_t len, cap;
  int present; /* the key was seen with a string value */
} lmr_text;

typedef struct lmr_jsonmesg {
  lmr_text msg;             /* "msg" */
  lmr_text sd;              /* "structured-data" */
} lmr_jsonmesg;

/* Parses one line.  0 ok (a JSON object; fields not present are marked
 * so), -1 not a JSON object or not parseable, -2 out of memory. */
int lmr_jsonmesg_parse(lmr_jsonmesg *jm, const char *line, size_t len);
/* Wipes and frees the kept values. */
void lmr_jsonmesg_free(lmr_jsonmesg *jm);
#endif
