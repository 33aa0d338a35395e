/* SPDX-License-Identifier: Apache-2.0 */
/* The logmask._logmask extension: what its files share.  Every symbol
 * here is hidden (-fvisibility=hidden); the module exports PyInit__logmask
 * alone.  See module.c for the design. */
#ifndef LMPY_EXT_H
#define LMPY_EXT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <logmask.h>

/* Inputs this long or longer are masked with the GIL released. */
#ifndef MIN_RELEASE
#define MIN_RELEASE 2048
#endif

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

/* errors.c: the exception classes, and raising the one for a status with
 * the library's detail (file, line, column, message).  Returns NULL. */
extern PyObject *lmpy_error, *lmpy_file_error, *lmpy_parse_error, *lmpy_argument_error,
  *lmpy_limit_error, *lmpy_warning;
int lmpy_add_errors(PyObject *module);
PyObject *lmpy_raise(lm_status st, const lm_error *detail);

/* pool.c: the working states of a Masker (the GIL held). */
int lmpy_ready(MaskerObject *self);
lm_masker *lmpy_take(MaskerObject *self, size_t *index);
void lmpy_give(MaskerObject *self, size_t index);
void lmpy_drop_states(MaskerObject *self);
PyObject *lmpy_masker_stats(MaskerObject *self, PyObject *unused);

/* build.c: Masker.__init__. */
int lmpy_masker_init(MaskerObject *self, PyObject *args, PyObject *kwargs);

/* mask.c */
const char *lmpy_utf8_of(PyObject *s, Py_ssize_t *len, PyObject **tmp, int *surrogates);
PyObject *lmpy_masker_mask(MaskerObject *self, PyObject *arg);
PyObject *lmpy_masker_mask_bytes(MaskerObject *self, PyObject *arg);

/* find.c */
int lmpy_add_finding_type(PyObject *module);
PyObject *lmpy_masker_find(MaskerObject *self, PyObject *arg);

/* module.c */
extern PyObject *lmpy_json_loads;

#endif
