/* SPDX-License-Identifier: Apache-2.0 */
/* commands.h - the subcommands; each returns an exit code (util.h). */
#ifndef MONITOR_COMMANDS_H
#define MONITOR_COMMANDS_H

#include "alert.h"
#include "baseline.h"
#include "conf.h"
#include "fingerprint.h"
#include "keys.h"
#include "sources.h"

#include <sys/stat.h>

typedef struct cmd_options {
  const char *config_path;
  int force;          /* init --force */
  int all;            /* accept --all */
  int leak;           /* accept --leak ID... */
  int weak;           /* accept --weak NAME... */
  const char *reason; /* accept --reason */
  int json;           /* status --json */
  int once;           /* run --once: read the logs to their end, then exit */
  char **names;       /* accept NAME... / IDs */
  int n_names;
} cmd_options;

int cmd_init(const cmd_options *o);
int cmd_check(const cmd_options *o);
int cmd_accept(const cmd_options *o);
int cmd_status(const cmd_options *o);
int cmd_run(const cmd_options *o);
int cmd_verify_audit(const cmd_options *o);

typedef enum key_state { KEY_LOADED, KEY_ABSENT, KEY_UNREADABLE } key_state;

/* Everything a command loads; released by env_free. */
typedef struct env {
  config cfg;
  int have_cfg;
  char *baseline_path, *key_path, *status_path;
  keyring keys;
  key_state key;
  char *key_error;        /* why the key is absent or unreadable */
  struct stat key_st;
  baseline base;
  int base_state;         /* 0 verified, BASELINE_TAMPERED */
  char *base_error;       /* why the baseline does not verify */
  secret_set set;
} env;

void env_free(env *e);
/* Each loader reports its own error on stderr and returns -1. */
int env_config(env *e, const cmd_options *o);
/* Loads the key and derives the others; the audit trail is keyed from
 * then on.  Never fails but for a configuration error (-1): an absent or
 * unreadable key is e->key, which run_check turns into an alert. */
int env_key(env *e);
/* Needs env_key first.  -1 when the baseline is absent or malformed
 * (reported); 0 otherwise, with e->base_state BASELINE_TAMPERED when it
 * does not verify (an alert of run_check). */
int env_baseline(env *e);
int env_sources(env *e);
/* The comparison shared by `check` and `run`: fills *alerts. */
int run_check(env *e, alert_list *alerts);
/* Records a check result in the audit trail and the status file. */
void record_check(env *e, const alert_list *alerts);

/* STATE_DIR/NAME, malloc'd. */
char *state_path(const config *cfg, const char *name);

#endif
