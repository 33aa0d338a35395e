/* SPDX-License-Identifier: Apache-2.0 */
/* Counters: read, merged across threads, and printed as JSON.  Counters
 * hold numbers and rule ids only, never secret text. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

void lm_masker_totals(const lm_masker *m, lm_totals *out) {
  if (!out)
    return;
  if (!m) {
    memset(out, 0, sizeof *out);
    return;
  }
  *out = m->totals;
}

void lm_masker_rule_stats(const lm_masker *m, size_t rule, lm_rule_stats *out) {
  if (!out)
    return;
  memset(out, 0, sizeof *out);
  if (m && rule < m->set->nrules)
    *out = m->rstats[rule];
}

lm_status lm_masker_merge_stats(lm_masker *into, const lm_masker *from) {
  if (!into || !from || into->set != from->set)
    return LM_ERR_ARG;
  uint64_t *a = (uint64_t *)&into->totals;
  const uint64_t *b = (const uint64_t *)&from->totals;
  for (size_t i = 0; i < sizeof(lm_totals) / sizeof(uint64_t); i++)
    a[i] += b[i];
  for (size_t r = 0; r < into->set->nrules; r++) {
    into->rstats[r].lines_tested += from->rstats[r].lines_tested;
    into->rstats[r].matches += from->rstats[r].matches;
    into->rstats[r].bytes_masked += from->rstats[r].bytes_masked;
  }
  return LM_OK;
}

static void key(yajl_gen g, const char *k) {
  yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void num(yajl_gen g, const char *k, uint64_t v) {
  key(g, k);
  yajl_gen_integer(g, (long long)v);
}

lm_status lm_masker_stats_json(const lm_masker *m, int pretty, char **json, size_t *len) {
  if (!m || !json)
    return LM_ERR_ARG;
  *json = NULL;
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    return LM_ERR_NOMEM;
  yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
  const lm_totals *t = &m->totals;
  yajl_gen_map_open(g);
  key(g, "totals");
  yajl_gen_map_open(g);
  num(g, "lines", t->lines);
  num(g, "bytes", t->bytes);
  num(g, "lines_masked", t->lines_masked);
  num(g, "lines_dropped", t->lines_dropped);
  num(g, "limit_trips", t->limit_trips);
  num(g, "long_lines", t->long_lines);
  num(g, "literal_matches", t->literal_matches);
  num(g, "blocks", t->blocks);
  num(g, "blocks_unterminated", t->blocks_unterminated);
  num(g, "format_fallbacks", t->format_fallbacks);
  yajl_gen_map_close(g);
  key(g, "rules");
  yajl_gen_array_open(g);
  for (size_t r = 0; r < m->set->nrules; r++) {
    yajl_gen_map_open(g);
    key(g, "id");
    key(g, m->rstats[r].id);
    num(g, "lines_tested", m->rstats[r].lines_tested);
    num(g, "matches", m->rstats[r].matches);
    num(g, "bytes_masked", m->rstats[r].bytes_masked);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t n;
  lm_status st = LM_OK;
  if (yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok) {
    st = LM_ERR_NOMEM;
  } else if ((*json = malloc(n + 1)) == NULL) {
    st = LM_ERR_NOMEM;
  } else {
    memcpy(*json, buf, n);
    (*json)[n] = '\0';
    if (len)
      *len = n;
  }
  yajl_gen_free(g);
  return st;
}
