/* SPDX-License-Identifier: Apache-2.0 */
/* The pool of working states behind one Masker.  A call takes an idle
 * state while it holds the GIL (the GIL is the pool's lock) and gives it
 * back after, so no state is used by two threads at once and the pool
 * never holds more states than calls ran at the same time. */
#include "ext.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void lmpy_drop_states(MaskerObject *self)
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

int lmpy_ready(MaskerObject *self)
{
  if (self->set)
    return 1;
  PyErr_SetString(PyExc_RuntimeError, "logmask.Masker was not initialised");
  return 0;
}

/* An idle working state (the GIL held), made when the pool is empty. */
lm_masker *lmpy_take(MaskerObject *self, size_t *index)
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

void lmpy_give(MaskerObject *self, size_t index)
{
  self->busy[index] = 0;
  self->idle[self->nidle++] = index;
}

PyObject *lmpy_masker_stats(MaskerObject *self, PyObject *unused)
{
  (void)unused;
  if (!lmpy_ready(self))
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
    lmpy_raise(st, lm_masker_error(sum));
  } else {
    PyObject *text = PyUnicode_DecodeUTF8(json, (Py_ssize_t)jlen, "replace");
    if (text) {
      result = PyObject_CallOneArg(lmpy_json_loads, text);
      Py_DECREF(text);
    }
  }
  lm_free(json);
  lm_masker_free(sum);
  return result;
}
