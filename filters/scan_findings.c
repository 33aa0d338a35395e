/* SPDX-License-Identifier: Apache-2.0 */
/* The finding list of `logmask scan`; see scan_findings.h. */
#include <config.h>

#include "scan_findings.h"

#include <stdlib.h>
#include <string.h>

struct scan_finding *findings_push(struct scan_findings *list)
{
  if (list->count == list->cap) {
    size_t cap = list->cap ? list->cap * 2 : 16;
    struct scan_finding *items = realloc(list->items, cap * sizeof *items);
    if (!items)
      return NULL;
    list->items = items;
    list->cap = cap;
  }
  struct scan_finding *f = &list->items[list->count++];
  memset(f, 0, sizeof *f);
  return f;
}

void findings_free(struct scan_findings *list)
{
  for (size_t i = 0; i < list->count; i++) {
    struct scan_finding *f = &list->items[i];
    free(f->path);
    free(f->rule);
    free(f->label);
    free(f->description);
    free(f->preview);
    free(f->date);
  }
  free(list->items);
  memset(list, 0, sizeof *list);
}

size_t findings_count(const struct scan_findings *list, enum scan_suppression kind)
{
  size_t n = 0;
  for (size_t i = 0; i < list->count; i++)
    if (list->items[i].suppressed == kind)
      n++;
  return n;
}
