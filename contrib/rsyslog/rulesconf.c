/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "rulesconf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lmr_strings_add(lmr_strings *l, const char *s) {
  char *copy = strdup(s);
  char **grown = copy ? realloc(l->items, (l->count + 1) * sizeof *grown) : NULL;
  if (!grown) {
    free(copy);
    return -1;
  }
  l->items = grown;
  l->items[l->count++] = copy;
  return 0;
}

static void strings_free(lmr_strings *l) {
  for (size_t i = 0; i < l->count; i++)
    free(l->items[i]);
  free(l->items);
  l->items = NULL;
  l->count = 0;
}

void lmr_rulesconf_free(lmr_rulesconf *c) {
  strings_free(&c->rules);
  strings_free(&c->enable);
  strings_free(&c->disable);
  free(c->literals);
  free(c->hash_key_file);
  free(c->hash_key_id);
  free(c->mask);
  memset(c, 0, sizeof *c);
}

static lm_status failed(lm_ruleset *set, lm_status st, const char *what, const char *arg,
                        char *why, size_t cap) {
  const lm_error *e = lm_ruleset_error(set);
  const char *detail = e && e->message && *e->message ? e->message : lm_strerror(st);
  if (arg)
    snprintf(why, cap, "%s \"%s\": %s", what, arg, detail);
  else
    snprintf(why, cap, "%s: %s", what, detail);
  return st;
}

static lm_status build(lm_ruleset *set, const lmr_rulesconf *c, char *why, size_t cap) {
  lm_status st;
  if (!c->no_default_rules && (st = lm_ruleset_load_defaults(set)) != LM_OK)
    return failed(set, st, "built-in rules", NULL, why, cap);
  for (size_t i = 0; i < c->rules.count; i++)
    if ((st = lm_ruleset_load_path(set, c->rules.items[i])) != LM_OK)
      return failed(set, st, "rules", c->rules.items[i], why, cap);
  for (size_t i = 0; i < c->enable.count; i++)
    if ((st = lm_ruleset_enable(set, c->enable.items[i])) != LM_OK)
      return failed(set, st, "enable", c->enable.items[i], why, cap);
  for (size_t i = 0; i < c->disable.count; i++)
    if ((st = lm_ruleset_disable(set, c->disable.items[i])) != LM_OK)
      return failed(set, st, "disable", c->disable.items[i], why, cap);
  if (c->literals && (st = lm_ruleset_add_literals_file(set, c->literals)) != LM_OK)
    return failed(set, st, "literals", c->literals, why, cap);
  if (c->hash_key_file &&
      (st = lm_ruleset_set_hash_key_file(set, c->hash_key_file, c->hash_key_id)) != LM_OK)
    return failed(set, st, "hash key", c->hash_key_file, why, cap);
  if (c->mask && (st = lm_ruleset_set_mask(set, c->mask, 0)) != LM_OK)
    return failed(set, st, "mask", c->mask, why, cap);
  if ((st = lm_ruleset_compile(set)) != LM_OK)
    return failed(set, st, "compiling the rules", NULL, why, cap);
  return LM_OK;
}

lm_status lmr_rulesconf_build(const lmr_rulesconf *c, lm_diag_fn diag, void *ctx,
                              lm_ruleset **out, char *why, size_t why_cap) {
  *out = NULL;
  if (why_cap)
    why[0] = '\0';
  lm_ruleset *set = lm_ruleset_new();
  if (!set) {
    snprintf(why, why_cap, "out of memory");
    return LM_ERR_NOMEM;
  }
  lm_ruleset_set_diag(set, diag, ctx);
  lm_status st = build(set, c, why, why_cap);
  if (st != LM_OK) {
    lm_ruleset_free(set);
    return st;
  }
  *out = set;
  return LM_OK;
}
