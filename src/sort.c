/* SPDX-License-Identifier: Apache-2.0 */
/* Sorting arrays that arrive as a few sorted runs: the spans of a line
 * (one run per rule and view), the keyword hits of a walk (one run per
 * quarter of the line).  The runs are merged pairwise, linear in the
 * array for a handful of runs; many runs go to qsort. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

#define RUNS_MAX 64

void lm_sort_runs(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
  char *a = base;
  if (n < 2)
    return;
  /* where each run starts */
  size_t starts[RUNS_MAX + 1], nruns = 0;
  starts[nruns++] = 0;
  for (size_t i = 1; i < n; i++)
    if (cmp(a + (i - 1) * size, a + i * size) > 0) {
      if (nruns == RUNS_MAX) {
        qsort(base, n, size, cmp);
        return;
      }
      starts[nruns++] = i;
    }
  if (nruns == 1)
    return;
  char *tmp = malloc(n * size);
  if (!tmp) {
    qsort(base, n, size, cmp); /* in place, no memory needed */
    return;
  }
  starts[nruns] = n;
  char *src = a, *dst = tmp;
  while (nruns > 1) {
    size_t w = 0;
    for (size_t r = 0; r < nruns; r += 2) {
      /* starts[nruns] is n: a last run without a pair is copied */
      size_t lo = starts[r], mid = starts[r + 1];
      size_t hi = r + 2 <= nruns ? starts[r + 2] : n;
      size_t i = lo, j = mid, k = lo;
      /* stable: on a tie the left run's element first */
      while (i < mid && j < hi) {
        if (cmp(src + j * size, src + i * size) < 0)
          memcpy(dst + (k++) * size, src + (j++) * size, size);
        else
          memcpy(dst + (k++) * size, src + (i++) * size, size);
      }
      memcpy(dst + k * size, src + i * size, (mid - i) * size);
      k += mid - i;
      memcpy(dst + k * size, src + j * size, (hi - j) * size);
      starts[w++] = lo;
    }
    starts[w] = n;
    nruns = w;
    char *t = src;
    src = dst;
    dst = t;
  }
  if (src != a)
    memcpy(a, src, n * size);
  free(tmp);
}
