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
    free(list->items[i].path);
    free(list->items[i].rule);
    free(list->items[i].description);
    free(list->items[i].preview);
  }
  free(list->items);
  memset(list, 0, sizeof *list);
}

size_t findings_new_count(const struct scan_findings *list)
{
  size_t n = 0;
  for (size_t i = 0; i < list->count; i++)
    if (!list->items[i].suppressed)
      n++;
  return n;
}
