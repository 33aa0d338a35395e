/* SPDX-License-Identifier: Apache-2.0 */
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

/* The properties kept, by index into lmr_jsonmesg.field. */
typedef enum lmr_field {
  LMR_MSG,       /* "msg" */
  LMR_TAG,       /* "syslogtag" */
  LMR_HOSTNAME,  /* "hostname" */
  LMR_APPNAME,   /* "app-name" */
  LMR_PROCID,    /* "procid" */
  LMR_MSGID,     /* "msgid" */
  LMR_SD,        /* "structured-data" */
  LMR_NFIELDS
} lmr_field;

/* rsyslog's name of a field. */
const char *lmr_field_name(lmr_field f);

typedef struct lmr_jsonmesg {
  lmr_text field[LMR_NFIELDS];
} lmr_jsonmesg;

/* Parses one line.  0 ok (a JSON object; fields not present are marked
 * so), -1 not a JSON object or not parseable, -2 out of memory. */
int lmr_jsonmesg_parse(lmr_jsonmesg *jm, const char *line, size_t len);
/* Wipes and frees the kept values. */
void lmr_jsonmesg_free(lmr_jsonmesg *jm);
#endif
