/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_formats.c - every format handler (json, logfmt, syslog, auto, text)
 * on each line of the input through lm_masker_line.  Oracles: a line
 * valid as JSON stays valid JSON under the json and auto formats (yajl,
 * default settings: UTF-8 checked, one value, no \v or \f); an unchanged
 * line is the input line; no planted known literal (planted.h) survives. */
#include "fuzz.h"
#include "logmask.h"
#include "planted.h"
#include "json_valid.h"

static const char *const formats[] = {"json", "logfmt", "syslog", "auto", "text"};
#define N_FORMATS (sizeof formats / sizeof formats[0])

static lm_ruleset *set;
static lm_masker *maskers[N_FORMATS];

static void setup(void)
{
  if (set)
    return;
  set = lm_ruleset_new();
  FUZZ_ASSERT(set, "out of memory");
  lm_status st = lm_ruleset_load_defaults(set);
  FUZZ_ASSERT(st == LM_OK, "defaults: %s", lm_strerror(st));
  planted_load(set);
  st = lm_ruleset_compile(set);
  FUZZ_ASSERT(st == LM_OK, "compile: %s", lm_strerror(st));
  for (size_t i = 0; i < N_FORMATS; i++) {
    maskers[i] = lm_masker_new(set);
    FUZZ_ASSERT(maskers[i], "lm_masker_new failed");
    st = lm_masker_set_format(maskers[i], formats[i]);
    FUZZ_ASSERT(st == LM_OK, "set_format %s: %s", formats[i], lm_strerror(st));
  }
}

static void one_line(size_t f, const char *line, size_t len)
{
  lm_line out;
  lm_status st = lm_masker_line(maskers[f], line, len, &out);
  FUZZ_ASSERT(st == LM_OK, "%s: lm_masker_line: %s", formats[f], lm_strerror(st));
  if (!out.text) {
    FUZZ_ASSERT(out.flags & LM_LINE_DROPPED, "%s: NULL text, not dropped", formats[f]);
    return;
  }
  if (!(out.flags & LM_LINE_CHANGED))
    FUZZ_ASSERT(out.len == len && (len == 0 || memcmp(out.text, line, len) == 0),
                "%s: output differs but LM_LINE_CHANGED is not set", formats[f]);
  planted_absent(out.text, out.len);
  if ((f == 0 || f == 3) && valid_json(line, len))
    FUZZ_ASSERT(valid_json(out.text, out.len), "%s: valid JSON in, invalid JSON out",
                formats[f]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  setup();
  const char *text = (const char *)data, *end = text + size;
  for (size_t f = 0; f < N_FORMATS; f++) {
    lm_masker_reset(maskers[f]);
    for (const char *p = text; p <= end;) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
      /* An exactly sized copy per line, so a read past it is caught. */
      char *line = malloc(n ? n : 1);
      FUZZ_ASSERT(line, "out of memory");
      memcpy(line, p, n);
      one_line(f, line, n);
      free(line);
      if (!nl)
        break;
      p = nl + 1;
    }
  }
  return 0;
}
