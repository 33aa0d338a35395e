/* SPDX-License-Identifier: Apache-2.0 */
/* The exception classes of logmask and raising them. */
#include "ext.h"

PyObject *lmpy_error, *lmpy_file_error, *lmpy_parse_error, *lmpy_argument_error,
  *lmpy_limit_error, *lmpy_warning;

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
PyObject *lmpy_raise(lm_status st, const lm_error *detail)
{
  if (st == LM_ERR_NOMEM)
    return PyErr_NoMemory();
  PyObject *cls = lmpy_error;
  switch (st) {
  case LM_ERR_IO: cls = lmpy_file_error; break;
  case LM_ERR_SYNTAX: case LM_ERR_REGEX: case LM_ERR_DUPLICATE: case LM_ERR_TEST:
  case LM_ERR_FORMAT: cls = lmpy_parse_error; break;
  case LM_ERR_ARG: case LM_ERR_SHORT: case LM_ERR_KEY: cls = lmpy_argument_error; break;
  case LM_ERR_LIMIT: cls = lmpy_limit_error; break;
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

static PyObject *new_error(PyObject *module, const char *name, const char *doc, PyObject *bases)
{
  char full[64];
  snprintf(full, sizeof full, "logmask.%s", name);
  PyObject *cls = PyErr_NewExceptionWithDoc(full, doc, bases, NULL);
  if (cls && PyModule_AddObjectRef(module, name, cls) < 0)
    Py_CLEAR(cls);
  return cls;
}

int lmpy_add_errors(PyObject *m)
{
  lmpy_error = new_error(m, "Error",
                    "A liblogmask error.  Attributes: code (the status, e.g. 'syntax'), file,\n"
                    "line, column (0 when not known) and message; never secret text.",
                    NULL);
  if (!lmpy_error)
    return -1;
  lmpy_file_error = new_error(m, "FileError", "A rule, literal or .env file could not be read.", lmpy_error);
  lmpy_parse_error = new_error(m, "ParseError",
                         "A rule file or .env file is malformed, or a regex was refused.", lmpy_error);
  PyObject *arg_bases = PyTuple_Pack(2, lmpy_error, PyExc_ValueError);
  lmpy_argument_error = arg_bases ? new_error(m, "ArgumentError",
                                        "A bad argument: unknown style or format, a known value\n"
                                        "shorter than the minimum length, a bad key.",
                                        arg_bases)
                            : NULL;
  Py_XDECREF(arg_bases);
  lmpy_limit_error = new_error(m, "LimitError", "A configured limit refused the input.", lmpy_error);
  if (!lmpy_file_error || !lmpy_parse_error || !lmpy_argument_error || !lmpy_limit_error)
    return -1;
  lmpy_warning = PyErr_NewExceptionWithDoc(
    "logmask.LogmaskWarning",
    "A warning of the library while building (a .env value skipped as too short).",
    PyExc_UserWarning, NULL);
  if (!lmpy_warning || PyModule_AddObjectRef(m, "LogmaskWarning", lmpy_warning) < 0)
    return -1;
  return 0;
}
