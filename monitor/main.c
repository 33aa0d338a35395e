/* SPDX-License-Identifier: Apache-2.0 */
/* main.c - logmask-monitor: command line and dispatch. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "commands.h"
#include "util.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "logmask.h"

static void usage(FILE *to)
{
  fprintf(to,
          "Usage: " MON_PROGRAM " [-c FILE] COMMAND [OPTIONS]\n"
          "Guards the secrets an application uses and raises alerts.\n"
          "\n"
          "Commands:\n"
          "  init [--force]                 create the state directory, key and baseline\n"
          "  check                          compare the secrets with the baseline once\n"
          "  accept NAME...|--all --reason TEXT\n"
          "                                 acknowledge an intended change\n"
          "  accept --leak ID... --reason TEXT\n"
          "                                 acknowledge leaks found by a rule\n"
          "  accept --weak NAME... --reason TEXT\n"
          "                                 keep weak values (for their current value)\n"
          "  status [--json]                what is guarded, last check, open alerts\n"
          "  run [--once]                   the daemon: re-check and watch logs for leaks\n"
          "  verify-audit                   check the hash chain of the audit trail\n"
          "\n"
          "Options:\n"
          "  -c, --config FILE  configuration (default " MON_DEFAULT_CONFIG ")\n"
          "  -h, --help         this help\n"
          "  -V, --version      version\n"
          "\n"
          "Exit status: 0 all hold, 1 alerts raised (or state failing), 2 error.\n"
          "See logmask-monitor(8) and logmask-monitor.conf(5).\n");
}

int main(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "config", required_argument, NULL, 'c' },
    { "force", no_argument, NULL, 'f' },
    { "all", no_argument, NULL, 'a' },
    { "reason", required_argument, NULL, 'm' },
    { "leak", no_argument, NULL, 'L' },
    { "weak", no_argument, NULL, 'W' },
    { "json", no_argument, NULL, 'j' },
    { "once", no_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  cmd_options o = { .config_path = MON_DEFAULT_CONFIG };
  int c;
  /* Options may come before or after the command word. */
  while ((c = getopt_long(argc, argv, "c:fam:jhV", longopts, NULL)) != -1) {
    switch (c) {
    case 'c': o.config_path = optarg; break;
    case 'f': o.force = 1; break;
    case 'a': o.all = 1; break;
    case 'm': o.reason = optarg; break;
    case 'L': o.leak = 1; break;
    case 'W': o.weak = 1; break;
    case 'j': o.json = 1; break;
    case 'o': o.once = 1; break;
    case 'h': usage(stdout); return MON_EXIT_OK;
    case 'V': printf(MON_PROGRAM " %s (liblogmask %s)\n", LM_VERSION_STRING, lm_version());
      return MON_EXIT_OK;
    default: usage(stderr); return MON_EXIT_ERROR;
    }
  }
  if (optind >= argc) {
    usage(stderr);
    return MON_EXIT_ERROR;
  }
  const char *cmd = argv[optind];
  o.names = argv + optind + 1;
  o.n_names = argc - optind - 1;

  /* Secrets live in this process: no core dumps, private files. */
  umask(077);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  signal(SIGPIPE, SIG_IGN);

  int takes_names = strcmp(cmd, "accept") == 0;
  if (!takes_names && o.n_names) {
    mon_warn("'%s' takes no arguments (got '%s')", cmd, o.names[0]);
    return MON_EXIT_ERROR;
  }
  if (strcmp(cmd, "init") == 0)
    return cmd_init(&o);
  if (strcmp(cmd, "check") == 0)
    return cmd_check(&o);
  if (strcmp(cmd, "accept") == 0)
    return cmd_accept(&o);
  if (strcmp(cmd, "status") == 0)
    return cmd_status(&o);
  if (strcmp(cmd, "run") == 0)
    return cmd_run(&o);
  if (strcmp(cmd, "verify-audit") == 0)
    return cmd_verify_audit(&o);
  mon_warn("unknown command '%s'", cmd);
  usage(stderr);
  return MON_EXIT_ERROR;
}
