/* SPDX-License-Identifier: Apache-2.0 */
/* What the format handlers share: a string's content as a view, and
 * strings that hold a record of their own queued for their handler. */
#include "internal.h"
#include <string.h>

lm_view *lm_fmt_string_view(lm_fmt_env *env, const lm_view *rec, size_t a, size_t b, int esc) {
  if (!memchr(rec->text + a, '\\', b - a))
    return lm_view_slice(env->lc, rec, a, b, esc);
  if (lm_unescape(rec->text + a, b - a, env->dec, env->pmap)) {
    env->lc->oom = 1;
    return NULL;
  }
  /* the decoder's offsets are relative to the string: make them the record's */
  for (size_t i = 0; i < env->dec->len; i++)
    env->pmap->v[i] += (uint32_t)a;
  return lm_view_derive(env->lc, rec, env->dec->data ? env->dec->data : "", env->dec->len,
                        env->pmap->v, b, esc, LM_VIEW_RECORD);
}

#define MAX_RECORD_DEPTH 3

/* Whether '{"' occurs in t (memchr runs where memmem would not). */
static int opens_object(const char *t, size_t n) {
  for (const char *p = memchr(t, '{', n); p; p = memchr(p + 1, '{', n - (size_t)(p + 1 - t)))
    if (p + 1 < t + n && p[1] == '"')
      return 1;
  return 0;
}

int lm_fmt_maybe_record(lm_fmt_env *env, lm_view *str) {
  if (str->depth + 1 >= MAX_RECORD_DEPTH || str->len < 3)
    return 0;
  /* most strings are words or sentences: a record starts with '{' or
   * '[' (JSON), '<' or a month name (syslog), or holds '=' (logfmt) or
   * ends in '}' or holds '{"' (JSON behind a prefix) */
  char first = str->text[0], last = str->text[str->len - 1];
  if (first != '{' && first != '[' && first != '<' && !(first >= 'A' && first <= 'Z') &&
      last != '}' && last != '\n' && !memchr(str->text, '=', str->len) &&
      !opens_object(str->text, str->len))
    return 0;
  size_t json_at;
  int f = lm_detect(str->text, str->len, &json_at);
  if (f == LM_FMT_TEXT && json_at == (size_t)-1)
    return 0;
  lm_view *rec = lm_view_slice(env->lc, str, 0, str->len, 0);
  if (!rec)
    return -1;
  rec->kind = LM_VIEW_RECORD;
  rec->depth = (uint8_t)(str->depth + 1);
  rec->format = (uint8_t)f;
  /* the string is read as text already: only its handler runs, and a
   * JSON record there is read by its own strings instead (line.c) */
  rec->read = 1;
  rec->owner = str;
  rec->owner_at = 0;
  return LM_VEC_PUSH(env->lc, env->lc->records, rec);
}

int lm_fmt_json_behind(lm_lctx *lc, lm_view *owner, size_t at, int strict) {
  lm_view *js = lm_view_slice(lc, owner, at, owner->len, 0);
  if (!js)
    return -1;
  js->kind = LM_VIEW_RECORD;
  js->format = LM_FMT_JSON;
  js->read = 1;
  js->owner = owner;
  js->owner_at = (uint32_t)at;
  js->depth = owner->depth;
  js->json_strict = (uint8_t)strict;
  return LM_VEC_PUSH(lc, lc->records, js);
}

static int any_keyword(void *ctx, uint32_t id, size_t end, size_t len) {
  (void)ctx;
  (void)end;
  (void)len;
  return !(id & (LM_AC_LITERAL_BIT | LM_AC_MARK_BIT));
}

int lm_fmt_has_keyword(lm_fmt_env *env, const char *text, size_t len) {
  return lm_ac_scan(env->set->ac, (const unsigned char *)text, len, any_keyword, NULL);
}

int lm_fmt_text_has_keyword(lm_fmt_env *env, const char *key, size_t klen, const char *value,
                            size_t vlen) {
  const lm_ruleset *set = env->set;
  char buf[512];
  size_t k = klen < 256 ? klen : 256;
  size_t tail = set->max_keyword ? set->max_keyword - 1 : 0;
  if (tail > vlen)
    tail = vlen;
  if (tail > sizeof buf - k - 1)
    tail = sizeof buf - k - 1;
  memcpy(buf, key + klen - k, k);
  buf[k] = '=';
  memcpy(buf + k + 1, value, tail);
  return lm_ac_scan(set->ac, (const unsigned char *)buf, k + 1 + tail, any_keyword, NULL);
}
