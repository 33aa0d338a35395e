/* SPDX-License-Identifier: Apache-2.0 */
/* conf.h - the monitor's configuration file (logmask-monitor.conf(5)):
 * one directive per line, words separated by blanks, "double" or 'single'
 * quotes for words with blanks, '#' comments. */
#ifndef MONITOR_CONF_H
#define MONITOR_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define MON_DEFAULT_CONFIG "/etc/logmask/monitor.conf"
#define MON_DEFAULT_STATE_DIR "/var/lib/logmask-monitor"
#define MON_DEFAULT_SYSTEMCTL "/usr/bin/systemctl"

typedef struct strv {
  char **v;
  size_t n;
} strv;

typedef enum source_kind {
  SOURCE_DOTENV, SOURCE_FILE, SOURCE_DIR, SOURCE_ENV, SOURCE_ENV_OF
} source_kind;

typedef struct source_cfg {
  source_kind kind;
  char *path;          /* file, directory, variable name for SOURCE_ENV, or
                          "pid:N" / "unit:NAME" for SOURCE_ENV_OF */
  strv names;          /* SOURCE_ENV_OF: variable names or globs */
  mode_t max_mode;     /* permission bits allowed (default 0600) */
  uid_t owner;         /* expected owner */
  unsigned long line;  /* where it was configured */
} source_cfg;

typedef struct log_cfg {
  char *path;          /* "-" for standard input */
  char *mask_to;       /* masked copy, or NULL */
  int from_end;        /* with no saved offset: start at the end */
  unsigned long line;
} log_cfg;

typedef enum sink_kind { SINK_STDOUT, SINK_FILE, SINK_SYSLOG, SINK_EXEC } sink_kind;

typedef struct sink_cfg {
  sink_kind kind;
  char *path;          /* SINK_FILE */
  int facility;        /* SINK_SYSLOG, LOG_* value */
  char *tag;           /* SINK_SYSLOG */
  strv argv;           /* SINK_EXEC: program and arguments, no shell */
  unsigned rate_count; /* at most rate_count alerts per rate_seconds; 0 = no limit */
  unsigned rate_seconds;
  unsigned dedup_seconds; /* identical alerts within this window are dropped */
  unsigned long line;
} sink_cfg;

typedef struct config {
  char *path;
  char *state_dir;
  char *key_file;              /* NULL: STATE_DIR/key */
  char *key_credential;        /* systemd credential name, or NULL */
  char *systemctl;             /* for env-of unit:NAME */
  uint64_t max_source_size;    /* bytes; larger sources are unreadable */
  char *audit_log;             /* default STATE_DIR/audit.log */
  time_t audit_retention;      /* seconds; default 3 years */
  uint64_t audit_rotate_size;  /* bytes; default 10 MiB */
  uid_t owner;                 /* default owner of secret files */
  unsigned interval;           /* seconds between re-checks in `run` */
  size_t min_len_key, min_len_password, min_len_other;
  double min_entropy;          /* bits per byte */
  strv key_globs, password_globs, ignore_globs;
  strv rule_paths;             /* extra rule files for leak detection */
  source_cfg *sources;
  size_t n_sources;
  log_cfg *logs;
  size_t n_logs;
  sink_cfg *sinks;
  size_t n_sinks;
} config;

/* Loads and validates `path`.  On error returns -1 with *err =
 * "FILE:LINE: why" (malloc'd) and *out untouched. */
int config_load(const char *path, config *out, char **err);
void config_free(config *cfg);

/* Where the fingerprint key is: key-credential (under
 * $CREDENTIALS_DIRECTORY), key-file, or STATE_DIR/key.  malloc'd; NULL
 * with *err when a credential is named but no credentials directory is
 * set. */
char *config_key_path(const config *cfg, char **err);

/* "30", "30s", "5m", "2h", "7d", "3y" -> seconds; -1 when malformed. */
int config_parse_duration(const char *text, time_t *out);

void strv_free(strv *s);
int strv_push(strv *s, const char *word);

#endif
