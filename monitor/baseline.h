/* SPDX-License-Identifier: Apache-2.0 */
/* baseline.h - the recorded state of every guarded secret.
 *
 * The file (STATE_DIR/baseline) is JSON lines: a header object (format,
 * version, creation and update times, a generation counter raised by
 * every save, the number of secrets), then one object per secret with its
 * name, source, source kind, length class and keyed fingerprint, when, by
 * whom and why it was last accepted, and an acknowledged weakness if any;
 * then the seal line (seal.h) over all of it.  It never holds a value or
 * an unkeyed hash of one.  Written atomically. */
#ifndef MONITOR_BASELINE_H
#define MONITOR_BASELINE_H

#include "index.h"
#include "keys.h"

#include <stddef.h>

typedef struct baseline_entry {
  char *name;
  char *source;
  char *kind;          /* dotenv, file, dir, env, env-of */
  char *length;        /* length class, see fp_length_class */
  char *fingerprint;   /* 64 hex digits */
  char *since;         /* time accepted (ISO 8601 UTC) */
  char *by;            /* who accepted */
  char *reason;        /* why ("init" for the first baseline) */
  char *weak_ack;      /* why a weak value is kept, or NULL; it holds for
                          this fingerprint only */
  char *weak_ack_by, *weak_ack_since;
} baseline_entry;

typedef struct baseline {
  char *created;
  unsigned long long generation;
  baseline_entry *v;
  size_t n, cap;
  mon_index index;     /* (source, name) */
} baseline;

/* Returned by baseline_load when the seal does not verify. */
#define BASELINE_TAMPERED (-2)

/* -1 with *err "FILE:LINE: why" (errno ENOENT when the file is absent);
 * BASELINE_TAMPERED with *err when the file is not the one the monitor
 * wrote (edited, truncated, extended, unsealed). */
int baseline_load(const char *path, const unsigned char state_key[MAC_LEN], baseline *out,
                  char **err);
/* Raises the generation and writes the sealed file. */
int baseline_save(const char *path, const unsigned char state_key[MAC_LEN], baseline *b,
                  char **err);
void baseline_free(baseline *b);

/* Index of the entry (source, name), or -1. */
long baseline_find(const baseline *b, const char *source, const char *name);
/* Appends a copy of every field (NULL fields stay NULL). */
int baseline_add(baseline *b, const baseline_entry *e);
/* Replaces entry `index` by a copy of *e (same source and name). */
int baseline_replace(baseline *b, size_t index, const baseline_entry *e);
/* Frees entry `index` and leaves a hole (name NULL) so positions hold
 * during a loop; baseline_compact (run by baseline_save) closes holes. */
void baseline_remove(baseline *b, size_t index);
int baseline_compact(baseline *b);
void baseline_entry_free(baseline_entry *e);

#endif
