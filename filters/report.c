/* SPDX-License-Identifier: Apache-2.0 */
/* Reports on stdout/stderr; see report.h. */
#include <config.h>

#include "report.h"

#include <inttypes.h>
#include <string.h>

#include "exitcodes.h"

static int id_width(const lm_ruleset *set, size_t rules, int minimum)
{
  size_t width = (size_t)minimum;
  for (size_t i = 0; i < rules; i++) {
    const char *id = lm_ruleset_rule_id(set, i);
    if (id && strlen(id) > width)
      width = strlen(id);
  }
  return width > 64 ? 64 : (int)width;
}

static const char *or_empty(const char *s)
{
  return s ? s : "";
}

int report_rules(FILE *out, const lm_ruleset *set)
{
  size_t rules = lm_ruleset_rule_count(set);
  int width = id_width(set, rules, 4);
  for (size_t i = 0; i < rules; i++)
    fprintf(out, "%-*s  %s  (%s)\n", width, or_empty(lm_ruleset_rule_id(set, i)),
            or_empty(lm_ruleset_rule_description(set, i)),
            or_empty(lm_ruleset_rule_origin(set, i)));
  size_t literals = lm_ruleset_literal_count(set);
  for (size_t i = 0; i < literals; i++)
    fprintf(out, "literal  %s\n", or_empty(lm_ruleset_literal_name(set, i)));
  return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int report_rule_tests(FILE *out, const lm_ruleset *set)
{
  size_t run = 0, failed = 0;
  lm_status status = lm_ruleset_test(set, &run, &failed);
  fprintf(out, "%zu tests run, %zu failed\n", run, failed);
  if (fflush(out) != 0 || ferror(out))
    return CLI_EXIT_OUTPUT;
  if (status == LM_OK)
    return failed == 0 ? CLI_EXIT_OK : CLI_EXIT_FOUND;
  if (status == LM_ERR_TEST)
    return CLI_EXIT_FOUND;
  fprintf(stderr, "logmask: --test-rules: %s\n", lm_strerror(status));
  return CLI_EXIT_USAGE;
}

void report_stats_text(FILE *out, const lm_ruleset *set, const lm_masker *m)
{
  size_t rules = lm_ruleset_rule_count(set);
  int width = id_width(set, rules, 14);
  fprintf(out, "%-*s %12s %12s %12s\n", width, "rule", "tested", "matches", "bytes");
  /* A library of hundreds of rules: the rows that say something. */
  size_t idle = 0;
  for (size_t i = 0; i < rules; i++) {
    lm_rule_stats rs;
    memset(&rs, 0, sizeof rs);
    lm_masker_rule_stats(m, i, &rs);
    if (!rs.id)
      continue;
    if (rs.lines_tested == 0 && rs.matches == 0) {
      idle++;
      continue;
    }
    fprintf(out, "%-*s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n", width, rs.id,
            rs.lines_tested, rs.matches, rs.bytes_masked);
  }
  lm_totals t;
  memset(&t, 0, sizeof t);
  lm_masker_totals(m, &t);
  fprintf(out, "%-*s %12s %12" PRIu64 " %12s\n", width, "known literals", "-",
          t.literal_matches, "-");
  if (idle > 0)
    fprintf(out, "(%zu other rules never ran: no line held their keywords)\n", idle);
  fprintf(out,
          "lines %" PRIu64 ", bytes %" PRIu64 ", lines masked %" PRIu64
          ", dropped %" PRIu64 ", limit trips %" PRIu64 ", long lines %" PRIu64
          ", blocks %" PRIu64 " (%" PRIu64 " unterminated), format fallbacks %" PRIu64
          "\n",
          t.lines, t.bytes, t.lines_masked, t.lines_dropped, t.limit_trips,
          t.long_lines, t.blocks, t.blocks_unterminated, t.format_fallbacks);
  fflush(out);
}

int report_stats_json(FILE *out, const lm_masker *m)
{
  char *json = NULL;
  size_t len = 0;
  lm_status status = lm_masker_stats_json(m, 1, &json, &len);
  if (status != LM_OK) {
    fprintf(stderr, "logmask: --stats=json: %s\n", lm_strerror(status));
    return -1;
  }
  fwrite(json, 1, len, out);
  if (len == 0 || json[len - 1] != '\n')
    fputc('\n', out);
  lm_free(json);
  fflush(out);
  return 0;
}
