/* SPDX-License-Identifier: Apache-2.0 */
/* Masker.find: where the secrets are and what found them, as Finding
 * struct sequences; never their text. */
#include "ext.h"

#include <stdlib.h>
#include <string.h>

#define FIND_FIRST 64

static PyTypeObject *lmpy_finding_type;

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

/* Every finding of every line of text; a line with more than FIND_FIRST
 * fetches the rest from the masker (lm_masker_found). */
static lm_status find_text(lm_masker *m, const char *text, size_t len, struct found *f)
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
      size_t got = 0;
      st = all ? lm_masker_found(m, 0, all, count, &got) : LM_ERR_NOMEM;
      if (st == LM_OK && found_add(f, all, got, line, pos) < 0)
        st = LM_ERR_NOMEM;
      free(all);
      if (st != LM_OK)
        return st;
    }
    if (!nl)
      break;
    pos = end + 1;
  }
  return LM_OK;
}

/* Characters in UTF-8 bytes [from, to). */
static Py_ssize_t chars_between(const char *text, size_t from, size_t to)
{
  Py_ssize_t n = 0;
  for (size_t i = from; i < to; i++)
    n += ((unsigned char)text[i] & 0xC0) != 0x80;
  return n;
}

PyObject *lmpy_masker_find(MaskerObject *self, PyObject *arg)
{
  if (!lmpy_ready(self))
    return NULL;
  PyObject *tmp = NULL;
  Py_buffer view = {0};
  const char *p;
  Py_ssize_t len;
  int is_str = PyUnicode_Check(arg), surrogates = 0, ascii = 1;
  if (is_str) {
    if (!(p = lmpy_utf8_of(arg, &len, &tmp, &surrogates)))
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
  lm_masker *m = lmpy_take(self, &index);
  lm_status st = LM_ERR_STATE;
  const lm_error *detail = NULL;
  if (m) {
    if ((size_t)len >= MIN_RELEASE) {
      Py_BEGIN_ALLOW_THREADS
      st = find_text(m, p, (size_t)len, &f);
      Py_END_ALLOW_THREADS
    } else {
      st = find_text(m, p, (size_t)len, &f);
    }
    if (st != LM_OK) {
      detail = lm_masker_error(m);
      lmpy_raise(st, detail);
    }
    lmpy_give(self, index);
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
        /* starts only grow (lines in order, findings sorted by start), so
         * one pass over the text counts them; an end is counted from its
         * start */
        if (bs < from_b) {
          from_b = 0;
          from_c = 0;
        }
        from_c += chars_between(p, from_b, bs);
        from_b = bs;
        cs = from_c;
        ce = cs + chars_between(p, bs, be);
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
      PyObject *item = PyStructSequence_New(lmpy_finding_type);
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

int lmpy_add_finding_type(PyObject *m)
{
  lmpy_finding_type = PyStructSequence_NewType(&finding_desc);
  if (!lmpy_finding_type || PyModule_AddObjectRef(m, "Finding", (PyObject *)lmpy_finding_type) < 0)
    return -1;
  return 0;
}
