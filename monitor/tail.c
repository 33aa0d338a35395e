/* tail.c - see tail.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "tail.h"
#include "json.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void tail_init(tailer *t, const log_cfg *cfg, const tail_offset *resume)
{
  memset(t, 0, sizeof *t);
  t->cfg = cfg;
  t->fd = -1;
  t->is_stdin = strcmp(cfg->path, "-") == 0;
  t->resume = resume;
}

void tail_close(tailer *t)
{
  if (t->fd > 0 || (t->fd == 0 && !t->is_stdin))
    close(t->fd);
  t->fd = -1;
  if (t->partial)
    mon_wipe(t->partial, t->partial_len);
  free(t->partial);
  t->partial = NULL;
  t->partial_len = 0;
}

/* Hands over the lines of buf[0..len) after any kept partial line. */
static int split_lines(tailer *t, const char *buf, size_t len, tail_line_fn fn, void *ctx)
{
  const char *p = buf, *end = buf + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (!nl && t->partial_len + n <= TAIL_MAX_LINE) {
      char *bigger = realloc(t->partial, t->partial_len + n + 1);
      if (!bigger)
        return -1;
      memcpy(bigger + t->partial_len, p, n);
      t->partial = bigger;
      t->partial_len += n;
      break;
    }
    /* A complete line (or an over-long piece, scanned rather than kept). */
    int rc;
    t->line++;
    if (t->partial_len) {
      char *whole = malloc(t->partial_len + n + 1);
      if (!whole)
        return -1;
      memcpy(whole, t->partial, t->partial_len);
      memcpy(whole + t->partial_len, p, n);
      size_t whole_len = t->partial_len + n;
      mon_wipe(t->partial, t->partial_len);
      t->partial_len = 0;
      rc = fn(ctx, t, whole, whole_len);
      mon_wipe(whole, whole_len);
      free(whole);
    } else {
      rc = fn(ctx, t, p, n);
    }
    if (rc != 0)
      return rc;
    p += n + (nl ? 1 : 0);
  }
  return 0;
}

/* Reads fd to its end.  The offset advances with each complete line. */
static int drain(tailer *t, tail_line_fn fn, void *ctx, int *moved)
{
  char buf[65536];
  for (;;) {
    ssize_t n = read(t->fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      return 0;
    if (n < 0) {
      mon_warn("%s: read error: %s", t->cfg->path, strerror(errno));
      return -1;
    }
    if (n == 0) {
      if (t->is_stdin)
        t->at_eof = 1;
      return 0;
    }
    *moved = 1;
    off_t before_partial = t->offset;
    size_t kept = t->partial_len;
    int rc = split_lines(t, buf, (size_t)n, fn, ctx);
    /* offset = bytes consumed through the last newline. */
    t->offset = before_partial + (off_t)kept + n - (off_t)t->partial_len;
    mon_wipe(buf, (size_t)n);
    if (rc != 0)
      return rc;
  }
}

/* The last line of a file that ends without '\n', at rotation. */
static int flush_partial(tailer *t, tail_line_fn fn, void *ctx)
{
  if (!t->partial_len)
    return 0;
  t->line++;
  int rc = fn(ctx, t, t->partial, t->partial_len);
  t->offset += (off_t)t->partial_len;
  mon_wipe(t->partial, t->partial_len);
  t->partial_len = 0;
  return rc;
}

static int open_file(tailer *t)
{
  int fd = open(t->cfg->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return errno == ENOENT ? 0 : -1;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return -1;
  }
  t->fd = fd;
  t->dev = st.st_dev;
  t->ino = st.st_ino;
  t->offset = 0;
  t->line = 0;
  const tail_offset *r = t->resume;
  if (!t->started && r && r->dev == (unsigned long long)st.st_dev &&
      r->ino == (unsigned long long)st.st_ino && (off_t)r->offset <= st.st_size) {
    t->offset = (off_t)r->offset;
    t->line = r->line;
  } else if (!t->started && !r && t->cfg->from_end) {
    /* Start at the end, but know the line number there. */
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
      for (ssize_t i = 0; i < n; i++)
        t->line += buf[i] == '\n';
    t->offset = lseek(fd, 0, SEEK_END);
  }
  if (lseek(fd, t->offset, SEEK_SET) < 0) {
    close(fd);
    t->fd = -1;
    return -1;
  }
  t->started = 1;
  return 1;
}

int tail_poll(tailer *t, tail_line_fn fn, void *ctx)
{
  int moved = 0;
  if (t->is_stdin) {
    if (t->at_eof)
      return 0;
    if (t->fd < 0) {
      t->fd = 0;
      fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    }
    int rc = drain(t, fn, ctx, &moved);
    if (rc == 0 && t->at_eof)
      rc = flush_partial(t, fn, ctx);
    return rc < 0 ? -1 : moved;
  }
  if (t->fd < 0) {
    int r = open_file(t);
    if (r < 0) {
      mon_warn("%s: cannot open: %s", t->cfg->path, strerror(errno));
      return -1;
    }
    if (r == 0)
      return 0;
    moved = 1;
  }
  for (int rounds = 0; rounds < 4; rounds++) {
    if (drain(t, fn, ctx, &moved) != 0)
      return -1;
    struct stat now, mine;
    int gone = stat(t->cfg->path, &now) != 0;
    if (fstat(t->fd, &mine) != 0)
      return -1;
    if (gone)
      /* Renamed away and no successor yet: the writer may still append
       * to the old file, which stays open and is read at every poll. */
      break;
    if (now.st_ino != t->ino || now.st_dev != t->dev) {
      /* A new file at the path: the old one was read to its end (above);
       * its last unterminated line counts; then the new file from 0. */
      if (flush_partial(t, fn, ctx) != 0)
        return -1;
      close(t->fd);
      t->fd = -1;
      moved = 1;
      int r = open_file(t);
      if (r <= 0)
        return r < 0 ? -1 : 1;
      continue;
    }
    if (mine.st_size < t->offset + (off_t)t->partial_len) {
      /* Truncated in place (copytruncate): start again at 0. */
      mon_wipe(t->partial, t->partial_len);
      t->partial_len = 0;
      t->offset = 0;
      t->line = 0;
      if (lseek(t->fd, 0, SEEK_SET) < 0)
        return -1;
      moved = 1;
      continue;
    }
    break;
  }
  return moved;
}

/* ---- saved positions ------------------------------------------------ */

void tail_offsets_free(tail_offset *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(v[i].path);
  free(v);
}

const tail_offset *tail_offsets_find(const tail_offset *v, size_t n, const char *path)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i].path, path) == 0)
      return &v[i];
  return NULL;
}

int tail_offsets_load(const char *path, tail_offset **out, size_t *n, char **err)
{
  *out = NULL;
  *n = 0;
  char *text;
  size_t len;
  if (mon_read_file(path, &text, &len) != 0) {
    if (errno == ENOENT)
      return 0;
    return mon_fail(err, "%s: cannot read: %s", path, strerror(errno));
  }
  tail_offset *v = NULL;
  size_t count = 0;
  unsigned long line = 0;
  int rc = 0;
  for (char *cur = text; rc == 0 && cur < text + len;) {
    char *nl = strchr(cur, '\n');
    if (nl)
      *nl = '\0';
    line++;
    char errbuf[128];
    yajl_val obj = yajl_tree_parse(cur, errbuf, sizeof errbuf);
    const char *log = json_get_str(obj, "log");
    long long dev = json_get_int(obj, "dev"), ino = json_get_int(obj, "ino"),
              off = json_get_int(obj, "offset"), ln = json_get_int(obj, "line");
    if (!log || dev < 0 || ino < 0 || off < 0 || ln < 0) {
      rc = mon_fail(err, "%s:%lu: malformed offset record", path, line);
    } else {
      tail_offset *bigger = realloc(v, (count + 1) * sizeof *bigger);
      if (!bigger || !(bigger[count].path = strdup(log))) {
        if (bigger)
          v = bigger;
        rc = mon_fail(err, "out of memory");
      } else {
        v = bigger;
        v[count].dev = (unsigned long long)dev;
        v[count].ino = (unsigned long long)ino;
        v[count].offset = (unsigned long long)off;
        v[count].line = (unsigned long)ln;
        count++;
      }
    }
    yajl_tree_free(obj);
    cur = nl ? nl + 1 : text + len;
  }
  free(text);
  if (rc != 0) {
    tail_offsets_free(v, count);
    return -1;
  }
  *out = v;
  *n = count;
  return 0;
}

int tail_offsets_save(const char *path, const tailer *tails, size_t n, char **err)
{
  char *buf = NULL;
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    const tailer *t = &tails[i];
    if (t->is_stdin || !t->started || t->fd < 0)
      continue;
    char *line = NULL;
    yajl_gen g = json_gen_new(0);
    if (g) {
      yajl_gen_map_open(g);
      json_put_str(g, "log", t->cfg->path);
      json_put_int(g, "dev", (long long)t->dev);
      json_put_int(g, "ino", (long long)t->ino);
      json_put_int(g, "offset", (long long)t->offset);
      json_put_int(g, "line", (long long)t->line);
      yajl_gen_map_close(g);
      line = json_gen_take(g, NULL);
      yajl_gen_free(g);
    }
    char *joined = line ? mon_printf("%s%s\n", buf ? buf : "", line) : NULL;
    free(line);
    free(buf);
    if (!joined)
      return mon_fail(err, "out of memory");
    buf = joined;
    len = strlen(buf);
  }
  int rc = mon_write_atomic(path, buf ? buf : "", len, 0600, err);
  free(buf);
  return rc;
}
