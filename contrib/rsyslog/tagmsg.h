/* SPDX-License-Identifier: Apache-2.0 */
/* TAG and MSG masked as templates write them: "%syslogtag%%msg%", with a
 * blank between when MSG does not begin with one (what
 * %msg:::sp-if-no-1st-sp% adds in rsyslog's file formats).
 *
 * A sender without a tag puts its first word in TAG: "password=x rest"
 * gives TAG "password=x", and "password: x" gives TAG "password:" and MSG
 * " x", so neither property holds the secret alone.  The host masks MSG on
 * its own first (its format, key-aware); this pass then masks the joint
 * text with the text rules and splits the result back into TAG and MSG. */
#ifndef LMR_TAGMSG_H
#define LMR_TAGMSG_H
#include <stddef.h>
#include "bytes.h"
#include "logmask.h"

typedef struct lmr_tagmsg {
  lm_masker *joint; /* TAG, blank, MSG */
  lm_masker *tag;   /* TAG alone, when a mask of the joint text reaches into it */
  lm_masker *find;  /* lmr_tagmsg_secrets (its counters are not reported) */
  lmr_bytes line;   /* the joint text of the last run */
} lmr_tagmsg;

typedef struct lmr_tagmsg_out {
  const char *tag, *msg; /* valid until the next run; unchanged ones point at the input */
  size_t tag_len, msg_len;
  int tag_changed, msg_changed;
  unsigned secrets;      /* spans masked by this pass */
  unsigned flags;        /* LM_LINE_* of the joint pass */
} lmr_tagmsg_out;

/* Two maskers over `set` (not owned), text format.  LM_OK or LM_ERR_NOMEM. */
lm_status lmr_tagmsg_init(lmr_tagmsg *t, const lm_ruleset *set);
/* Accepts a zeroed or freed t. */
void lmr_tagmsg_free(lmr_tagmsg *t);
/* Masks TAG and MSG together.  With an empty tag nothing is done (MSG was
 * masked on its own).  When a mask straddles the boundary so that the
 * result cannot be split, TAG becomes its own masked text (or "-") and MSG
 * the whole masked joint text: both masked, never a secret kept. */
lm_status lmr_tagmsg_run(lmr_tagmsg *t, const char *tag, size_t tag_len, const char *msg,
                         size_t msg_len, lmr_tagmsg_out *out);
/* After a run that changed something: where the secrets of the joint
 * text were, so that a host can take them out of copies of TAG or MSG made
 * before masking (a parser's $! fields).  *text gets the joint text (valid
 * until the next run); found/max/count as for lm_masker_find. */
lm_status lmr_tagmsg_secrets(lmr_tagmsg *t, const char **text, lm_finding *found, size_t max,
                             size_t *count);
/* Counters: the joint masker (0) and the tag masker (1). */
const lm_masker *lmr_tagmsg_masker(const lmr_tagmsg *t, int which);
#endif
