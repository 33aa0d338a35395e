/* logmask-rsyslog: masks secrets in rsyslog messages as an mmexternal
 * helper.  rsyslog writes one message a line to stdin and blocks until one
 * JSON reply line comes back (plugins/external/INTERFACE.md in rsyslog's
 * source).  All matching is the library's; this file reads lines, hands
 * them to lm_masker_line() and writes the replies.
 *
 * Fail closed.  mmexternal itself fails open: a helper that dies or writes
 * garbage lets the message through unchanged.  So every reply carries the
 * marker $!logmask!ok = 1 only when the library masked the message, and
 * the documented configuration sends every message without it to a
 * quarantine action.  A message the helper cannot mask (library error,
 * line over --max-line, fulljson that does not parse, rules that failed to
 * load, masking slower than --timeout-ms) is answered with ok = 0 and its
 * text replaced by "[logmask: withheld]", so even a configuration without
 * the quarantine branch does not leak it. */
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
#include "sdata.h"

#define WITHHELD "[logmask: withheld]"
enum { DEFAULT_MAX_LINE = 4 * 1024 * 1024, DEFAULT_TIMEOUT_MS = 10000, MAX_MSG_DIAGS = 100 };

typedef enum { INPUT_MSG, INPUT_RAWMSG, INPUT_FULLJSON } input_kind;

typedef struct string_list {
  const char **items;
  size_t count;
} string_list;

typedef struct options {
  string_list rules, enable, disable;
  int no_default_rules;
  const char *literals, *mask, *hash_key_file, *hash_key_id, *format, *log;
  input_kind input;
  int sd_keys;
  size_t max_line;
  unsigned long timeout_ms;
  const char *test_crash_on, *test_hang_on; /* test-only: see --help */
} options;

typedef struct helper {
  options opt;
  lm_ruleset *set;
  lm_masker *masker;    /* the message text */
  lm_masker *sd_masker; /* structured-data parameters, format logfmt */
  lmr_reply *reply;
  lmr_jsonmesg jm;
  lmr_bytes sd_out, sd_scratch;
  int broken;           /* set-up failed: every message is withheld */
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

/* The reply for a message that could not be masked. */
static int build_withheld(helper *h, int leading_space, const char *why, const char **line,
                          size_t *len) {
  lmr_prop props[2] = {
    { text_prop(h), leading_space ? " " WITHHELD : WITHHELD,
      leading_space ? sizeof WITHHELD : sizeof WITHHELD - 1 },
    { "structured-data", "-", 1 },
  };
  size_t n = h->opt.input == INPUT_FULLJSON && h->opt.sd_keys ? 2 : 1;
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
  watchdog_arm(h, space);
  lm_line res;
  lm_status st = lm_masker_line(h->masker, text, len, &res);
  watchdog_disarm(h);
  if (st != LM_OK) {
    note_withheld(h, "mask-error", masker_detail(h->masker, st));
    return build_withheld(h, space, "mask-error", line, rlen);
  }
  lmr_status ok = { .ok = 1, .masked = res.secrets };
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

/* fulljson mode: mask "msg" and, with --sd-keys, "structured-data".
 * Replying "rawmsg" as well is not done: rsyslog 8.2302 rebuilds rawmsg
 * from its header and a new msg, and setting both in one reply garbles the
 * message (seen with RFC 5424 input). */
static int answer_json(helper *h, const char *text, size_t len, const char **line,
                       size_t *rlen) {
  int r = lmr_jsonmesg_parse(&h->jm, text, len);
  if (r != 0 || !h->jm.msg.present) {
    const char *why = r == -2 ? "no-memory" : "bad-input";
    note_withheld(h, why, r == 0 ? "no string \"msg\" property" : NULL);
    return build_withheld(h, 0, why, line, rlen);
  }
  const lmr_text *msg = &h->jm.msg;
  int space = msg->len > 0 && msg->data[0] == ' ';
  lmr_prop props[2];
  size_t nprops = 0;
  lmr_status ok = { .ok = 1 };

  watchdog_arm(h, space);
  lm_line res;
  lm_status st = lm_masker_line(h->masker, msg->data, msg->len, &res);
  if (st == LM_OK && (res.flags & LM_LINE_DROPPED)) {
    props[nprops++] = (lmr_prop){ "msg", "", 0 };
    ok.dropped = 1;
    ok.masked += res.secrets;
  } else if (st == LM_OK && (res.flags & LM_LINE_CHANGED)) {
    props[nprops++] = (lmr_prop){ "msg", res.text, res.len };
    ok.masked += res.secrets ? res.secrets : 1;
  }
  if (st == LM_OK && h->opt.sd_keys && h->jm.sd.present) {
    int changed;
    unsigned secrets;
    st = lmr_sd_mask(h->sd_masker, &h->sd_scratch, h->jm.sd.data, h->jm.sd.len, &h->sd_out,
                     &changed, &secrets);
    if (st == LM_OK && changed) {
      props[nprops++] = (lmr_prop){ "structured-data", h->sd_out.data, h->sd_out.len };
      ok.masked += secrets;
    }
  }
  watchdog_disarm(h);
  if (st != LM_OK) {
    note_withheld(h, "mask-error", masker_detail(h->masker, st));
    return build_withheld(h, space, "mask-error", line, rlen);
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
    return build_withheld(h, len > 0 && text[0] == ' ', "config", line, rlen);
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

static int set_failed(const helper *h, const char *what, lm_status st) {
  const lm_error *e = lm_ruleset_error(h->set);
  lmr_diag(LOG_ERR, "%s: %s", what,
           e && e->message && *e->message ? e->message : lm_strerror(st));
  return -1;
}

static int set_up_library(helper *h) {
  const options *o = &h->opt;
  lm_status st;
  h->set = lm_ruleset_new();
  if (!h->set) {
    lmr_diag(LOG_ERR, "out of memory");
    return -1;
  }
  lm_ruleset_set_diag(h->set, on_library_diag, NULL);
  if (!o->no_default_rules && (st = lm_ruleset_load_defaults(h->set)) != LM_OK)
    return set_failed(h, "built-in rules", st);
  for (size_t i = 0; i < o->rules.count; i++)
    if ((st = lm_ruleset_load_path(h->set, o->rules.items[i])) != LM_OK)
      return set_failed(h, o->rules.items[i], st);
  for (size_t i = 0; i < o->enable.count; i++)
    if ((st = lm_ruleset_enable(h->set, o->enable.items[i])) != LM_OK)
      return set_failed(h, o->enable.items[i], st);
  for (size_t i = 0; i < o->disable.count; i++)
    if ((st = lm_ruleset_disable(h->set, o->disable.items[i])) != LM_OK)
      return set_failed(h, o->disable.items[i], st);
  if (o->literals && (st = lm_ruleset_add_literals_file(h->set, o->literals)) != LM_OK &&
      set_failed(h, "--literals", st) != 0)
    return -1;
  if (o->hash_key_file
      && (st = lm_ruleset_set_hash_key_file(h->set, o->hash_key_file, o->hash_key_id)) != LM_OK)
    return set_failed(h, o->hash_key_file, st);
  if (o->mask && (st = lm_ruleset_set_mask(h->set, o->mask, 0)) != LM_OK)
    return set_failed(h, "--mask", st);
  if ((st = lm_ruleset_compile(h->set)) != LM_OK)
    return set_failed(h, "compiling the rules", st);
  h->masker = lm_masker_new(h->set);
  if (!h->masker) {
    lmr_diag(LOG_ERR, "cannot create a masker");
    return -1;
  }
  if (o->format && (st = lm_masker_set_format(h->masker, o->format)) != LM_OK) {
    lmr_diag(LOG_ERR, "--format %s: %s", o->format, lm_strerror(st));
    return -1;
  }
  if (o->input == INPUT_FULLJSON && o->sd_keys) {
    h->sd_masker = lm_masker_new(h->set);
    if (!h->sd_masker) {
      lmr_diag(LOG_ERR, "cannot create a masker");
      return -1;
    }
    /* parameters are shown as NAME="VALUE": the logfmt handler judges
     * them by name; without one, the text rules still see the pair */
    if (lm_masker_set_format(h->sd_masker, "logfmt") != LM_OK)
      lm_masker_set_format(h->sd_masker, "text");
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
    "  --format NAME            auto, text, logfmt, json, syslog\n"
    "  --sd-keys                fulljson: also mask structured-data parameters\n"
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

static int list_add(string_list *l, const char *s) {
  const char **grown = realloc(l->items, (l->count + 1) * sizeof *grown);
  if (!grown)
    return -1;
  l->items = grown;
  l->items[l->count++] = s;
  return 0;
}

static int parse_count(const char *s, unsigned long long max, unsigned long long *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end || s[0] == '-' || v > max)
    return -1;
  *out = v;
  return 0;
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
  int c;
  unsigned long long n;
  while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
    switch (c) {
    case OPT_RULES:
    case OPT_ENABLE:
    case OPT_DISABLE:
      if (list_add(c == OPT_RULES ? &o->rules : c == OPT_ENABLE ? &o->enable : &o->disable,
                   optarg) != 0) {
        OPTION_ERROR("out of memory");
      }
      break;
    case OPT_NO_DEFAULT: o->no_default_rules = 1; break;
    case OPT_LITERALS: o->literals = optarg; break;
    case OPT_MASK: o->mask = optarg; break;
    case OPT_HASH_KEY_FILE: o->hash_key_file = optarg; break;
    case OPT_HASH_KEY_ID: o->hash_key_id = optarg; break;
    case OPT_FORMAT: o->format = optarg; break;
    case OPT_LOG: o->log = optarg; break;
    case OPT_SD_KEYS: o->sd_keys = 1; break;
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
  if (o->sd_keys && o->input != INPUT_FULLJSON)
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

static void free_helper(helper *h) {
  lm_masker_free(h->sd_masker);
  lm_masker_free(h->masker);
  lm_ruleset_free(h->set);
  lmr_reply_free(h->reply);
  lmr_jsonmesg_free(&h->jm);
  lmr_bytes_free(&h->sd_out);
  lmr_bytes_free(&h->sd_scratch);
  free(h->opt.rules.items);
  free(h->opt.enable.items);
  free(h->opt.disable.items);
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
  if (parsed != 0) {
    lmr_diag(LOG_ERR, "%s; every message will be withheld", why);
    h.broken = 1;
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
