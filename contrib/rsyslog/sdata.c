#include "config.h"
#include "sdata.h"
#include <stdlib.h>
#include <string.h>

int lmr_bytes_put(lmr_bytes *b, const char *p, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->len + n + 1) * 2;
    char *grown = malloc(cap);
    if (!grown)
      return -1;
    if (b->data) {
      memcpy(grown, b->data, b->len);
      explicit_bzero(b->data, b->cap);
    }
    free(b->data);
    b->data = grown;
    b->cap = cap;
  }
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

void lmr_bytes_free(lmr_bytes *b) {
  if (b->data)
    explicit_bzero(b->data, b->cap);
  free(b->data);
  memset(b, 0, sizeof *b);
}

static int put_escaped(lmr_bytes *b, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if ((p[i] == '"' || p[i] == '\\' || p[i] == ']') && lmr_bytes_put(b, "\\", 1) != 0)
      return -1;
    if (lmr_bytes_put(b, p + i, 1) != 0)
      return -1;
  }
  return 0;
}

/* One parameter: `name` and the raw (escaped) value between its quotes. */
static lm_status mask_param(lm_masker *m, lmr_bytes *probe, const char *name, size_t nlen,
                            const char *val, size_t vlen, lmr_bytes *out, int *changed,
                            unsigned *secrets) {
  probe->len = 0;
  if (lmr_bytes_put(probe, name, nlen) != 0 || lmr_bytes_put(probe, "=\"", 2) != 0)
    return LM_ERR_NOMEM;
  for (size_t i = 0; i < vlen; i++) {
    if (val[i] == '\\' && i + 1 < vlen)
      i++;
    if (lmr_bytes_put(probe, val + i, 1) != 0)
      return LM_ERR_NOMEM;
  }
  if (lmr_bytes_put(probe, "\"", 1) != 0)
    return LM_ERR_NOMEM;
  lm_masker_reset(m);
  lm_line res;
  lm_status st = lm_masker_line(m, probe->data, probe->len, &res);
  if (st != LM_OK)
    return st;
  if (!(res.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)))
    return lmr_bytes_put(out, val, vlen) == 0 ? LM_OK : LM_ERR_NOMEM;
  *changed = 1;
  *secrets += res.secrets ? res.secrets : 1;
  if (res.flags & LM_LINE_DROPPED)
    return LM_OK; /* the value goes, the parameter stays */
  const char *t = res.text;
  size_t tlen = res.len;
  /* keep only the value when the masker left NAME=" ... " around it */
  if (tlen >= nlen + 3 && memcmp(t, name, nlen) == 0 && t[nlen] == '=' && t[nlen + 1] == '"'
      && t[tlen - 1] == '"') {
    t += nlen + 2;
    tlen -= nlen + 3;
  }
  return put_escaped(out, t, tlen) == 0 ? LM_OK : LM_ERR_NOMEM;
}

/* Walks SD-ELEMENTs: "[" SD-ID *(SP NAME "=" DQUOTE VALUE DQUOTE) "]".
 * Returns 1 when the whole text parsed, 0 when it did not (out is then
 * meaningless), or -(status) on a library error. */
static int walk(lm_masker *m, lmr_bytes *probe, const char *sd, size_t len, lmr_bytes *out,
                int *changed, unsigned *secrets, lm_status *err) {
  size_t i = 0;
  if (len == 0)
    return 0;
  while (i < len) {
    if (sd[i] != '[')
      return 0;
    size_t id = i++;
    while (i < len && sd[i] != ' ' && sd[i] != ']' && sd[i] != '=' && sd[i] != '"')
      i++;
    if (i == id + 1 || i == len)
      return 0;
    if (lmr_bytes_put(out, sd + id, i - id) != 0)
      goto nomem;
    while (i < len && sd[i] == ' ') {
      size_t name = ++i;
      while (i < len && sd[i] != '=' && sd[i] != ' ' && sd[i] != ']' && sd[i] != '"')
        i++;
      if (i == name || i + 1 >= len || sd[i] != '=' || sd[i + 1] != '"')
        return 0;
      size_t nlen = i - name;
      i += 2;
      size_t val = i;
      while (i < len && sd[i] != '"')
        i += sd[i] == '\\' && i + 1 < len ? 2 : 1;
      if (i >= len)
        return 0;
      if (lmr_bytes_put(out, " ", 1) != 0 || lmr_bytes_put(out, sd + name, nlen + 2) != 0)
        goto nomem;
      lm_status st = mask_param(m, probe, sd + name, nlen, sd + val, i - val, out, changed,
                                secrets);
      if (st != LM_OK) {
        *err = st;
        return -1;
      }
      if (lmr_bytes_put(out, "\"", 1) != 0)
        goto nomem;
      i++;
    }
    if (i >= len || sd[i] != ']')
      return 0;
    if (lmr_bytes_put(out, "]", 1) != 0)
      goto nomem;
    i++;
  }
  return 1;
nomem:
  *err = LM_ERR_NOMEM;
  return -1;
}

lm_status lmr_sd_mask(lm_masker *m, lmr_bytes *scratch, const char *sd, size_t len,
                      lmr_bytes *out, int *changed, unsigned *secrets) {
  out->len = 0;
  *changed = 0;
  *secrets = 0;
  if (len == 1 && sd[0] == '-')
    return lmr_bytes_put(out, sd, len) == 0 ? LM_OK : LM_ERR_NOMEM;
  lm_status err = LM_OK;
  int r = walk(m, scratch, sd, len, out, changed, secrets, &err);
  if (r < 0)
    return err;
  if (r == 1)
    return LM_OK;
  /* not structured data as RFC 5424 writes it: mask the text whole */
  out->len = 0;
  *changed = 0;
  *secrets = 0;
  lm_masker_reset(m);
  lm_line res;
  lm_status st = lm_masker_line(m, sd, len, &res);
  if (st != LM_OK)
    return st;
  *changed = (res.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)) != 0;
  *secrets = res.secrets;
  if (res.flags & LM_LINE_DROPPED)
    return lmr_bytes_put(out, "-", 1) == 0 ? LM_OK : LM_ERR_NOMEM;
  return lmr_bytes_put(out, res.text, res.len) == 0 ? LM_OK : LM_ERR_NOMEM;
}
