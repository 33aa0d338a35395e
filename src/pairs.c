/* SPDX-License-Identifier: Apache-2.0 */
/* Name/value pairs in any syntax, read without parsing the record: `k=v`,
 * `"k": "v"`, `\"k\":\"v\"` (JSON inside a JSON string), `'k': 'v'`
 * (Python's repr), RFC 5424's `k="v"`.  A name, up to three quotes or
 * backslashes, '=' (or ':' after a quoted name), blanks, then the value:
 * up to its own closing quote (plain, escaped \" or single), or a bare
 * value up to a blank or a delimiter.  Where a record's own handler cannot
 * run (a window of a line over the limit, a record that is not valid in
 * its format), this keeps the values of sensitive keys masked.  The state
 * carries from one piece of text to the next. */
#include "internal.h"

enum { P_KEY, P_AFTER, P_SEP, P_VAL };

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int key_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

int lm_pairs_scan(const lm_ruleset *set, lm_pairs *p, const char *s, size_t len, lm_pair_fn fn,
                  void *ctx) {
  size_t open_at = p->phase == P_VAL && p->sens ? 0 : (size_t)-1;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    switch (p->phase) {
    case P_VAL: {
      int end;
      size_t e = i;
      if (p->quote == 0) {
        end = blank(c) || c == ',' || c == ';' || c == '}' || c == ']' || c == '&' || c == '"' ||
              c == '\\' || c == '\'';
      } else if (c == '\\') {
        p->run++;
        continue;
      } else {
        /* a quote behind a run of backslashes is escaped where the run's
         * low bits are all ones: an odd run in "v", 3 mod 4 in \"v\" (a
         * string in a string, escaped twice) */
        size_t run = p->run, esc = p->quote == 2 ? 3 : 1;
        p->run = 0;
        end = c == (p->quote == 3 ? '\'' : '"') && (run & esc) != esc;
        /* \" closes a value opened by \" (its backslash may have ended
         * the last piece) */
        if (end && p->quote == 2 && run)
          e = i ? i - 1 : 0;
      }
      if (!end)
        continue;
      if (e > open_at && fn && fn(ctx, p->key, p->keylen, open_at, e))
        return -1;
      p->phase = P_KEY;
      p->keylen = 0;
      open_at = (size_t)-1;
      break; /* the delimiter may start the next name */
    }
    case P_SEP:
      if (c == ' ' || c == '\t')
        continue;
      if (c == '>' && p->arrow) { /* Ruby's "name" => value */
        p->arrow = 0;
        continue;
      }
      if (c == '\\' && !p->esc) {
        p->esc = 1;
        continue;
      }
      p->quote = c == '"' ? (p->esc ? 2 : 1) : c == '\'' ? 3 : 0;
      p->esc = 0;
      p->run = 0;
      if (p->quote == 0 && (c == '{' || c == '[')) {
        p->phase = P_KEY; /* a container: the names inside it are read */
        p->keylen = 0;
        continue;
      }
      /* only a sensitive name's value is read as one: any other may hold
       * pairs of its own (JSON in Docker's "log" string) */
      if (!p->sens) {
        p->phase = P_KEY;
        p->keylen = 0;
        if (p->quote)
          continue;
        i--; /* the value's first byte, read as a name's */
        continue;
      }
      p->phase = P_VAL;
      open_at = p->quote ? i + 1 : i;
      if (!p->quote)
        i--; /* the value's first byte */
      continue;
    case P_AFTER:
      if ((c == '"' || c == '\\' || c == '\'') && p->quotes < 3) {
        p->quotes++;
        continue;
      }
      if (blank(c) && p->quotes)
        continue; /* "name" : "value" */
      if (c == '=' || (c == ':' && p->quotes)) {
        p->phase = P_SEP;
        p->arrow = c == '=';
        p->esc = 0;
        p->sens = (uint8_t)lm_key_is_sensitive(set, p->key, p->keylen);
        continue;
      }
      p->phase = P_KEY;
      p->keylen = 0;
      break;
    default:
      break;
    }
    /* P_KEY */
    if (key_byte(c)) {
      if (p->keylen < sizeof p->key)
        p->key[p->keylen++] = c;
      else
        p->keylen = 0; /* too long for a name */
    } else if (p->keylen) {
      p->phase = P_AFTER;
      p->quotes = 0;
      i--; /* read again as what follows the name */
    }
  }
  /* a value still open at the end is masked to it (but for a backslash
   * that may start its closing \") */
  size_t e = p->phase == P_VAL && p->quote == 2 && p->run && len ? len - 1 : len;
  if (open_at != (size_t)-1 && e > open_at && fn && fn(ctx, p->key, p->keylen, open_at, e))
    return -1;
  return 0;
}
