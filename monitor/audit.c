/* SPDX-License-Identifier: Apache-2.0 */
/* audit.c - see audit.h.  Records are written with one write(2) on an
 * O_APPEND descriptor under an exclusive flock, which also covers reading
 * and writing the head, so concurrent writers (daemon and a manual check)
 * keep one chain; rotation happens under the same lock. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "audit.h"
#include "json.h"
#include "seal.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define AUDIT_LABEL "audit"
#define HEAD_LABEL "audit-head"
#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
/* ,"mac":"<64 hex>"} at the end of every keyed record */
#define MAC_MEMBER ",\"mac\":\""
#define MAC_SUFFIX_LEN (sizeof MAC_MEMBER - 1 + MAC_HEX_LEN + 2)

static struct {
  int keyed;
  keyring keys;
} audit_keys;

void audit_set_keys(const keyring *k)
{
  keyring_wipe(&audit_keys.keys);
  audit_keys.keyed = k != NULL;
  if (k)
    audit_keys.keys = *k;
}

static char *head_path(const config *cfg)
{
  return mon_printf("%s/audit.head", cfg->state_dir);
}

/* The chain position: seq and mac of the last keyed record. */
typedef struct chain_pos {
  unsigned long long seq;
  char mac[MAC_HEX_LEN + 1];
  int known;
} chain_pos;

/* Reads the sealed head; 0 when it is valid. */
static int head_read(const config *cfg, const unsigned char state_key[MAC_LEN], chain_pos *pos,
                     int *tampered)
{
  char *path = head_path(cfg), *text = NULL;
  size_t len, body;
  *tampered = 0;
  int rc = -1;
  if (path && mon_read_file(path, &text, &len) == 0) {
    if (seal_check(state_key, HEAD_LABEL, text, len, &body) != SEAL_OK) {
      *tampered = 1;
    } else {
      text[body] = '\0';
      yajl_val obj = yajl_tree_parse(text, NULL, 0);
      const char *mac = json_get_str(obj, "mac");
      long long seq = json_get_int(obj, "seq");
      if (mac && strlen(mac) == MAC_HEX_LEN && seq >= 0) {
        pos->seq = (unsigned long long)seq;
        memcpy(pos->mac, mac, MAC_HEX_LEN + 1);
        pos->known = 1;
        rc = 0;
      } else {
        *tampered = 1;
      }
      yajl_tree_free(obj);
    }
  }
  free(text);
  free(path);
  return rc;
}

/* Replaces the head (rename, without fsync: a head one record behind
 * after a crash is reported by verify-audit as unconfirmed records, never
 * as a break). */
static int head_write(const config *cfg, const chain_pos *pos)
{
  char body[160];
  int n = snprintf(body, sizeof body, "{\"seq\":%llu,\"mac\":\"%s\"}\n", pos->seq,
                   pos->mac);
  char *sealed = NULL, *path = head_path(cfg), *tmp = path ? mon_printf("%s.tmp", path) : NULL;
  size_t sealed_len;
  int rc = -1;
  if (tmp && seal_wrap(audit_keys.keys.state, HEAD_LABEL, body, (size_t)n, &sealed,
                       &sealed_len) == 0) {
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) {
      ssize_t w = write(fd, sealed, sealed_len);
      if (close(fd) == 0 && w == (ssize_t)sealed_len && rename(tmp, path) == 0)
        rc = 0;
      else
        unlink(tmp);
    }
  }
  free(sealed);
  free(tmp);
  free(path);
  return rc;
}

/* Splits a keyed record line into its body (what the mac covers: the line
 * without the mac member, closed by '}') and its mac.  -1 when the line
 * does not end in a mac member. */
static int split_record(const char *line, size_t len, char *body, size_t body_cap,
                        size_t *body_len, char mac[MAC_HEX_LEN + 1])
{
  if (len < MAC_SUFFIX_LEN + 2 || line[len - 1] != '}' || line[len - 2] != '"')
    return -1;
  const char *m = line + len - MAC_SUFFIX_LEN;
  if (memcmp(m, MAC_MEMBER, sizeof MAC_MEMBER - 1) != 0)
    return -1;
  size_t n = (size_t)(m - line);
  if (n + 2 > body_cap)
    return -1;
  memcpy(body, line, n);
  body[n] = '}';
  body[n + 1] = '\0';
  *body_len = n + 1;
  memcpy(mac, m + sizeof MAC_MEMBER - 1, MAC_HEX_LEN);
  mac[MAC_HEX_LEN] = '\0';
  for (size_t i = 0; i < MAC_HEX_LEN; i++)
    if (!strchr("0123456789abcdef", mac[i]))
      return -1;
  return 0;
}

/* Chain position from the last keyed record of the open file, when the
 * head cannot say (first record after an upgrade, a lost head). */
static void last_record(int fd, chain_pos *pos)
{
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size == 0)
    return;
  size_t want = st.st_size > 65536 ? 65536 : (size_t)st.st_size;
  char *buf = malloc(want + 1);
  if (!buf)
    return;
  ssize_t n = pread(fd, buf, want, st.st_size - (off_t)want);
  if (n > 0) {
    buf[n] = '\0';
    char *end = buf + n;
    while (end > buf && end[-1] == '\n')
      end--;
    *end = '\0';
    char *start = memrchr(buf, '\n', (size_t)(end - buf));
    start = start ? start + 1 : buf;
    yajl_val obj = yajl_tree_parse(start, NULL, 0);
    const char *mac = json_get_str(obj, "mac");
    long long seq = json_get_int(obj, "seq");
    if (mac && strlen(mac) == MAC_HEX_LEN && seq >= 0) {
      pos->seq = (unsigned long long)seq;
      memcpy(pos->mac, mac, MAC_HEX_LEN + 1);
      pos->known = 1;
    }
    yajl_tree_free(obj);
  }
  free(buf);
}

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
    char *target = n ? mon_printf("%s.%s-%02d", cfg->audit_log, stamp, n)
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

/* Opens the current audit file, locked, rotating it first when it is
 * full. */
static int open_current(const config *cfg)
{
  for (int tries = 0; tries < 3; tries++) {
    int fd = open(cfg->audit_log, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
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

/* One record after `pos` into buf (appended), with its '\n'; pos moves on
 * to it when keyed.  -1 out of memory. */
static int append_record(const audit_entry *e, chain_pos *pos, char **buf, size_t *len,
                         size_t *cap)
{
  yajl_gen g = json_gen_new(0);
  if (!g)
    return -1;
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  yajl_gen_map_open(g);
  json_put_int(g, "seq", (long long)pos->seq + 1);
  json_put_str(g, "time", now);
  json_put_str(g, "host", mon_hostname());
  json_put_str(g, "user", mon_username());
  json_put_str(g, "op", e->op);
  json_put_str(g, "secret", e->secret);
  json_put_str(g, "outcome", e->outcome);
  if (e->detail)
    json_put_str(g, "detail", e->detail);
  json_put_str(g, "prev", audit_keys.keyed ? pos->mac : NULL);
  if (!audit_keys.keyed)
    json_put_str(g, "mac", NULL);
  yajl_gen_map_close(g);
  size_t n;
  char *line = json_gen_take(g, &n);
  yajl_gen_free(g);
  char mac[MAC_HEX_LEN + 1];
  int rc = -1;
  if (line && (!audit_keys.keyed ||
               mac_hex(audit_keys.keys.audit, AUDIT_LABEL, line, n, NULL, 0, mac) == 0) &&
      mon_grow(buf, cap, *len, *len + n + MAC_SUFFIX_LEN + 2, 1) == 0) {
    if (audit_keys.keyed) {
      memcpy(*buf + *len, line, n - 1); /* without the closing '}' */
      *len += n - 1;
      *len += (size_t)sprintf(*buf + *len, MAC_MEMBER "%s\"}\n", mac);
      pos->seq++;
      memcpy(pos->mac, mac, sizeof mac);
    } else {
      memcpy(*buf + *len, line, n);
      (*buf)[*len + n] = '\n';
      *len += n + 1;
    }
    rc = 0;
  }
  free(line);
  return rc;
}

/* Records are written in writes of about this many bytes. */
#define AUDIT_WRITE_CHUNK (256u << 10)

int audit_records(const config *cfg, const audit_entry *entries, size_t n)
{
  if (n == 0)
    return 0;
  int fd = open_current(cfg);
  if (fd < 0) {
    mon_warn("%s: cannot append to the audit log: %s", cfg->audit_log, strerror(errno));
    return -1;
  }
  chain_pos pos = { 0, GENESIS, 0 };
  int head_tampered = 0;
  if (audit_keys.keyed && head_read(cfg, audit_keys.keys.state, &pos, &head_tampered) != 0)
    last_record(fd, &pos);
  chain_pos written = pos; /* the last record written whole */
  int wrote = 0;
  char *buf = NULL;
  size_t len = 0, cap = 0;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    int failed = append_record(&entries[i], &pos, &buf, &len, &cap) != 0;
    if (len && (failed || len >= AUDIT_WRITE_CHUNK || i + 1 == n)) {
      ssize_t w = write(fd, buf, len);
      if (w != (ssize_t)len) {
        if (w >= 0)
          errno = EIO;
        rc = -1;
        break;
      }
      written = pos;
      wrote = 1;
      len = 0;
    }
    if (failed) {
      errno = ENOMEM;
      rc = -1;
    }
  }
  int saved = errno;
  if (audit_keys.keyed && wrote && head_write(cfg, &written) != 0)
    mon_warn("%s/audit.head: cannot write: %s", cfg->state_dir, strerror(errno));
  close(fd);
  free(buf);
  errno = saved;
  if (rc != 0)
    mon_warn("%s: cannot append to the audit log: %s", cfg->audit_log, strerror(errno));
  return rc;
}

int audit_record(const config *cfg, const char *op, const char *secret,
                 const char *outcome, const char *detail)
{
  audit_entry e = { op, secret, outcome, detail };
  return audit_records(cfg, &e, 1);
}

/* ---- verify-audit ------------------------------------------------------ */

static int by_name(const struct dirent **a, const struct dirent **b)
{
  return strcmp((*a)->d_name, (*b)->d_name);
}

/* Rotated files of the trail, oldest first, then the current file. */
static int trail_files(const config *cfg, strv *out)
{
  char *dir = mon_dirname(cfg->audit_log);
  const char *slash = strrchr(cfg->audit_log, '/');
  const char *base = slash ? slash + 1 : cfg->audit_log;
  size_t base_len = strlen(base);
  struct dirent **names = NULL;
  int n = dir ? scandir(dir, &names, NULL, by_name) : -1;
  int rc = 0;
  for (int i = 0; i < n; i++) {
    const char *name = names[i]->d_name;
    if (rc == 0 && strncmp(name, base, base_len) == 0 && name[base_len] == '.' &&
        name[base_len + 1] >= '0' && name[base_len + 1] <= '9' && !strstr(name, ".tmp")) {
      char *path = mon_printf("%s/%s", dir, name);
      rc = path && strv_push(out, path) == 0 ? 0 : -1;
      free(path);
    }
    free(names[i]);
  }
  free(names);
  free(dir);
  if (rc == 0 && access(cfg->audit_log, F_OK) == 0)
    rc = strv_push(out, cfg->audit_log);
  return rc;
}

typedef struct verifier {
  const keyring *k;
  chain_pos last;
  unsigned long long records, unkeyed;
  int started;
  unsigned long long first_seq;
} verifier;

/* Checks one line; returns a reason for a broken link, or NULL. */
static const char *check_line(verifier *v, const char *line, size_t len, char *why,
                              size_t why_cap)
{
  if (memchr(line, '\0', len))
    return "a NUL byte in the record";
  char *copy = strndup(line, len);
  if (!copy)
    return "out of memory";
  yajl_val obj = yajl_tree_parse(copy, NULL, 0);
  free(copy);
  const char *reason = NULL;
  if (!obj || !YAJL_IS_OBJECT(obj)) {
    reason = "not a JSON object";
  } else if (YAJL_IS_NULL(json_get(obj, "mac")) && YAJL_IS_NULL(json_get(obj, "prev"))) {
    v->unkeyed++; /* written without the key: outside the chain */
  } else {
    long long seq = json_get_int(obj, "seq");
    const char *prev = json_get_str(obj, "prev");
    char *body = malloc(len + 2);
    size_t body_len;
    char mac[MAC_HEX_LEN + 1], want[MAC_HEX_LEN + 1];
    if (!body || seq <= 0 || !prev || split_record(line, len, body, len + 2, &body_len, mac) != 0)
      reason = "not a chained record (no seq, prev or mac)";
    else if (mac_hex(v->k->audit, AUDIT_LABEL, body, body_len, NULL, 0, want) != 0)
      reason = "out of memory";
    else if (!mac_equal(want, mac))
      reason = "the record does not match its MAC: it was edited";
    else if (v->started && strcmp(prev, v->last.mac) != 0) {
      snprintf(why, why_cap, "record %lld does not follow record %llu (its prev is not the "
               "MAC before it): records were removed, reordered or inserted", seq, v->last.seq);
      reason = why;
    } else if (v->started && (unsigned long long)seq != v->last.seq + 1) {
      snprintf(why, why_cap, "record %lld follows record %llu", seq, v->last.seq);
      reason = why;
    } else if (!v->started && (unsigned long long)seq == 1 && strcmp(prev, GENESIS) != 0) {
      reason = "the first record does not start the chain";
    }
    if (!reason) {
      if (!v->started)
        v->first_seq = (unsigned long long)seq;
      v->started = 1;
      v->last.seq = (unsigned long long)seq;
      memcpy(v->last.mac, mac, sizeof mac);
      v->records++;
    }
    free(body);
  }
  yajl_tree_free(obj);
  return reason;
}

int audit_verify(const config *cfg, const keyring *k)
{
  strv files = { NULL, 0 };
  if (trail_files(cfg, &files) != 0) {
    mon_warn("out of memory");
    strv_free(&files);
    return MON_EXIT_ERROR;
  }
  if (!files.n) {
    mon_warn("%s: no audit log", cfg->audit_log);
    strv_free(&files);
    return MON_EXIT_ERROR;
  }
  verifier v = { k, { 0, GENESIS, 0 }, 0, 0, 0, 0 };
  int rc = MON_EXIT_OK;
  for (size_t f = 0; f < files.n && rc == MON_EXIT_OK; f++) {
    int fd = open(files.v[f], O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
      flock(fd, LOCK_SH); /* no half-written record from a writer */
    char *text = NULL;
    size_t len = 0;
    if (fd < 0 || mon_read_file(files.v[f], &text, &len) != 0) {
      mon_warn("%s: cannot read: %s", files.v[f], strerror(errno));
      if (fd >= 0)
        close(fd);
      rc = MON_EXIT_ERROR;
      break;
    }
    close(fd);
    unsigned long line = 0;
    for (char *cur = text; cur < text + len && rc == MON_EXIT_OK;) {
      char *nl = memchr(cur, '\n', (size_t)(text + len - cur));
      size_t n = nl ? (size_t)(nl - cur) : (size_t)(text + len - cur);
      line++;
      char why[256];
      const char *bad = nl ? check_line(&v, cur, n, why, sizeof why)
                           : "the last record is cut short (no newline)";
      if (bad) {
        fprintf(stderr, "%s:%lu: first broken link: %s\n", files.v[f], line, bad);
        rc = MON_EXIT_ALERT;
      }
      cur += n + 1;
    }
    free(text);
  }
  if (rc == MON_EXIT_OK) {
    chain_pos head = { 0, "", 0 };
    int tampered = 0;
    head_read(cfg, k->state, &head, &tampered);
    if (tampered) {
      fprintf(stderr, "%s/audit.head: the head does not match its MAC: it was edited\n",
              cfg->state_dir);
      rc = MON_EXIT_ALERT;
    } else if (!head.known && v.records) {
      fprintf(stderr, "%s/audit.head: missing: records cut from the end would not show\n",
              cfg->state_dir);
      rc = MON_EXIT_ALERT;
    } else if (head.known && (head.seq > v.last.seq ||
                              (head.seq == v.last.seq && strcmp(head.mac, v.last.mac) != 0))) {
      fprintf(stderr, "%s:%s: the trail ends at record %llu but the head names record %llu: "
              "records were removed from its end\n", files.v[files.n - 1], "end", v.last.seq,
              head.seq);
      rc = MON_EXIT_ALERT;
    } else if (head.known && head.seq < v.last.seq) {
      mon_warn("records %llu to %llu follow the head (a crash between a record and its "
               "head?): they are chained but unconfirmed", head.seq + 1, v.last.seq);
    }
  }
  if (rc == MON_EXIT_OK) {
    printf("audit trail intact: %llu records", v.records);
    if (v.records)
      printf(" (%llu to %llu)", v.first_seq, v.last.seq);
    printf(" in %zu file%s", files.n, files.n == 1 ? "" : "s");
    if (v.first_seq > 1)
      printf("; records before %llu were rotated away and pruned", v.first_seq);
    if (v.unkeyed)
      printf("; %llu record%s written without the key (outside the chain)", v.unkeyed,
             v.unkeyed == 1 ? "" : "s");
    printf("\n");
  }
  strv_free(&files);
  return rc;
}
