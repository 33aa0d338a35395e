/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "reply.h"
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

struct lmr_reply {
  yajl_gen gen;
  char *line;   /* the last reply with its '\n' */
  size_t cap;
};

lmr_reply *lmr_reply_new(void) {
  lmr_reply *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->gen = yajl_gen_alloc(NULL);
  if (!r->gen) {
    free(r);
    return NULL;
  }
  /* validation off: invalid UTF-8 passes through byte for byte */
  yajl_gen_config(r->gen, yajl_gen_validate_utf8, 0);
  yajl_gen_config(r->gen, yajl_gen_beautify, 0);
  return r;
}

void lmr_reply_free(lmr_reply *r) {
  if (!r)
    return;
  yajl_gen_free(r->gen);
  if (r->line)
    explicit_bzero(r->line, r->cap);
  free(r->line);
  free(r);
}

#define KEY(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))

static yajl_gen_status gen_reply(yajl_gen g, const lmr_prop *props, size_t nprops,
                                 const lmr_status *st) {
  yajl_gen_status s = yajl_gen_map_open(g);
  for (size_t i = 0; s == yajl_gen_status_ok && i < nprops; i++) {
    s = KEY(g, props[i].name);
    if (s == yajl_gen_status_ok)
      s = yajl_gen_string(g, (const unsigned char *)props[i].text, props[i].len);
  }
  if (s == yajl_gen_status_ok) s = KEY(g, "$!");
  if (s == yajl_gen_status_ok) s = yajl_gen_map_open(g);
  if (s == yajl_gen_status_ok) s = KEY(g, "logmask");
  if (s == yajl_gen_status_ok) s = yajl_gen_map_open(g);
  if (s == yajl_gen_status_ok) s = KEY(g, "ok");
  if (s == yajl_gen_status_ok) s = yajl_gen_integer(g, st->ok ? 1 : 0);
  if (s == yajl_gen_status_ok && st->ok) {
    s = KEY(g, "masked");
    if (s == yajl_gen_status_ok) s = yajl_gen_integer(g, st->masked);
  }
  if (s == yajl_gen_status_ok && st->dropped) {
    s = KEY(g, "dropped");
    if (s == yajl_gen_status_ok) s = yajl_gen_integer(g, 1);
  }
  if (s == yajl_gen_status_ok && st->check) {
    s = KEY(g, "check");
    if (s == yajl_gen_status_ok) s = KEY(g, st->check);
  }
  if (s == yajl_gen_status_ok && st->error) {
    s = KEY(g, "error");
    if (s == yajl_gen_status_ok) s = KEY(g, st->error);
  }
  for (int depth = 0; s == yajl_gen_status_ok && depth < 3; depth++)
    s = yajl_gen_map_close(g);
  return s;
}

int lmr_reply_build(lmr_reply *r, const lmr_prop *props, size_t nprops,
                    const lmr_status *st, const char **line, size_t *len) {
  yajl_gen_clear(r->gen);
  yajl_gen_reset(r->gen, NULL);
  const unsigned char *json;
  size_t n;
  if (gen_reply(r->gen, props, nprops, st) != yajl_gen_status_ok
      || yajl_gen_get_buf(r->gen, &json, &n) != yajl_gen_status_ok)
    return -1;
  if (n + 1 > r->cap) {
    size_t cap = (n + 1) * 2;
    char *grown = malloc(cap);
    if (!grown)
      return -1;
    if (r->line)
      explicit_bzero(r->line, r->cap);
    free(r->line);
    r->line = grown;
    r->cap = cap;
  }
  memcpy(r->line, json, n);
  r->line[n] = '\n';
  yajl_gen_clear(r->gen);
  *line = r->line;
  *len = n + 1;
  return 0;
}
