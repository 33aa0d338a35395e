/* SPDX-License-Identifier: Apache-2.0 */
/* Masker.mask and mask_bytes: the text masked line by line with a pooled
 * state, as one input of its own. */
#include "ext.h"

#include <stdlib.h>
#include <string.h>

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
const char *lmpy_utf8_of(PyObject *s, Py_ssize_t *len, PyObject **tmp, int *surrogates)
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
  lm_masker *m = lmpy_take(self, &index);
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
    lmpy_raise(st, *detail);
  lmpy_give(self, index);
  return st;
}

PyObject *lmpy_masker_mask(MaskerObject *self, PyObject *arg)
{
  if (!lmpy_ready(self))
    return NULL;
  if (!PyUnicode_Check(arg))
    return PyErr_Format(PyExc_TypeError, "mask() takes a str, not %.100s (mask_bytes() takes bytes)",
                        Py_TYPE(arg)->tp_name);
  Py_ssize_t len;
  PyObject *tmp;
  int surrogates;
  const char *p = lmpy_utf8_of(arg, &len, &tmp, &surrogates);
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

PyObject *lmpy_masker_mask_bytes(MaskerObject *self, PyObject *arg)
{
  if (!lmpy_ready(self))
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
