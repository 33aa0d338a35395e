/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "jsonmesg.h"
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

typedef struct parse_state {
  lmr_jsonmesg *jm;
  int depth;          /* 1 inside the top-level object */
  int saw_object;     /* the top-level value opened a map */
  lmr_text *want;     /* field that takes the next top-level value */
  int nomem;
} parse_state;

static int keep(parse_state *ps, lmr_text *t, const unsigned char *s, size_t len) {
  if (len + 1 > t->cap) {
    size_t cap = len + 1 < 256 ? 256 : (len + 1) * 2;
    char *grown = malloc(cap);
    if (!grown) {
      ps->nomem = 1;
      return 0;
    }
    if (t->data)
      explicit_bzero(t->data, t->cap);
    free(t->data);
    t->data = grown;
    t->cap = cap;
  }
  memcpy(t->data, s, len);
  t->data[len] = '\0';
  t->len = len;
  t->present = 1;
  return 1;
}

/* Every top-level value ends the wait for a wanted field's value. */
static int any_value(void *ctx) {
  parse_state *ps = ctx;
  if (ps->depth == 1)
    ps->want = NULL;
  return ps->depth >= 1;
}
static int on_null(void *ctx) { return any_value(ctx); }
static int on_bool(void *ctx, int b) { (void)b; return any_value(ctx); }
static int on_number(void *ctx, const char *s, size_t l) { (void)s; (void)l; return any_value(ctx); }

static int on_string(void *ctx, const unsigned char *s, size_t len) {
  parse_state *ps = ctx;
  if (ps->depth == 1 && ps->want) {
    lmr_text *t = ps->want;
    ps->want = NULL;
    return keep(ps, t, s, len);
  }
  return ps->depth >= 1;
}

static const char *const names[LMR_NFIELDS] = {
  [LMR_MSG] = "msg", [LMR_TAG] = "syslogtag", [LMR_HOSTNAME] = "hostname",
  [LMR_APPNAME] = "app-name", [LMR_PROCID] = "procid", [LMR_MSGID] = "msgid",
  [LMR_SD] = "structured-data",
};

const char *lmr_field_name(lmr_field f) { return f < LMR_NFIELDS ? names[f] : NULL; }

static int on_key(void *ctx, const unsigned char *key, size_t len) {
  parse_state *ps = ctx;
  if (ps->depth != 1)
    return 1;
  ps->want = NULL;
  for (int f = 0; f < LMR_NFIELDS; f++)
    if (strlen(names[f]) == len && memcmp(key, names[f], len) == 0)
      ps->want = &ps->jm->field[f];
  return 1;
}

static int on_start_map(void *ctx) {
  parse_state *ps = ctx;
  if (ps->depth == 0) {
    if (ps->saw_object)
      return 0;
    ps->saw_object = 1;
  } else if (ps->depth == 1) {
    ps->want = NULL;
  }
  ps->depth++;
  return 1;
}

static int on_end(void *ctx) {
  parse_state *ps = ctx;
  ps->depth--;
  return 1;
}

static int on_start_array(void *ctx) {
  parse_state *ps = ctx;
  if (ps->depth == 0)
    return 0; /* the top level must be an object */
  if (ps->depth == 1)
    ps->want = NULL;
  ps->depth++;
  return 1;
}

static const yajl_callbacks callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_bool,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_key,
  .yajl_end_map = on_end,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end,
};

int lmr_jsonmesg_parse(lmr_jsonmesg *jm, const char *line, size_t len) {
  for (int f = 0; f < LMR_NFIELDS; f++)
    jm->field[f].present = 0, jm->field[f].len = 0;
  parse_state ps = { .jm = jm };
  yajl_handle h = yajl_alloc(&callbacks, NULL, &ps);
  if (!h)
    return -2;
  /* rsyslog passes message bytes through as they are, valid UTF-8 or not */
  yajl_config(h, yajl_dont_validate_strings, 1);
  yajl_status st = yajl_parse(h, (const unsigned char *)line, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse(h);
  yajl_free(h);
  if (ps.nomem)
    return -2;
  if (st != yajl_status_ok || !ps.saw_object || ps.depth != 0)
    return -1;
  return 0;
}

static void text_free(lmr_text *t) {
  if (t->data)
    explicit_bzero(t->data, t->cap);
  free(t->data);
  memset(t, 0, sizeof *t);
}

void lmr_jsonmesg_free(lmr_jsonmesg *jm) {
  for (int f = 0; f < LMR_NFIELDS; f++)
    text_free(&jm->field[f]);
}
