/* SPDX-License-Identifier: Apache-2.0 */
/* Aho-Corasick automaton over ASCII-case-folded bytes: every rule keyword
 * and every known literal in one DFA, run once per line.
 *
 * The DFA is dense over byte classes (bytes that no pattern distinguishes
 * share a class), states are stored as row offsets, and states with output
 * are numbered last, so the hot loop is one table load and one compare per
 * input byte. */
#ifndef LM_AC_H
#define LM_AC_H
#include <stddef.h>
#include <stdint.h>

typedef struct lm_ac lm_ac;

lm_ac *lm_ac_new(void);
void lm_ac_free(lm_ac *ac);
/* Adds a pattern (matched with ASCII case folded) with a caller id.
 * Returns 0, or -1 when out of memory.  len must be > 0. */
int lm_ac_add(lm_ac *ac, const unsigned char *pat, size_t len, uint32_t id);
/* The same for a pattern whose case must match as given: the automaton
 * still walks folded bytes, and a hit is kept only when the exact bytes are
 * there, so callers never see a wrong-case occurrence. */
int lm_ac_add_cased(lm_ac *ac, const unsigned char *pat, size_t len, uint32_t id);
/* Builds the DFA; no adds afterwards.  0 or -1 (out of memory). */
int lm_ac_build(lm_ac *ac);

/* Called for every pattern occurrence: `end` is the offset just past it,
 * `len` the pattern length.  Return non-zero to stop the scan. */
typedef int (*lm_ac_hit_fn)(void *ctx, uint32_t id, size_t end, size_t len);

/* Scans text; returns 1 when the callback stopped it, else 0.  Every
 * occurrence is reported once, but not in text order (the text is walked
 * in quarters side by side).  Read-only: threads may share a built lm_ac. */
int lm_ac_scan(const lm_ac *ac, const unsigned char *text, size_t len,
               lm_ac_hit_fn hit, void *ctx);
#endif
