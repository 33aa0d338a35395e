/* audit.c - see audit.h.  Records are written with one write(2) on an
 * O_APPEND descriptor, so concurrent writers (daemon and a manual check)
 * never interleave inside a line; rotation happens under an flock. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "audit.h"
#include "json.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deletes rotated files (FILE.<stamp>) whose last write is older than the
 * retention period. */
static void prune(const config *cfg)
{
  char *dir = mon_dirname(cfg->audit_log);
  const char *slash = strrchr(cfg->audit_log, '/');
  const char *base = slash ? slash + 1 : cfg->audit_log;
  size_t base_len = strlen(base);
  DIR *d = dir ? opendir(dir) : NULL;
  if (!d) {
    free(dir);
    return;
  }
  time_t limit = time(NULL) - cfg->audit_retention;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, base, base_len) != 0 || e->d_name[base_len] != '.' ||
        strstr(e->d_name + base_len, ".tmp"))
      continue;
    char *path = mon_printf("%s/%s", dir, e->d_name);
    struct stat st;
    if (path && lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < limit) {
      if (unlink(path) != 0)
        mon_warn("%s: cannot delete an expired audit file: %s", path, strerror(errno));
    }
    free(path);
  }
  closedir(d);
  free(dir);
}

static void rotate(const config *cfg)
{
  char stamp[32];
  struct tm tm;
  time_t now = time(NULL);
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  for (int n = 0; n < 100; n++) {
    char *target = n ? mon_printf("%s.%s-%d", cfg->audit_log, stamp, n)
                     : mon_printf("%s.%s", cfg->audit_log, stamp);
    if (!target)
      return;
    /* link+unlink instead of rename: never replaces an existing file. */
    if (link(cfg->audit_log, target) == 0) {
      unlink(cfg->audit_log);
      free(target);
      break;
    }
    int exists = errno == EEXIST;
    free(target);
    if (!exists)
      return;
  }
  prune(cfg);
}

/* Opens the current audit file, rotating it first when it is full. */
static int open_current(const config *cfg)
{
  for (int tries = 0; tries < 3; tries++) {
    int fd = open(cfg->audit_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                  0600);
    if (fd < 0)
      return -1;
    if (flock(fd, LOCK_EX) != 0) {
      close(fd);
      return -1;
    }
    struct stat st, path_st;
    /* Another process may have rotated the file while we waited. */
    if (fstat(fd, &st) != 0 || stat(cfg->audit_log, &path_st) != 0 ||
        st.st_ino != path_st.st_ino || st.st_dev != path_st.st_dev) {
      close(fd);
      continue;
    }
    if ((uint64_t)st.st_size < cfg->audit_rotate_size)
      return fd;
    rotate(cfg);
    close(fd);
  }
  errno = EAGAIN;
  return -1;
}

int audit_record(const config *cfg, const char *op, const char *secret,
                 const char *outcome, const char *detail)
{
  yajl_gen g = json_gen_new(0);
  if (!g)
    return -1;
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  yajl_gen_map_open(g);
  json_put_str(g, "time", now);
  json_put_str(g, "host", mon_hostname());
  json_put_str(g, "user", mon_username());
  json_put_str(g, "op", op);
  json_put_str(g, "secret", secret);
  json_put_str(g, "outcome", outcome);
  if (detail)
    json_put_str(g, "detail", detail);
  yajl_gen_map_close(g);
  size_t len;
  char *line = json_gen_take(g, &len);
  yajl_gen_free(g);
  if (!line)
    return -1;
  line[len++] = '\n';
  int fd = open_current(cfg);
  int rc = -1;
  if (fd >= 0) {
    ssize_t n = write(fd, line, len);
    rc = n == (ssize_t)len ? 0 : -1;
    if (rc != 0 && n >= 0)
      errno = EIO;
    int saved = errno;
    close(fd);
    errno = saved;
  }
  if (rc != 0)
    mon_warn("%s: cannot append to the audit log: %s", cfg->audit_log, strerror(errno));
  free(line);
  return rc;
}
