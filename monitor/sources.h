/* sources.h - reads the guarded secrets from their sources: dotenv files,
 * secret files, secret directories (one secret per file, as Docker and
 * Kubernetes mount them) and the monitor's own environment.
 *
 * Identity of a secret: (source, name), where source is the configured
 * path (or "env") and name the variable or file name. */
#ifndef MONITOR_SOURCES_H
#define MONITOR_SOURCES_H

#include "conf.h"

#include <sys/stat.h>

/* Largest secret file or dotenv file read. */
#define MON_MAX_SOURCE_SIZE (1u << 20)

typedef struct secret {
  char *name;
  const char *source;        /* the configured path, or "env" (borrowed) */
  const source_cfg *cfg;
  char *value;               /* locked memory, wiped by secret_set_free */
  size_t len;
} secret;

/* State of one configured source. */
typedef struct source_state {
  const source_cfg *cfg;
  int present;               /* read successfully */
  int err_no;                /* why not, when !present */
} source_state;

/* A file secrets were read from, for the permission check. */
typedef struct file_state {
  char *path;
  char *secret;              /* the secret it holds; NULL for a dotenv file */
  const source_cfg *cfg;
  struct stat st;
} file_state;

typedef struct secret_set {
  secret *v;
  size_t n;
  source_state *sources;     /* parallel to cfg->sources */
  size_t n_sources;
  file_state *files;
  size_t n_files;
} secret_set;

/* Reads every source of `cfg`.  A source that is absent or unreadable is
 * recorded (present = 0), not an error; a dotenv syntax error or a file
 * over the size limit is: -1 with *err naming file and line. */
int sources_load(const config *cfg, secret_set *out, char **err);

/* Wipes every value and frees everything. */
void secret_set_free(secret_set *set);

/* The source string of a configured source ("env" for variables). */
const char *source_name(const source_cfg *s);
const char *source_kind_name(source_kind kind);

#endif
