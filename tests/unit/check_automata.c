/* SPDX-License-Identifier: Apache-2.0 */
/* White-box tests of the two multi-literal matchers (src/ac.c, src/suffix.c),
 * built into this program from their sources: each against a naive search
 * over many random pattern sets and texts dense with hits, so the
 * quarter-and-tail walk, case-checked patterns and separator skipping are
 * exercised at every boundary position. */
#include "config.h"
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ac.h"
#include "suffix.h"
#include "../naive_match.h"

/* a small alphabet so that patterns recur and overlap */
static const char ALPHA[] = "abAB-_=\". ";
static uint32_t rng_state;
static uint32_t rnd(uint32_t n) {
  rng_state = rng_state * 1103515245u + 12345u;
  return (rng_state >> 8) % n;
}

#define MAXPAT 24
typedef struct pat {
  unsigned char b[32];
  size_t len;
  int cased;
} pat;

static naive_pat view(const pat *p) { return (naive_pat){p->b, p->len, p->cased}; }

typedef struct hits {
  uint32_t n;
  uint32_t seen[MAXPAT][512]; /* times (id, end) was reported */
} hits;

static int on_hit(void *ctx, uint32_t id, size_t end, size_t len) {
  hits *h = ctx;
  (void)len;
  h->seen[id][end]++;
  h->n++;
  return 0;
}

START_TEST(ac_matches_naive_search) {
  rng_state = 12345;
  static hits h;
  for (int trial = 0; trial < 400; trial++) {
    pat pats[MAXPAT];
    size_t np = 1 + rnd(MAXPAT);
    lm_ac *ac = lm_ac_new();
    ck_assert_ptr_nonnull(ac);
    for (size_t i = 0; i < np; i++) {
      /* mostly short patterns, a few long ones (longer than a quarter) */
      pats[i].len = rnd(8) ? 1 + rnd(4) : 5 + rnd(20);
      pats[i].cased = rnd(4) == 0;
      for (size_t j = 0; j < pats[i].len; j++)
        pats[i].b[j] = (unsigned char)ALPHA[rnd(4)];
      int rc = pats[i].cased ? lm_ac_add_cased(ac, pats[i].b, pats[i].len, (uint32_t)i)
                             : lm_ac_add(ac, pats[i].b, pats[i].len, (uint32_t)i);
      ck_assert_int_eq(rc, 0);
    }
    ck_assert_int_eq(lm_ac_build(ac), 0);
    for (int t = 0; t < 20; t++) {
      unsigned char text[500];
      size_t tlen = rnd(8) ? rnd(200) : rnd(500);
      for (size_t i = 0; i < tlen; i++)
        text[i] = (unsigned char)ALPHA[rnd(rnd(3) ? 4 : 10)];
      memset(&h, 0, sizeof h);
      ck_assert_int_eq(lm_ac_scan(ac, text, tlen, on_hit, &h), 0);
      uint32_t expect = 0;
      for (size_t i = 0; i < np; i++)
        for (size_t s = 0; s < tlen; s++) {
          /* a pattern added twice is reported under each id */
          naive_pat ref = view(&pats[i]);
          int want = naive_occurs(&ref, text, tlen, s);
          expect += (uint32_t)want;
          if (want)
            ck_assert_msg(h.seen[i][s + pats[i].len] == 1,
                          "trial %d: pattern %zu at %zu of %zu reported %u times", trial, i, s,
                          tlen, h.seen[i][s + pats[i].len]);
        }
      ck_assert_msg(h.n == expect, "trial %d: %u reports, %u occurrences", trial, h.n, expect);
    }
    lm_ac_free(ac);
  }
}
END_TEST

static int stop_first(void *ctx, uint32_t id, size_t end, size_t len) {
  (void)id;
  (void)end;
  (void)len;
  (*(int *)ctx)++;
  return 1;
}

static int any(const lm_ac *ac, const char *text) {
  int calls = 0;
  return lm_ac_scan(ac, (const unsigned char *)text, strlen(text), stop_first, &calls);
}

START_TEST(ac_callback_stops_and_case_is_checked) {
  lm_ac *ac = lm_ac_new();
  ck_assert_int_eq(lm_ac_add_cased(ac, (const unsigned char *)"MTA", 3, 0), 0);
  ck_assert_int_eq(lm_ac_add(ac, (const unsigned char *)"token", 5, 1), 0);
  ck_assert_int_eq(lm_ac_build(ac), 0);
  const char *folded_only = "a note about the mta and Mta relays, nothing else here at all ....";
  ck_assert_int_eq(any(ac, folded_only), 0);
  const char *two = "TOKEN here and MTA there, then TOKEN again, padding padding padding";
  int calls = 0;
  ck_assert_int_eq(lm_ac_scan(ac, (const unsigned char *)two, strlen(two), stop_first, &calls), 1);
  ck_assert_int_eq(calls, 1);
  lm_ac_free(ac);
  /* an automaton with no pattern matches nothing */
  ac = lm_ac_new();
  ck_assert_int_eq(lm_ac_build(ac), 0);
  ck_assert_int_eq(any(ac, two), 0);
  lm_ac_free(ac);
  lm_ac_free(NULL);
}
END_TEST

START_TEST(suffix_matches_naive_search) {
  rng_state = 777;
  for (int trial = 0; trial < 400; trial++) {
    pat names[8];
    size_t nn = 1 + rnd(8);
    lm_suffix *s = lm_suffix_new("_-. ", "=\"");
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < nn; i++) {
      names[i].len = 1 + rnd(5);
      for (size_t j = 0; j < names[i].len; j++)
        names[i].b[j] = (unsigned char)"abAB="[rnd(5)];
      ck_assert_int_eq(lm_suffix_add(s, names[i].b, names[i].len), 0);
    }
    ck_assert_int_eq(lm_suffix_build(s), 0);
    for (int t = 0; t < 30; t++) {
      unsigned char text[300];
      size_t tlen = rnd(300);
      for (size_t i = 0; i < tlen; i++)
        text[i] = (unsigned char)ALPHA[rnd(10)];
      int expect = 0;
      for (size_t i = 0; i < tlen && !expect; i++)
        if (text[i] == '=' || text[i] == '"')
          for (size_t k = 0; k < nn; k++)
            {
            naive_pat nm = view(&names[k]);
            expect |= naive_name_before(&nm, text, i);
          }
      ck_assert_msg(lm_suffix_any(s, text, tlen) == expect, "trial %d text %.*s", trial,
                    (int)tlen, text);
    }
    lm_suffix_free(s);
  }
  /* a separator inside a name is refused; a name after build too */
  lm_suffix *s = lm_suffix_new("_-. ", "=\"");
  ck_assert_int_eq(lm_suffix_add(s, (const unsigned char *)"api_key", 7), -1);
  ck_assert_int_eq(lm_suffix_add(s, (const unsigned char *)"", 0), -1);
  ck_assert_int_eq(lm_suffix_add(s, (const unsigned char *)"apikey", 6), 0);
  ck_assert_int_eq(lm_suffix_build(s), 0);
  ck_assert_int_eq(lm_suffix_add(s, (const unsigned char *)"token", 5), -1);
  const char *yes = "{\"API-Key\" : 1}", *no = "apikey here, api key there, no terminator";
  ck_assert_int_eq(lm_suffix_any(s, (const unsigned char *)yes, strlen(yes)), 1);
  ck_assert_int_eq(lm_suffix_any(s, (const unsigned char *)no, strlen(no)), 0);
  lm_suffix_free(s);
  lm_suffix_free(NULL);
  /* too many terminators */
  ck_assert_ptr_null(lm_suffix_new("", "12345678"));
}
END_TEST

int main(void) {
  Suite *s = suite_create("automata");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, ac_matches_naive_search);
  tcase_add_test(tc, ac_callback_stops_and_case_is_checked);
  tcase_add_test(tc, suffix_matches_naive_search);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
