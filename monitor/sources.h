/* SPDX-License-Identifier: Apache-2.0 */
/* sources.h - reads the guarded secrets from their sources: dotenv files,
 * secret files, secret directories (one secret per file, as Docker and
 * Kubernetes mount them), the monitor's own environment, and the
 * environment of another process (env-of, from /proc/PID/environ).
 *
 * Identity of a secret: (source, name), where source is the configured
 * path, "env", or "pid:N" / "unit:NAME". */
#ifndef MONITOR_SOURCES_H
#define MONITOR_SOURCES_H

#include "conf.h"
#include "index.h"
#include "util.h"

#include <sys/stat.h>

typedef struct secret {
  char *name;
  const char *source;        /* the configured path, or "env" (borrowed) */
  const source_cfg *cfg;
  char *value;               /* locked memory (set->values), wiped by
                                secret_set_free */
  size_t len;
  unsigned long line;        /* dotenv: line of the assignment, else 0 */
  int shadowed;              /* an earlier assignment of a name assigned
                                again in the same file: watched for leaks,
                                not compared */
} secret;

/* State of one configured source. */
typedef struct source_state {
  const source_cfg *cfg;
  int present;               /* read (perhaps partly: see failed) */
  int err_no;                /* why not, when !present */
  char *error;               /* why it cannot be read or parsed
                                completely ("FILE:LINE: why"), or NULL */
} source_state;

/* A file secrets were read from, for the permission check. */
typedef struct file_state {
  char *path;
  char *secret;              /* the secret it holds; NULL for a dotenv file */
  const source_cfg *cfg;
  struct stat st;
} file_state;

/* A name assigned more than once in one dotenv file. */
typedef struct duplicate {
  const char *source;        /* borrowed */
  char *name;
  unsigned long first_line, last_line;
  unsigned count;
} duplicate;

typedef struct secret_set {
  secret *v;
  size_t n, cap;
  source_state *sources;     /* parallel to cfg->sources */
  size_t n_sources;
  file_state *files;
  size_t n_files, files_cap;
  duplicate *dups;
  size_t n_dups, dups_cap;
  mon_index by_name;         /* (source, name) of unshadowed secrets */
  mon_arena values;          /* where the values are */
} secret_set;

/* Reads every source of `cfg`.  A source that is absent is recorded
 * (present = 0); one that cannot be read or parsed completely (no
 * permission, over max-source-size, a syntax error, a process whose
 * environment is hidden) gets an error and keeps what was read before the
 * error.  Neither is a failure: -1 only when out of memory. */
int sources_load(const config *cfg, secret_set *out, char **err);

/* Appends a copy of s (value into locked memory, shadowed flag kept) to
 * a set that has no sources of its own (the daemon's kept values).  -1
 * when out of memory. */
int secret_set_add_copy(secret_set *set, const secret *s);

/* Wipes every value and frees everything. */
void secret_set_free(secret_set *set);

/* Index in set->v of the unshadowed secret (source, name), or -1. */
long secret_find(const secret_set *set, const char *source, const char *name);

/* The source string of a configured source ("env" for variables). */
const char *source_name(const source_cfg *s);
const char *source_kind_name(source_kind kind);

#endif
