/* baseline.h - the recorded state of every guarded secret.
 *
 * The file (STATE_DIR/baseline) is JSON lines: a header object, then one
 * object per secret with its name, source, source kind, length class and
 * keyed fingerprint, plus when, by whom and why it was last accepted.  It
 * never holds a value or an unkeyed hash of one.  Written atomically. */
#ifndef MONITOR_BASELINE_H
#define MONITOR_BASELINE_H

#include <stddef.h>

typedef struct baseline_entry {
  char *name;
  char *source;
  char *kind;          /* dotenv, file, dir, env */
  char *length;        /* length class, see fp_length_class */
  char *fingerprint;   /* 64 hex digits */
  char *since;         /* time accepted (ISO 8601 UTC) */
  char *by;            /* who accepted */
  char *reason;        /* why ("init" for the first baseline) */
} baseline_entry;

typedef struct baseline {
  char *created;
  baseline_entry *v;
  size_t n;
} baseline;

/* -1 with *err "FILE:LINE: why"; errno ENOENT when the file is absent. */
int baseline_load(const char *path, baseline *out, char **err);
int baseline_save(const char *path, const baseline *b, char **err);
void baseline_free(baseline *b);

/* Index of the entry (source, name), or -1. */
long baseline_find(const baseline *b, const char *source, const char *name);
/* Appends a copy of every field (NULL fields stay NULL). */
int baseline_add(baseline *b, const baseline_entry *e);
void baseline_remove(baseline *b, size_t index);
void baseline_entry_free(baseline_entry *e);

#endif
