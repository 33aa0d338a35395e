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
#include "ext.h"

#include <stdlib.h>

PyObject *lmpy_json_loads;

static void Masker_dealloc(MaskerObject *self)
{
  lmpy_drop_states(self);
  lm_ruleset_free(self->set);
  free(self->format);
  Py_XDECREF(self->diagnostics);
  PyTypeObject *type = Py_TYPE(self);
  type->tp_free((PyObject *)self);
  Py_DECREF(type); /* instances of a heap type hold a reference to it */
}

static PyObject *Masker_get_rules(MaskerObject *self, void *closure)
{
  (void)closure;
  if (!lmpy_ready(self))
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
  if (!lmpy_ready(self))
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
  {"mask", (PyCFunction)lmpy_masker_mask, METH_O,
   "mask(text: str) -> str\n--\n\n"
   "The text with every secret masked.  Lines (split on '\\n') are masked in\n"
   "order, so a private-key block spanning lines is masked whole; each call is\n"
   "an input of its own.  Returns the same object when nothing was masked.\n"
   "Thread-safe."},
  {"mask_bytes", (PyCFunction)lmpy_masker_mask_bytes, METH_O,
   "mask_bytes(data: bytes) -> bytes\n--\n\n"
   "mask() for bytes-like input; bytes outside the masks pass unchanged."},
  {"find", (PyCFunction)lmpy_masker_find, METH_O,
   "find(text: str | bytes) -> list[Finding]\n--\n\n"
   "The secrets of the text without masking it: rule or literal name, span\n"
   "(character offsets for str, byte offsets for bytes) and line.  Never\n"
   "holds the secret text.  Counted in stats() like mask()."},
  {"stats", (PyCFunction)lmpy_masker_stats, METH_NOARGS,
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
  {Py_tp_init, lmpy_masker_init},
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

PyMODINIT_FUNC PyInit__logmask(void)
{
  PyObject *m = PyModule_Create(&module_def);
  if (!m)
    return NULL;
  PyObject *json = PyImport_ImportModule("json");
  if (!json)
    goto fail;
  lmpy_json_loads = PyObject_GetAttrString(json, "loads");
  Py_DECREF(json);
  if (!lmpy_json_loads || lmpy_add_errors(m) < 0 || lmpy_add_finding_type(m) < 0)
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
