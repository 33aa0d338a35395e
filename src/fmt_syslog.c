/* SPDX-License-Identifier: Apache-2.0 */
/* syslog records, RFC 5424 and RFC 3164 (with or without <PRI>, as
 * rsyslog writes files), and RFC 5424 structured data alone (format
 * "sd").  The rules read the whole line, header included (a line without
 * HOSTNAME puts the first message word there); here the structured-data
 * parameters with sensitive names are masked whole, masks inside a
 * PARAM-VALUE are escaped as RFC 5424 wants (\" \\ \]), each parameter is
 * shown to the rules as `name=value`, and the message is handed on as a
 * record of its own (JSON or logfmt behind the header). */
#include "internal.h"
#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* Moves past one header field and the blank after it; 0 when absent. */
static int field(const char *l, size_t len, size_t *i) {
  size_t s = *i;
  while (*i < len && l[*i] != ' ')
    (*i)++;
  if (*i == s || *i == len)
    return 0;
  (*i)++;
  return 1;
}

/* SD-PARAM escapes (RFC 5424 6.3.3): \" \\ \] stand for the byte after
 * the backslash; any other backslash is itself. */
static lm_view *sd_value_view(lm_fmt_env *env, const lm_view *rec, size_t a, size_t b) {
  if (!memchr(rec->text + a, '\\', b - a))
    return lm_view_slice(env->lc, rec, a, b, LM_ESC_SD);
  lm_buf *dst = env->dec;
  lm_buf_clear(dst);
  if (lm_buf_reserve(dst, b - a + 1) ||
      lm_vec_grow((void **)&env->pmap->v, &env->pmap->cap, b - a + 1, sizeof *env->pmap->v)) {
    env->lc->oom = 1;
    return NULL;
  }
  for (size_t i = a; i < b; i++) {
    if (rec->text[i] == '\\' && i + 1 < b &&
        (rec->text[i + 1] == '"' || rec->text[i + 1] == '\\' || rec->text[i + 1] == ']')) {
      env->pmap->v[dst->len] = (uint32_t)i;
      dst->data[dst->len++] = rec->text[++i];
      continue;
    }
    env->pmap->v[dst->len] = (uint32_t)i;
    dst->data[dst->len++] = rec->text[i];
  }
  return lm_view_derive(env->lc, rec, dst->data, dst->len, env->pmap->v, b, LM_ESC_SD,
                        LM_VIEW_RECORD);
}

/* Structured data at l[*i]: "-" or [ID name="value" ...]...  With `add`,
 * adds its regions, the spans of sensitive parameters, a `name=value`
 * view of each parameter and each value as a block content.  0, -1 when
 * malformed, -2 out of memory. */
static int structured_data(lm_fmt_env *env, const lm_view *rec, size_t *i, int add) {
  const char *l = rec->text;
  size_t len = rec->len;
  lm_lctx *lc = env->lc;
  if (*i < len && l[*i] == '-') {
    (*i)++;
    return 0;
  }
  if (*i >= len || l[*i] != '[')
    return -1;
  size_t sd_start = *i;
  while (*i < len && l[*i] == '[') {
    /* an element's parameters, as `name="value" ...` for the rules */
    lm_piece pc[4 * 32];
    size_t np = 0;
    size_t j = *i + 1;
    while (j < len && l[j] != ' ' && l[j] != ']' && l[j] != '"' && l[j] != '=')
      j++;
    if (j == *i + 1)
      return -1;
    /* names are structure, but a known secret written there is masked
     * all the same (with the bytes a name cannot hold replaced) */
    if (add && lm_region_add_view(lc, rec, *i + 1, j, LM_REG_CONTENT, LM_ESC_NAME))
      return -2;
    while (j < len && l[j] == ' ') {
      size_t ns = ++j;
      while (j < len && l[j] != '=' && l[j] != ' ' && l[j] != ']' && l[j] != '"')
        j++;
      if (j == ns || j + 1 >= len || l[j] != '=' || l[j + 1] != '"')
        return -1;
      size_t ne = j, vs = j + 2;
      if (add && lm_region_add_view(lc, rec, ns, ne, LM_REG_CONTENT, LM_ESC_NAME))
        return -2;
      for (j = vs; j < len && l[j] != '"'; j++)
        if (l[j] == '\\')
          j++;
      if (j >= len)
        return -1;
      if (add) {
        if (lm_region_add_view(lc, rec, vs, j, LM_REG_CONTENT, LM_ESC_SD))
          return -2;
        lm_view *val = sd_value_view(env, rec, vs, j);
        if (!val)
          return -2;
        val->path = l + ns;
        val->pathlen = (uint32_t)(ne - ns);
        if (LM_VEC_PUSH(lc, lc->views, val) ||
            (env->contents && LM_VEC_PUSH(lc, lc->contents, val)))
          return -2;
        if (np + 4 <= sizeof pc / sizeof pc[0]) {
          if (np)
            pc[np++] = (lm_piece){NULL, "; ", 2, 0};
          pc[np++] = (lm_piece){NULL, l + ns, ne - ns, 0};
          pc[np++] = (lm_piece){NULL, "=", 1, 0};
          pc[np++] = (lm_piece){val, NULL, 0, lm_view_needs_quotes(val)};
        }
        if (env->keys && lm_key_is_sensitive(env->set, l + ns, ne - ns) &&
            !lm_key_value_is_benign(l + ns, ne - ns, val->text, val->len, 1) &&
            lm_span_add_view(lc, rec, vs, j, lm_label(env->set, LM_LBL_SYSLOG_KEY), 0,
                             LM_ORIGIN_LABEL))
          return -2;
      }
      j++;
    }
    if (j >= len || l[j] != ']')
      return -1;
    if (add && np) {
      lm_view *ev = lm_view_join(lc, pc, np, LM_VIEW_PAIR, rec->depth);
      if (!ev || LM_VEC_PUSH(lc, lc->views, ev))
        return -2;
    }
    *i = j + 1;
  }
  /* brackets, '=' and quotes never change */
  if (add && lm_region_add_view(lc, rec, sd_start, *i, LM_REG_STRUCT, 0))
    return -2;
  return 0;
}

/* Start of the message (and of the structured data in *sd, or (size_t)-1)
 * or (size_t)-1 when the record does not parse. */
static size_t body_start(const char *l, size_t len, size_t *sd) {
  size_t p = lm_syslog_pri_end(l, len), i;
  *sd = (size_t)-1;
  if (lm_syslog_is_5424(l, len, p)) {
    i = p + 2;
    for (int k = 0; k < 5; k++) /* TIMESTAMP HOSTNAME APP-NAME PROCID MSGID */
      if (!field(l, len, &i))
        return (size_t)-1;
    *sd = i;
    return i;
  }
  size_t t = lm_syslog_bsd_time(l, len, p);
  i = p + t;
  if (t) {
    if (i >= len || l[i] != ' ')
      return (size_t)-1;
    i++;
  } else if (!p || !field(l, len, &i)) { /* an RFC 3339 timestamp */
    return (size_t)-1;
  }
  if (!field(l, len, &i)) /* HOSTNAME */
    return (size_t)-1;
  /* TAG[PID]: or TAG: -- part of the header when it has that shape */
  size_t j = i;
  while (j < len && j - i < 48 &&
         (isalnum((unsigned char)l[j]) || strchr("_.-/@", l[j])) && l[j])
    j++;
  if (j > i && j < len && l[j] == '[') {
    while (j < len && l[j] != ']' && l[j] != ' ')
      j++;
    if (j < len && l[j] == ']')
      j++;
  }
  if (j > i && j < len && l[j] == ':') {
    j++;
    if (j < len && l[j] == ' ')
      j++;
    return j;
  }
  return i;
}

/* The message as a record of its own (JSON, logfmt or text behind the
 * header), its bytes already read with the line's. */
static int message(lm_fmt_env *env, lm_view *rec, size_t from) {
  lm_lctx *lc = env->lc;
  lm_view *msg = lm_view_slice(lc, rec, from, rec->len, 0);
  if (!msg)
    return -1;
  msg->kind = LM_VIEW_RECORD;
  msg->depth = rec->depth;
  /* RFC 3164: the message is read with the header; RFC 5424: alone */
  msg->read = rec->readlen > from;
  msg->owner = rec;
  msg->owner_at = (uint32_t)from;
  msg->path = NULL;
  msg->pathlen = 0;
  size_t json_at;
  msg->format = (uint8_t)lm_detect(msg->text, msg->len, &json_at);
  if (msg->format == LM_FMT_SYSLOG)
    msg->format = LM_FMT_TEXT; /* a header inside a message is text */
  return LM_VEC_PUSH(lc, lc->records, msg);
}

int lm_fmt_syslog(lm_fmt_env *env, lm_view *rec) {
  size_t sd, body = body_start(rec->text, rec->len, &sd);
  if (body == (size_t)-1)
    return 1;
  if (sd != (size_t)-1) {
    size_t i = sd;
    if (structured_data(env, rec, &i, 0) || (i < rec->len && rec->text[i] != ' '))
      return 1;
    i = sd;
    if (structured_data(env, rec, &i, 1))
      return -1;
    body = i < rec->len ? i + 1 : i;
    /* the header is read as text; the parameters and the message each
     * on their own (a regex over the quotes would join them) */
    rec->readlen = (uint32_t)sd;
  }
  return message(env, rec, body) ? -1 : 0;
}

int lm_fmt_sd(lm_fmt_env *env, const lm_view *rec) {
  size_t i = 0, end = rec->len;
  while (end && (rec->text[end - 1] == ' ' || rec->text[end - 1] == '\r'))
    end--;
  if (structured_data(env, rec, &i, 0) || i != end)
    return 1;
  i = 0;
  return structured_data(env, rec, &i, 1) ? -1 : 0;
}
