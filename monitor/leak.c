/* SPDX-License-Identifier: Apache-2.0 */
/* leak.c - see leak.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "leak.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void leak_free(leak_detector *d)
{
  if (!d)
    return;
  lm_ruleset_free(d->set);
  for (size_t i = 0; i < d->n_lits; i++) {
    free(d->lits[i].name);
    free(d->lits[i].source);
  }
  free(d->lits);
  memset(d, 0, sizeof *d);
}

static int remember(leak_detector *d, const secret *s)
{
  if (mon_grow(&d->lits, &d->lits_cap, d->n_lits, d->n_lits + 1, sizeof *d->lits) != 0)
    return -1;
  leak_literal *l = &d->lits[d->n_lits];
  l->name = strdup(s->name);
  l->source = strdup(s->source);
  if (!l->name || !l->source) {
    free(l->name);
    free(l->source);
    return -1;
  }
  d->n_lits++;
  return 0;
}

/* Adds one literal; a too-short value is counted, not an error. */
static int add_one(leak_detector *d, const secret *s, const char *value, size_t len,
                   char **err)
{
  lm_status st = lm_ruleset_add_literal(d->set, s->name, value, len);
  if (st == LM_ERR_SHORT)
    return 1;
  if (st != LM_OK)
    return mon_fail(err, "cannot add secret %s of %s as a known literal: %s", s->name,
                    s->source, lm_strerror(st));
  return remember(d, s) == 0 ? 0 : mon_fail(err, "out of memory");
}

/* A multi-line value (a PEM key) never appears whole in one log line:
 * each of its lines is a literal too, except PEM armour lines, which the
 * rule library recognises anyway and which are not secret. */
static int add_secret(leak_detector *d, const secret *s, char **err)
{
  int r = add_one(d, s, s->value, s->len, err);
  if (r < 0)
    return -1;
  if (r == 1)
    d->n_undetectable++;
  if (!memchr(s->value, '\n', s->len))
    return 0;
  const char *p = s->value, *end = s->value + s->len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    size_t n = (size_t)(stop - p);
    if (n && p[n - 1] == '\r')
      n--;
    if (n && strncmp(p, "-----", 5) != 0 && add_one(d, s, p, n, err) < 0)
      return -1;
    p = nl ? nl + 1 : end;
  }
  return 0;
}

int leak_build(const config *cfg, const secret_set *secrets, leak_detector *out, char **err)
{
  leak_detector d = { 0 };
  if (!(d.set = lm_ruleset_new()))
    return mon_fail(err, "out of memory");
  lm_status st = lm_ruleset_load_defaults(d.set);
  if (st != LM_OK) {
    mon_fail(err, "cannot load the rule library: %s", lm_ruleset_error(d.set)->message);
    goto fail;
  }
  for (size_t i = 0; i < cfg->rule_paths.n; i++)
    if (lm_ruleset_load_path(d.set, cfg->rule_paths.v[i]) != LM_OK) {
      mon_fail(err, "%s", lm_ruleset_error(d.set)->message);
      goto fail;
    }
  for (size_t i = 0; i < secrets->n; i++)
    if (add_secret(&d, &secrets->v[i], err) != 0)
      goto fail;
  if (lm_ruleset_compile(d.set) != LM_OK) {
    mon_fail(err, "cannot compile the rule set: %s", lm_ruleset_error(d.set)->message);
    goto fail;
  }
  /* Our table follows the order of lm_ruleset_add_literal; make sure the
   * library numbers literals the same way. */
  size_t n = lm_ruleset_literal_count(d.set);
  int same = n == d.n_lits;
  for (size_t i = 0; same && i < n; i++) {
    const char *name = lm_ruleset_literal_name(d.set, i);
    same = name && strcmp(name, d.lits[i].name) == 0;
  }
  if (!same) {
    /* Fall back to names only: the source of a leak stays unknown. */
    for (size_t i = 0; i < d.n_lits; i++) {
      free(d.lits[i].name);
      free(d.lits[i].source);
    }
    d.n_lits = 0;
  }
  *out = d;
  return 0;
fail:
  leak_free(&d);
  return -1;
}

static int scan_failed(lm_masker *finder, const char *log, unsigned long line,
                       alert_list *out)
{
  char *detail = mon_printf("%s line %lu could not be scanned (%s): treat it as a leak", log,
                            line, lm_masker_error(finder)->message);
  alert a = { .kind = "leaked", .detail = detail, .log = (char *)log, .line = line };
  int rc = detail ? alert_list_push(out, &a) : -1;
  free(detail);
  return rc;
}

static int add_leak(const leak_detector *d, const lm_finding *f, const char *log,
                    unsigned long line, size_t first_new, alert_list *out)
{
  const char *name = NULL, *source = NULL, *rule = NULL;
  if (f->rule == (size_t)-1) {
    if (f->literal < d->n_lits) {
      name = d->lits[f->literal].name;
      source = d->lits[f->literal].source;
    } else {
      name = lm_ruleset_literal_name(d->set, f->literal);
      if (!name)
        name = "unnamed-secret";
    }
  } else {
    rule = lm_ruleset_rule_id(d->set, f->rule);
    if (!rule)
      rule = "unknown-rule";
  }
  /* One alert per secret or rule per line. */
  for (size_t j = first_new; j < out->n; j++) {
    const alert *a = &out->v[j];
    if ((name && a->secret && strcmp(a->secret, name) == 0 &&
         (!source || !a->source || strcmp(a->source, source) == 0)) ||
        (rule && a->rule && strcmp(a->rule, rule) == 0))
      return 0;
  }
  char *detail = name ? mon_printf("guarded secret %s appears in %s line %lu", name, log, line)
                      : mon_printf("a secret matching rule %s appears in %s line %lu", rule,
                                   log, line);
  alert a = { .kind = "leaked", .secret = (char *)name, .source = (char *)source,
              .detail = detail, .log = (char *)log, .line = line, .rule = (char *)rule };
  int rc = detail ? alert_list_push(out, &a) : -1;
  free(detail);
  return rc;
}

int leak_scan(const leak_detector *d, lm_masker *finder, const char *log, unsigned long line,
              const char *text, size_t len, size_t same_line_from, alert_list *out)
{
  lm_finding small[16];
  lm_finding *found = small;
  size_t max = sizeof small / sizeof *small, count = 0;
  if (lm_masker_find(finder, text, len, found, max, &count) != LM_OK)
    return scan_failed(finder, log, line, out);
  if (count > max) {
    /* Rare: many secrets in one line; fetch them all (finding the line
     * again would step its block state twice) */
    found = malloc(count * sizeof *found);
    if (!found || lm_masker_found(finder, 0, found, count, &count) != LM_OK) {
      free(found);
      return scan_failed(finder, log, line, out);
    }
  }
  size_t first_new = same_line_from <= out->n ? same_line_from : out->n;
  int rc = 0;
  /* Guarded secrets first.  Findings are disjoint, and where a rule and a
   * literal cover the same bytes the library names the literal, so a rule
   * finding is never the same leak as a literal one. */
  for (int pass = 0; pass < 2 && rc == 0; pass++)
    for (size_t i = 0; i < count && rc == 0; i++)
      if ((found[i].rule == (size_t)-1) == (pass == 0))
        rc = add_leak(d, &found[i], log, line, first_new, out);
  if (found != small)
    free(found);
  return rc;
}
