/* Inline rule tests: each `match` line must be masked by its rule alone at
 * exactly the marked spans, each `nomatch` line must be left alone, and a
 * match line must hold one of the rule's keywords (else the prefilter would
 * never run the rule on it). */
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int has_keyword(const lm_rule *r, const char *line, size_t len) {
  for (size_t k = 0; k < r->nkeywords; k++) {
    const char *kw = lm_kw_text(r->keywords[k]);
    int cased = lm_kw_cased(r->keywords[k]);
    size_t kl = strlen(kw);
    for (size_t i = 0; i + kl <= len; i++)
      if (cased ? memcmp(line + i, kw, kl) == 0 : strncasecmp(line + i, kw, kl) == 0)
        return 1;
  }
  return 0;
}

static void describe(const lm_masker *m, const char *line, char *out, size_t cap) {
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < m->nspans && o < cap; i++)
    o += (size_t)snprintf(out + o, cap - o, "%s[[%.*s]]", i ? " " : "",
                          (int)(m->spans[i].end - m->spans[i].start), line + m->spans[i].start);
  if (m->nspans == 0)
    snprintf(out, cap, "nothing");
}

lm_status lm_ruleset_test(const lm_ruleset *set, size_t *run, size_t *failed) {
  if (!set || !set->compiled)
    return LM_ERR_STATE;
  lm_masker *m = lm_masker_new(set);
  if (!m)
    return LM_ERR_NOMEM;
  size_t nrun = 0, nfail = 0;
  char got[512];
  for (size_t ri = 0; ri < set->nrules; ri++) {
    const lm_rule *r = &set->rules[ri];
    for (size_t t = 0; t < r->ntests; t++) {
      const lm_rule_test *tc = &r->tests[t];
      nrun++;
      m->nspans = 0;
      int rc = lm_rule_find(m, (uint32_t)ri, tc->line, tc->len);
      m->block_rule = -1;
      if (rc < 0) {
        lm_masker_free(m);
        return LM_ERR_NOMEM;
      }
      /* same merge as real masking */
      lm_span *sp = m->spans;
      size_t n = m->nspans;
      for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && sp[j].start < sp[j - 1].start; j--) {
          lm_span x = sp[j];
          sp[j] = sp[j - 1];
          sp[j - 1] = x;
        }
      size_t w = 0;
      for (size_t i = 1; i < n; i++) {
        if (sp[i].start <= sp[w].end) {
          if (sp[i].end > sp[w].end)
            sp[w].end = sp[i].end;
        } else {
          sp[++w] = sp[i];
        }
      }
      m->nspans = n ? w + 1 : 0;
      const char *why = NULL;
      if (rc > 0)
        why = "regex hit the match limit";
      else if (tc->expect_match && !has_keyword(r, tc->line, tc->len))
        why = "line holds none of the rule's keywords, so the rule would never run on it";
      else if (tc->expect_match) {
        int ok = m->nspans == tc->nspans;
        for (size_t i = 0; ok && i < tc->nspans; i++)
          ok = m->spans[i].start == tc->spans[i].start && m->spans[i].end == tc->spans[i].end;
        if (!ok)
          why = "masked spans differ from the [[marked]] ones";
      } else if (m->nspans) {
        why = "nomatch line was masked";
      }
      if (why) {
        nfail++;
        describe(m, tc->line, got, sizeof got);
        lm_diag(set, LM_DIAG_ERROR, "%s:%lu: rule %s: %s; masked: %s", r->origin, tc->lineno,
                r->id, why, got);
      }
    }
  }
  lm_masker_free(m);
  if (run)
    *run = nrun;
  if (failed)
    *failed = nfail;
  return nfail ? LM_ERR_TEST : LM_OK;
}
