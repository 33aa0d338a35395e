/* SPDX-License-Identifier: Apache-2.0 */
/* Masker.__init__: a rule set built from the arguments and compiled, the
 * library's diagnostics handed to Python as warnings. */
#include "ext.h"

#include <stdlib.h>
#include <string.h>

/* Diagnostics while building, collected in C: the GIL is released then. */
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
  lmpy_raise(st, lm_ruleset_error(set));
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
    if (d->warning[i] && PyErr_WarnEx(lmpy_warning, d->msgs[i], 2) < 0)
      return -1;
  return 0;
}

int lmpy_masker_init(MaskerObject *self, PyObject *args, PyObject *kwargs)
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
    PyErr_Format(lmpy_argument_error, "unknown format '%s' (auto, text, logfmt, json, syslog)", format);
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
