/* SPDX-License-Identifier: Apache-2.0 */
/* tail.c - see tail.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "tail.h"
#include "json.h"
#include "seal.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEAD_LABEL "log-head"
#define OFFSETS_LABEL "offsets"

void tail_init(tailer *t, const log_cfg *cfg, const tail_offset *resume,
               const unsigned char *head_key)
{
  memset(t, 0, sizeof *t);
  t->cfg = cfg;
  t->head_key = head_key;
  t->fd = -1;
  t->is_stdin = strcmp(cfg->path, "-") == 0;
  t->resume = resume;
  t->reading = t->is_stdin ? "(stdin)" : cfg->path;
}

static void set_notice(tailer *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A log that exists but cannot be opened or read is not scanned: said on
 * stderr and as a notice (an alert) once, until a poll succeeds again. */
static void io_failed(tailer *t, const char *what)
{
  int e = errno;
  if (t->failing)
    return;
  t->failing = 1;
  mon_warn("%s: %s: %s", t->reading, what, strerror(e));
  set_notice(t, "%s: %s: %s: its new lines are not scanned", t->reading, what, strerror(e));
}

static void drop_partial(tailer *t)
{
  mon_wipe(t->partial, t->partial_len);
  t->partial_len = 0;
  t->long_line = 0;
  t->handed = 0;
}

void tail_close(tailer *t)
{
  if (t->fd > 0 || (t->fd == 0 && !t->is_stdin))
    close(t->fd);
  t->fd = -1;
  mon_wipe(t->partial, t->partial_cap);
  free(t->partial);
  t->partial = NULL;
  t->partial_len = t->partial_cap = 0;
  free(t->notice);
  t->notice = NULL;
}

/* ---- the head fingerprint ---------------------------------------------- */

/* Keyed fingerprint of the first len bytes of fd; -1 when they cannot be
 * read whole (the file is shorter now). */
static int head_of(int fd, const unsigned char *key, size_t len, char out[MAC_HEX_LEN + 1])
{
  char buf[TAIL_HEAD_MAX];
  size_t got = 0;
  while (got < len) {
    ssize_t n = pread(fd, buf + got, len - got, (off_t)got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  int rc = got == len && mac_hex(key, HEAD_LABEL, buf, len, NULL, 0, out) == 0 ? 0 : -1;
  mon_wipe(buf, got);
  return rc;
}

static int head_matches(int fd, const unsigned char *key, size_t len, const char *want)
{
  char now[MAC_HEX_LEN + 1];
  return head_of(fd, key, len, now) == 0 && mac_equal(now, want);
}

/* Extends the fingerprint to cover what was read, up to TAIL_HEAD_MAX. */
static void update_head(tailer *t)
{
  if (!t->head_key || t->head_len >= TAIL_HEAD_MAX || (off_t)t->head_len >= t->offset)
    return;
  size_t len = t->offset > TAIL_HEAD_MAX ? TAIL_HEAD_MAX : (size_t)t->offset;
  if (head_of(t->fd, t->head_key, len, t->head) == 0)
    t->head_len = len;
}

/* ---- lines ----------------------------------------------------------- */

/* Appends bytes to the partial line, handing over a window each time it
 * reaches TAIL_MAX_LINE and keeping the window's last TAIL_OVERLAP bytes. */
static int append_windowed(tailer *t, const char *p, size_t n, tail_line_fn fn, void *ctx)
{
  while (n) {
    size_t take = TAIL_MAX_LINE - t->partial_len;
    if (take > n)
      take = n;
    if (mon_grow(&t->partial, &t->partial_cap, t->partial_len, t->partial_len + take + 1, 1) != 0)
      return -1;
    memcpy(t->partial + t->partial_len, p, take);
    t->partial_len += take;
    p += take;
    n -= take;
    if (t->partial_len < TAIL_MAX_LINE)
      break;
    tail_piece piece = t->long_line ? TAIL_MIDDLE : TAIL_FIRST;
    if (!t->long_line)
      t->line++;
    t->long_line = 1;
    int rc = fn(ctx, t, t->partial, t->partial_len, piece, t->handed);
    if (rc != 0)
      return rc;
    size_t gone = t->partial_len - TAIL_OVERLAP;
    mon_wipe(t->partial, gone);
    memmove(t->partial, t->partial + gone, TAIL_OVERLAP);
    mon_wipe(t->partial + TAIL_OVERLAP, gone);
    t->partial_len = TAIL_OVERLAP;
    t->handed = TAIL_OVERLAP;
  }
  return 0;
}

/* Hands over the end of the line in the partial buffer. */
static int end_line(tailer *t, tail_line_fn fn, void *ctx)
{
  tail_piece piece = t->long_line ? TAIL_LAST : TAIL_WHOLE;
  if (!t->long_line)
    t->line++;
  int rc = fn(ctx, t, t->partial, t->partial_len, piece, t->handed);
  mon_wipe(t->partial, t->partial_len);
  t->partial_len = 0;
  t->long_line = 0;
  t->handed = 0;
  return rc;
}

/* Hands over the lines of buf[0..len) (at file position buf_pos) after
 * any kept partial line; the offset follows each line end. */
static int split_lines(tailer *t, const char *buf, size_t len, off_t buf_pos, tail_line_fn fn,
                       void *ctx)
{
  const char *p = buf, *end = buf + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    int rc;
    if (!nl)
      return append_windowed(t, p, n, fn, ctx);
    if (!t->partial_len && !t->long_line && n <= TAIL_MAX_LINE) {
      t->line++;
      rc = fn(ctx, t, p, n, TAIL_WHOLE, 0); /* the common case: no copy */
    } else {
      rc = append_windowed(t, p, n, fn, ctx);
      if (rc == 0)
        rc = end_line(t, fn, ctx);
    }
    if (rc != 0)
      return rc;
    t->offset = buf_pos + (off_t)(nl - buf) + 1;
    p = nl + 1;
  }
  return 0;
}

/* Reads fd to its end, or until the poll's budget is spent (t->more). */
static int drain(tailer *t, tail_line_fn fn, void *ctx, int *moved, size_t *budget)
{
  char buf[65536];
  for (;;) {
    if (*budget < sizeof buf) {
      t->more = 1;
      return 0;
    }
    ssize_t n = read(t->fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      return 0;
    if (n < 0) {
      io_failed(t, "read error");
      return -1;
    }
    if (n == 0) {
      if (t->is_stdin)
        t->at_eof = 1;
      return 0;
    }
    *moved = 1;
    *budget -= (size_t)n;
    off_t at = t->read_pos;
    t->read_pos += n;
    int rc = split_lines(t, buf, (size_t)n, at, fn, ctx);
    mon_wipe(buf, (size_t)n);
    if (rc != 0)
      return rc;
  }
}

/* The last line of a file that ends without '\n', at rotation. */
static int flush_partial(tailer *t, tail_line_fn fn, void *ctx)
{
  if (!t->partial_len && !t->long_line)
    return 0;
  int rc = end_line(t, fn, ctx);
  t->offset = t->read_pos;
  return rc;
}

/* ---- finding the unread end of a rotated file ------------------------ */

/* What is known of the file read before. */
typedef struct old_file {
  dev_t dev;
  ino_t ino;
  off_t offset;
  unsigned long line;
  size_t head_len;
  char head[MAC_HEX_LEN + 1];
} old_file;

static void set_notice(tailer *t, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *text = mon_vprintf(fmt, ap);
  va_end(ap);
  if (!text)
    return;
  if (t->notice) {
    char *both = mon_printf("%s; %s", t->notice, text);
    free(text);
    text = both;
    if (!text)
      return;
    free(t->notice);
  }
  t->notice = text;
}

/* Reads the file at `path` from old->offset to its end as the
 * continuation of the old file. */
static int read_rest(tailer *t, const char *path, int fd, const old_file *old, tail_line_fn fn,
                     void *ctx)
{
  int saved_fd = t->fd;
  const char *saved_reading = t->reading;
  t->fd = fd;
  t->reading = path;
  t->offset = t->read_pos = old->offset;
  t->line = old->line;
  drop_partial(t);
  int moved = 0, rc = -1;
  size_t budget = SIZE_MAX; /* a rotated file's end is read whole */
  if (lseek(fd, old->offset, SEEK_SET) == old->offset)
    rc = drain(t, fn, ctx, &moved, &budget);
  if (rc == 0)
    rc = flush_partial(t, fn, ctx);
  t->fd = saved_fd;
  t->reading = saved_reading;
  return rc;
}

/* Looks among the files of the log's directory for the old file: the same
 * inode (renamed) or the same first bytes (a copy made before a truncate;
 * the newest such copy), and reads what it holds past the old offset.
 * 1 found, 0 not, -1 when fn failed. */
static int recover(tailer *t, const old_file *old, const struct stat *now, tail_line_fn fn,
                   void *ctx)
{
  char *dir = mon_dirname(t->cfg->path);
  DIR *d = dir ? opendir(dir) : NULL;
  char *best = NULL;
  struct timespec best_time = { 0, 0 };
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
      continue;
    char *path = mon_printf("%s/%s", dir, e->d_name);
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW) : -1;
    struct stat st;
    int match = 0;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        !(now && st.st_dev == now->st_dev && st.st_ino == now->st_ino)) {
      int same_inode = st.st_dev == old->dev && st.st_ino == old->ino;
      if (!old->head_len)
        match = same_inode;
      else
        /* A renamed file must still start as it did (inodes are reused);
         * a copy holds at least what was read. */
        match = t->head_key && (size_t)st.st_size >= old->head_len &&
                (same_inode || st.st_size >= old->offset) &&
                head_matches(fd, t->head_key, old->head_len, old->head);
    }
    if (match && (!best || st.st_mtim.tv_sec > best_time.tv_sec ||
                  (st.st_mtim.tv_sec == best_time.tv_sec &&
                   st.st_mtim.tv_nsec > best_time.tv_nsec))) {
      free(best);
      best = path;
      path = NULL;
      best_time = st.st_mtim;
    }
    if (fd >= 0)
      close(fd);
    free(path);
  }
  if (d)
    closedir(d);
  free(dir);
  if (!best)
    return 0;
  int rc = 0;
  int fd = open(best, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > old->offset)
    rc = read_rest(t, best, fd, old, fn, ctx);
  if (fd >= 0)
    close(fd);
  free(best);
  return rc != 0 ? -1 : 1;
}

/* ---- opening ------------------------------------------------------------ */

static int start_at_zero(tailer *t)
{
  t->offset = t->read_pos = 0;
  t->line = 0;
  t->head_len = 0;
  drop_partial(t);
  return lseek(t->fd, 0, SEEK_SET) == 0 ? 0 : -1;
}

static int open_file(tailer *t, tail_line_fn fn, void *ctx)
{
  int fd = open(t->cfg->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT)
      return 0;
    io_failed(t, "cannot open");
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    io_failed(t, "cannot stat");
    close(fd);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    /* A device (/dev/zero never ends), FIFO or directory put at the
     * path: not read, and said once. */
    close(fd);
    if (st.st_dev != t->refused_dev || st.st_ino != t->refused_ino)
      set_notice(t, "%s is not a regular file (a device, FIFO or directory): it is not read",
                 t->cfg->path);
    t->refused_dev = st.st_dev;
    t->refused_ino = st.st_ino;
    return 0;
  }
  t->fd = fd;
  t->dev = st.st_dev;
  t->ino = st.st_ino;
  t->offset = 0;
  t->line = 0;
  t->head_len = 0;
  const tail_offset *r = t->resume;
  int first = !t->started;
  t->started = 1;
  if (first && r) {
    old_file old = { (dev_t)r->dev, (ino_t)r->ino, (off_t)r->offset, r->line, r->head_len, "" };
    memcpy(old.head, r->head, sizeof old.head);
    int same_inode = r->dev == (unsigned long long)st.st_dev &&
                     r->ino == (unsigned long long)st.st_ino;
    int intact = same_inode && (off_t)r->offset <= st.st_size &&
                 (!r->head_len || !t->head_key ||
                  head_matches(fd, t->head_key, r->head_len, r->head));
    if (intact) {
      t->offset = (off_t)r->offset;
      t->line = r->line;
      t->head_len = r->head_len;
      memcpy(t->head, r->head, sizeof t->head);
    } else {
      /* Rotated or truncated while the monitor was stopped: the end it
       * had not read yet is in the rotated file, if it can be found. */
      int rec = recover(t, &old, &st, fn, ctx);
      if (rec < 0)
        return -1;
      if (rec == 0 && !(same_inode && r->offset == 0))
        set_notice(t, "%s was rotated or truncated while the monitor was stopped and the "
                   "file it had read to byte %llu (line %lu) is not among the files of its "
                   "directory (compressed or moved?): lines written to it meanwhile were not "
                   "scanned", t->cfg->path, r->offset, r->line);
      if (start_at_zero(t) != 0)
        return -1;
    }
  } else if (first && t->cfg->from_end) {
    /* Start at the end, but know the line number there. */
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < n; i++)
        t->line += buf[i] == '\n';
      mon_wipe(buf, (size_t)n);
    }
    t->offset = lseek(fd, 0, SEEK_END);
    update_head(t);
  }
  if (lseek(fd, t->offset, SEEK_SET) < 0) {
    close(fd);
    t->fd = -1;
    return -1;
  }
  t->read_pos = t->offset;
  return 1;
}

/* Truncated in place, perhaps written past the old offset again: the
 * size or the first bytes tell.  The lines written between the last read
 * and the truncate are in the copy logrotate made, if it can be found. */
static int check_rewritten(tailer *t, tail_line_fn fn, void *ctx, int *moved)
{
  struct stat st;
  if (fstat(t->fd, &st) != 0)
    return -1;
  int shrunk = st.st_size < t->read_pos;
  if (!shrunk && !(t->head_len && t->head_key &&
                   !head_matches(t->fd, t->head_key, t->head_len, t->head)))
    return 0;
  old_file old = { t->dev, t->ino, t->offset, t->line, t->head_len, "" };
  memcpy(old.head, t->head, sizeof old.head);
  /* Partial bytes were read but not handed over: they come again from the
   * copy, or are gone with the truncate. */
  drop_partial(t);
  if (old.head_len && recover(t, &old, &st, fn, ctx) < 0)
    return -1;
  *moved = 1;
  return start_at_zero(t);
}

static int poll_once(tailer *t, tail_line_fn fn, void *ctx)
{
  int moved = 0;
  size_t budget = TAIL_POLL_BUDGET;
  if (t->is_stdin) {
    if (t->at_eof)
      return 0;
    if (t->fd < 0) {
      t->fd = 0;
      fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    }
    int rc = drain(t, fn, ctx, &moved, &budget);
    if (rc == 0 && t->at_eof)
      rc = flush_partial(t, fn, ctx);
    return rc < 0 ? -1 : moved;
  }
  if (t->fd < 0) {
    int r = open_file(t, fn, ctx);
    if (r < 0)
      return -1;
    if (r == 0)
      return 0;
    moved = 1;
  }
  for (int rounds = 0; rounds < 4; rounds++) {
    if (check_rewritten(t, fn, ctx, &moved) != 0)
      return -1;
    if (drain(t, fn, ctx, &moved, &budget) != 0)
      return -1;
    update_head(t);
    if (t->more)
      break; /* the rest next time, rotation checks then */
    struct stat now;
    if (stat(t->cfg->path, &now) != 0)
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
      int r = open_file(t, fn, ctx);
      if (r <= 0)
        return r < 0 ? -1 : 1;
      continue;
    }
    break;
  }
  return moved;
}

int tail_poll(tailer *t, tail_line_fn fn, void *ctx)
{
  t->more = 0;
  int rc = poll_once(t, fn, ctx);
  if (rc >= 0)
    t->failing = 0;
  return rc;
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

int tail_offsets_load(const char *path, const unsigned char state_key[MAC_LEN],
                      tail_offset **out, size_t *n, char **err)
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
  size_t body;
  if (seal_check(state_key, OFFSETS_LABEL, text, len, &body) != SEAL_OK) {
    free(text);
    mon_fail(err, "%s: the saved log positions do not match their MAC: they were edited "
             "or written under another key", path);
    return 1;
  }
  len = body;
  tail_offset *v = NULL;
  size_t count = 0, cap = 0;
  unsigned long line = 0;
  int rc = 0;
  for (char *cur = text; rc == 0 && cur < text + len;) {
    char *nl = memchr(cur, '\n', (size_t)(text + len - cur));
    if (nl)
      *nl = '\0';
    line++;
    yajl_val obj = yajl_tree_parse(cur, NULL, 0);
    const char *log = json_get_str(obj, "log");
    const char *head = json_get_str(obj, "head");
    long long dev = json_get_int(obj, "dev"), ino = json_get_int(obj, "ino"),
              off = json_get_int(obj, "offset"), ln = json_get_int(obj, "line"),
              head_len = json_get_int(obj, "head_len");
    if (!log || dev < 0 || ino < 0 || off < 0 || ln < 0 || head_len < 0 ||
        head_len > TAIL_HEAD_MAX || !head || strlen(head) > MAC_HEX_LEN) {
      rc = mon_fail(err, "%s:%lu: malformed offset record", path, line);
    } else if (mon_grow(&v, &cap, count, count + 1, sizeof *v) != 0 ||
               !(v[count].path = strdup(log))) {
      rc = mon_fail(err, "out of memory");
    } else {
      v[count].dev = (unsigned long long)dev;
      v[count].ino = (unsigned long long)ino;
      v[count].offset = (unsigned long long)off;
      v[count].line = (unsigned long)ln;
      v[count].head_len = (size_t)head_len;
      strcpy(v[count].head, head);
      count++;
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

int tail_offsets_save(const char *path, const unsigned char state_key[MAC_LEN],
                      const tailer *const *tails, size_t n, char **err)
{
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (size_t i = 0; i < n; i++) {
    const tailer *t = tails[i];
    if (t->is_stdin || !t->started || t->fd < 0)
      continue;
    yajl_gen g = json_gen_new(0);
    if (!g)
      break;
    yajl_gen_map_open(g);
    json_put_str(g, "log", t->cfg->path);
    json_put_int(g, "dev", (long long)t->dev);
    json_put_int(g, "ino", (long long)t->ino);
    json_put_int(g, "offset", (long long)t->offset);
    json_put_int(g, "line", (long long)t->line);
    json_put_int(g, "head_len", (long long)t->head_len);
    json_put_str(g, "head", t->head_len ? t->head : "");
    yajl_gen_map_close(g);
    size_t n_line;
    char *one = json_gen_take(g, &n_line);
    yajl_gen_free(g);
    if (!one || mon_grow(&buf, &cap, len, len + n_line + 2, 1) != 0) {
      free(one);
      free(buf);
      return mon_fail(err, "out of memory");
    }
    memcpy(buf + len, one, n_line);
    buf[len + n_line] = '\n';
    len += n_line + 1;
    free(one);
  }
  char *sealed = NULL;
  size_t sealed_len;
  if (seal_wrap(state_key, OFFSETS_LABEL, buf ? buf : "", len, &sealed, &sealed_len) != 0) {
    free(buf);
    return mon_fail(err, "out of memory");
  }
  free(buf);
  int rc = mon_write_atomic(path, sealed, sealed_len, 0600, err);
  free(sealed);
  return rc;
}
