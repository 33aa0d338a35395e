/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "pipecheck.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The open flags of /proc/PID/fdinfo/FD, or -1. */
static long fd_flags(const char *pid, const char *fd) {
  char path[300 + 2 * 256];
  snprintf(path, sizeof path, "/proc/%s/fdinfo/%s", pid, fd);
  FILE *f = fopen(path, "re");
  if (!f)
    return -1;
  char line[128];
  long flags = -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "flags:", 6) == 0) {
      flags = strtol(line + 6, NULL, 8);
      break;
    }
  fclose(f);
  return flags;
}

static int holds_writer(const char *pid, const char *want) {
  char path[300];
  snprintf(path, sizeof path, "/proc/%s/fd", pid);
  DIR *d = opendir(path);
  if (!d)
    return 0;
  int found = 0;
  struct dirent *e;
  while (!found && (e = readdir(d)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9')
      continue;
    char target[64];
    ssize_t n = readlinkat(dirfd(d), e->d_name, target, sizeof target - 1);
    if (n <= 0)
      continue;
    target[n] = '\0';
    if (strcmp(target, want) != 0)
      continue;
    long flags = fd_flags(pid, e->d_name);
    found = flags >= 0 && (flags & O_ACCMODE) != O_RDONLY;
  }
  closedir(d);
  return found;
}

int lmr_pipe_other_writer(int fd, pid_t *who) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
    return 0;
  char want[64];
  snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)st.st_ino);
  DIR *proc = opendir("/proc");
  if (!proc)
    return 0;
  pid_t self = getpid();
  int found = 0;
  struct dirent *e;
  while (!found && (e = readdir(proc)) != NULL) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || pid <= 0 || pid == (long)self)
      continue;
    if (holds_writer(e->d_name, want)) {
      found = 1;
      *who = (pid_t)pid;
    }
  }
  closedir(proc);
  return found;
}
