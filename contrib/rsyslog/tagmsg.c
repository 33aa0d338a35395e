/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "tagmsg.h"
#include <string.h>

lm_status lmr_tagmsg_init(lmr_tagmsg *t, const lm_ruleset *set) {
  memset(t, 0, sizeof *t);
  t->joint = lm_masker_new(set);
  t->tag = lm_masker_new(set);
  t->find = lm_masker_new(set);
  if (!t->joint || !t->tag || !t->find || lm_masker_set_format(t->joint, "text") != LM_OK ||
      lm_masker_set_format(t->tag, "text") != LM_OK ||
      lm_masker_set_format(t->find, "text") != LM_OK) {
    lmr_tagmsg_free(t);
    return LM_ERR_NOMEM;
  }
  return LM_OK;
}

void lmr_tagmsg_free(lmr_tagmsg *t) {
  lm_masker_free(t->joint);
  lm_masker_free(t->tag);
  lm_masker_free(t->find);
  t->joint = t->tag = t->find = NULL;
  lmr_bytes_free(&t->line);
}

lm_status lmr_tagmsg_secrets(lmr_tagmsg *t, const char **text, lm_finding *found, size_t max,
                             size_t *count) {
  *count = 0;
  *text = t->line.data ? t->line.data : "";
  if (!t->find)
    return LM_ERR_STATE;
  lm_masker_reset(t->find);
  return lm_masker_find(t->find, *text, t->line.len, found, max, count);
}

const lm_masker *lmr_tagmsg_masker(const lmr_tagmsg *t, int which) {
  return which ? t->tag : t->joint;
}

static void set_msg(lmr_tagmsg_out *out, const char *msg, size_t len) {
  out->msg_changed = len != out->msg_len || memcmp(msg, out->msg, len) != 0;
  out->msg = msg;
  out->msg_len = len;
}

static int starts_with(const char *s, size_t len, const char *p, size_t plen, size_t sep) {
  return len >= plen + sep && memcmp(s, p, plen) == 0 && (!sep || s[plen] == ' ');
}

lm_status lmr_tagmsg_run(lmr_tagmsg *t, const char *tag, size_t tag_len, const char *msg,
                         size_t msg_len, lmr_tagmsg_out *out) {
  *out = (lmr_tagmsg_out){ .tag = tag, .tag_len = tag_len, .msg = msg, .msg_len = msg_len };
  if (tag_len == 0)
    return LM_OK;
  if (!t->joint)
    return LM_ERR_STATE;
  size_t sep = msg_len > 0 && msg[0] == ' ' ? 0 : 1;
  lmr_bytes_clear(&t->line);
  if (lmr_bytes_put(&t->line, tag, tag_len) != 0 || lmr_bytes_put(&t->line, " ", sep) != 0 ||
      lmr_bytes_put(&t->line, msg, msg_len) != 0)
    return LM_ERR_NOMEM;
  lm_masker_reset(t->joint);
  lm_line j;
  lm_status st = lm_masker_line(t->joint, t->line.data, t->line.len, &j);
  if (st != LM_OK)
    return st;
  out->flags = j.flags;
  if (!(j.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)))
    return LM_OK;
  out->secrets = j.secrets ? j.secrets : 1;
  if (j.flags & LM_LINE_DROPPED) { /* the "drop" style: both go */
    out->tag = out->msg = "";
    out->tag_len = out->msg_len = 0;
    out->tag_changed = tag_len > 0;
    out->msg_changed = msg_len > 0;
    return LM_OK;
  }
  /* the usual case: TAG untouched, the masks are in MSG */
  if (starts_with(j.text, j.len, tag, tag_len, sep)) {
    set_msg(out, j.text + tag_len + sep, j.len - tag_len - sep);
    return LM_OK;
  }
  /* a mask reaches into TAG: TAG masked alone, MSG the rest if it splits */
  lm_masker_reset(t->tag);
  lm_line g;
  st = lm_masker_line(t->tag, tag, tag_len, &g);
  if (st != LM_OK)
    return st;
  int tag_masked = (g.flags & LM_LINE_CHANGED) && !(g.flags & LM_LINE_DROPPED);
  out->tag_changed = 1;
  if (tag_masked) {
    out->tag = g.text;
    out->tag_len = g.len;
    if (starts_with(j.text, j.len, g.text, g.len, sep)) {
      set_msg(out, j.text + g.len + sep, j.len - g.len - sep);
      return LM_OK;
    }
  } else {
    out->tag = "-";
    out->tag_len = 1;
  }
  /* straddling mask: MSG carries the whole masked joint text */
  set_msg(out, j.text, j.len);
  return LM_OK;
}
