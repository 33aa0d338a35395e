/* SPDX-License-Identifier: Apache-2.0 */
/* status.c - see status.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "status.h"
#include "json.h"
#include "seal.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void status_free(status *st)
{
  free(st->last_check);
  free(st->result);
  alert_list_free(&st->alerts);
  alert_list_free(&st->leaks);
  memset(st, 0, sizeof *st);
}

/* Line of a byte offset, for yajl's error position. */
static unsigned long line_of(const char *text, size_t offset)
{
  unsigned long line = 1;
  for (size_t i = 0; i < offset && text[i]; i++)
    line += text[i] == '\n';
  return line;
}

static int load_list(yajl_val arr, alert_list *out)
{
  if (!arr)
    return 0;
  if (!YAJL_IS_ARRAY(arr))
    return -1;
  for (size_t i = 0; i < arr->u.array.len; i++) {
    alert a;
    if (alert_from_json(arr->u.array.values[i], &a) != 0)
      return -1;
    int rc = alert_list_push(out, &a);
    alert_free(&a);
    if (rc != 0)
      return -1;
  }
  return 0;
}

#define STATUS_LABEL "status"

int status_load(const char *path, const unsigned char state_key[MAC_LEN], status *st,
                char **err)
{
  memset(st, 0, sizeof *st);
  char *text;
  size_t len;
  if (mon_read_file(path, &text, &len) != 0) {
    if (errno == ENOENT)
      return 0;
    return mon_fail(err, "%s: cannot read: %s", path, strerror(errno));
  }
  size_t body_len;
  seal_result sr = seal_check(state_key, STATUS_LABEL, text, len, &body_len);
  if (sr != SEAL_OK) {
    free(text);
    mon_fail(err, "%s: the status file %s: it was not written by this monitor (its open "
             "alerts cannot be trusted)", path,
             sr == SEAL_MISSING ? "is not sealed" : "does not match its MAC");
    return STATUS_TAMPERED;
  }
  text[body_len] = '\0';
  len = body_len;
  char errbuf[256] = "";
  yajl_val root = yajl_tree_parse(text, errbuf, sizeof errbuf);
  int rc = 0;
  if (!root || !YAJL_IS_OBJECT(root)) {
    /* yajl reports no offset through the tree API; its message quotes the
     * text near the error, which we locate to name the line. */
    unsigned long line = 1;
    char *nl = strchr(errbuf, '\n');
    if (nl)
      *nl = '\0';
    if (!root && len)
      line = line_of(text, len);
    rc = mon_fail(err, "%s:%lu: not a JSON object: %s", path, line, errbuf);
  } else {
    const char *last = json_get_str(root, "last_check");
    const char *result = json_get_str(root, "result");
    if ((last && !(st->last_check = strdup(last))) || (result && !(st->result = strdup(result))))
      rc = mon_fail(err, "out of memory");
    else if (load_list(json_get(root, "alerts"), &st->alerts) != 0 ||
             load_list(json_get(root, "leaks"), &st->leaks) != 0)
      rc = mon_fail(err, "%s:1: malformed alert list", path);
  }
  yajl_tree_free(root);
  free(text);
  if (rc != 0)
    status_free(st);
  return rc;
}

static void gen_list(yajl_gen g, const char *key, const alert_list *list)
{
  yajl_gen_string(g, (const unsigned char *)key, strlen(key));
  yajl_gen_array_open(g);
  for (size_t i = 0; i < list->n; i++)
    alert_gen(&list->v[i], g);
  yajl_gen_array_close(g);
}

int status_save(const char *path, const unsigned char state_key[MAC_LEN], const status *st,
                char **err)
{
  yajl_gen g = json_gen_new(1);
  if (!g)
    return mon_fail(err, "out of memory");
  yajl_gen_map_open(g);
  json_put_str(g, "last_check", st->last_check);
  json_put_str(g, "result", st->result);
  gen_list(g, "alerts", &st->alerts);
  gen_list(g, "leaks", &st->leaks);
  yajl_gen_map_close(g);
  size_t len;
  char *text = json_gen_take(g, &len);
  yajl_gen_free(g);
  char *sealed = NULL;
  size_t sealed_len;
  if (!text)
    return mon_fail(err, "out of memory");
  text[len++] = '\n'; /* json_gen_take leaves room */
  if (seal_wrap(state_key, STATUS_LABEL, text, len, &sealed, &sealed_len) != 0) {
    free(text);
    return mon_fail(err, "out of memory");
  }
  free(text);
  int rc = mon_write_atomic(path, sealed, sealed_len, 0600, err);
  free(sealed);
  return rc;
}

static void forget_in(alert_list *list, const char *source, const char *name)
{
  size_t keep = 0;
  for (size_t i = 0; i < list->n; i++) {
    alert *a = &list->v[i];
    int match = a->secret && strcmp(a->secret, name) == 0 &&
                (!a->source || strcmp(a->source, source) == 0);
    if (match)
      alert_free(a);
    else
      list->v[keep++] = *a;
  }
  list->n = keep;
}

void status_forget(status *st, const char *source, const char *name)
{
  forget_in(&st->alerts, source, name);
  forget_in(&st->leaks, source, name);
}

int status_add_leak(status *st, const alert *a)
{
  if (st->leaks.n >= STATUS_MAX_LEAKS)
    alert_list_remove(&st->leaks, 0);
  return alert_list_push(&st->leaks, a);
}

long status_find_leak(const status *st, const char *id)
{
  for (size_t i = 0; i < st->leaks.n; i++)
    if (st->leaks.v[i].id && strcmp(st->leaks.v[i].id, id) == 0)
      return (long)i;
  return -1;
}

void status_forget_weak(status *st, const char *source, const char *name)
{
  alert_list *list = &st->alerts;
  size_t keep = 0;
  for (size_t i = 0; i < list->n; i++) {
    alert *a = &list->v[i];
    if (strcmp(a->kind, "weak") == 0 && a->secret && strcmp(a->secret, name) == 0 &&
        (!a->source || strcmp(a->source, source) == 0))
      alert_free(a);
    else
      list->v[keep++] = *a;
  }
  list->n = keep;
}
