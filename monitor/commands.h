/* commands.h - the subcommands; each returns an exit code (util.h). */
#ifndef MONITOR_COMMANDS_H
#define MONITOR_COMMANDS_H

#include "alert.h"
#include "baseline.h"
#include "conf.h"
#include "fingerprint.h"
#include "sources.h"

typedef struct cmd_options {
  const char *config_path;
  int force;          /* init --force */
  int all;            /* accept --all */
  const char *reason; /* accept --reason */
  int json;           /* status --json */
  int once;           /* run --once: read the logs to their end, then exit */
  char **names;       /* accept NAME... */
  int n_names;
} cmd_options;

int cmd_init(const cmd_options *o);
int cmd_check(const cmd_options *o);
int cmd_accept(const cmd_options *o);
int cmd_status(const cmd_options *o);
int cmd_run(const cmd_options *o);

/* Everything a command loads; released by env_free. */
typedef struct env {
  config cfg;
  int have_cfg;
  char *baseline_path, *key_path, *status_path;
  baseline base;
  unsigned char key[FP_KEY_LEN];
  int have_key;
  secret_set set;
} env;

void env_free(env *e);
/* Each loader reports its own error on stderr and returns -1. */
int env_config(env *e, const cmd_options *o);
int env_baseline(env *e);
/* -1 error, 1 the key file is gone, 0 loaded. */
int env_key(env *e);
int env_sources(env *e);
/* The comparison shared by `check` and `run`: fills *alerts. */
int run_check(env *e, alert_list *alerts);
/* Records a check result in the audit trail and the status file. */
void record_check(env *e, const alert_list *alerts);

/* STATE_DIR/NAME, malloc'd. */
char *state_path(const config *cfg, const char *name);

#endif
