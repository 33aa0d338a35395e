/* SPDX-License-Identifier: Apache-2.0 */
/* Rule set construction for logmask; see rules.h. */
#include <config.h>

#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secrets.h"

static void print_diag(void *ctx, lm_severity severity, const char *message)
{
  (void)ctx;
  fprintf(stderr, "logmask: %s%s\n", severity == LM_DIAG_WARNING ? "warning: " : "",
          message);
}

/* Reports a failed building call: the library's message carries the
 * file:line:column; `what` is the fallback when it has none. */
static lm_ruleset *failed(lm_ruleset *set, lm_status status, const char *what)
{
  const lm_error *err = lm_ruleset_error(set);
  if (err && err->message && *err->message)
    fprintf(stderr, "logmask: %s\n", err->message);
  else
    fprintf(stderr, "logmask: %s: %s\n", what, lm_strerror(status));
  lm_ruleset_free(set);
  return NULL;
}

static lm_ruleset *load_rules(lm_ruleset *set, const struct cli_options *opts)
{
  lm_status status;
  if (opts->default_rules && (status = lm_ruleset_load_defaults(set)) != LM_OK)
    return failed(set, status, "built-in rules");
  for (size_t i = 0; i < opts->rules.count; i++)
    if ((status = lm_ruleset_load_path(set, opts->rules.items[i])) != LM_OK)
      return failed(set, status, opts->rules.items[i]);
  return set;
}

static lm_ruleset *load_secrets(lm_ruleset *set, const struct cli_options *opts)
{
  for (size_t i = 0; i < opts->literals.count; i++)
    if (secrets_load_literals(set, opts->literals.items[i]) < 0) {
      lm_ruleset_free(set);
      return NULL;
    }
  for (size_t i = 0; i < opts->env_files.count; i++)
    if (secrets_load_env_file(set, opts->env_files.items[i], opts->env_ignore.items,
                              opts->env_ignore.count, opts->no_default_env_ignore) < 0) {
      lm_ruleset_free(set);
      return NULL;
    }
  return set;
}

typedef lm_status (*key_list_fn)(lm_ruleset *set, const char *const *keys, size_t n);

static lm_status add_mask_keys(lm_ruleset *set, const char *const *keys, size_t n)
{
  return lm_ruleset_mask_keys(set, keys, n, 0);
}

/* Hands every comma-separated key of `lists` to fn (blanks around a key are
 * not part of it; empty items are skipped). */
static lm_status apply_key_lists(lm_ruleset *set, const struct cli_list *lists,
                                 key_list_fn fn)
{
  lm_status status = LM_OK;
  for (size_t i = 0; i < lists->count && status == LM_OK; i++) {
    char *copy = strdup(lists->items[i]);
    const char **keys = calloc(strlen(lists->items[i]) / 2 + 1, sizeof *keys);
    if (!copy || !keys) {
      free(copy);
      free(keys);
      return LM_ERR_NOMEM;
    }
    size_t n = 0;
    char *save = NULL;
    for (char *key = strtok_r(copy, ",", &save); key; key = strtok_r(NULL, ",", &save)) {
      key += strspn(key, " \t");
      size_t len = strlen(key);
      while (len > 0 && (key[len - 1] == ' ' || key[len - 1] == '\t'))
        key[--len] = '\0';
      if (len > 0)
        keys[n++] = key;
    }
    if (n > 0)
      status = fn(set, keys, n);
    free(keys);
    free(copy);
  }
  return status;
}

static lm_ruleset *apply_settings(lm_ruleset *set, const struct cli_options *opts)
{
  lm_status status;
  /* --test-rules tests every rule loaded, the ones off by default (PII)
   * included: a rule nobody enables still has to be right.  It can only
   * fail on an empty set, which has nothing to test anyway. */
  if (opts->test_rules)
    (void)lm_ruleset_enable(set, "all");
  for (size_t i = 0; i < opts->toggle_count; i++) {
    const struct cli_toggle *t = &opts->toggles[i];
    status = t->enable ? lm_ruleset_enable(set, t->name) : lm_ruleset_disable(set, t->name);
    if (status != LM_OK)
      return failed(set, status, t->name);
  }
  if ((status = apply_key_lists(set, &opts->mask_keys, add_mask_keys)) != LM_OK)
    return failed(set, status, "--mask-keys");
  if ((status = apply_key_lists(set, &opts->keep_keys, lm_ruleset_keep_keys)) != LM_OK)
    return failed(set, status, "--keep-keys");
  if (opts->mask && (status = lm_ruleset_set_mask(set, opts->mask, 1)) != LM_OK)
    return failed(set, status, opts->mask);
  if (opts->hash_key_file &&
      (status = lm_ruleset_set_hash_key_file(set, opts->hash_key_file,
                                             opts->hash_key_id)) != LM_OK)
    return failed(set, status, opts->hash_key_file);
  return set;
}

lm_ruleset *rules_build(const struct cli_options *opts)
{
  lm_ruleset *set = lm_ruleset_new();
  if (!set) {
    fputs("logmask: out of memory\n", stderr);
    return NULL;
  }
  lm_ruleset_set_diag(set, print_diag, NULL);
  if (!(set = load_rules(set, opts)) || !(set = load_secrets(set, opts)) ||
      !(set = apply_settings(set, opts)))
    return NULL;
  lm_status status = lm_ruleset_compile(set);
  if (status != LM_OK)
    return failed(set, status, "compiling the rules");
  return set;
}
