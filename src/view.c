/* SPDX-License-Identifier: Apache-2.0 */
/* Views, spans and regions of a line (view.h): building views, and mapping
 * what is found in a view back to raw bytes. */
#include "config.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

int lm_vec_grow(void **v, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return 0;
  size_t c = *cap ? *cap : 16;
  while (c < need)
    c *= 2;
  void *nv = realloc(*v, c * elem);
  if (!nv)
    return -1;
  *v = nv;
  *cap = c;
  return 0;
}

void lm_lctx_reset(lm_lctx *lc, const char *line, size_t len) {
  lc->line = line;
  lc->len = len;
  if (lc->arena.head)
    lm_arena_reset(&lc->arena);
  lc->views.n = lc->records.n = lc->contents.n = 0;
  lc->regions.n = lc->pregions.n = lc->spans.n = 0;
  lc->oom = 0;
  lc->fallbacks = 0;
  lc->blocks_opened = lc->blocks_cut = 0;
  lc->trips = 0;
  lc->limit = 0;
  lc->lenient_left = 4 * len + 65536;
  lc->broken = 0;
  lc->broken_at = 0;
  lc->json_tailed = NULL;
}

void lm_lctx_free(lm_lctx *lc) {
  lm_arena_free(&lc->arena);
  free(lc->views.v);
  free(lc->records.v);
  free(lc->contents.v);
  free(lc->regions.v);
  free(lc->pregions.v);
  free(lc->spans.v);
  memset(lc, 0, sizeof *lc);
}

static void *alloc(lm_lctx *lc, size_t n) {
  void *p = lm_arena_alloc(&lc->arena, n);
  if (!p)
    lc->oom = 1;
  return p;
}

lm_view *lm_view_raw(lm_lctx *lc, size_t off, size_t len) {
  lm_view *v = alloc(lc, sizeof *v);
  lm_seg *s = alloc(lc, sizeof *s);
  if (!v || !s)
    return NULL;
  *s = (lm_seg){0, (uint32_t)len, off, off + len, NULL, {0, {0}}};
  *v = (lm_view){.text = lc->line + off, .len = len, .segs = s, .nsegs = 1,
                 .kind = LM_VIEW_RECORD, .readlen = (uint32_t)len};
  return v;
}

/* The segment holding view byte i (binary search), or -1. */
static long seg_at(const lm_view *v, size_t i) {
  size_t lo = 0, hi = v->nsegs;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (v->segs[mid].ve <= i)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < v->nsegs && v->segs[lo].vs <= i ? (long)lo : -1;
}

static size_t raw_in(const lm_seg *s, size_t i) {
  if (i >= s->ve)
    return s->re;
  return s->map ? s->map[i - s->vs] : s->rs + (i - s->vs);
}

/* Raw end of view bytes [.., b) inside segment s (b > s->vs): past the
 * whole escape that byte b-1 came from. */
static size_t raw_end_in(const lm_seg *s, size_t b) {
  if (!s->map)
    return s->rs + (b - s->vs);
  uint32_t last = s->map[b - 1 - s->vs];
  while (b < s->ve && s->map[b - s->vs] == last)
    b++;
  return b < s->ve ? s->map[b - s->vs] : s->re;
}

size_t lm_view_raw_at(const lm_view *v, size_t i) {
  long k = seg_at(v, i);
  if (k >= 0)
    return raw_in(&v->segs[k], i);
  /* a made-up byte or the end: the end of the segment before it */
  for (size_t j = v->nsegs; j-- > 0;)
    if (v->segs[j].ve <= i)
      return v->segs[j].re;
  return v->nsegs ? v->segs[0].rs : 0;
}

lm_view *lm_view_derive(lm_lctx *lc, const lm_view *parent, const char *text, size_t n,
                        const uint32_t *pmap, size_t consumed, int push, int kind) {
  lm_view *v = alloc(lc, sizeof *v);
  char *t = alloc(lc, n + 1);
  uint32_t *map = alloc(lc, (n + 1) * sizeof *map);
  if (!v || !t || !map)
    return NULL;
  memcpy(t, text, n);
  t[n] = '\0';
  /* segments: runs of bytes whose sources lie in one parent segment */
  size_t nsegs = 0, cap = 4;
  lm_seg *segs = alloc(lc, cap * sizeof *segs);
  if (!segs)
    return NULL;
  long cur = -1;
  for (size_t i = 0; i < n; i++) {
    size_t p = pmap[i];
    long k = seg_at(parent, p);
    if (k < 0)
      continue; /* made up in the parent: made up here too */
    map[i] = (uint32_t)raw_in(&parent->segs[k], p);
    if (k == cur && nsegs && segs[nsegs - 1].ve == i) {
      segs[nsegs - 1].ve = (uint32_t)i + 1;
      continue;
    }
    if (nsegs == cap) {
      lm_seg *ns = alloc(lc, 2 * cap * sizeof *ns);
      if (!ns)
        return NULL;
      memcpy(ns, segs, nsegs * sizeof *ns);
      segs = ns;
      cap *= 2;
    }
    lm_seg s = {(uint32_t)i, (uint32_t)i + 1, map[i], 0, map + i, parent->segs[k].esc};
    if (push && s.esc.n < LM_ESC_MAX)
      s.esc.e[s.esc.n++] = (uint8_t)push;
    segs[nsegs++] = s;
    cur = k;
  }
  /* raw ends: where the source of the segment's last byte ends */
  for (size_t j = 0; j < nsegs; j++) {
    lm_seg *s = &segs[j];
    size_t last = s->ve - 1, pend = consumed;
    for (size_t i = s->ve; i < n; i++)
      if (pmap[i] != pmap[last]) {
        pend = pmap[i];
        break;
      }
    const lm_seg *ps = &parent->segs[seg_at(parent, pmap[last])];
    s->re = pend >= ps->ve ? ps->re : raw_in(ps, pend);
  }
  *v = (lm_view){.text = t, .len = n, .segs = segs, .nsegs = (uint32_t)nsegs,
                 .kind = (uint8_t)kind, .depth = parent->depth, .path = parent->path,
                 .pathlen = parent->pathlen, .readlen = (uint32_t)n};
  return v;
}

int lm_span_add_raw(lm_lctx *lc, size_t a, size_t b, uint32_t label, uint32_t literal,
                    int origin) {
  if (b <= a)
    return 0;
  lm_span sp = {.start = a, .end = b, .label = label, .literal = literal,
                .origin = (uint8_t)origin};
  return LM_VEC_PUSH(lc, lc->spans, sp);
}

int lm_span_add_view(lm_lctx *lc, const lm_view *v, size_t a, size_t b, uint32_t label,
                     uint32_t literal, int origin) {
  if (b > v->len)
    b = v->len;
  for (uint32_t k = 0; k < v->nsegs && a < b; k++) {
    const lm_seg *s = &v->segs[k];
    if (s->ve <= a)
      continue;
    if (s->vs >= b)
      break;
    size_t x = a > s->vs ? a : s->vs, y = b < s->ve ? b : s->ve;
    if (lm_span_add_raw(lc, raw_in(s, x), raw_end_in(s, y), label, literal, origin))
      return -1;
  }
  return 0;
}

int lm_region_add_view(lm_lctx *lc, const lm_view *v, size_t a, size_t b, int kind,
                       int push) {
  struct lm_pregion pr = {v, (uint32_t)a, (uint32_t)b, (uint8_t)kind, (uint8_t)push};
  return LM_VEC_PUSH(lc, lc->pregions, pr);
}

static int region_map(lm_lctx *lc, const lm_view *v, size_t a, size_t b, int kind, int push) {
  for (uint32_t k = 0; k < v->nsegs; k++) {
    const lm_seg *s = &v->segs[k];
    if (s->ve <= a)
      continue;
    if (s->vs >= b)
      break;
    size_t x = a > s->vs ? a : s->vs, y = b < s->ve ? b : s->ve;
    lm_region r = {raw_in(s, x), y > x ? raw_end_in(s, y) : raw_in(s, x), (uint8_t)kind,
                   s->esc};
    if (push && r.esc.n < LM_ESC_MAX)
      r.esc.e[r.esc.n++] = (uint8_t)push;
    if (LM_VEC_PUSH(lc, lc->regions, r))
      return -1;
  }
  return 0;
}

lm_view *lm_view_slice(lm_lctx *lc, const lm_view *v, size_t a, size_t b, int push) {
  if (b > v->len)
    b = v->len;
  if (a > b)
    a = b;
  size_t n = 0;
  for (uint32_t k = 0; k < v->nsegs; k++)
    n += v->segs[k].ve > a && v->segs[k].vs < b;
  /* the view and its segments in one piece */
  lm_view *s = alloc(lc, sizeof *s + (n ? n : 1) * sizeof(lm_seg));
  if (!s)
    return NULL;
  lm_seg *segs = (lm_seg *)(void *)(s + 1);
  n = 0;
  for (uint32_t k = 0; k < v->nsegs; k++) {
    const lm_seg *g = &v->segs[k];
    if (g->ve <= a || g->vs >= b)
      continue;
    size_t x = a > g->vs ? a : g->vs, y = b < g->ve ? b : g->ve;
    lm_seg ns = {(uint32_t)(x - a), (uint32_t)(y - a), raw_in(g, x), raw_end_in(g, y),
                 g->map ? g->map + (x - g->vs) : NULL, g->esc};
    if (push && ns.esc.n < LM_ESC_MAX)
      ns.esc.e[ns.esc.n++] = (uint8_t)push;
    segs[n++] = ns;
  }
  *s = (lm_view){.text = v->text + a, .len = b - a, .segs = segs, .nsegs = (uint32_t)n, .kind = v->kind, .depth = v->depth,
                 .path = v->path, .pathlen = v->pathlen, .readlen = (uint32_t)(b - a)};
  return s;
}

/* Inside made-up quotes a value is written as a one-line string: quotes,
 * backslashes and line breaks behind a made-up backslash. */
static int needs_escape(char c) {
  return c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t';
}

static char escaped_as(char c) { return c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c; }

lm_view *lm_view_join(lm_lctx *lc, const lm_piece *pc, size_t n, int kind, int depth) {
  size_t len = 0, nsegs = 0;
  for (size_t i = 0; i < n; i++) {
    len += pc[i].view ? pc[i].view->len : pc[i].len;
    if (pc[i].view && pc[i].quote) {
      len += 2;
      for (size_t j = 0; j < pc[i].view->len; j++)
        if (needs_escape(pc[i].view->text[j])) {
          len++;
          nsegs += 2; /* each escape splits a segment */
        }
    }
    if (pc[i].view)
      nsegs += pc[i].view->nsegs;
  }
  lm_view *v = alloc(lc, sizeof *v);
  char *t = alloc(lc, len + 1);
  lm_seg *segs = alloc(lc, (nsegs ? nsegs : 1) * sizeof *segs);
  size_t nmem = 0;
  for (size_t i = 0; i < n; i++)
    nmem += pc[i].view != NULL;
  uint32_t *members = alloc(lc, (2 * nmem + 1) * sizeof *members);
  if (!v || !t || !segs || !members)
    return NULL;
  size_t o = 0, ns = 0, nm = 0;
  for (size_t i = 0; i < n; i++) {
    const lm_view *pv = pc[i].view;
    if (!pv) {
      memcpy(t + o, pc[i].text, pc[i].len);
      o += pc[i].len;
      continue;
    }
    if (pc[i].quote)
      t[o++] = '"';
    members[2 * nm] = (uint32_t)o;
    for (uint32_t k = 0; k < pv->nsegs; k++) {
      const lm_seg *g = &pv->segs[k];
      size_t j = g->vs;
      while (j < g->ve) {
        /* one run without escaping needs: one segment */
        size_t e = j;
        while (e < g->ve && !(pc[i].quote && needs_escape(pv->text[e])))
          e++;
        if (e == j) {
          t[o++] = '\\';
          e = j + 1;
        }
        lm_seg s = {(uint32_t)o, (uint32_t)(o + (e - j)), raw_in(g, j), raw_end_in(g, e),
                    g->map ? g->map + (j - g->vs) : NULL, g->esc};
        if (pc[i].quote && e == j + 1 && needs_escape(pv->text[j])) {
          t[o++] = escaped_as(pv->text[j]);
        } else {
          memcpy(t + o, pv->text + j, e - j);
          o += e - j;
        }
        segs[ns++] = s;
        j = e;
      }
    }
    members[2 * nm + 1] = (uint32_t)o;
    nm++;
    if (pc[i].quote)
      t[o++] = '"';
  }
  t[o] = '\0';
  *v = (lm_view){.text = t, .len = o, .segs = segs, .nsegs = (uint32_t)ns,
                 .kind = (uint8_t)kind, .depth = (uint8_t)depth, .readlen = (uint32_t)o,
                 .members = members, .nmembers = (uint32_t)nm};
  return v;
}

int lm_view_needs_quotes(const lm_view *v) {
  for (size_t i = 0; i < v->len; i++)
    switch (v->text[i]) {
    case ' ': case '\t': case '"': case '\'': case '\n': case '\r': case '\\':
      return 1;
    }
  return v->len == 0;
}

int lm_region_map(lm_lctx *lc) {
  for (size_t i = 0; i < lc->pregions.n; i++) {
    const struct lm_pregion *p = &lc->pregions.v[i];
    if (region_map(lc, p->v, p->a, p->b, p->kind, p->push))
      return -1;
  }
  lc->pregions.n = 0;
  return 0;
}
