/* SPDX-License-Identifier: Apache-2.0 */
/* logmask-rsyslog: masks secrets in rsyslog messages as an mmexternal
 * helper.  rsyslog writes one message a line to stdin and blocks until one
 * JSON reply line comes back (plugins/external/INTERFACE.md in rsyslog's
 * source).  All matching is the library's; this file reads lines, hands
 * the properties to the library and writes the replies.
 *
 * Fail closed.  mmexternal itself fails open: a helper that dies or writes
 * garbage lets the message through unchanged.  So every reply carries the
 * marker $!logmask!ok = 1 only when the library masked the message, with a
 * check bound to the message it answers ($!logmask!check, check.h), and
 * the documented configuration sends every message without both to a
 * quarantine action.  A message the helper cannot mask (library error,
 * line over --max-line, fulljson that does not parse, rules that failed to
 * load, masking slower than --timeout-ms, a reply pipe shared with another
 * process) is answered with ok = 0 and its text replaced by
 * "[logmask: withheld]", so even a configuration without the quarantine
 * branch does not leak it. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>
#include "logmask.h"
#include "diag.h"
#include "jsonmesg.h"
#include "linein.h"
#include "reply.h"
#include "bytes.h"
#include "check.h"
#include "pipecheck.h"
#include "rulesconf.h"
#include "sdmask.h"
#include "tagmsg.h"

#define WITHHELD "[logmask: withheld]"
enum { DEFAULT_MAX_LINE = 4 * 1024 * 1024, DEFAULT_TIMEOUT_MS = 10000, MAX_MSG_DIAGS = 100 };

typedef enum { INPUT_MSG, INPUT_RAWMSG, INPUT_FULLJSON } input_kind;

typedef struct options {
  lmr_rulesconf rules;
  const char *format, *log;
  input_kind input;
  size_t max_line;
  unsigned long timeout_ms;
  const char *test_crash_on, *test_hang_on; /* test-only: see --help */
} options;

typedef struct helper {
  options opt;
  lm_ruleset *set;
  lm_masker *masker;    /* MSG (or rawmsg) alone, in --format */
  lmr_tagmsg tagmsg;    /* fulljson: TAG and MSG as templates write them */
  lm_masker *field;     /* fulljson: hostname, app-name, procid, msgid */
  lmr_sdmask sd;        /* fulljson: structured data */
  lmr_reply *reply;
  lmr_jsonmesg jm;
  lmr_bytes keep[LMR_NFIELDS]; /* fulljson: masked fields until the reply is built */
  int broken;           /* set-up failed: every message is withheld */
  const char *broken_why;
  unsigned long messages, changed, withheld, diags;
} helper;

/* ---- watchdog ----------------------------------------------------------
 * 8.2302's mmexternal has no reply timeout: a helper stuck on one message
 * would stall the action for good.  A timer armed around the masking of
 * each message answers it withheld from the signal handler and exits;
 * rsyslog starts a new helper for the next message. */

static char *watchdog_reply[2];        /* [1]: with the RFC 3164 leading space */
static size_t watchdog_len[2];
static volatile sig_atomic_t watchdog_space;

static void on_watchdog(int sig) {
  (void)sig;
  int i = watchdog_space ? 1 : 0;
  /* close stdin before answering: rsyslog's next write then fails with
   * EPIPE and starts a new helper, instead of queueing a message for this
   * dying one (which would reach rsyslog as a reply-less, unmarked message) */
  close(STDIN_FILENO);
  if (watchdog_reply[i]) {
    const char *p = watchdog_reply[i];
    size_t left = watchdog_len[i];
    while (left > 0) {
      ssize_t n = write(STDOUT_FILENO, p, left);
      if (n <= 0)
        break;
      p += n;
      left -= (size_t)n;
    }
  }
  _exit(75);
}

static void watchdog_arm(const helper *h, int leading_space) {
  if (!h->opt.timeout_ms)
    return;
  watchdog_space = leading_space;
  struct itimerval t = { .it_value = { .tv_sec = (time_t)(h->opt.timeout_ms / 1000),
                                       .tv_usec = (suseconds_t)(h->opt.timeout_ms % 1000) * 1000 } };
  setitimer(ITIMER_REAL, &t, NULL);
}

static void watchdog_disarm(const helper *h) {
  if (!h->opt.timeout_ms)
    return;
  struct itimerval off = { { 0, 0 }, { 0, 0 } };
  setitimer(ITIMER_REAL, &off, NULL);
}

/* ---- replies ---------------------------------------------------------- */

static const char *text_prop(const helper *h) {
  return h->opt.input == INPUT_RAWMSG ? "rawmsg" : "msg";
}

/* The reply for a message that could not be masked.  In fulljson mode the
 * other properties that can hold a secret are replaced as well (hostname
 * is kept, to tell where the message came from). */
static int build_withheld(helper *h, int leading_space, const char *why, const char **line,
                          size_t *len) {
  lmr_prop props[5] = {
    { text_prop(h), leading_space ? " " WITHHELD : WITHHELD,
      leading_space ? sizeof WITHHELD : sizeof WITHHELD - 1 },
    { "syslogtag", "-", 1 },
    { "procid", "-", 1 },
    { "msgid", "-", 1 },
    { "structured-data", "-", 1 },
  };
  size_t n = h->opt.input == INPUT_FULLJSON ? 5 : 1;
  lmr_status st = { .ok = 0, .error = why };
  return lmr_reply_build(h->reply, props, n, &st, line, len);
}

static int prepare_watchdog(helper *h) {
  for (int i = 0; i < 2; i++) {
    const char *line;
    size_t len;
    if (build_withheld(h, i, "timeout", &line, &len) != 0)
      return -1;
    watchdog_reply[i] = malloc(len);
    if (!watchdog_reply[i])
      return -1;
    memcpy(watchdog_reply[i], line, len);
    watchdog_len[i] = len;
  }
  return 0;
}

static void note_withheld(helper *h, const char *why, const char *detail) {
  h->withheld++;
  if (h->diags < MAX_MSG_DIAGS) {
    h->diags++;
    lmr_diag(LOG_WARNING, "message %lu withheld (%s)%s%s%s", h->messages, why,
             detail ? ": " : "", detail ? detail : "",
             h->diags == MAX_MSG_DIAGS ? "; further messages of this kind not reported" : "");
  }
}

static const char *masker_detail(const lm_masker *m, lm_status st) {
  const lm_error *e = m ? lm_masker_error(m) : NULL;
  return e && e->message && *e->message ? e->message : lm_strerror(st);
}

/* msg and rawmsg modes: the line is the property's text. */
static int answer_text(helper *h, const char *text, size_t len, const char **line,
                       size_t *rlen) {
  int space = len > 0 && text[0] == ' ';
  char check[LMR_CHECK_MAX];
  lmr_check(text, len, check);
  watchdog_arm(h, space);
  lm_line res;
  lm_status st = lm_masker_line(h->masker, text, len, &res);
  watchdog_disarm(h);
  if (st != LM_OK) {
    note_withheld(h, "mask-error", masker_detail(h->masker, st));
    return build_withheld(h, space, "mask-error", line, rlen);
  }
  lmr_status ok = { .ok = 1, .masked = res.secrets, .check = check };
  if (res.flags & LM_LINE_DROPPED) {
    lmr_prop gone = { text_prop(h), "", 0 };
    ok.dropped = 1;
    h->changed++;
    return lmr_reply_build(h->reply, &gone, 1, &ok, line, rlen);
  }
  if (!(res.flags & LM_LINE_CHANGED))
    return lmr_reply_build(h->reply, NULL, 0, &ok, line, rlen);
  lmr_prop masked = { text_prop(h), res.text, res.len };
  if (ok.masked == 0)
    ok.masked = 1; /* changed means at least one span, even a limit trip */
  h->changed++;
  return lmr_reply_build(h->reply, &masked, 1, &ok, line, rlen);
}

/* Keeps a masked field's text until the reply is built (the maskers'
 * buffers are reused by the next field). */
static lm_status keep_field(helper *h, lmr_field f, const char *text, size_t len) {
  lmr_bytes_clear(&h->keep[f]);
  return lmr_bytes_put(&h->keep[f], text, len) == 0 ? LM_OK : LM_ERR_NOMEM;
}

/* A single-word field (hostname, app-name, procid, msgid) masked alone.
 * *changed is set when the library changed it; the masked text is kept. */
static lm_status mask_field(helper *h, lmr_field f, int *changed, unsigned *secrets) {
  const lmr_text *t = &h->jm.field[f];
  *changed = 0;
  if (!t->present || t->len == 0)
    return LM_OK;
  lm_masker_reset(h->field);
  lm_line res;
  lm_status st = lm_masker_line(h->field, t->data, t->len, &res);
  if (st != LM_OK || !(res.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)))
    return st;
  *changed = 1;
  *secrets += res.secrets ? res.secrets : 1;
  if (res.flags & LM_LINE_DROPPED)
    return keep_field(h, f, "-", 1);
  return keep_field(h, f, res.text, res.len);
}

/* fulljson mode: msg, syslogtag, hostname, procid, msgid and
 * structured-data are masked and replied when changed.  app-name cannot be
 * replied (rsyslog ignores it in a reply): when it holds a secret the
 * message is withheld.  rawmsg is not replied either: rsyslog 8.2302
 * rebuilds rawmsg from its header and a new msg, and setting both in one
 * reply garbles the message; the header part of rawmsg keeps the received
 * bytes (documented). */
static lm_status mask_json(helper *h, lmr_prop *props, size_t *nprops, lmr_status *ok,
                           const char **why) {
  const lmr_text *msg = &h->jm.field[LMR_MSG];
  const lmr_text *tag = &h->jm.field[LMR_TAG];
  lm_line res;
  lm_status st = lm_masker_line(h->masker, msg->data, msg->len, &res);
  if (st != LM_OK)
    return st;
  const char *m1 = msg->data;
  size_t m1len = msg->len;
  if (res.flags & LM_LINE_DROPPED) {
    m1 = "";
    m1len = 0;
    ok->dropped = 1;
  } else if (res.flags & LM_LINE_CHANGED) {
    m1 = res.text;
    m1len = res.len;
  }
  if (res.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED))
    ok->masked += res.secrets ? res.secrets : 1;

  lmr_tagmsg_out tm;
  st = lmr_tagmsg_run(&h->tagmsg, tag->present ? tag->data : "", tag->present ? tag->len : 0,
                      m1, m1len, &tm);
  if (st != LM_OK)
    return st;
  ok->masked += tm.secrets;
  if ((m1 != msg->data || tm.msg_changed) &&
      (st = keep_field(h, LMR_MSG, tm.msg, tm.msg_len)) != LM_OK)
    return st;
  if (tm.tag_changed && (st = keep_field(h, LMR_TAG, tm.tag, tm.tag_len)) != LM_OK)
    return st;
  if (m1 != msg->data || tm.msg_changed)
    props[(*nprops)++] = (lmr_prop){ "msg", h->keep[LMR_MSG].data, h->keep[LMR_MSG].len };
  if (tm.tag_changed)
    props[(*nprops)++] = (lmr_prop){ "syslogtag", h->keep[LMR_TAG].data, h->keep[LMR_TAG].len };

  static const lmr_field words[] = { LMR_HOSTNAME, LMR_PROCID, LMR_MSGID, LMR_APPNAME };
  for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
    int changed;
    if ((st = mask_field(h, words[i], &changed, &ok->masked)) != LM_OK)
      return st;
    if (!changed)
      continue;
    if (words[i] == LMR_APPNAME) {
      *why = "app-name";
      return LM_ERR_STATE;
    }
    props[(*nprops)++] = (lmr_prop){ lmr_field_name(words[i]), h->keep[words[i]].data,
                                     h->keep[words[i]].len };
  }

  const lmr_text *sd = &h->jm.field[LMR_SD];
  if (sd->present) {
    st = lmr_sdmask_run(&h->sd, sd->data, sd->len, &res);
    if (st != LM_OK)
      return st;
    if (res.flags & (LM_LINE_CHANGED | LM_LINE_DROPPED)) {
      ok->masked += res.secrets ? res.secrets : 1;
      st = res.flags & LM_LINE_DROPPED ? keep_field(h, LMR_SD, "-", 1)
                                       : keep_field(h, LMR_SD, res.text, res.len);
      if (st != LM_OK)
        return st;
      props[(*nprops)++] = (lmr_prop){ "structured-data", h->keep[LMR_SD].data,
                                       h->keep[LMR_SD].len };
    }
  }
  return LM_OK;
}

static int answer_json(helper *h, const char *text, size_t len, const char **line,
                       size_t *rlen) {
  int r = lmr_jsonmesg_parse(&h->jm, text, len);
  const lmr_text *msg = &h->jm.field[LMR_MSG];
  if (r != 0 || !msg->present) {
    const char *why = r == -2 ? "no-memory" : "bad-input";
    note_withheld(h, why, r == 0 ? "no string \"msg\" property" : NULL);
    return build_withheld(h, 0, why, line, rlen);
  }
  int space = msg->len > 0 && msg->data[0] == ' ';
  char check[LMR_CHECK_MAX];
  lmr_check(msg->data, msg->len, check);
  lmr_prop props[LMR_NFIELDS];
  size_t nprops = 0;
  lmr_status ok = { .ok = 1, .check = check };
  const char *why = "mask-error";

  watchdog_arm(h, space);
  lm_status st = mask_json(h, props, &nprops, &ok, &why);
  watchdog_disarm(h);
  if (st != LM_OK) {
    note_withheld(h, why, strcmp(why, "app-name") == 0 ? "a secret in app-name, which a reply cannot replace"
                                                       : masker_detail(h->masker, st));
    return build_withheld(h, space, why, line, rlen);
  }
  if (nprops)
    h->changed++;
  return lmr_reply_build(h->reply, props, nprops, &ok, line, rlen);
}

static int answer(helper *h, const char *text, size_t len, int overlong, const char **line,
                  size_t *rlen) {
  h->messages++;
  if (h->broken) {
    h->withheld++;
    return build_withheld(h, len > 0 && text[0] == ' ', h->broken_why, line, rlen);
  }
  if (overlong) {
    note_withheld(h, "too-long", NULL);
    return build_withheld(h, 0, "too-long", line, rlen);
  }
  if (h->opt.test_crash_on && memmem(text, len, h->opt.test_crash_on,
                                     strlen(h->opt.test_crash_on)))
    _exit(70);
  if (h->opt.test_hang_on && memmem(text, len, h->opt.test_hang_on,
                                    strlen(h->opt.test_hang_on))) {
    watchdog_arm(h, len > 0 && text[0] == ' ');
    for (;;)
      pause();
  }
  if (h->opt.input == INPUT_FULLJSON)
    return answer_json(h, text, len, line, rlen);
  return answer_text(h, text, len, line, rlen);
}

static int write_all(const char *p, size_t len) {
  while (len > 0) {
    ssize_t n = write(STDOUT_FILENO, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* ---- set-up ----------------------------------------------------------- */

static void on_library_diag(void *ctx, lm_severity severity, const char *message) {
  (void)ctx;
  int priority = severity == LM_DIAG_ERROR ? LOG_ERR
                 : severity == LM_DIAG_WARNING ? LOG_WARNING : LOG_INFO;
  lmr_diag(priority, "%s", message);
}

static int set_up_library(helper *h) {
  const options *o = &h->opt;
  char why[512];
  lm_status st = lmr_rulesconf_build(&o->rules, on_library_diag, NULL, &h->set, why, sizeof why);
  if (st != LM_OK) {
    lmr_diag(LOG_ERR, "%s", why);
    return -1;
  }
  h->masker = lm_masker_new(h->set);
  if (!h->masker) {
    lmr_diag(LOG_ERR, "cannot create a masker");
    return -1;
  }
  const char *format = o->format ? o->format : "auto";
  if ((st = lm_masker_set_format(h->masker, format)) != LM_OK) {
    lmr_diag(LOG_ERR, "--format %s: %s", format, lm_strerror(st));
    return -1;
  }
  if (o->input == INPUT_FULLJSON) {
    h->field = lm_masker_new(h->set);
    if (!h->field || lm_masker_set_format(h->field, "text") != LM_OK ||
        lmr_tagmsg_init(&h->tagmsg, h->set) != LM_OK ||
        (st = lmr_sdmask_init(&h->sd, h->set)) != LM_OK) {
      lmr_diag(LOG_ERR, "cannot create the maskers of the other properties");
      return -1;
    }
  }
  return 0;
}

/* ---- options ---------------------------------------------------------- */

static void usage(FILE *to) {
  fputs(
    "Usage: logmask-rsyslog [OPTION]...\n"
    "Masks secrets in rsyslog messages: an mmexternal helper (one message a line\n"
    "on stdin, one JSON reply a line on stdout).  See contrib/rsyslog/README.md.\n"
    "\n"
    "  --input msg|rawmsg|fulljson  what rsyslog sends (interface.input; default msg)\n"
    "  --rules PATH             rule file or directory (repeatable)\n"
    "  --no-default-rules       start without the built-in rules\n"
    "  --enable ID|GROUP        enable an off-by-default rule (repeatable)\n"
    "  --disable ID|GROUP       disable a rule (repeatable)\n"
    "  --literals FILE          known secret values, one a line\n"
    "  --mask STYLE             redact, redact:TEMPLATE, stars, partial:N:M, hash, drop\n"
    "  --hash-key-file FILE     key for --mask hash (mode 0600, 32 bytes or more)\n"
    "  --hash-key-id ID         key id written in hash tags (default k1)\n"
    "  --format NAME            how MSG is read: auto (default), text, logfmt,\n"
    "                           json, syslog\n"
    "  --sd-keys                accepted for older configurations (fulljson always\n"
    "                           masks structured data)\n"
    "  --max-line BYTES         longer messages are withheld (default 4194304)\n"
    "  --timeout-ms N           withhold a message whose masking takes longer and\n"
    "                           exit (default 10000; 0: no watchdog)\n"
    "  --log FILE               diagnostics to FILE (default syslog)\n"
    "  --test-crash-on STRING   TEST ONLY: exit without reply on a line holding STRING\n"
    "  --test-hang-on STRING    TEST ONLY: hang on a line holding STRING\n"
    "  --help, --version\n", to);
}

enum {
  OPT_RULES = 256, OPT_NO_DEFAULT, OPT_ENABLE, OPT_DISABLE, OPT_LITERALS, OPT_MASK,
  OPT_HASH_KEY_FILE, OPT_HASH_KEY_ID, OPT_FORMAT, OPT_INPUT, OPT_LOG, OPT_SD_KEYS,
  OPT_MAX_LINE, OPT_TIMEOUT, OPT_CRASH, OPT_HANG, OPT_HELP, OPT_VERSION
};

static const struct option long_options[] = {
  { "rules", required_argument, NULL, OPT_RULES },
  { "no-default-rules", no_argument, NULL, OPT_NO_DEFAULT },
  { "enable", required_argument, NULL, OPT_ENABLE },
  { "disable", required_argument, NULL, OPT_DISABLE },
  { "literals", required_argument, NULL, OPT_LITERALS },
  { "mask", required_argument, NULL, OPT_MASK },
  { "hash-key-file", required_argument, NULL, OPT_HASH_KEY_FILE },
  { "hash-key-id", required_argument, NULL, OPT_HASH_KEY_ID },
  { "format", required_argument, NULL, OPT_FORMAT },
  { "input", required_argument, NULL, OPT_INPUT },
  { "log", required_argument, NULL, OPT_LOG },
  { "sd-keys", no_argument, NULL, OPT_SD_KEYS },
  { "max-line", required_argument, NULL, OPT_MAX_LINE },
  { "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
  { "test-crash-on", required_argument, NULL, OPT_CRASH },
  { "test-hang-on", required_argument, NULL, OPT_HANG },
  { "help", no_argument, NULL, OPT_HELP },
  { "version", no_argument, NULL, OPT_VERSION },
  { NULL, 0, NULL, 0 },
};

static int parse_count(const char *s, unsigned long long max, unsigned long long *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end || s[0] == '-' || v > max)
    return -1;
  *out = v;
  return 0;
}

static void set_string(char **to, const char *s, char *why, size_t whylen) {
  free(*to);
  *to = strdup(s);
  if (!*to && !*why)
    snprintf(why, whylen, "out of memory");
}

#define OPTION_ERROR(...) \
  do { \
    if (!*why) \
      snprintf(why, whylen, __VA_ARGS__); \
  } while (0)

/* 0 ok, 1 done (--help/--version), -1 error (the first one in *why).
 * Parsing goes on after an error, so a --log later on the line still
 * tells where to report it. */
static int parse_options(int argc, char **argv, options *o, char *why, size_t whylen) {
  o->max_line = DEFAULT_MAX_LINE;
  o->timeout_ms = DEFAULT_TIMEOUT_MS;
  opterr = 0;
  int sd_keys = 0;
  int c;
  unsigned long long n;
  while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
    switch (c) {
    case OPT_RULES:
    case OPT_ENABLE:
    case OPT_DISABLE:
      if (lmr_strings_add(c == OPT_RULES ? &o->rules.rules
                          : c == OPT_ENABLE ? &o->rules.enable : &o->rules.disable,
                          optarg) != 0) {
        OPTION_ERROR("out of memory");
      }
      break;
    case OPT_NO_DEFAULT: o->rules.no_default_rules = 1; break;
    case OPT_LITERALS: set_string(&o->rules.literals, optarg, why, whylen); break;
    case OPT_MASK: set_string(&o->rules.mask, optarg, why, whylen); break;
    case OPT_HASH_KEY_FILE: set_string(&o->rules.hash_key_file, optarg, why, whylen); break;
    case OPT_HASH_KEY_ID: set_string(&o->rules.hash_key_id, optarg, why, whylen); break;
    case OPT_FORMAT: o->format = optarg; break;
    case OPT_LOG: o->log = optarg; break;
    case OPT_SD_KEYS: sd_keys = 1; break;
    case OPT_CRASH: o->test_crash_on = optarg; break;
    case OPT_HANG: o->test_hang_on = optarg; break;
    case OPT_INPUT:
      if (strcmp(optarg, "msg") == 0)
        o->input = INPUT_MSG;
      else if (strcmp(optarg, "rawmsg") == 0)
        o->input = INPUT_RAWMSG;
      else if (strcmp(optarg, "fulljson") == 0)
        o->input = INPUT_FULLJSON;
      else
        OPTION_ERROR("--input %s: not msg, rawmsg or fulljson", optarg);
      break;
    case OPT_MAX_LINE:
      if (parse_count(optarg, (unsigned long long)1 << 32, &n) != 0 || n == 0)
        OPTION_ERROR("--max-line %s: not a size from 1 to 2^32", optarg);
      else
        o->max_line = (size_t)n;
      break;
    case OPT_TIMEOUT:
      if (parse_count(optarg, 86400000ULL, &n) != 0)
        OPTION_ERROR("--timeout-ms %s: not a number of milliseconds", optarg);
      else
        o->timeout_ms = (unsigned long)n;
      break;
    case OPT_HELP:
      usage(stdout);
      return 1;
    case OPT_VERSION:
      printf("logmask-rsyslog %s (liblogmask %s)\n", LM_VERSION_STRING, lm_version());
      return 1;
    default:
      OPTION_ERROR("unknown or incomplete option '%s'", argv[optind - 1]);
      break;
    }
  }
  if (optind < argc)
    OPTION_ERROR("unexpected argument '%s'", argv[optind]);
  if (sd_keys && o->input != INPUT_FULLJSON)
    OPTION_ERROR("--sd-keys needs --input fulljson");
  return *why ? -1 : 0;
}

/* ---- main ------------------------------------------------------------- */

static void quiet_stderr(void) {
  int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    dup2(fd, STDERR_FILENO);
    if (fd != STDERR_FILENO)
      close(fd);
  } else {
    close(STDERR_FILENO);
  }
}

/* Another writer on stdout's pipe, for longer than the moment after
 * fork() in which rsyslogd (or a sibling helper it forks) still holds it. */
static int reply_pipe_shared(pid_t *who) {
  for (int tries = 0; tries < 25; tries++) {
    if (!lmr_pipe_other_writer(STDOUT_FILENO, who))
      return 0;
    usleep(20 * 1000);
  }
  return 1;
}

static void free_helper(helper *h) {
  lmr_sdmask_free(&h->sd);
  lmr_tagmsg_free(&h->tagmsg);
  lm_masker_free(h->field);
  lm_masker_free(h->masker);
  lm_ruleset_free(h->set);
  lmr_reply_free(h->reply);
  lmr_jsonmesg_free(&h->jm);
  for (int f = 0; f < LMR_NFIELDS; f++)
    lmr_bytes_free(&h->keep[f]);
  lmr_rulesconf_free(&h->opt.rules);
  for (int i = 0; i < 2; i++)
    free(watchdog_reply[i]);
}

int main(int argc, char **argv) {
  /* first: under mmexternal, stderr is the reply pipe */
  quiet_stderr();
  signal(SIGPIPE, SIG_IGN);

  helper h = { 0 };
  char why[256] = "";
  int parsed = parse_options(argc, argv, &h.opt, why, sizeof why);
  if (parsed == 1) {
    free_helper(&h);
    return fflush(stdout) == 0 ? 0 : 1;
  }
  if (lmr_diag_open(h.opt.log) != 0)
    lmr_diag(LOG_ERR, "--log %s: %s", h.opt.log, strerror(errno));
  h.broken_why = "config";
  pid_t other;
  if (parsed != 0) {
    lmr_diag(LOG_ERR, "%s; every message will be withheld", why);
    h.broken = 1;
  } else if (reply_pipe_shared(&other)) {
    lmr_diag(LOG_ERR, "process %ld can also write to the reply pipe (a wrapper script that "
             "did not exec this helper?); its output would shift the replies: every message "
             "will be withheld.  Run the helper directly from mmexternal's binary=",
             (long)other);
    h.broken = 1;
    h.broken_why = "shared-pipe";
  } else if (set_up_library(&h) != 0) {
    lmr_diag(LOG_ERR, "set-up failed; every message will be withheld");
    h.broken = 1;
  }

  if (!h.broken)
    lmr_diag(LOG_INFO, "started: liblogmask %s, %zu rules, %zu literals", lm_version(),
             lm_ruleset_rule_count(h.set), lm_ruleset_literal_count(h.set));
  h.reply = lmr_reply_new();
  lmr_linein in;
  if (!h.reply || lmr_linein_init(&in, STDIN_FILENO, h.opt.max_line) != 0) {
    /* no way to answer: exiting leaves every message without the marker */
    lmr_diag(LOG_ERR, "out of memory at start-up");
    free_helper(&h);
    return 1;
  }
  if (h.opt.timeout_ms) {
    struct sigaction sa = { .sa_handler = on_watchdog };
    sigemptyset(&sa.sa_mask);
    if (prepare_watchdog(&h) != 0 || sigaction(SIGALRM, &sa, NULL) != 0) {
      lmr_diag(LOG_ERR, "cannot set up the watchdog");
      h.opt.timeout_ms = 0;
    }
  }

  int rc = 0;
  const char *text, *reply;
  size_t len, rlen;
  int overlong, got;
  while ((got = lmr_linein_next(&in, &text, &len, &overlong)) == 1) {
    if (answer(&h, text, len, overlong, &reply, &rlen) != 0) {
      /* the reply could not be built (out of memory): say nothing and
       * exit, which mmexternal turns into an unmarked message */
      lmr_diag(LOG_ERR, "message %lu: cannot build a reply", h.messages);
      rc = 1;
      break;
    }
    if (write_all(reply, rlen) != 0) {
      if (errno != EPIPE) {
        lmr_diag(LOG_ERR, "writing a reply: %s", strerror(errno));
        rc = 1;
      }
      break;
    }
  }
  if (got < 0) {
    lmr_diag(LOG_ERR, "reading messages: %s", strerror(errno));
    rc = 1;
  }
  lmr_diag(LOG_INFO, "exiting: %lu messages, %lu masked, %lu withheld", h.messages,
           h.changed, h.withheld);
  lmr_linein_free(&in);
  free_helper(&h);
  lmr_diag_close();
  return rc;
}
