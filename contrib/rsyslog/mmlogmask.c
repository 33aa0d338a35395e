/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mmlogmask.c - rsyslog message-modification module: masks secrets in
 * every property of a message that can carry one, with liblogmask.
 *
 *   module(load="mmlogmask")
 *   action(type="mmlogmask" rules="PATH" mask="STYLE" ...)
 *
 * A thin adapter: the action instance owns one compiled lm_ruleset (shared
 * read-only by every worker, replaced as a whole on HUP), each worker owns
 * its maskers.  All matching is the library's, the $! tree included (it
 * is masked as serialised JSON by the library's JSON handler).  Counters
 * go to an rsyslog statistics object, so impstats reports them.
 *
 * Fail closed.  Every message leaves the action with $!logmask!ok: 1 when
 * each property was masked, 0 when one could not be and was replaced (MSG
 * by "[logmask: withheld]", other properties by "-" or an empty tree).  A
 * sender's own $!logmask (mmjsonparse before this action) is overwritten.
 * The shipped configuration sends every message without ok == 1 to a
 * quarantine, so a dropped action (bad parameter, a module that cannot
 * load) never lets clear text through.
 *
 * rsyslog modules have no stable ABI: this file is compiled against the
 * configured source tree of exactly the rsyslog that loads it, with that
 * tree's config.h (contrib/rsyslog/build-module.sh).
 */
#include RSYSLOG_CONFIG_H
#include "rsyslog.h"
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include "conf.h"
#include "syslogd-types.h"
#include "template.h"
#include "module-template.h"
#include "errmsg.h"
#include "msg.h"
#include "statsobj.h"
#include "stringbuf.h"

#include "logmask.h"
#include "bytes.h"
#include "rulesconf.h"
#include "sdmask.h"
#include "tagmsg.h"

MODULE_TYPE_OUTPUT
MODULE_TYPE_NOKEEP
MODULE_CNFNAME("mmlogmask")

DEF_OMOD_STATIC_DATA
DEFobjCurrIf(statsobj)

#define WITHHELD "[logmask: withheld]"

/* ---- properties ------------------------------------------------------- */

enum {
  P_MSG = 1u << 0,      /* MSG */
  P_TAG = 1u << 1,      /* TAG (syslogtag), masked together with MSG */
  P_HOSTNAME = 1u << 2,
  P_APPNAME = 1u << 3,  /* app-name, procid, msgid: RFC 5424 header fields */
  P_PROCID = 1u << 4,
  P_MSGID = 1u << 5,
  P_SD = 1u << 6,       /* structured-data */
  P_RAWMSG = 1u << 7,   /* the header part of rawmsg (its MSG part is MSG) */
  P_TREE = 1u << 8,     /* the $! tree */
  P_ALL = (1u << 9) - 1
};

static const struct {
  const char *name;
  unsigned bit;
} prop_names[] = {
  { "msg", P_MSG },           { "tag", P_TAG },         { "syslogtag", P_TAG },
  { "hostname", P_HOSTNAME }, { "app-name", P_APPNAME }, { "procid", P_PROCID },
  { "msgid", P_MSGID },       { "structured-data", P_SD }, { "rawmsg", P_RAWMSG },
  { "$!", P_TREE },
};

/* ---- instance data ------------------------------------------------------ */

/* A "rule.ID" statistics counter.  Allocated one by one and never moved,
 * so impstats can hold its address; kept for the action's life, across
 * reloads (a rule that comes back finds its counter again). */
typedef struct rule_counter {
  struct rule_counter *next;
  intctr_t value;
  char id[];
} rule_counter;

/* One compiled rule set and its per-rule counters.  Reference-counted:
 * the action holds one reference, each worker one while its maskers use
 * the set; the last release frees it. */
typedef struct generation {
  lm_ruleset *set;
  size_t rule_count;
  intctr_t **rule_ctr; /* [rule_count]; NULL with rulestats="off" */
  int refs;            /* atomic */
} generation;

typedef struct mask_counters {
  intctr_t processed;   /* messages seen */
  intctr_t masked;      /* messages changed */
  intctr_t secrets;     /* secret spans masked, all properties */
  intctr_t literals;    /* of those, known-literal occurrences (the rest: rule.ID) */
  intctr_t withheld;    /* messages with a property that could not be masked */
  intctr_t dropped;     /* messages emptied by the "drop" style */
  intctr_t limit_trips; /* properties masked whole because a regex limit tripped */
  intctr_t reloads;     /* rule sets replaced on HUP */
  intctr_t reload_failures; /* HUPs whose new rule set failed (the old one stays) */
} mask_counters;

typedef struct _instanceData {
  lmr_rulesconf conf;  /* kept: a HUP builds from it again */
  char *format;        /* MSG's format (lm_masker_set_format), NULL: "auto" */
  char *stats_name;
  unsigned props;      /* P_* */
  int rule_stats;
  pthread_mutex_t lock; /* guards cur, counters */
  generation *cur;
  unsigned gen_no;     /* atomic: bumped by each reload */
  statsobj_t *stats;
  mask_counters ctr;
  rule_counter *counters;
} instanceData;

/* The maskers of one worker, all over one generation's set. */
enum { M_MSG, M_JOINT, M_TAG, M_FIELD, M_SD, M_HDR, M_TREE, M_COUNT };

typedef struct maskers {
  lm_masker *msg;   /* MSG, in `format` */
  lmr_tagmsg tm;    /* TAG with MSG */
  lm_masker *field; /* hostname, app-name, procid, msgid */
  lmr_sdmask sd;    /* structured data */
  lm_masker *hdr;   /* rawmsg's header, as a syslog line */
  lm_masker *tree;  /* the $! tree, as JSON */
} maskers;

typedef struct wrkrInstanceData {
  instanceData *pData;
  generation *gen;     /* NULL when no maskers could be made: all withheld */
  unsigned gen_no;
  maskers mk;
  uint64_t *seen;      /* [M_COUNT * rule_count]: matches already counted */
  uint64_t seen_literals[M_COUNT];
  unsigned touched;    /* maskers that masked something in this message */
  lmr_bytes scratch, header, raw, last_host;
  /* This message's secrets as received: the values of properties that
   * were masked alone, and what the TAG-with-MSG pass found.  rawmsg's
   * header and the $! tree must not hold them any more. */
  lmr_bytes secret[16];
  size_t nsecret;
  int secrets_lost;    /* more than fit: the $! tree is withheld */
  unsigned warned_no;  /* the generation a failure to make maskers was logged for */
  int warned;
} wrkrInstanceData_t;

struct modConfData_s {
  rsconf_t *pConf;
};
static modConfData_t *loadModConf = NULL;
static modConfData_t *runModConf = NULL;

static struct cnfparamdescr actpdescr[] = {
  { "rules", eCmdHdlrArray, 0 },
  { "nodefaultrules", eCmdHdlrBinary, 0 },
  { "enable", eCmdHdlrArray, 0 },
  { "disable", eCmdHdlrArray, 0 },
  { "mask", eCmdHdlrString, 0 },
  { "format", eCmdHdlrGetWord, 0 },
  { "literals", eCmdHdlrString, 0 },
  { "hashkeyfile", eCmdHdlrString, 0 },
  { "hashkeyid", eCmdHdlrGetWord, 0 },
  { "statsname", eCmdHdlrString, 0 },
  { "rulestats", eCmdHdlrBinary, 0 },
  { "properties", eCmdHdlrArray, 0 },
};
static struct cnfparamblk actpblk = {
  CNFPARAMBLK_VERSION, sizeof(actpdescr) / sizeof(struct cnfparamdescr), actpdescr
};

static inline void ctr_add(intctr_t *ctr, uint64_t n) {
  if (n)
    __atomic_fetch_add(ctr, n, __ATOMIC_RELAXED);
}

/* ---- rule sets and their generations ------------------------------------ */

static void on_library_diag(void *ctx, lm_severity severity, const char *message) {
  const instanceData *d = ctx;
  int level = severity == LM_DIAG_ERROR ? LOG_ERR
              : severity == LM_DIAG_WARNING ? LOG_WARNING : LOG_INFO;
  LogMsg(0, RS_RET_OK, level, "mmlogmask: %s: %s", d && d->stats_name ? d->stats_name : "-",
         message);
}

/* The counter of rule `id`, made and registered with impstats when new.
 * Called with d->lock held (or before the workers exist). */
static intctr_t *rule_counter_for(instanceData *d, const char *id) {
  for (rule_counter *c = d->counters; c; c = c->next)
    if (strcmp(c->id, id) == 0)
      return &c->value;
  size_t idlen = strlen(id);
  rule_counter *c = calloc(1, sizeof *c + idlen + 1);
  if (!c)
    return NULL;
  memcpy(c->id, id, idlen + 1);
  char label[300];
  snprintf(label, sizeof label, "rule.%s", id);
  if (statsobj.AddCounter(d->stats, (uchar *)label, ctrType_IntCtr, CTR_FLAG_RESETTABLE,
                          &c->value) != RS_RET_OK) {
    free(c);
    return NULL;
  }
  c->next = d->counters;
  d->counters = c;
  return &c->value;
}

static void generation_release(generation *g) {
  if (g && __atomic_sub_fetch(&g->refs, 1, __ATOMIC_ACQ_REL) == 0) {
    lm_ruleset_free(g->set);
    free(g->rule_ctr);
    free(g);
  }
}

/* Builds a generation from d->conf.  RS_RET_OK, or an error already
 * reported in `why`. */
static rsRetVal generation_build(instanceData *d, generation **out, char *why, size_t cap) {
  *out = NULL;
  generation *g = calloc(1, sizeof *g);
  if (!g) {
    snprintf(why, cap, "out of memory");
    return RS_RET_OUT_OF_MEMORY;
  }
  if (lmr_rulesconf_build(&d->conf, on_library_diag, d, &g->set, why, cap) != LM_OK) {
    free(g);
    return RS_RET_CONFIG_ERROR;
  }
  g->refs = 1;
  g->rule_count = lm_ruleset_rule_count(g->set);
  if (d->rule_stats && g->rule_count > 0) {
    g->rule_ctr = calloc(g->rule_count, sizeof *g->rule_ctr);
    if (!g->rule_ctr) {
      generation_release(g);
      snprintf(why, cap, "out of memory");
      return RS_RET_OUT_OF_MEMORY;
    }
    pthread_mutex_lock(&d->lock);
    for (size_t i = 0; i < g->rule_count; i++) {
      const char *id = lm_ruleset_rule_id(g->set, i);
      g->rule_ctr[i] = rule_counter_for(d, id ? id : "?"); /* NULL: not counted */
    }
    pthread_mutex_unlock(&d->lock);
  }
  *out = g;
  return RS_RET_OK;
}

/* ---- maskers ------------------------------------------------------------ */

static void maskers_free(maskers *mk) {
  lm_masker_free(mk->msg);
  lmr_tagmsg_free(&mk->tm);
  lm_masker_free(mk->field);
  lmr_sdmask_free(&mk->sd);
  lm_masker_free(mk->hdr);
  lm_masker_free(mk->tree);
  memset(mk, 0, sizeof *mk);
}

static lm_masker *masker_in(const lm_ruleset *set, const char *format) {
  lm_masker *m = lm_masker_new(set);
  if (m && format && lm_masker_set_format(m, format) != LM_OK) {
    lm_masker_free(m);
    return NULL;
  }
  return m;
}

/* Every masker a worker needs; LM_OK, or the maskers are freed. */
static lm_status maskers_make(maskers *mk, const lm_ruleset *set, const char *format) {
  memset(mk, 0, sizeof *mk);
  lm_status st = LM_OK;
  if (!(mk->msg = masker_in(set, format ? format : "auto")) || !(mk->field = masker_in(set, "text")) ||
      !(mk->hdr = masker_in(set, "syslog")) || !(mk->tree = masker_in(set, "json")))
    st = LM_ERR_NOMEM;
  if (st == LM_OK)
    st = lmr_tagmsg_init(&mk->tm, set);
  if (st == LM_OK)
    st = lmr_sdmask_init(&mk->sd, set);
  if (st != LM_OK)
    maskers_free(mk);
  return st;
}

static const lm_masker *masker_at(const maskers *mk, int i) {
  switch (i) {
  case M_MSG: return mk->msg;
  case M_JOINT: return lmr_tagmsg_masker(&mk->tm, 0);
  case M_TAG: return lmr_tagmsg_masker(&mk->tm, 1);
  case M_FIELD: return mk->field;
  case M_SD: return lmr_sdmask_masker(&mk->sd);
  case M_HDR: return mk->hdr;
  default: return mk->tree;
  }
}

/* Takes the action's current generation when the worker's is older (a
 * HUP replaced it).  A worker that cannot make maskers for the new set
 * keeps its old ones; one that has none withholds every message. */
static void worker_refresh(wrkrInstanceData_t *w) {
  instanceData *d = w->pData;
  unsigned no = __atomic_load_n(&d->gen_no, __ATOMIC_ACQUIRE);
  if (w->gen && no == w->gen_no)
    return;
  pthread_mutex_lock(&d->lock);
  generation *g = d->cur;
  no = d->gen_no;
  if (g)
    __atomic_add_fetch(&g->refs, 1, __ATOMIC_ACQ_REL);
  pthread_mutex_unlock(&d->lock);
  if (!g)
    return;
  maskers mk;
  uint64_t *seen = calloc(M_COUNT * (g->rule_count ? g->rule_count : 1), sizeof *seen);
  if (!seen || maskers_make(&mk, g->set, d->format) != LM_OK) {
    free(seen);
    generation_release(g);
    if (!w->warned || w->warned_no != no) { /* tried again at each message, said once */
      LogError(0, RS_RET_OUT_OF_MEMORY, "mmlogmask: %s: a worker cannot make maskers for %s",
               d->stats_name, w->gen ? "the reloaded rules; it keeps the previous ones"
                                     : "the rules; its messages are withheld");
      w->warned = 1;
      w->warned_no = no;
    }
    return;
  }
  maskers_free(&w->mk);
  generation_release(w->gen);
  free(w->seen);
  w->mk = mk;
  w->gen = g;
  w->gen_no = no;
  w->seen = seen;
  memset(w->seen_literals, 0, sizeof w->seen_literals);
  lmr_bytes_clear(&w->last_host); /* clean under the old rules only */
}

/* ---- counting ----------------------------------------------------------- */

/* After a message: moves the new rule and literal matches of the maskers
 * that changed something into the shared counters.  The library counts
 * each masked secret once, under its rule (the sensitive-key and limit
 * labels are rules too) or as a literal. */
static void publish(wrkrInstanceData_t *w, unsigned secrets, unsigned limit_trips) {
  instanceData *d = w->pData;
  generation *g = w->gen;
  for (int k = 0; k < M_COUNT; k++) {
    if (!(w->touched & (1u << k)))
      continue;
    const lm_masker *m = masker_at(&w->mk, k);
    uint64_t *seen = w->seen + (size_t)k * g->rule_count;
    for (size_t i = 0; i < g->rule_count; i++) {
      lm_rule_stats rs;
      lm_masker_rule_stats(m, i, &rs);
      if (rs.id && rs.matches > seen[i]) {
        if (g->rule_ctr && g->rule_ctr[i])
          ctr_add(g->rule_ctr[i], rs.matches - seen[i]);
        seen[i] = rs.matches;
      }
    }
    lm_totals t;
    lm_masker_totals(m, &t);
    if (t.literal_matches > w->seen_literals[k]) {
      ctr_add(&d->ctr.literals, t.literal_matches - w->seen_literals[k]);
      w->seen_literals[k] = t.literal_matches;
    }
  }
  ctr_add(&d->ctr.secrets, secrets);
  ctr_add(&d->ctr.limit_trips, limit_trips);
}

/* ---- one message -------------------------------------------------------- */

typedef struct outcome {
  unsigned secrets, limit_trips;
  int changed, dropped;
  const char *failed; /* the first property that could not be masked */
} outcome;

/* Records one masking result: counts, and which masker worked. */
static void note(wrkrInstanceData_t *w, outcome *o, int masker, const lm_line *res) {
  if (!(res->flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)))
    return;
  w->touched |= 1u << masker;
  o->changed = 1;
  o->secrets += res->secrets ? res->secrets : 1;
  if (res->flags & LM_LINE_LIMIT)
    o->limit_trips++;
  if (res->flags & LM_LINE_DROPPED)
    o->dropped = 1;
}

static void failed(outcome *o, const char *prop) {
  if (!o->failed)
    o->failed = prop;
  o->changed = 1;
}

/* Keeps one of this message's secrets as received (see secret[]). */
static void keep_secret(wrkrInstanceData_t *w, const char *text, size_t len) {
  if (len == 0)
    return;
  lmr_bytes *b = w->nsecret < sizeof w->secret / sizeof *w->secret ? &w->secret[w->nsecret] : NULL;
  if (b)
    lmr_bytes_clear(b);
  if (b && lmr_bytes_put(b, text, len) == 0)
    w->nsecret++;
  else
    w->secrets_lost = 1;
}

/* The secrets only TAG and MSG together revealed ("password:" in TAG, the
 * value in MSG): a parser before the action may have copied the value
 * alone into $!, where nothing marks it as a secret. */
static void keep_joint_secrets(wrkrInstanceData_t *w) {
  lm_finding found[8];
  size_t n = 0;
  const char *text;
  if (lmr_tagmsg_secrets(&w->mk.tm, &text, found, 8, &n) != LM_OK || n > 8) {
    w->secrets_lost = 1;
    return;
  }
  for (size_t i = 0; i < n; i++)
    keep_secret(w, text + found[i].start, found[i].end - found[i].start);
}

/* rsyslog keeps the program name (and, for RFC 3164, app-name and procid)
 * derived from TAG once asked: after TAG changed they are derived again. */
static void tag_changed(smsg_t *pMsg) {
  if (pMsg->iLenPROGNAME >= CONF_PROGNAME_BUFSIZE)
    free(pMsg->PROGNAME.ptr);
  pMsg->iLenPROGNAME = -1;
  if (msgGetProtocolVersion(pMsg) == 0) {
    if (pMsg->pCSAPPNAME)
      rsCStrDestruct(&pMsg->pCSAPPNAME);
    if (pMsg->pCSPROCID)
      rsCStrDestruct(&pMsg->pCSPROCID);
  }
}

/* Replaces MSG; falls back to the withheld text, then to an empty MSG
 * (which never allocates), so a failed replacement keeps no secret. */
static void replace_msg(smsg_t *msg, const char *text, size_t len) {
  if (len <= INT_MAX && MsgReplaceMSG(msg, (const uchar *)text, (int)len) == RS_RET_OK)
    return;
  if (MsgReplaceMSG(msg, (const uchar *)WITHHELD, (int)strlen(WITHHELD)) == RS_RET_OK)
    return;
  MsgReplaceMSG(msg, (const uchar *)"", 0);
}

/* MSG alone (in `format`, key-aware), then TAG and MSG as templates write
 * them. */
static void mask_msg_tag(wrkrInstanceData_t *w, smsg_t *pMsg, unsigned props, outcome *o) {
  const char *msg = (const char *)getMSG(pMsg);
  int mlen = getMSGLen(pMsg);
  size_t msg_len = mlen > 0 ? (size_t)mlen : 0;
  if (!msg)
    msg = "";
  const char *m1 = msg;
  size_t m1_len = msg_len;
  lm_line res;
  if (props & P_MSG) {
    lm_status st = lm_masker_line(w->mk.msg, msg, msg_len, &res);
    if (st != LM_OK) {
      failed(o, "msg");
      m1 = WITHHELD;
      m1_len = strlen(WITHHELD);
    } else if (res.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)) {
      note(w, o, M_MSG, &res);
      m1 = res.flags & LM_LINE_DROPPED ? "" : res.text;
      m1_len = res.flags & LM_LINE_DROPPED ? 0 : res.len;
    }
  }
  uchar *tag = NULL;
  int tlen = 0;
  if (props & P_TAG)
    getTAG(pMsg, &tag, &tlen, LOCK_MUTEX);
  lmr_tagmsg_out tm = { .tag = (const char *)tag, .tag_len = tlen > 0 ? (size_t)tlen : 0,
                        .msg = m1, .msg_len = m1_len };
  if (tlen > 0) {
    /* without "msg", TAG is masked alone and MSG left as it is */
    lm_status st = props & P_MSG
                   ? lmr_tagmsg_run(&w->mk.tm, (const char *)tag, (size_t)tlen, m1, m1_len, &tm)
                   : lmr_tagmsg_run(&w->mk.tm, (const char *)tag, (size_t)tlen, "", 0, &tm);
    if (st != LM_OK) {
      failed(o, "tag");
      tm = (lmr_tagmsg_out){ .tag = "-", .tag_len = 1, .tag_changed = 1, .msg = m1,
                             .msg_len = m1_len };
    } else if (tm.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)) {
      lm_line joint = { .flags = tm.flags, .secrets = tm.secrets };
      note(w, o, M_JOINT, &joint);
      w->touched |= 1u << M_TAG;
      keep_joint_secrets(w);
    }
    if (!(props & P_MSG))
      tm.msg = m1, tm.msg_len = m1_len;
  }
  if (tm.tag_changed) {
    keep_secret(w, (const char *)tag, (size_t)tlen);
    MsgSetTAG(pMsg, (const uchar *)tm.tag, tm.tag_len);
    tag_changed(pMsg);
  }
  if (tm.msg != msg)
    replace_msg(pMsg, tm.msg, tm.msg_len);
}

/* A one-word property masked alone.  Returns the text to store, or NULL
 * when it stays; "-" when it could not be masked. */
static const char *mask_word(wrkrInstanceData_t *w, const char *text, size_t len,
                             const char *prop, outcome *o, size_t *out_len) {
  if (len == 0 || (len == 1 && text[0] == '-'))
    return NULL;
  lm_masker_reset(w->mk.field);
  lm_line res;
  if (lm_masker_line(w->mk.field, text, len, &res) != LM_OK) {
    failed(o, prop);
    *out_len = 1;
    return "-";
  }
  if (!(res.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)))
    return NULL;
  note(w, o, M_FIELD, &res);
  keep_secret(w, text, len);
  lmr_bytes_clear(&w->scratch);
  if (res.flags & LM_LINE_DROPPED || lmr_bytes_put(&w->scratch, res.text, res.len) != 0) {
    *out_len = 1;
    return "-";
  }
  *out_len = w->scratch.len;
  return w->scratch.data; /* NUL-terminated for rsyslog's setters */
}

static void mask_hostname(wrkrInstanceData_t *w, smsg_t *pMsg, outcome *o) {
  const char *host = getHOSTNAME(pMsg);
  int hlen = getHOSTNAMELen(pMsg);
  if (!host || hlen <= 0)
    return;
  /* most messages of a collector repeat a few host names */
  if (w->last_host.len == (size_t)hlen && memcmp(w->last_host.data, host, (size_t)hlen) == 0)
    return;
  size_t len;
  const char *masked = mask_word(w, host, (size_t)hlen, "hostname", o, &len);
  if (masked) {
    MsgSetHOSTNAME(pMsg, (const uchar *)masked, (int)len);
    return;
  }
  lmr_bytes_clear(&w->last_host);
  if (lmr_bytes_put(&w->last_host, host, (size_t)hlen) != 0)
    lmr_bytes_clear(&w->last_host);
}

/* app-name, procid and msgid as they are stored (RFC 5424, or derived and
 * kept): one that was never set or derived has nothing to mask. */
static void mask_header_words(wrkrInstanceData_t *w, smsg_t *pMsg, unsigned props, outcome *o) {
  size_t len;
  const char *masked;
  if ((props & P_APPNAME) && pMsg->pCSAPPNAME &&
      (masked = mask_word(w, (const char *)rsCStrGetSzStrNoNULL(pMsg->pCSAPPNAME),
                          rsCStrLen(pMsg->pCSAPPNAME), "app-name", o, &len)))
    MsgSetAPPNAME(pMsg, masked);
  if ((props & P_PROCID) && pMsg->pCSPROCID &&
      (masked = mask_word(w, (const char *)rsCStrGetSzStrNoNULL(pMsg->pCSPROCID),
                          rsCStrLen(pMsg->pCSPROCID), "procid", o, &len)))
    MsgSetPROCID(pMsg, masked);
  if ((props & P_MSGID) && pMsg->pCSMSGID &&
      (masked = mask_word(w, (const char *)rsCStrGetSzStrNoNULL(pMsg->pCSMSGID),
                          rsCStrLen(pMsg->pCSMSGID), "msgid", o, &len)))
    MsgSetMSGID(pMsg, masked);
}

static void mask_sd(wrkrInstanceData_t *w, smsg_t *pMsg, outcome *o) {
  uchar *sd;
  rs_size_t len;
  MsgGetStructuredData(pMsg, &sd, &len);
  if (!sd || len <= 0 || (len == 1 && sd[0] == '-'))
    return;
  lm_line res;
  lm_status st = lmr_sdmask_run(&w->mk.sd, (const char *)sd, (size_t)len, &res);
  if (st != LM_OK) {
    failed(o, "structured-data");
    keep_secret(w, (const char *)sd, (size_t)len);
    MsgSetStructuredData(pMsg, "-");
    return;
  }
  if (!(res.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)))
    return;
  note(w, o, M_SD, &res);
  keep_secret(w, (const char *)sd, (size_t)len);
  lmr_bytes_clear(&w->scratch);
  if (res.flags & LM_LINE_DROPPED || lmr_bytes_put(&w->scratch, res.text, res.len) != 0 ||
      MsgSetStructuredData(pMsg, w->scratch.data) != RS_RET_OK)
    MsgSetStructuredData(pMsg, "-");
}

/* Replaces each kept secret still in the header with "-".  Returns 0, or
 * -1 when one cannot be taken out. */
static int scrub_header(wrkrInstanceData_t *w, lmr_bytes *hdr) {
  if (w->secrets_lost)
    return -1;
  for (size_t k = 0; k < w->nsecret; k++) {
    const lmr_bytes *orig = &w->secret[k];
    for (int rounds = 0; rounds < 8; rounds++) {
      char *at = memmem(hdr->data, hdr->len, orig->data, orig->len);
      if (!at)
        break;
      size_t pos = (size_t)(at - hdr->data);
      lmr_bytes_clear(&w->raw);
      if (lmr_bytes_put(&w->raw, hdr->data, pos) != 0 || lmr_bytes_put(&w->raw, "-", 1) != 0 ||
          lmr_bytes_put(&w->raw, at + orig->len, hdr->len - pos - orig->len) != 0)
        return -1;
      lmr_bytes_clear(hdr);
      if (lmr_bytes_put(hdr, w->raw.data, w->raw.len) != 0)
        return -1;
    }
    if (memmem(hdr->data, hdr->len, orig->data, orig->len))
      return -1;
  }
  return 0;
}

/* rawmsg is the received header followed by MSG (rsyslog rebuilt it when
 * MSG was replaced).  The header is masked as a syslog line; a property
 * that was masked but whose received value is still in it is cut out;
 * when neither works the header goes and rawmsg is MSG alone. */
static void mask_rawmsg(wrkrInstanceData_t *w, smsg_t *pMsg, outcome *o) {
  uchar *raw;
  int rawlen;
  getRawMsg(pMsg, &raw, &rawlen);
  int off = pMsg->offMSG;
  if (!raw || off <= 0 || off > rawlen)
    return;
  lm_masker_reset(w->mk.hdr);
  lm_line res;
  lm_status st = lm_masker_line(w->mk.hdr, (const char *)raw, (size_t)off, &res);
  lmr_bytes_clear(&w->header);
  int header_ok = 1;
  if (st != LM_OK) {
    failed(o, "rawmsg");
    header_ok = 0;
  } else {
    note(w, o, M_HDR, &res);
    if (res.flags & LM_LINE_DROPPED)
      header_ok = 0;
    else if (lmr_bytes_put(&w->header, res.text, res.len) != 0 || scrub_header(w, &w->header) != 0)
      header_ok = 0;
  }
  if (header_ok && !(res.flags & LM_LINE_CHANGED) && w->header.len == (size_t)off &&
      memcmp(w->header.data, raw, (size_t)off) == 0)
    return;
  if (!header_ok)
    lmr_bytes_clear(&w->header);
  size_t hlen = w->header.len;
  if (lmr_bytes_put(&w->header, (const char *)raw + off, (size_t)(rawlen - off)) != 0) {
    /* no room for the new rawmsg: keep MSG alone */
    lmr_bytes_clear(&w->header);
    if (lmr_bytes_put(&w->header, (const char *)raw + off, (size_t)(rawlen - off)) != 0) {
      failed(o, "rawmsg");
      MsgSetRawMsg(pMsg, WITHHELD, strlen(WITHHELD));
      MsgSetMSGoffs(pMsg, 0);
      return;
    }
    hlen = 0;
  }
  o->changed = 1;
  MsgSetRawMsg(pMsg, w->header.data, w->header.len);
  MsgSetMSGoffs(pMsg, (int)hlen);
}

/* A string with every kept secret replaced by the withheld text, into
 * w->scratch; 0 when it holds none, 1 when replaced, -1 out of memory. */
static int scrub_string(wrkrInstanceData_t *w, const char *s, size_t len) {
  int hit = 0;
  /* a secret inside the withheld text would make every replacement hold
   * it again: such a message's tree is withheld whole (the caller) */
  for (size_t k = 0; k < w->nsecret; k++)
    if (memmem(WITHHELD, strlen(WITHHELD), w->secret[k].data, w->secret[k].len))
      return -1;
  lmr_bytes_clear(&w->scratch);
  for (size_t i = 0; i < len;) {
    size_t k;
    for (k = 0; k < w->nsecret; k++) {
      const lmr_bytes *x = &w->secret[k];
      if (x->len <= len - i && memcmp(s + i, x->data, x->len) == 0)
        break;
    }
    if (k < w->nsecret) {
      if (lmr_bytes_put(&w->scratch, WITHHELD, strlen(WITHHELD)) != 0)
        return -1;
      i += w->secret[k].len;
      hit = 1;
    } else {
      if (lmr_bytes_put(&w->scratch, s + i, 1) != 0)
        return -1;
      i++;
    }
  }
  return hit;
}

/* The replacement for a string value holding a kept secret, or NULL when
 * it holds none; *err set when it could not be made. */
static struct json_object *scrubbed(wrkrInstanceData_t *w, struct json_object *v, int *err) {
  if (!json_object_is_type(v, json_type_string))
    return NULL;
  int r = scrub_string(w, json_object_get_string(v), (size_t)json_object_get_string_len(v));
  struct json_object *n = r == 1 && w->scratch.len <= INT_MAX
                          ? json_object_new_string_len(w->scratch.data, (int)w->scratch.len)
                          : NULL;
  if (r < 0 || (r == 1 && !n))
    *err = 1;
  return n;
}

/* Takes the kept secrets out of every string of the tree.  0, or -1 when
 * it could not (out of memory, nesting deeper than rsyslog makes).
 * Members are replaced after the walk over their object, never during. */
static int scrub_tree(wrkrInstanceData_t *w, struct json_object *o, int depth) {
  int err = 0;
  if (depth > 128)
    return -1;
  if (json_object_is_type(o, json_type_array)) {
    for (size_t i = 0; !err && i < (size_t)json_object_array_length(o); i++) {
      struct json_object *v = json_object_array_get_idx(o, i);
      struct json_object *n = scrubbed(w, v, &err);
      if (n)
        json_object_array_put_idx(o, i, n);
      else if (!err && scrub_tree(w, v, depth + 1) != 0)
        err = 1;
    }
    return err ? -1 : 0;
  }
  if (!json_object_is_type(o, json_type_object))
    return 0;
  for (;;) {
    const char *key = NULL;
    struct json_object *n = NULL;
    struct json_object_iterator it = json_object_iter_begin(o);
    struct json_object_iterator end = json_object_iter_end(o);
    for (; !err && !n && !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
      struct json_object *v = json_object_iter_peek_value(&it);
      if ((n = scrubbed(w, v, &err)) != NULL)
        key = json_object_iter_peek_name(&it);
      else if (!err && scrub_tree(w, v, depth + 1) != 0)
        err = 1;
    }
    if (err || !n)
      return err ? -1 : 0;
    /* one member replaced, then the walk starts again: a replaced value
     * holds no kept secret (none is part of the withheld text, see
     * scrub_string), so each round leaves one string fewer to replace */
    json_object_object_add(o, key, n);
  }
}

/* {"ok":1} and, when there are some, "masked", "dropped", "error".  Keys
 * are constants (libfastjson copies none): this runs for every message. */
static struct json_object *marker_new(const outcome *o) {
  enum { NEW_CONST = JSON_C_OBJECT_KEY_IS_CONSTANT | JSON_C_OBJECT_ADD_KEY_IS_NEW };
  struct json_object *m = json_object_new_object();
  struct json_object *ok = json_object_new_int(o->failed ? 0 : 1);
  if (!m || !ok) {
    json_object_put(m);
    json_object_put(ok);
    return NULL;
  }
  json_object_object_add_ex(m, "ok", ok, NEW_CONST);
  if (!o->failed && o->secrets)
    json_object_object_add_ex(m, "masked", json_object_new_int((int)o->secrets), NEW_CONST);
  if (o->dropped)
    json_object_object_add_ex(m, "dropped", json_object_new_int(1), NEW_CONST);
  if (o->failed)
    json_object_object_add_ex(m, "error", json_object_new_string(o->failed), NEW_CONST);
  return m;
}

/* The $! tree: serialised, masked by the library's JSON handler (sensitive
 * key names, rules on every value), parsed back and put in place; then the
 * marker $!logmask replaces whatever stood there.  Both under the
 * message's lock, so no other thread sees the unmasked tree half-way. */
static void mask_tree_and_mark(wrkrInstanceData_t *w, smsg_t *pMsg, unsigned props,
                               outcome *o) {
  pthread_mutex_lock(&pMsg->mut);
  struct json_object *root = pMsg->json;
  if ((props & P_TREE) && root) {
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
    lm_line res;
    lm_status st = text ? lm_masker_line(w->mk.tree, text, strlen(text), &res) : LM_ERR_NOMEM;
    struct json_object *masked = NULL;
    if (st == LM_OK && (res.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED))) {
      note(w, o, M_TREE, &res);
      if (!(res.flags & LM_LINE_DROPPED)) {
        struct json_tokener *tok = json_tokener_new();
        if (tok && res.len <= INT_MAX) {
          masked = json_tokener_parse_ex(tok, res.text, (int)res.len);
          if (masked && (fjson_tokener_get_error(tok) != fjson_tokener_success ||
                         tok->char_offset != (int)res.len ||
                         !json_object_is_type(masked, json_type_object))) {
            json_object_put(masked);
            masked = NULL;
          }
        }
        if (tok)
          json_tokener_free(tok);
        if (!masked)
          failed(o, "$!");
      }
      json_object_put(root);
      root = pMsg->json = masked ? masked : json_object_new_object();
    } else if (st != LM_OK) {
      failed(o, "$!");
      json_object_put(root);
      root = pMsg->json = json_object_new_object();
    }
  }
  if ((props & P_TREE) && root && (w->nsecret || w->secrets_lost)) {
    json_object_object_del(root, "logmask");
    if (w->secrets_lost || scrub_tree(w, root, 0) != 0) {
      failed(o, "$!");
      json_object_put(root);
      root = pMsg->json = json_object_new_object();
    }
  }
  if (!root)
    root = pMsg->json = json_object_new_object();
  struct json_object *mark = marker_new(o);
  if (root && mark) /* replaces a forged one */
    json_object_object_add_ex(root, "logmask", mark, JSON_C_OBJECT_KEY_IS_CONSTANT);
  else
    json_object_put(mark);
  pthread_mutex_unlock(&pMsg->mut);
}

/* Every property withheld: the worker has no maskers. */
static void withhold_all(smsg_t *pMsg, unsigned props, outcome *o) {
  failed(o, "config");
  if (props & P_MSG)
    replace_msg(pMsg, WITHHELD, strlen(WITHHELD));
  if (props & P_TAG) {
    MsgSetTAG(pMsg, (const uchar *)"-", 1);
    tag_changed(pMsg);
  }
  if (props & P_SD)
    MsgSetStructuredData(pMsg, "-");
  if (props & P_RAWMSG) {
    uchar *msg = getMSG(pMsg);
    int len = getMSGLen(pMsg);
    char *copy = len >= 0 ? strndup((const char *)msg, (size_t)len) : NULL;
    MsgSetRawMsg(pMsg, copy ? copy : "", copy ? (size_t)len : 0);
    MsgSetMSGoffs(pMsg, 0);
    free(copy);
  }
  if (props & P_TREE) {
    pthread_mutex_lock(&pMsg->mut);
    json_object_put(pMsg->json);
    pMsg->json = NULL;
    pthread_mutex_unlock(&pMsg->mut);
  }
}

/* ---- statistics ----------------------------------------------------------- */

static rsRetVal add_counter(instanceData *d, const char *name, intctr_t *ctr) {
  *ctr = 0;
  return statsobj.AddCounter(d->stats, (const uchar *)name, ctrType_IntCtr,
                             CTR_FLAG_RESETTABLE, ctr);
}

static rsRetVal set_up_stats(instanceData *d) {
  DEFiRet;
  CHKiRet(statsobj.Construct(&d->stats));
  CHKiRet(statsobj.SetName(d->stats, (uchar *)d->stats_name));
  CHKiRet(statsobj.SetOrigin(d->stats, (uchar *)"mmlogmask"));
  CHKiRet(add_counter(d, "processed", &d->ctr.processed));
  CHKiRet(add_counter(d, "masked", &d->ctr.masked));
  CHKiRet(add_counter(d, "secrets", &d->ctr.secrets));
  CHKiRet(add_counter(d, "literals", &d->ctr.literals));
  CHKiRet(add_counter(d, "withheld", &d->ctr.withheld));
  CHKiRet(add_counter(d, "dropped", &d->ctr.dropped));
  CHKiRet(add_counter(d, "limit_trips", &d->ctr.limit_trips));
  CHKiRet(add_counter(d, "reloads", &d->ctr.reloads));
  CHKiRet(add_counter(d, "reload_failures", &d->ctr.reload_failures));
  CHKiRet(statsobj.ConstructFinalize(d->stats));
finalize_it:
  RETiRet;
}

/* ---- module entry points ------------------------------------------------ */

BEGINbeginCnfLoad
CODESTARTbeginCnfLoad
  loadModConf = pModConf;
  pModConf->pConf = pConf;
ENDbeginCnfLoad

BEGINendCnfLoad
CODESTARTendCnfLoad
ENDendCnfLoad

BEGINcheckCnf
CODESTARTcheckCnf
ENDcheckCnf

BEGINactivateCnf
CODESTARTactivateCnf
  runModConf = pModConf;
ENDactivateCnf

BEGINfreeCnf
CODESTARTfreeCnf
ENDfreeCnf

BEGINcreateInstance
CODESTARTcreateInstance
  pthread_mutex_init(&pData->lock, NULL);
  pData->props = P_ALL;
  pData->rule_stats = 1;
ENDcreateInstance

BEGINcreateWrkrInstance
CODESTARTcreateWrkrInstance
  /* a worker without maskers withholds every message (doAction) */
  worker_refresh(pWrkrData);
ENDcreateWrkrInstance

BEGINfreeWrkrInstance
CODESTARTfreeWrkrInstance
  maskers_free(&pWrkrData->mk);
  generation_release(pWrkrData->gen);
  free(pWrkrData->seen);
  lmr_bytes_free(&pWrkrData->scratch);
  lmr_bytes_free(&pWrkrData->header);
  lmr_bytes_free(&pWrkrData->raw);
  lmr_bytes_free(&pWrkrData->last_host);
  for (size_t i = 0; i < sizeof pWrkrData->secret / sizeof *pWrkrData->secret; i++)
    lmr_bytes_free(&pWrkrData->secret[i]);
ENDfreeWrkrInstance

BEGINisCompatibleWithFeature
CODESTARTisCompatibleWithFeature
ENDisCompatibleWithFeature

BEGINfreeInstance
CODESTARTfreeInstance
  if (pData->stats)
    statsobj.Destruct(&pData->stats);
  generation_release(pData->cur);
  for (rule_counter *c = pData->counters, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  lmr_rulesconf_free(&pData->conf);
  free(pData->format);
  free(pData->stats_name);
  pthread_mutex_destroy(&pData->lock);
ENDfreeInstance

BEGINdbgPrintInstInfo
CODESTARTdbgPrintInstInfo
  DBGPRINTF("mmlogmask: %s, format %s, properties 0x%x\n", pData->stats_name,
            pData->format ? pData->format : "auto", pData->props);
ENDdbgPrintInstInfo

BEGINtryResume
CODESTARTtryResume
ENDtryResume

/* HUP: the rule set is built again from the same settings (rule files,
 * literals, key).  On success it replaces the old one, which each worker
 * lets go at its next message; on failure the old one stays. */
BEGINdoHUP
  char why[512];
  generation *g = NULL;
CODESTARTdoHUP
  if (generation_build(pData, &g, why, sizeof why) != RS_RET_OK) {
    ctr_add(&pData->ctr.reload_failures, 1);
    LogError(0, RS_RET_CONFIG_ERROR,
             "mmlogmask: %s: HUP: the rules could not be reloaded, the previous rules stay "
             "in use: %s", pData->stats_name, why);
    FINALIZE;
  }
  pthread_mutex_lock(&pData->lock);
  generation *old = pData->cur;
  pData->cur = g;
  __atomic_add_fetch(&pData->gen_no, 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&pData->lock);
  generation_release(old);
  ctr_add(&pData->ctr.reloads, 1);
  LogMsg(0, RS_RET_OK, LOG_INFO, "mmlogmask: %s: HUP: rules reloaded: %zu rules, %zu literals",
         pData->stats_name, g->rule_count, lm_ruleset_literal_count(g->set));
finalize_it:
ENDdoHUP

/* Copies a config array's strings into a list. */
static rsRetVal add_strings(lmr_strings *to, struct cnfarray *ar) {
  for (int i = 0; ar && i < ar->nmemb; i++) {
    char *s = es_str2cstr(ar->arr[i], NULL);
    int r = s ? lmr_strings_add(to, s) : -1;
    free(s);
    if (r != 0)
      return RS_RET_OUT_OF_MEMORY;
  }
  return RS_RET_OK;
}

static rsRetVal read_properties(instanceData *d, struct cnfarray *ar) {
  d->props = 0;
  for (int i = 0; i < ar->nmemb; i++) {
    char *s = es_str2cstr(ar->arr[i], NULL);
    if (!s)
      return RS_RET_OUT_OF_MEMORY;
    unsigned bit = 0;
    if (strcmp(s, "all") == 0)
      bit = P_ALL;
    for (size_t k = 0; !bit && k < sizeof prop_names / sizeof *prop_names; k++)
      if (strcasecmp(s, prop_names[k].name) == 0)
        bit = prop_names[k].bit;
    if (!bit) {
      LogError(0, RS_RET_CONFIG_ERROR,
               "mmlogmask: properties: \"%s\" is not one of msg, tag, hostname, app-name, "
               "procid, msgid, structured-data, rawmsg, $!, all", s);
      free(s);
      return RS_RET_CONFIG_ERROR;
    }
    d->props |= bit;
    free(s);
  }
  return RS_RET_OK;
}

static rsRetVal read_settings(struct cnfparamvals *pvals, instanceData *d) {
  DEFiRet;
  for (int i = 0; i < actpblk.nParams; i++) {
    if (!pvals[i].bUsed)
      continue;
    const char *name = actpblk.descr[i].name;
    char **str = NULL;
    if (!strcmp(name, "rules")) {
      CHKiRet(add_strings(&d->conf.rules, pvals[i].val.d.ar));
    } else if (!strcmp(name, "enable")) {
      CHKiRet(add_strings(&d->conf.enable, pvals[i].val.d.ar));
    } else if (!strcmp(name, "disable")) {
      CHKiRet(add_strings(&d->conf.disable, pvals[i].val.d.ar));
    } else if (!strcmp(name, "properties")) {
      CHKiRet(read_properties(d, pvals[i].val.d.ar));
    } else if (!strcmp(name, "nodefaultrules"))
      d->conf.no_default_rules = (int)pvals[i].val.d.n;
    else if (!strcmp(name, "rulestats"))
      d->rule_stats = (int)pvals[i].val.d.n;
    else if (!strcmp(name, "mask"))
      str = &d->conf.mask;
    else if (!strcmp(name, "format"))
      str = &d->format;
    else if (!strcmp(name, "literals"))
      str = &d->conf.literals;
    else if (!strcmp(name, "hashkeyfile"))
      str = &d->conf.hash_key_file;
    else if (!strcmp(name, "hashkeyid"))
      str = &d->conf.hash_key_id;
    else if (!strcmp(name, "statsname"))
      str = &d->stats_name;
    if (str && !(*str = es_str2cstr(pvals[i].val.d.estr, NULL)))
      ABORT_FINALIZE(RS_RET_OUT_OF_MEMORY);
  }
finalize_it:
  RETiRet;
}

/* A queue of the action's own puts the module on a copy of the message
 * that no later action sees: the output would be unmasked while the
 * counters say masked.  Only "Direct" (the default) is accepted. */
static rsRetVal refuse_action_queue(struct nvlst *lst) {
  for (struct nvlst *n = lst; n; n = n->next) {
    char *name = es_str2cstr(n->name, NULL);
    int is_type = name && strcasecmp(name, "queue.type") == 0;
    free(name);
    if (!is_type || n->val.datatype != 'S')
      continue;
    char *value = es_str2cstr(n->val.d.estr, NULL);
    int direct = value && strcasecmp(value, "direct") == 0;
    if (!direct)
      LogError(0, RS_RET_CONFIG_ERROR,
               "mmlogmask: queue.type=\"%s\" on the mmlogmask action: the action would mask "
               "a copy of each message and the later actions would write it unmasked; put "
               "queue settings on the ruleset() instead (action refused)",
               value ? value : "?");
    free(value);
    if (!direct)
      return RS_RET_CONFIG_ERROR;
  }
  return RS_RET_OK;
}

/* A throw-away masker checks the format name at load time, so a typo
 * refuses the action instead of withholding every message later. */
static rsRetVal check_format(const instanceData *d) {
  if (!d->format)
    return RS_RET_OK;
  lm_masker *m = lm_masker_new(d->cur->set);
  if (!m)
    return RS_RET_OUT_OF_MEMORY;
  lm_status st = lm_masker_set_format(m, d->format);
  lm_masker_free(m);
  if (st != LM_OK) {
    LogError(0, RS_RET_CONFIG_ERROR, "mmlogmask: format \"%s\": %s", d->format, lm_strerror(st));
    return RS_RET_CONFIG_ERROR;
  }
  return RS_RET_OK;
}

BEGINnewActInst
  struct cnfparamvals *pvals = NULL;
  char why[512];
CODESTARTnewActInst
  if ((pvals = nvlstGetParams(lst, &actpblk, NULL)) == NULL)
    ABORT_FINALIZE(RS_RET_MISSING_CNFPARAMS);
  CODE_STD_STRING_REQUESTnewActInst(1)
  CHKiRet(OMSRsetEntry(*ppOMSR, 0, NULL, OMSR_TPL_AS_MSG));
  CHKiRet(refuse_action_queue(lst));
  CHKiRet(createInstance(&pData));
  CHKiRet(read_settings(pvals, pData));
  if (!pData->stats_name)
    CHKmalloc(pData->stats_name = strdup("mmlogmask"));
  CHKiRet(set_up_stats(pData));
  if ((iRet = generation_build(pData, &pData->cur, why, sizeof why)) != RS_RET_OK) {
    LogError(0, iRet, "mmlogmask: %s", why);
    FINALIZE;
  }
  CHKiRet(check_format(pData));
  LogMsg(0, RS_RET_OK, LOG_INFO, "mmlogmask: %s: liblogmask %s, %zu rules, %zu literals",
         pData->stats_name, lm_version(), pData->cur->rule_count,
         lm_ruleset_literal_count(pData->cur->set));
CODE_STD_FINALIZERnewActInst
  if (pvals)
    cnfparamvalsDestruct(pvals, &actpblk);
ENDnewActInst

BEGINdoAction_NoStrings
  smsg_t **ppMsg = (smsg_t **)pMsgData;
  smsg_t *pMsg = ppMsg[0];
  instanceData *d = pWrkrData->pData;
  outcome o = { 0 };
CODESTARTdoAction
  ctr_add(&d->ctr.processed, 1);
  worker_refresh(pWrkrData);
  pWrkrData->touched = 0;
  pWrkrData->nsecret = 0;
  pWrkrData->secrets_lost = 0;
  unsigned props = d->props;
  if (!pWrkrData->gen) {
    withhold_all(pMsg, props, &o);
  } else {
    if (props & (P_MSG | P_TAG))
      mask_msg_tag(pWrkrData, pMsg, props, &o);
    if (props & P_HOSTNAME)
      mask_hostname(pWrkrData, pMsg, &o);
    if (props & (P_APPNAME | P_PROCID | P_MSGID))
      mask_header_words(pWrkrData, pMsg, props, &o);
    if (props & P_SD)
      mask_sd(pWrkrData, pMsg, &o);
    if (props & P_RAWMSG)
      mask_rawmsg(pWrkrData, pMsg, &o);
  }
  mask_tree_and_mark(pWrkrData, pMsg, props, &o);
  if (o.changed)
    ctr_add(&d->ctr.masked, 1);
  if (o.failed)
    ctr_add(&d->ctr.withheld, 1);
  if (o.dropped)
    ctr_add(&d->ctr.dropped, 1);
  if (pWrkrData->touched)
    publish(pWrkrData, o.secrets, o.limit_trips);
ENDdoAction

NO_LEGACY_CONF_parseSelectorAct

BEGINmodExit
CODESTARTmodExit
  objRelease(statsobj, CORE_COMPONENT);
ENDmodExit

BEGINqueryEtryPt
CODESTARTqueryEtryPt
CODEqueryEtryPt_STD_OMOD_QUERIES
CODEqueryEtryPt_STD_OMOD8_QUERIES
CODEqueryEtryPt_STD_CONF2_QUERIES
CODEqueryEtryPt_STD_CONF2_OMOD_QUERIES
CODEqueryEtryPt_doHUP
ENDqueryEtryPt

BEGINmodInit()
CODESTARTmodInit
  *ipIFVersProvided = CURR_MOD_IF_VERSION;
CODEmodInit_QueryRegCFSLineHdlr
  CHKiRet(objUse(statsobj, CORE_COMPONENT));
  DBGPRINTF("mmlogmask: compiled with rsyslog %s, liblogmask %s\n", VERSION, lm_version());
ENDmodInit
