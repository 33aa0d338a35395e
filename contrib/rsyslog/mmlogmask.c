/*
 * mmlogmask.c - rsyslog message-modification module: masks secrets in the
 * MSG part of each message with liblogmask.
 *
 *   module(load="mmlogmask")
 *   action(type="mmlogmask" rules="PATH" mask="STYLE" ...)
 *
 * A thin adapter: the action instance owns one compiled lm_ruleset (shared
 * read-only by every worker), each worker instance owns one lm_masker.  All
 * matching is the library's.  Counters go to an rsyslog statistics object,
 * so impstats reports them.
 *
 * Fail closed: when the library cannot mask a message, its text is replaced
 * by "[logmask: withheld]"; when even that cannot be written, by "".
 *
 * rsyslog modules have no stable ABI: this file must be compiled against
 * the configured source tree of exactly the rsyslog that loads it
 * (contrib/rsyslog/build-module.sh).
 */
#include "config.h"
#include "rsyslog.h"
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include "conf.h"
#include "syslogd-types.h"
#include "template.h"
#include "module-template.h"
#include "errmsg.h"
#include "msg.h"
#include "statsobj.h"

#include "logmask.h"

MODULE_TYPE_OUTPUT
MODULE_TYPE_NOKEEP
MODULE_CNFNAME("mmlogmask")

DEF_OMOD_STATIC_DATA
DEFobjCurrIf(statsobj)

#define WITHHELD "[logmask: withheld]"

/* Counters of one action, shared by its workers (atomic adds). */
typedef struct mask_counters {
  intctr_t processed;  /* messages seen */
  intctr_t masked;     /* messages changed */
  intctr_t secrets;    /* secret spans masked */
  intctr_t withheld;   /* messages replaced because the library failed */
  intctr_t dropped;    /* messages emptied by the "drop" style */
  intctr_t limit_trips;/* messages masked whole because a regex limit tripped */
  intctr_t literals;   /* known-literal occurrences masked */
  intctr_t *rule_matches; /* per rule, indexed like the rule set */
} mask_counters;

typedef struct _instanceData {
  lm_ruleset *set;     /* compiled; read-only after newActInst */
  char *format;        /* lm_masker_set_format name, or NULL */
  size_t rule_count;
  int rule_stats;      /* per-rule counters wanted */
  statsobj_t *stats;
  mask_counters ctr;
} instanceData;

typedef struct wrkrInstanceData {
  instanceData *pData;
  lm_masker *masker;   /* NULL when it could not be made: every message withheld */
  uint64_t *seen;      /* per rule: matches already added to the shared counters */
  uint64_t seen_literals;
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
};
static struct cnfparamblk actpblk = {
  CNFPARAMBLK_VERSION, sizeof(actpdescr) / sizeof(struct cnfparamdescr), actpdescr
};

/* Settings read from the action() statement, before the rule set exists. */
typedef struct settings {
  struct cnfarray *rules, *enable, *disable; /* borrowed from pvals */
  int no_default_rules;
  int rule_stats;
  char *mask, *format, *literals, *hash_key_file, *hash_key_id, *stats_name;
} settings;

static void settings_free(settings *s) {
  free(s->mask);
  free(s->format);
  free(s->literals);
  free(s->hash_key_file);
  free(s->hash_key_id);
  free(s->stats_name);
}

/* ---- library set-up ----------------------------------------------------- */

static void on_library_diag(void *ctx, lm_severity severity, const char *message) {
  (void)ctx;
  int level = severity == LM_DIAG_ERROR ? LOG_ERR
              : severity == LM_DIAG_WARNING ? LOG_WARNING : LOG_INFO;
  LogMsg(0, RS_RET_OK, level, "mmlogmask: %s", message);
}

/* Reports a failed library call with the detail the set keeps. */
static rsRetVal set_failed(const lm_ruleset *set, const char *what, lm_status st) {
  const lm_error *e = lm_ruleset_error(set);
  LogError(0, RS_RET_CONFIG_ERROR, "mmlogmask: %s: %s", what,
           e && e->message && *e->message ? e->message : lm_strerror(st));
  return RS_RET_CONFIG_ERROR;
}

/* Known secret values, one a line; a trailing CR belongs to the line end. */
static rsRetVal load_literals(lm_ruleset *set, const char *path) {
  lm_status st = lm_ruleset_add_literals_file(set, path);
  if (st == LM_OK)
    return RS_RET_OK;
  const lm_error *e = lm_ruleset_error(set);
  LogError(0, RS_RET_CONFIG_ERROR, "mmlogmask: literals: %s",
           e && e->message && *e->message ? e->message : lm_strerror(st));
  return RS_RET_CONFIG_ERROR;
}

/* Applies fn to every string of a config array, stopping at the first error. */
static rsRetVal each_string(lm_ruleset *set, struct cnfarray *ar, const char *what,
                            lm_status (*fn)(lm_ruleset *, const char *)) {
  if (!ar)
    return RS_RET_OK;
  for (int i = 0; i < ar->nmemb; i++) {
    char *s = es_str2cstr(ar->arr[i], NULL);
    if (!s)
      return RS_RET_OUT_OF_MEMORY;
    lm_status st = fn(set, s);
    rsRetVal ret = RS_RET_OK;
    if (st != LM_OK) {
      char label[300];
      snprintf(label, sizeof label, "%s \"%s\"", what, s);
      ret = set_failed(set, label, st);
    }
    free(s);
    if (ret != RS_RET_OK)
      return ret;
  }
  return RS_RET_OK;
}

/* Builds and compiles the rule set the settings describe. */
static rsRetVal build_ruleset(const settings *s, lm_ruleset **out) {
  lm_ruleset *set = lm_ruleset_new();
  lm_status st;
  rsRetVal ret = RS_RET_OK;
  if (!set)
    return RS_RET_OUT_OF_MEMORY;
  lm_ruleset_set_diag(set, on_library_diag, NULL);
  if (!s->no_default_rules && (st = lm_ruleset_load_defaults(set)) != LM_OK)
    ret = set_failed(set, "built-in rules", st);
  if (ret == RS_RET_OK)
    ret = each_string(set, s->rules, "rules", lm_ruleset_load_path);
  if (ret == RS_RET_OK)
    ret = each_string(set, s->enable, "enable", lm_ruleset_enable);
  if (ret == RS_RET_OK)
    ret = each_string(set, s->disable, "disable", lm_ruleset_disable);
  if (ret == RS_RET_OK && s->literals)
    ret = load_literals(set, s->literals);
  if (ret == RS_RET_OK && s->hash_key_file
      && (st = lm_ruleset_set_hash_key_file(set, s->hash_key_file, s->hash_key_id)) != LM_OK)
    ret = set_failed(set, s->hash_key_file, st);
  if (ret == RS_RET_OK && s->mask && (st = lm_ruleset_set_mask(set, s->mask, 0)) != LM_OK)
    ret = set_failed(set, "mask", st);
  if (ret == RS_RET_OK && (st = lm_ruleset_compile(set)) != LM_OK)
    ret = set_failed(set, "compiling the rules", st);
  if (ret != RS_RET_OK) {
    lm_ruleset_free(set);
    return ret;
  }
  *out = set;
  return RS_RET_OK;
}

/* A throw-away masker checks the format name at load time, so a typo
 * refuses the action instead of withholding every message later. */
static rsRetVal check_format(const lm_ruleset *set, const char *format) {
  lm_masker *m = lm_masker_new(set);
  if (!m)
    return RS_RET_OUT_OF_MEMORY;
  lm_status st = lm_masker_set_format(m, format);
  lm_masker_free(m);
  if (st != LM_OK) {
    LogError(0, RS_RET_CONFIG_ERROR, "mmlogmask: format \"%s\": %s", format, lm_strerror(st));
    return RS_RET_CONFIG_ERROR;
  }
  return RS_RET_OK;
}

/* ---- statistics ------------------------------------------------------- */

static rsRetVal add_counter(instanceData *d, const char *name, intctr_t *ctr) {
  *ctr = 0;
  return statsobj.AddCounter(d->stats, (const uchar *)name, ctrType_IntCtr,
                             CTR_FLAG_RESETTABLE, ctr);
}

/* One statistics object per action: totals, then "rule.ID" per rule. */
static rsRetVal set_up_stats(instanceData *d, const char *name) {
  DEFiRet;
  if (d->rule_stats && d->rule_count > 0)
    CHKmalloc(d->ctr.rule_matches = calloc(d->rule_count, sizeof *d->ctr.rule_matches));
  CHKiRet(statsobj.Construct(&d->stats));
  CHKiRet(statsobj.SetName(d->stats, (uchar *)name));
  CHKiRet(statsobj.SetOrigin(d->stats, (uchar *)"mmlogmask"));
  CHKiRet(add_counter(d, "processed", &d->ctr.processed));
  CHKiRet(add_counter(d, "masked", &d->ctr.masked));
  CHKiRet(add_counter(d, "secrets", &d->ctr.secrets));
  CHKiRet(add_counter(d, "withheld", &d->ctr.withheld));
  CHKiRet(add_counter(d, "dropped", &d->ctr.dropped));
  CHKiRet(add_counter(d, "limit_trips", &d->ctr.limit_trips));
  CHKiRet(add_counter(d, "literals", &d->ctr.literals));
  for (size_t i = 0; d->ctr.rule_matches && i < d->rule_count; i++) {
    const char *id = lm_ruleset_rule_id(d->set, i);
    size_t len = strlen("rule.") + strlen(id ? id : "?") + 1;
    char *label;
    CHKmalloc(label = malloc(len));
    snprintf(label, len, "rule.%s", id ? id : "?");
    iRet = add_counter(d, label, &d->ctr.rule_matches[i]); /* the name is copied */
    free(label);
    CHKiRet(iRet);
  }
  CHKiRet(statsobj.ConstructFinalize(d->stats));
finalize_it:
  RETiRet;
}

static inline void ctr_add(intctr_t *ctr, uint64_t n) {
  if (n)
    __atomic_fetch_add(ctr, n, __ATOMIC_RELAXED);
}

/* After a changed message: moves this worker's new per-rule and literal
 * matches into the shared counters.  Only changed messages pay for it. */
static void publish_matches(wrkrInstanceData_t *w) {
  instanceData *d = w->pData;
  if (w->seen) {
    for (size_t i = 0; i < d->rule_count; i++) {
      lm_rule_stats rs;
      lm_masker_rule_stats(w->masker, i, &rs);
      if (rs.id && rs.matches > w->seen[i]) {
        ctr_add(&d->ctr.rule_matches[i], rs.matches - w->seen[i]);
        w->seen[i] = rs.matches;
      }
    }
  }
  lm_totals t;
  lm_masker_totals(w->masker, &t);
  if (t.literal_matches > w->seen_literals) {
    ctr_add(&d->ctr.literals, t.literal_matches - w->seen_literals);
    w->seen_literals = t.literal_matches;
  }
}

/* ---- module entry points ---------------------------------------------- */

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
ENDcreateInstance

BEGINcreateWrkrInstance
CODESTARTcreateWrkrInstance
  /* A worker without a masker withholds every message (doAction), so a
   * failure here never lets text through unmasked. */
  pWrkrData->masker = lm_masker_new(pData->set);
  if (!pWrkrData->masker) {
    LogError(0, RS_RET_OUT_OF_MEMORY, "mmlogmask: cannot create a masker: messages withheld");
  } else if (pData->format && lm_masker_set_format(pWrkrData->masker, pData->format) != LM_OK) {
    LogError(0, RS_RET_CONFIG_ERROR, "mmlogmask: format \"%s\" refused: messages withheld",
             pData->format);
    lm_masker_free(pWrkrData->masker);
    pWrkrData->masker = NULL;
  }
  if (pWrkrData->masker && pData->ctr.rule_matches) {
    pWrkrData->seen = calloc(pData->rule_count, sizeof *pWrkrData->seen);
    if (!pWrkrData->seen) { /* counting is lost, masking is not */
      LogError(0, RS_RET_OUT_OF_MEMORY, "mmlogmask: per-rule counters off for a worker");
    }
  }
ENDcreateWrkrInstance

BEGINfreeWrkrInstance
CODESTARTfreeWrkrInstance
  lm_masker_free(pWrkrData->masker);
  free(pWrkrData->seen);
ENDfreeWrkrInstance

BEGINisCompatibleWithFeature
CODESTARTisCompatibleWithFeature
ENDisCompatibleWithFeature

BEGINfreeInstance
CODESTARTfreeInstance
  if (pData->stats)
    statsobj.Destruct(&pData->stats);
  free(pData->ctr.rule_matches);
  free(pData->format);
  lm_ruleset_free(pData->set);
ENDfreeInstance

BEGINdbgPrintInstInfo
CODESTARTdbgPrintInstInfo
  DBGPRINTF("mmlogmask: %zu rules, format %s\n", pData->rule_count,
            pData->format ? pData->format : "(library default)");
ENDdbgPrintInstInfo

BEGINtryResume
CODESTARTtryResume
ENDtryResume

static rsRetVal read_settings(struct cnfparamvals *pvals, settings *s) {
  for (int i = 0; i < actpblk.nParams; i++) {
    if (!pvals[i].bUsed)
      continue;
    const char *name = actpblk.descr[i].name;
    char **str = NULL;
    if (!strcmp(name, "rules"))
      s->rules = pvals[i].val.d.ar;
    else if (!strcmp(name, "enable"))
      s->enable = pvals[i].val.d.ar;
    else if (!strcmp(name, "disable"))
      s->disable = pvals[i].val.d.ar;
    else if (!strcmp(name, "nodefaultrules"))
      s->no_default_rules = (int)pvals[i].val.d.n;
    else if (!strcmp(name, "rulestats"))
      s->rule_stats = (int)pvals[i].val.d.n;
    else if (!strcmp(name, "mask"))
      str = &s->mask;
    else if (!strcmp(name, "format"))
      str = &s->format;
    else if (!strcmp(name, "literals"))
      str = &s->literals;
    else if (!strcmp(name, "hashkeyfile"))
      str = &s->hash_key_file;
    else if (!strcmp(name, "hashkeyid"))
      str = &s->hash_key_id;
    else if (!strcmp(name, "statsname"))
      str = &s->stats_name;
    if (str && !(*str = es_str2cstr(pvals[i].val.d.estr, NULL)))
      return RS_RET_OUT_OF_MEMORY;
  }
  return RS_RET_OK;
}

BEGINnewActInst
  struct cnfparamvals *pvals = NULL;
  settings s = { .rule_stats = 1 };
CODESTARTnewActInst
  if ((pvals = nvlstGetParams(lst, &actpblk, NULL)) == NULL)
    ABORT_FINALIZE(RS_RET_MISSING_CNFPARAMS);
  CODE_STD_STRING_REQUESTnewActInst(1)
  CHKiRet(OMSRsetEntry(*ppOMSR, 0, NULL, OMSR_TPL_AS_MSG));
  CHKiRet(createInstance(&pData));
  CHKiRet(read_settings(pvals, &s));
  CHKiRet(build_ruleset(&s, &pData->set));
  pData->rule_count = lm_ruleset_rule_count(pData->set);
  pData->rule_stats = s.rule_stats;
  if (s.format) {
    CHKiRet(check_format(pData->set, s.format));
    pData->format = s.format;
    s.format = NULL;
  }
  CHKiRet(set_up_stats(pData, s.stats_name ? s.stats_name : "mmlogmask"));
  LogMsg(0, RS_RET_OK, LOG_INFO, "mmlogmask: liblogmask %s, %zu rules, %zu literals",
         lm_version(), pData->rule_count, lm_ruleset_literal_count(pData->set));
CODE_STD_FINALIZERnewActInst
  settings_free(&s);
  if (pvals)
    cnfparamvalsDestruct(pvals, &actpblk);
ENDnewActInst

/* Replaces the MSG part; falls back to the withheld text, then to an empty
 * MSG (which never allocates), so a failed replacement cannot leave the
 * secret in place. */
static void replace_msg(smsg_t *msg, const char *text, size_t len) {
  if (len <= INT_MAX && MsgReplaceMSG(msg, (const uchar *)text, (int)len) == RS_RET_OK)
    return;
  if (MsgReplaceMSG(msg, (const uchar *)WITHHELD, (int)strlen(WITHHELD)) == RS_RET_OK)
    return;
  MsgReplaceMSG(msg, (const uchar *)"", 0);
}

/* Sets $!logmask!dropped = 1, so a config can `stop` dropped messages. */
static void mark_dropped(smsg_t *msg) {
  struct json_object *o = json_object_new_object();
  struct json_object *one = json_object_new_int(1);
  if (!o || !one) {
    json_object_put(o);
    json_object_put(one);
    return;
  }
  json_object_object_add(o, "dropped", one);
  if (msgAddJSON(msg, (uchar *)"!logmask", o, 0, 0) != RS_RET_OK)
    json_object_put(o);
}

BEGINdoAction_NoStrings
  smsg_t **ppMsg = (smsg_t **)pMsgData;
  smsg_t *pMsg = ppMsg[0];
  instanceData *d = pWrkrData->pData;
  lm_line out;
CODESTARTdoAction
  ctr_add(&d->ctr.processed, 1);
  int len = getMSGLen(pMsg);
  const char *text = len > 0 ? (const char *)getMSG(pMsg) : "";
  lm_status st = pWrkrData->masker
                 ? lm_masker_line(pWrkrData->masker, text, len > 0 ? (size_t)len : 0, &out)
                 : LM_ERR_STATE;
  if (st != LM_OK) {
    replace_msg(pMsg, WITHHELD, strlen(WITHHELD));
    ctr_add(&d->ctr.withheld, 1);
    FINALIZE;
  }
  if (out.flags & LM_LINE_DROPPED) {
    replace_msg(pMsg, "", 0);
    mark_dropped(pMsg);
    ctr_add(&d->ctr.dropped, 1);
  } else if (out.flags & LM_LINE_CHANGED) {
    replace_msg(pMsg, out.text, out.len);
  }
  if (out.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)) {
    ctr_add(&d->ctr.masked, 1);
    ctr_add(&d->ctr.secrets, out.secrets);
    if (out.flags & LM_LINE_LIMIT)
      ctr_add(&d->ctr.limit_trips, 1);
    publish_matches(pWrkrData);
  }
finalize_it:
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
ENDqueryEtryPt

BEGINmodInit()
CODESTARTmodInit
  *ipIFVersProvided = CURR_MOD_IF_VERSION;
CODEmodInit_QueryRegCFSLineHdlr
  CHKiRet(objUse(statsobj, CORE_COMPONENT));
  DBGPRINTF("mmlogmask: compiled with rsyslog %s, liblogmask %s\n", VERSION, lm_version());
ENDmodInit
