/* SPDX-License-Identifier: Apache-2.0 */
/* logmask._logmask: the CPython extension over liblogmask.
 *
 * One Masker holds one compiled rule set (immutable, shared by every
 * thread) and a pool of lm_masker working states.  A call takes an idle
 * state from the pool while it holds the GIL (the GIL is the pool's lock),
 * masks, and gives it back, so no state is ever used by two threads at
 * once and the pool never holds more states than threads have masked at
 * the same time.  Each call is an input of its own: the state is reset
 * first, so a private-key block left open by one record cannot swallow the
 * next.  Inputs of MIN_RELEASE bytes or more are masked with the GIL
 * released; below that, handing the GIL over costs more than the masking
 * (the rule hashlib follows, with the same 2 KiB bound).
 *
 * Nothing here matches: every decision is liblogmask's.  Secret text never
 * goes into an exception, a warning or a Finding. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <logmask.h>

#ifndef MIN_RELEASE
#define MIN_RELEASE 2048
#endif
#define FIND_FIRST 64

/* ------------------------------------------------------------------ */
/* Module state (single-phase init: one interpreter)                   */
/* ------------------------------------------------------------------ */

static PyObject *Error, *FileError, *ParseError, *ArgumentError, *LimitError, *LogmaskWarning;
static PyTypeObject *FindingType;
static PyObject *json_loads;

static PyStructSequence_Field finding_fields[] = {
  {"rule", "id of the rule that found the secret, or None for a known value"},
  {"literal", "name of the known secret value (env key, literal name), or None"},
  {"start", "offset of the first character of the secret in the text"},
  {"end", "offset just past the secret"},
  {"line", "1-based line of the text the secret is on"},
  {"flags", "liblogmask finding flags (LM_LINE_LIMIT: the whole line stands for a regex limit)"},
  {NULL, NULL},
};

static PyStructSequence_Desc finding_desc = {
  "logmask.Finding",
  "A secret found by Masker.find(): where it is and what found it, never its text.",
  finding_fields,
  6,
};

static const char *status_code(lm_status st)
{
  switch (st) {
  case LM_OK: return "ok";
  case LM_ERR_NOMEM: return "nomem";
  case LM_ERR_IO: return "io";
  case LM_ERR_SYNTAX: return "syntax";
  case LM_ERR_REGEX: return "regex";
  case LM_ERR_DUPLICATE: return "duplicate";
  case LM_ERR_ARG: return "arg";
  case LM_ERR_STATE: return "state";
  case LM_ERR_SHORT: return "short";
  case LM_ERR_KEY: return "key";
  case LM_ERR_WRITE: return "write";
  case LM_ERR_TEST: return "test";
  case LM_ERR_LIMIT: return "limit";
  case LM_ERR_FORMAT: return "format";
  }
  return "unknown";
}

/* Sets an attribute to a new reference (consumed; NULL means failure). */
static int set_attr(PyObject *obj, const char *name, PyObject *value)
{
  if (!value)
    return -1;
  int rc = PyObject_SetAttrString(obj, name, value);
  Py_DECREF(value);
  return rc;
}

/* Raises the logmask.Error subclass for `st`, with the library's detail. */
static PyObject *raise_status(lm_status st, const lm_error *detail)
{
  if (st == LM_ERR_NOMEM)
    return PyErr_NoMemory();
  PyObject *cls = Error;
  switch (st) {
  case LM_ERR_IO: cls = FileError; break;
  case LM_ERR_SYNTAX: case LM_ERR_REGEX: case LM_ERR_DUPLICATE: case LM_ERR_TEST:
  case LM_ERR_FORMAT: cls = ParseError; break;
  case LM_ERR_ARG: case LM_ERR_SHORT: case LM_ERR_KEY: cls = ArgumentError; break;
  case LM_ERR_LIMIT: cls = LimitError; break;
  default: break;
  }
  int has = detail && detail->status == st && detail->message && *detail->message;
  const char *message = has ? detail->message : lm_strerror(st);
  PyObject *exc = PyObject_CallFunction(cls, "s", message);
  if (!exc)
    return NULL;
  PyObject *file = has && detail->file && *detail->file ? PyUnicode_DecodeFSDefault(detail->file)
                                                        : Py_NewRef(Py_None);
  if (set_attr(exc, "code", PyUnicode_FromString(status_code(st))) < 0 ||
      set_attr(exc, "file", file) < 0 ||
      set_attr(exc, "line", PyLong_FromUnsignedLong(has ? detail->line : 0)) < 0 ||
      set_attr(exc, "column", PyLong_FromUnsignedLong(has ? detail->column : 0)) < 0 ||
      set_attr(exc, "message", PyUnicode_FromString(message)) < 0) {
    Py_DECREF(exc);
    return NULL;
  }
  PyErr_SetObject(cls, exc);
  Py_DECREF(exc);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Diagnostics while building (the GIL may be released then)           */
/* ------------------------------------------------------------------ */

struct diags {
  char **msgs;
  int *warning;
  size_t n, cap;
  int oom;
};

static void on_diag(void *ctx, lm_severity sev, const char *message)
{
  struct diags *d = ctx;
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 8;
    char **msgs = realloc(d->msgs, cap * sizeof *msgs);
    if (!msgs) {
      d->oom = 1;
      return;
    }
    d->msgs = msgs;
    int *warning = realloc(d->warning, cap * sizeof *warning);
    if (!warning) {
      d->oom = 1;
      return;
    }
    d->warning = warning;
    d->cap = cap;
  }
  char *copy = strdup(message);
  if (!copy) {
    d->oom = 1;
    return;
  }
  d->warning[d->n] = sev != LM_DIAG_INFO;
  d->msgs[d->n++] = copy;
}

static void diags_free(struct diags *d)
{
  for (size_t i = 0; i < d->n; i++)
    free(d->msgs[i]);
  free(d->msgs);
  free(d->warning);
  memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------------ */
/* The Masker type                                                     */
/* ------------------------------------------------------------------ */

typedef struct {
  PyObject_HEAD
  lm_ruleset *set;   /* compiled; NULL until __init__ succeeded */
  char *format;
  lm_masker **all;   /* every working state made */
  unsigned char *busy;
  size_t nall, capall;
  size_t *idle;      /* the pool: indices into all[] */
  size_t nidle;
  PyObject *diagnostics; /* tuple of str */
} MaskerObject;

static void drop_states(MaskerObject *self)
{
  for (size_t i = 0; i < self->nall; i++)
    lm_masker_free(self->all[i]);
  free(self->all);
  free(self->busy);
  free(self->idle);
  self->all = NULL;
  self->idle = NULL;
  self->busy = NULL;
  self->nall = self->capall = self->nidle = 0;
}

static void Masker_dealloc(MaskerObject *self)
{
  drop_states(self);
  lm_ruleset_free(self->set);
  free(self->format);
  Py_XDECREF(self->diagnostics);
  PyTypeObject *type = Py_TYPE(self);
  type->tp_free((PyObject *)self);
  Py_DECREF(type); /* instances of a heap type hold a reference to it */
}

static int ready(MaskerObject *self)
{
  if (self->set)
    return 1;
  PyErr_SetString(PyExc_RuntimeError, "logmask.Masker was not initialised");
  return 0;
}

/* An idle working state (the GIL held), made when the pool is empty. */
static lm_masker *take(MaskerObject *self, size_t *index)
{
  if (self->nidle > 0) {
    *index = self->idle[--self->nidle];
    self->busy[*index] = 1;
    return self->all[*index];
  }
  if (self->nall == self->capall) {
    size_t cap = self->capall ? self->capall * 2 : 4;
    lm_masker **all = realloc(self->all, cap * sizeof *all);
    if (!all)
      goto oom;
    self->all = all;
    unsigned char *busy = realloc(self->busy, cap);
    if (!busy)
      goto oom;
    self->busy = busy;
    size_t *idle = realloc(self->idle, cap * sizeof *idle);
    if (!idle)
      goto oom;
    self->idle = idle;
    self->capall = cap;
  }
  lm_masker *m = lm_masker_new(self->set);
  if (!m)
    goto oom;
  if (lm_masker_set_format(m, self->format) != LM_OK) {
    lm_masker_free(m);
    PyErr_Format(PyExc_ValueError, "unknown format '%s'", self->format);
    return NULL;
  }
  *index = self->nall;
  self->all[self->nall] = m;
  self->busy[self->nall++] = 1;
  return m;
oom:
  PyErr_NoMemory();
  return NULL;
}

static void give(MaskerObject *self, size_t index)
{
  self->busy[index] = 0;
  self->idle[self->nidle++] = index;
}

/* ---- building ---- */

/* A path argument (str, bytes, os.PathLike) as a new bytes object. */
static PyObject *fs_path(PyObject *arg)
{
  PyObject *out = NULL;
  if (!PyUnicode_FSConverter(arg, &out))
    return NULL;
  return out;
}

/* Iterates `arg` as paths: None -> nothing, one path -> it, else each. */
static PyObject *as_path_list(PyObject *arg, const char *what)
{
  if (arg == Py_None)
    return PyList_New(0);
  if (PyUnicode_Check(arg) || PyBytes_Check(arg) || PyObject_HasAttrString(arg, "__fspath__"))
    return Py_BuildValue("[O]", arg);
  PyObject *list = PySequence_List(arg);
  if (!list)
    PyErr_Format(PyExc_TypeError, "%s: a path or an iterable of paths", what);
  return list;
}

/* A list of str (a single str counts as one item), as a NULL-terminated
 * array of UTF-8 pointers into `keep` (which the caller releases). */
static const char **as_strings(PyObject *arg, const char *what, PyObject **keep, size_t *n)
{
  *keep = NULL;
  *n = 0;
  PyObject *list = PyUnicode_Check(arg) ? Py_BuildValue("[O]", arg) : PySequence_List(arg);
  if (!list) {
    PyErr_Format(PyExc_TypeError, "%s: a str or an iterable of str", what);
    return NULL;
  }
  Py_ssize_t len = PyList_GET_SIZE(list);
  const char **items = PyMem_Calloc((size_t)len + 1, sizeof *items);
  if (!items) {
    Py_DECREF(list);
    PyErr_NoMemory();
    return NULL;
  }
  for (Py_ssize_t i = 0; i < len; i++) {
    PyObject *item = PyList_GET_ITEM(list, i);
    if (!PyUnicode_Check(item)) {
      PyErr_Format(PyExc_TypeError, "%s: items must be str, not %.100s", what,
                   Py_TYPE(item)->tp_name);
      goto fail;
    }
    if (!(items[i] = PyUnicode_AsUTF8(item)))
      goto fail;
  }
  *keep = list;
  *n = (size_t)len;
  return items;
fail:
  PyMem_Free(items);
  Py_DECREF(list);
  return NULL;
}

static int set_failed(lm_ruleset *set, lm_status st)
{
  raise_status(st, lm_ruleset_error(set));
  return -1;
}

static int load_rules(lm_ruleset *set, PyObject *rules, int defaults)
{
  lm_status st = LM_OK;
  if (defaults) {
    Py_BEGIN_ALLOW_THREADS
    st = lm_ruleset_load_defaults(set);
    Py_END_ALLOW_THREADS
    if (st != LM_OK)
      return set_failed(set, st);
  }
  PyObject *paths = as_path_list(rules, "rules");
  if (!paths)
    return -1;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(paths); i++) {
    PyObject *path = fs_path(PyList_GET_ITEM(paths, i));
    if (!path) {
      Py_DECREF(paths);
      return -1;
    }
    const char *p = PyBytes_AS_STRING(path);
    Py_BEGIN_ALLOW_THREADS
    st = lm_ruleset_load_path(set, p);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (st != LM_OK) {
      Py_DECREF(paths);
      return set_failed(set, st);
    }
  }
  Py_DECREF(paths);
  return 0;
}

static int toggle(lm_ruleset *set, PyObject *names, int enable)
{
  PyObject *keep;
  size_t n;
  const char **items = as_strings(names, enable ? "enable" : "disable", &keep, &n);
  if (!items)
    return -1;
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    lm_status st = enable ? lm_ruleset_enable(set, items[i]) : lm_ruleset_disable(set, items[i]);
    if (st != LM_OK)
      rc = set_failed(set, st);
  }
  PyMem_Free(items);
  Py_DECREF(keep);
  return rc;
}

/* A literal value: str (UTF-8) or bytes-like. */
static int add_literal(lm_ruleset *set, PyObject *name, PyObject *value)
{
  if (!PyUnicode_Check(name)) {
    PyErr_SetString(PyExc_TypeError, "literals: names must be str");
    return -1;
  }
  const char *cname = PyUnicode_AsUTF8(name);
  if (!cname)
    return -1;
  lm_status st;
  if (PyUnicode_Check(value)) {
    Py_ssize_t len;
    const char *v = PyUnicode_AsUTF8AndSize(value, &len);
    if (!v)
      return -1;
    st = lm_ruleset_add_literal(set, cname, v, (size_t)len);
  } else {
    Py_buffer view;
    if (PyObject_GetBuffer(value, &view, PyBUF_SIMPLE) < 0) {
      PyErr_Format(PyExc_TypeError, "literals: the value of %s must be str or bytes", cname);
      return -1;
    }
    st = lm_ruleset_add_literal(set, cname, view.buf, (size_t)view.len);
    PyBuffer_Release(&view);
  }
  return st == LM_OK ? 0 : set_failed(set, st);
}

static int add_literals(lm_ruleset *set, PyObject *literals)
{
  if (literals == Py_None)
    return 0;
  PyObject *pairs;
  if (PyMapping_Check(literals) && !PySequence_Check(literals))
    pairs = PyMapping_Items(literals);
  else
    pairs = PySequence_List(literals);
  if (!pairs) {
    PyErr_SetString(PyExc_TypeError, "literals: a mapping of name to value, or (name, value) pairs");
    return -1;
  }
  int rc = 0;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(pairs) && rc == 0; i++) {
    PyObject *pair = PyList_GET_ITEM(pairs, i);
    if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
      PyErr_SetString(PyExc_TypeError, "literals: (name, value) pairs");
      rc = -1;
      break;
    }
    rc = add_literal(set, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1));
  }
  Py_DECREF(pairs);
  return rc;
}

static int add_env_files(lm_ruleset *set, PyObject *env_files, PyObject *env_ignore,
                         int ignore_defaults)
{
  PyObject *paths = as_path_list(env_files, "env_files");
  if (!paths)
    return -1;
  PyObject *keep = NULL;
  size_t n = 0;
  const char **globs = as_strings(env_ignore, "env_ignore", &keep, &n);
  if (!globs) {
    Py_DECREF(paths);
    return -1;
  }
  int rc = 0;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(paths) && rc == 0; i++) {
    PyObject *path = fs_path(PyList_GET_ITEM(paths, i));
    if (!path) {
      rc = -1;
      break;
    }
    lm_status st = lm_ruleset_add_env_file_ignore(set, PyBytes_AS_STRING(path), globs, n,
                                                  ignore_defaults ? 0
                                                                  : LM_ENV_NO_DEFAULT_IGNORE);
    Py_DECREF(path);
    if (st != LM_OK)
      rc = set_failed(set, st);
  }
  PyMem_Free(globs);
  Py_DECREF(keep);
  Py_DECREF(paths);
  return rc;
}

static int key_lists(lm_ruleset *set, PyObject *mask_keys, PyObject *keep_keys)
{
  PyObject *keep;
  size_t n;
  const char **keys = as_strings(mask_keys, "mask_keys", &keep, &n);
  if (!keys)
    return -1;
  lm_status st = n ? lm_ruleset_mask_keys(set, keys, n, 0) : LM_OK;
  PyMem_Free(keys);
  Py_DECREF(keep);
  if (st != LM_OK)
    return set_failed(set, st);
  keys = as_strings(keep_keys, "keep_keys", &keep, &n);
  if (!keys)
    return -1;
  st = n ? lm_ruleset_keep_keys(set, keys, n) : LM_OK;
  PyMem_Free(keys);
  Py_DECREF(keep);
  return st == LM_OK ? 0 : set_failed(set, st);
}

/* Hands the building diagnostics to Python: warnings.warn for each
 * warning, and the `diagnostics` tuple. */
static int publish_diags(MaskerObject *self, struct diags *d)
{
  if (d->oom)
    return PyErr_NoMemory(), -1;
  PyObject *t = PyTuple_New((Py_ssize_t)d->n);
  if (!t)
    return -1;
  for (size_t i = 0; i < d->n; i++) {
    PyObject *s = PyUnicode_DecodeUTF8(d->msgs[i], (Py_ssize_t)strlen(d->msgs[i]), "replace");
    if (!s) {
      Py_DECREF(t);
      return -1;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
  }
  Py_XSETREF(self->diagnostics, t);
  for (size_t i = 0; i < d->n; i++)
    if (d->warning[i] && PyErr_WarnEx(LogmaskWarning, d->msgs[i], 2) < 0)
      return -1;
  return 0;
}

static int Masker_init(MaskerObject *self, PyObject *args, PyObject *kwargs)
{
  static char *kwlist[] = {"rules",     "defaults",   "env_files",  "literals",
                           "mask",      "format",     "mask_keys",  "keep_keys",
                           "enable",    "disable",    "env_ignore", "env_ignore_defaults",
                           "min_literal", NULL};
  PyObject *rules = Py_None, *env_files = Py_None, *literals = Py_None;
  PyObject *mask_keys = NULL, *keep_keys = NULL, *enable = NULL, *disable = NULL;
  PyObject *env_ignore = NULL, *min_literal = Py_None;
  int defaults = 1, ignore_defaults = 1;
  const char *mask = "redact", *format = "auto";
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O$pOOzsOOOOOpO:Masker", kwlist, &rules,
                                   &defaults, &env_files, &literals, &mask, &format, &mask_keys,
                                   &keep_keys, &enable, &disable, &env_ignore, &ignore_defaults,
                                   &min_literal))
    return -1;
  if (self->set) {
    PyErr_SetString(PyExc_RuntimeError, "logmask.Masker is immutable: make a new one");
    return -1;
  }
  PyObject *empty = PyTuple_New(0);
  if (!empty)
    return -1;
  if (!mask_keys) mask_keys = empty;
  if (!keep_keys) keep_keys = empty;
  if (!enable) enable = empty;
  if (!disable) disable = empty;
  if (!env_ignore) env_ignore = empty;

  struct diags d = {0};
  lm_ruleset *set = lm_ruleset_new();
  int rc = -1;
  if (!set) {
    PyErr_NoMemory();
    goto done;
  }
  lm_ruleset_set_diag(set, on_diag, &d);
  if (min_literal != Py_None) {
    size_t min = PyLong_AsSize_t(min_literal);
    if (min == (size_t)-1 && PyErr_Occurred())
      goto done;
    lm_status st = lm_ruleset_set_min_literal(set, min);
    if (st != LM_OK) {
      set_failed(set, st);
      goto done;
    }
  }
  if (load_rules(set, rules, defaults) < 0 || toggle(set, enable, 1) < 0 ||
      toggle(set, disable, 0) < 0 || add_literals(set, literals) < 0 ||
      add_env_files(set, env_files, env_ignore, ignore_defaults) < 0 ||
      key_lists(set, mask_keys, keep_keys) < 0)
    goto done;
  if (mask) {
    lm_status st = lm_ruleset_set_mask(set, mask, 1);
    if (st != LM_OK) {
      set_failed(set, st);
      goto done;
    }
  }
  lm_status st;
  Py_BEGIN_ALLOW_THREADS
  st = lm_ruleset_compile(set);
  Py_END_ALLOW_THREADS
  if (st != LM_OK) {
    set_failed(set, st);
    goto done;
  }
  /* the format is checked now, not at the first record */
  lm_masker *probe = lm_masker_new(set);
  if (!probe) {
    PyErr_NoMemory();
    goto done;
  }
  st = lm_masker_set_format(probe, format);
  lm_masker_free(probe);
  if (st != LM_OK) {
    PyErr_Format(ArgumentError, "unknown format '%s' (auto, text, logfmt, json, syslog)", format);
    goto done;
  }
  if (!(self->format = strdup(format))) {
    PyErr_NoMemory();
    goto done;
  }
  lm_ruleset_set_diag(set, NULL, NULL);
  if (publish_diags(self, &d) < 0)
    goto done;
  self->set = set;
  set = NULL;
  rc = 0;
done:
  if (set)
    lm_ruleset_set_diag(set, NULL, NULL);
  lm_ruleset_free(set);
  diags_free(&d);
  Py_DECREF(empty);
  return rc;
}

/* ---- masking ---- */

struct outbuf {
  char *data;
  size_t len, cap;
};

static int out_add(struct outbuf *o, const char *p, size_t n)
{
  if (o->len + n > o->cap) {
    size_t cap = o->cap ? o->cap : 256;
    while (cap < o->len + n)
      cap *= 2;
    char *d = realloc(o->data, cap);
    if (!d)
      return -1;
    o->data = d;
    o->cap = cap;
  }
  if (n)
    memcpy(o->data + o->len, p, n);
  o->len += n;
  return 0;
}

/* Masks text[0, len) line by line.  Returns LM_OK with *changed = 0 when
 * nothing changed (out untouched), or the masked text in out. */
static lm_status mask_text(lm_masker *m, const char *text, size_t len, struct outbuf *out,
                           int *changed)
{
  *changed = 0;
  lm_masker_reset(m);
  size_t copied = 0, pos = 0;
  for (;;) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    lm_line l;
    lm_status st = lm_masker_line(m, text + pos, end - pos, &l);
    if (st != LM_OK)
      return st;
    if (l.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)) {
      *changed = 1;
      if (out_add(out, text + copied, pos - copied) < 0)
        return LM_ERR_NOMEM;
      if (l.flags & LM_LINE_DROPPED) {
        copied = nl ? end + 1 : end;
        /* a dropped last line takes the line end before it along */
        if (!nl && out->len > 0 && out->data[out->len - 1] == '\n')
          out->len--;
      } else {
        if (out_add(out, l.text, l.len) < 0)
          return LM_ERR_NOMEM;
        copied = end;
      }
    }
    if (!nl)
      break;
    pos = end + 1;
  }
  if (*changed && out_add(out, text + copied, len - copied) < 0)
    return LM_ERR_NOMEM;
  return LM_OK;
}

/* The UTF-8 of a str; lone surrogates (from surrogateescape decoding) are
 * kept as their 3-byte forms so nothing is lost.  *tmp owns the bytes when
 * a copy was needed. */
static const char *utf8_of(PyObject *s, Py_ssize_t *len, PyObject **tmp, int *surrogates)
{
  *tmp = NULL;
  *surrogates = 0;
  const char *p = PyUnicode_AsUTF8AndSize(s, len);
  if (p)
    return p;
  if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
    return NULL;
  PyErr_Clear();
  *tmp = PyUnicode_AsEncodedString(s, "utf-8", "surrogatepass");
  if (!*tmp)
    return NULL;
  *surrogates = 1;
  *len = PyBytes_GET_SIZE(*tmp);
  return PyBytes_AS_STRING(*tmp);
}

static PyObject *masked_str(const struct outbuf *out, int surrogates)
{
  PyObject *r = PyUnicode_DecodeUTF8(out->data, (Py_ssize_t)out->len,
                                     surrogates ? "surrogatepass" : "strict");
  if (!r && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
    /* a mask style that keeps part of a secret cut a character */
    PyErr_Clear();
    r = PyUnicode_DecodeUTF8(out->data, (Py_ssize_t)out->len, "replace");
  }
  return r;
}

/* Runs mask_text with a pooled state, the GIL released for long inputs. */
static lm_status mask_with_pool(MaskerObject *self, const char *p, size_t len,
                                struct outbuf *out, int *changed, const lm_error **detail)
{
  size_t index = 0;
  lm_masker *m = take(self, &index);
  if (!m)
    return LM_ERR_STATE; /* exception set */
  lm_status st;
  if (len >= MIN_RELEASE) {
    Py_BEGIN_ALLOW_THREADS
    st = mask_text(m, p, len, out, changed);
    Py_END_ALLOW_THREADS
  } else {
    st = mask_text(m, p, len, out, changed);
  }
  *detail = st == LM_OK ? NULL : lm_masker_error(m);
  if (st != LM_OK)
    raise_status(st, *detail);
  give(self, index);
  return st;
}

static PyObject *Masker_mask(MaskerObject *self, PyObject *arg)
{
  if (!ready(self))
    return NULL;
  if (!PyUnicode_Check(arg))
    return PyErr_Format(PyExc_TypeError, "mask() takes a str, not %.100s (mask_bytes() takes bytes)",
                        Py_TYPE(arg)->tp_name);
  Py_ssize_t len;
  PyObject *tmp;
  int surrogates;
  const char *p = utf8_of(arg, &len, &tmp, &surrogates);
  if (!p)
    return NULL;
  struct outbuf out = {0};
  int changed = 0;
  const lm_error *detail;
  lm_status st = mask_with_pool(self, p, (size_t)len, &out, &changed, &detail);
  PyObject *result = NULL;
  if (st == LM_OK)
    result = changed ? masked_str(&out, surrogates) : Py_NewRef(arg);
  Py_XDECREF(tmp);
  free(out.data);
  return result;
}

static PyObject *Masker_mask_bytes(MaskerObject *self, PyObject *arg)
{
  if (!ready(self))
    return NULL;
  Py_buffer view;
  if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
    return NULL;
  struct outbuf out = {0};
  int changed = 0;
  const lm_error *detail;
  lm_status st = mask_with_pool(self, view.buf, (size_t)view.len, &out, &changed, &detail);
  PyObject *result = NULL;
  if (st == LM_OK)
    result = changed ? PyBytes_FromStringAndSize(out.data, (Py_ssize_t)out.len)
                     : PyBytes_FromStringAndSize(view.buf, view.len);
  PyBuffer_Release(&view);
  free(out.data);
  return result;
}

/* ---- finding ---- */

struct found {
  lm_finding *items;
  size_t n, cap;
  unsigned long *lines;
  size_t *bases; /* byte offset of each finding's line in the text */
};

static int found_add(struct found *f, const lm_finding *x, size_t n, unsigned long line,
                     size_t base)
{
  if (f->n + n > f->cap) {
    size_t cap = f->cap ? f->cap : FIND_FIRST;
    while (cap < f->n + n)
      cap *= 2;
    lm_finding *items = realloc(f->items, cap * sizeof *items);
    if (!items)
      return -1;
    f->items = items;
    unsigned long *lines = realloc(f->lines, cap * sizeof *lines);
    if (!lines)
      return -1;
    f->lines = lines;
    size_t *bases = realloc(f->bases, cap * sizeof *bases);
    if (!bases)
      return -1;
    f->bases = bases;
    f->cap = cap;
  }
  for (size_t i = 0; i < n; i++) {
    f->items[f->n] = x[i];
    f->lines[f->n] = line;
    f->bases[f->n++] = base;
  }
  return 0;
}

/* Every finding of every line of text.  A line with more than FIND_FIRST
 * findings is found again by a fresh state primed with the lines before
 * it, so the pooled state's counters count it once. */
static lm_status find_text(const lm_ruleset *set, const char *format, lm_masker *m,
                           const char *text, size_t len, struct found *f)
{
  lm_finding first[FIND_FIRST];
  lm_masker_reset(m);
  size_t pos = 0;
  unsigned long line = 0;
  for (;;) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    line++;
    size_t count = 0;
    lm_status st = lm_masker_find(m, text + pos, end - pos, first, FIND_FIRST, &count);
    if (st != LM_OK)
      return st;
    if (count <= FIND_FIRST) {
      if (found_add(f, first, count, line, pos) < 0)
        return LM_ERR_NOMEM;
    } else {
      lm_finding *all = malloc(count * sizeof *all);
      lm_masker *again = lm_masker_new(set);
      size_t count2 = 0;
      st = all && again ? lm_masker_set_format(again, format) : LM_ERR_NOMEM;
      if (st == LM_OK && pos > 0)
        st = lm_masker_prime(again, text, pos);
      if (st == LM_OK)
        st = lm_masker_find(again, text + pos, end - pos, all, count, &count2);
      if (st == LM_OK && found_add(f, all, count2 < count ? count2 : count, line, pos) < 0)
        st = LM_ERR_NOMEM;
      free(all);
      lm_masker_free(again);
      if (st != LM_OK)
        return st;
    }
    if (!nl)
      break;
    pos = end + 1;
  }
  return LM_OK;
}

/* Character offset of byte offset `b` of UTF-8 text, counting on from a
 * previous (byte, char) pair at or before it. */
static Py_ssize_t char_offset(const char *text, size_t b, size_t *from_b, Py_ssize_t *from_c)
{
  if (b < *from_b) {
    *from_b = 0;
    *from_c = 0;
  }
  for (size_t i = *from_b; i < b; i++)
    if (((unsigned char)text[i] & 0xC0) != 0x80)
      (*from_c)++;
  *from_b = b;
  return *from_c;
}

static PyObject *Masker_find(MaskerObject *self, PyObject *arg)
{
  if (!ready(self))
    return NULL;
  PyObject *tmp = NULL;
  Py_buffer view = {0};
  const char *p;
  Py_ssize_t len;
  int is_str = PyUnicode_Check(arg), surrogates = 0, ascii = 1;
  if (is_str) {
    if (!(p = utf8_of(arg, &len, &tmp, &surrogates)))
      return NULL;
    ascii = PyUnicode_IS_ASCII(arg);
  } else {
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
      return NULL;
    p = view.buf;
    len = view.len;
  }
  struct found f = {0};
  size_t index = 0;
  lm_masker *m = take(self, &index);
  lm_status st = LM_ERR_STATE;
  const lm_error *detail = NULL;
  if (m) {
    if ((size_t)len >= MIN_RELEASE) {
      Py_BEGIN_ALLOW_THREADS
      st = find_text(self->set, self->format, m, p, (size_t)len, &f);
      Py_END_ALLOW_THREADS
    } else {
      st = find_text(self->set, self->format, m, p, (size_t)len, &f);
    }
    if (st != LM_OK) {
      detail = lm_masker_error(m);
      raise_status(st, detail);
    }
    give(self, index);
  }
  PyObject *list = NULL;
  if (st == LM_OK && (list = PyList_New((Py_ssize_t)f.n))) {
    size_t from_b = 0;
    Py_ssize_t from_c = 0;
    for (size_t i = 0; i < f.n; i++) {
      const lm_finding *x = &f.items[i];
      size_t bs = f.bases[i] + x->start, be = f.bases[i] + x->end;
      Py_ssize_t cs = (Py_ssize_t)bs, ce = (Py_ssize_t)be;
      if (is_str && !ascii) {
        cs = char_offset(p, bs, &from_b, &from_c);
        ce = char_offset(p, be, &from_b, &from_c);
      }
      PyObject *rule = Py_None, *literal = Py_None;
      const char *name = x->rule == (size_t)-1 ? lm_ruleset_literal_name(self->set, x->literal)
                                               : lm_ruleset_rule_id(self->set, x->rule);
      PyObject *label = name ? PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace")
                             : Py_NewRef(Py_None);
      if (!label) {
        Py_CLEAR(list);
        break;
      }
      if (x->rule == (size_t)-1)
        literal = label;
      else
        rule = label;
      PyObject *item = PyStructSequence_New(FindingType);
      if (!item) {
        Py_DECREF(label);
        Py_CLEAR(list);
        break;
      }
      PyStructSequence_SET_ITEM(item, 0, rule == Py_None ? Py_NewRef(Py_None) : rule);
      PyStructSequence_SET_ITEM(item, 1, literal == Py_None ? Py_NewRef(Py_None) : literal);
      PyStructSequence_SET_ITEM(item, 2, PyLong_FromSsize_t(cs));
      PyStructSequence_SET_ITEM(item, 3, PyLong_FromSsize_t(ce));
      PyStructSequence_SET_ITEM(item, 4, PyLong_FromUnsignedLong(f.lines[i]));
      PyStructSequence_SET_ITEM(item, 5, PyLong_FromUnsignedLong(x->flags));
      if (PyErr_Occurred()) {
        Py_DECREF(item);
        Py_CLEAR(list);
        break;
      }
      PyList_SET_ITEM(list, (Py_ssize_t)i, item);
    }
  }
  free(f.items);
  free(f.lines);
  free(f.bases);
  Py_XDECREF(tmp);
  if (!is_str)
    PyBuffer_Release(&view);
  return list;
}

/* ---- counters ---- */

static PyObject *Masker_stats(MaskerObject *self, PyObject *unused)
{
  (void)unused;
  if (!ready(self))
    return NULL;
  lm_masker *sum = lm_masker_new(self->set);
  if (!sum)
    return PyErr_NoMemory();
  /* Each state is read while it is idle and the GIL is held (no thread
   * can take it then); a busy one is waited for, the GIL released, until
   * its call returns it. */
  size_t n = self->nall;
  unsigned char *done = calloc(n ? n : 1, 1);
  if (!done) {
    lm_masker_free(sum);
    return PyErr_NoMemory();
  }
  size_t left = n;
  while (left > 0) {
    for (size_t i = 0; i < n; i++) {
      if (done[i] || self->busy[i])
        continue;
      lm_masker_merge_stats(sum, self->all[i]);
      done[i] = 1;
      left--;
    }
    if (left > 0) {
      Py_BEGIN_ALLOW_THREADS
      struct timespec ts = {0, 100000};
      nanosleep(&ts, NULL);
      Py_END_ALLOW_THREADS
    }
  }
  free(done);
  char *json = NULL;
  size_t jlen = 0;
  lm_status st = lm_masker_stats_json(sum, 0, &json, &jlen);
  PyObject *result = NULL;
  if (st != LM_OK) {
    raise_status(st, lm_masker_error(sum));
  } else {
    PyObject *text = PyUnicode_DecodeUTF8(json, (Py_ssize_t)jlen, "replace");
    if (text) {
      result = PyObject_CallOneArg(json_loads, text);
      Py_DECREF(text);
    }
  }
  lm_free(json);
  lm_masker_free(sum);
  return result;
}

static PyObject *Masker_get_rules(MaskerObject *self, void *closure)
{
  (void)closure;
  if (!ready(self))
    return NULL;
  size_t n = lm_ruleset_rule_count(self->set);
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    PyObject *s = PyUnicode_FromString(lm_ruleset_rule_id(self->set, i));
    if (!s) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
  }
  return t;
}

static PyObject *Masker_get_literals(MaskerObject *self, void *closure)
{
  (void)closure;
  if (!ready(self))
    return NULL;
  size_t n = lm_ruleset_literal_count(self->set);
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    const char *name = lm_ruleset_literal_name(self->set, i);
    PyObject *s = PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace");
    if (!s) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
  }
  return t;
}

static PyObject *Masker_get_diagnostics(MaskerObject *self, void *closure)
{
  (void)closure;
  return Py_NewRef(self->diagnostics ? self->diagnostics : Py_None);
}

static PyObject *Masker_get_format(MaskerObject *self, void *closure)
{
  (void)closure;
  return self->format ? PyUnicode_FromString(self->format) : Py_NewRef(Py_None);
}

static PyObject *Masker_repr(MaskerObject *self)
{
  if (!self->set)
    return PyUnicode_FromString("<logmask.Masker (not initialised)>");
  return PyUnicode_FromFormat("<logmask.Masker: %zu rules, %zu known values, format %s>",
                              lm_ruleset_rule_count(self->set),
                              lm_ruleset_literal_count(self->set), self->format);
}

static PyMethodDef Masker_methods[] = {
  {"mask", (PyCFunction)Masker_mask, METH_O,
   "mask(text: str) -> str\n--\n\n"
   "The text with every secret masked.  Lines (split on '\\n') are masked in\n"
   "order, so a private-key block spanning lines is masked whole; each call is\n"
   "an input of its own.  Returns the same object when nothing was masked.\n"
   "Thread-safe."},
  {"mask_bytes", (PyCFunction)Masker_mask_bytes, METH_O,
   "mask_bytes(data: bytes) -> bytes\n--\n\n"
   "mask() for bytes-like input; bytes outside the masks pass unchanged."},
  {"find", (PyCFunction)Masker_find, METH_O,
   "find(text: str | bytes) -> list[Finding]\n--\n\n"
   "The secrets of the text without masking it: rule or literal name, span\n"
   "(character offsets for str, byte offsets for bytes) and line.  Never\n"
   "holds the secret text.  Counted in stats() like mask()."},
  {"stats", (PyCFunction)Masker_stats, METH_NOARGS,
   "stats() -> dict\n--\n\n"
   "Counters of every call so far, all threads together: {'totals': {...},\n"
   "'rules': [{'id': ..., 'lines_tested': ..., 'matches': ..., 'bytes_masked': ...}]}.\n"
   "Never holds secret text."},
  {NULL, NULL, 0, NULL},
};

static PyGetSetDef Masker_getset[] = {
  {"rules", (getter)Masker_get_rules, NULL, "Ids of the enabled rules (tuple of str).", NULL},
  {"literals", (getter)Masker_get_literals, NULL,
   "Names of the known secret values (tuple of str), never the values.", NULL},
  {"diagnostics", (getter)Masker_get_diagnostics, NULL,
   "Messages the library gave while building (skipped short .env values...).", NULL},
  {"format", (getter)Masker_get_format, NULL, "The input format.", NULL},
  {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot Masker_slots[] = {
  {Py_tp_dealloc, Masker_dealloc},
  {Py_tp_init, Masker_init},
  {Py_tp_new, PyType_GenericNew},
  {Py_tp_repr, Masker_repr},
  {Py_tp_methods, Masker_methods},
  {Py_tp_getset, Masker_getset},
  {Py_tp_doc,
   "Masker(rules=None, *, defaults=True, env_files=(), literals=None, mask='redact',\n"
   "       format='auto', mask_keys=(), keep_keys=(), enable=(), disable=(),\n"
   "       env_ignore=(), env_ignore_defaults=True, min_literal=None)\n"
   "--\n\n"
   "A compiled liblogmask rule set, shared by every thread that calls it.\n\n"
   "rules: rule files or directories added to the built-in library\n"
   "(defaults=False leaves it out).  env_files: dotenv files whose values are\n"
   "known secrets (settings keys and values under min_literal bytes skipped, see\n"
   "logmask(1)); env_ignore: more keys to skip (globs).  literals: a mapping of\n"
   "name to known secret value.  mask: the mask style for every rule (redact,\n"
   "redact:TEMPLATE, stars, partial:N:M, drop).  format: auto, text, logfmt, json,\n"
   "syslog.  mask_keys / keep_keys: sensitive key names of structured formats.\n"
   "Errors raise logmask.Error subclasses naming file, line and column."},
  {0, NULL},
};

static PyType_Spec Masker_spec = {
  "logmask.Masker",
  sizeof(MaskerObject),
  0,
  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
  Masker_slots,
};

/* ------------------------------------------------------------------ */
/* Module                                                              */
/* ------------------------------------------------------------------ */

static PyObject *mod_version(PyObject *m, PyObject *unused)
{
  (void)m;
  (void)unused;
  return PyUnicode_FromString(lm_version());
}

static PyObject *mod_default_env_ignore(PyObject *m, PyObject *unused)
{
  (void)m;
  (void)unused;
  size_t n = 0;
  while (lm_env_default_ignore(n))
    n++;
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    PyObject *s = PyUnicode_FromString(lm_env_default_ignore(i));
    if (!s) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
  }
  return t;
}

static PyMethodDef module_methods[] = {
  {"library_version", mod_version, METH_NOARGS,
   "library_version() -> str\n--\n\nThe version of the liblogmask actually loaded."},
  {"default_env_ignore", mod_default_env_ignore, METH_NOARGS,
   "default_env_ignore() -> tuple[str, ...]\n--\n\n"
   "The globs of .env keys skipped by default (settings, not secrets)."},
  {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
  PyModuleDef_HEAD_INIT, "logmask._logmask",
  "The liblogmask extension; use the logmask package.", -1, module_methods,
  NULL, NULL, NULL, NULL,
};

static PyObject *new_error(PyObject *module, const char *name, const char *doc, PyObject *bases)
{
  char full[64];
  snprintf(full, sizeof full, "logmask.%s", name);
  PyObject *cls = PyErr_NewExceptionWithDoc(full, doc, bases, NULL);
  if (cls && PyModule_AddObjectRef(module, name, cls) < 0)
    Py_CLEAR(cls);
  return cls;
}

PyMODINIT_FUNC PyInit__logmask(void)
{
  PyObject *m = PyModule_Create(&module_def);
  if (!m)
    return NULL;
  PyObject *json = PyImport_ImportModule("json");
  if (!json)
    goto fail;
  json_loads = PyObject_GetAttrString(json, "loads");
  Py_DECREF(json);
  if (!json_loads)
    goto fail;
  Error = new_error(m, "Error",
                    "A liblogmask error.  Attributes: code (the status, e.g. 'syntax'), file,\n"
                    "line, column (0 when not known) and message; never secret text.",
                    NULL);
  if (!Error)
    goto fail;
  FileError = new_error(m, "FileError", "A rule, literal or .env file could not be read.", Error);
  ParseError = new_error(m, "ParseError",
                         "A rule file or .env file is malformed, or a regex was refused.", Error);
  PyObject *arg_bases = PyTuple_Pack(2, Error, PyExc_ValueError);
  ArgumentError = arg_bases ? new_error(m, "ArgumentError",
                                        "A bad argument: unknown style or format, a known value\n"
                                        "shorter than the minimum length, a bad key.",
                                        arg_bases)
                            : NULL;
  Py_XDECREF(arg_bases);
  LimitError = new_error(m, "LimitError", "A configured limit refused the input.", Error);
  if (!FileError || !ParseError || !ArgumentError || !LimitError)
    goto fail;
  LogmaskWarning = PyErr_NewExceptionWithDoc(
    "logmask.LogmaskWarning",
    "A warning of the library while building (a .env value skipped as too short).",
    PyExc_UserWarning, NULL);
  if (!LogmaskWarning || PyModule_AddObjectRef(m, "LogmaskWarning", LogmaskWarning) < 0)
    goto fail;
  FindingType = PyStructSequence_NewType(&finding_desc);
  if (!FindingType || PyModule_AddObjectRef(m, "Finding", (PyObject *)FindingType) < 0)
    goto fail;
  PyObject *masker = PyType_FromSpec(&Masker_spec);
  if (!masker || PyModule_AddObject(m, "Masker", masker) < 0) {
    Py_XDECREF(masker);
    goto fail;
  }
  if (PyModule_AddStringConstant(m, "__version__", LM_VERSION_STRING) < 0 ||
      PyModule_AddIntConstant(m, "MIN_RELEASE", MIN_RELEASE) < 0)
    goto fail;
  return m;
fail:
  Py_DECREF(m);
  return NULL;
}
