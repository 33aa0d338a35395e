/*
 * logmask.h - the one public header of liblogmask.
 *
 * liblogmask masks secrets (passwords, tokens, API keys, private keys,
 * credential URLs, known secret values) in log lines.
 *
 * Objects and their rules, in one paragraph:
 *
 *   lm_ruleset  Built once (load rule files, add literals, set options), then
 *               lm_ruleset_compile() makes it immutable.  A compiled rule set
 *               may be shared by any number of threads without locking; it must
 *               outlive every masker made from it.  Building is single-threaded.
 *   lm_masker   Per-thread working state: PCRE2 match data, scratch buffers,
 *               counters, multi-line (PEM block) state.  Never share one masker
 *               between threads at the same time.
 *   lm_stream   Push-streaming front end over a masker, shaped like
 *               yajl_parse/yajl_complete_parse: feed any chunks with
 *               lm_stream_feed(), end with lm_stream_finish().  Complete lines
 *               leave through the host's writer callback, in input order.
 *
 * Ownership: every *_new() result is released by the matching *_free(), and
 * every *_free() accepts NULL.  Strings passed in are copied unless stated.
 * Memory handed out by the library (lm_stats_to_json) is released with
 * lm_free().  Pointers returned as `const` stay owned by the handle and are
 * valid until the next call on that handle or its free.
 *
 * The library never prints.  Diagnostics (warnings about a rule, a refused
 * option) go to a callback the host registers with lm_ruleset_set_diag();
 * error detail for the last failing call is kept on the handle and read
 * with lm_ruleset_error() / lm_masker_error().
 */
#ifndef LOGMASK_H
#define LOGMASK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LM_VERSION_MAJOR 0
#define LM_VERSION_MINOR 1
#define LM_VERSION_PATCH 0
#define LM_VERSION_STRING "0.1.0"
/* Comparable as a number: 0.1.0 -> 100, 1.2.3 -> 10203. */
#define LM_VERSION_NUMBER \
  (LM_VERSION_MAJOR * 10000 + LM_VERSION_MINOR * 100 + LM_VERSION_PATCH)

#if defined(LM_BUILDING_LIBRARY) && defined(__GNUC__)
#define LM_API __attribute__((visibility("default")))
#else
#define LM_API
#endif

/* Runtime version of the library actually linked, e.g. "0.1.0". */
LM_API const char *lm_version(void);

/* ------------------------------------------------------------------ */
/* Status codes                                                        */
/* ------------------------------------------------------------------ */

typedef enum lm_status {
  LM_OK = 0,
  LM_ERR_NOMEM,     /* allocation failed */
  LM_ERR_IO,        /* a file could not be opened or read (errno kept) */
  LM_ERR_SYNTAX,    /* rule file: unknown field, missing field, bad value */
  LM_ERR_REGEX,     /* rule file: PCRE2 refused the regex */
  LM_ERR_DUPLICATE, /* rule id defined twice */
  LM_ERR_ARG,       /* bad argument (NULL handle, unknown mask style...) */
  LM_ERR_STATE,     /* call not allowed now (add after compile, feed after finish) */
  LM_ERR_SHORT,     /* known literal shorter than the minimum length */
  LM_ERR_KEY,       /* hash key missing, too short or readable by others */
  LM_ERR_WRITE,     /* the host's writer callback reported failure */
  LM_ERR_TEST,      /* one or more inline rule tests failed */
  LM_ERR_LIMIT,     /* a configured limit refused the input */
  LM_ERR_FORMAT     /* input not in the expected format (corrupt or truncated
                       gzip stream); the detail names the byte offset */
} lm_status;

/* Static English text for a status; never NULL. */
LM_API const char *lm_strerror(lm_status status);

/* Detail of the last error on a handle.  Fields not known are 0 / "". */
typedef struct lm_error {
  lm_status status;
  const char *file;     /* rule file or input name */
  unsigned long line;   /* 1-based, 0 when not applicable */
  unsigned long column; /* 1-based; for LM_ERR_REGEX the column in the file
                           of the PCRE2 error offset */
  const char *message;  /* full human-readable message, with file:line:col */
} lm_error;

typedef enum lm_severity { LM_DIAG_INFO, LM_DIAG_WARNING, LM_DIAG_ERROR } lm_severity;

/* Diagnostic callback.  `message` is only valid during the call. */
typedef void (*lm_diag_fn)(void *ctx, lm_severity severity, const char *message);

/* ------------------------------------------------------------------ */
/* Rule sets                                                           */
/* ------------------------------------------------------------------ */

typedef struct lm_ruleset lm_ruleset;

/* A new, empty, uncompiled rule set.  NULL when out of memory.
 * Free with lm_ruleset_free(). */
LM_API lm_ruleset *lm_ruleset_new(void);

/* Releases the set and everything it owns, wiping known-literal bytes
 * first.  Accepts NULL.  No masker made from it may be used afterwards. */
LM_API void lm_ruleset_free(lm_ruleset *set);

/* Routes diagnostics (rule warnings, inline test failures) to fn.  With no
 * callback they are dropped.  Building phase only. */
LM_API void lm_ruleset_set_diag(lm_ruleset *set, lm_diag_fn fn, void *ctx);

/* Error detail of the last failing call on `set`.  Owned by the set. */
LM_API const lm_error *lm_ruleset_error(const lm_ruleset *set);

/* Loading rules (building phase only).  Syntax: patterns/SYNTAX.md and
 * logmask-rules(5).  A path that is a directory loads every *.rules file in
 * it in name order.  `name` labels text in messages.  On error nothing of
 * that file is added and the detail names file, line and column. */
LM_API lm_status lm_ruleset_load_path(lm_ruleset *set, const char *path);
LM_API lm_status lm_ruleset_load_buffer(lm_ruleset *set, const char *name,
                                        const char *text, size_t len);
/* The rule library compiled into liblogmask at build time. */
LM_API lm_status lm_ruleset_load_defaults(lm_ruleset *set);

/* Enables rules that are off by default (`default: off`), by rule id or
 * by group name (e.g. "pii").  LM_ERR_ARG when nothing matches. */
LM_API lm_status lm_ruleset_enable(lm_ruleset *set, const char *id_or_group);
/* Disables a rule by id or group. */
LM_API lm_status lm_ruleset_disable(lm_ruleset *set, const char *id_or_group);

/* Known secret values, masked wherever they appear byte-for-byte (no
 * regex).  `value` is copied into memory the set wipes on free.  Values
 * shorter than the minimum length (default 6, see
 * lm_ruleset_set_min_literal) are refused with LM_ERR_SHORT.  `name` (may be
 * NULL) is reported in findings, never the value. */
LM_API lm_status lm_ruleset_add_literal(lm_ruleset *set, const char *name,
                                        const char *value, size_t len);
LM_API lm_status lm_ruleset_set_min_literal(lm_ruleset *set, size_t min_len);

/* Known secrets from a file with one value a line (LF or CRLF; blank lines
 * skipped), each named "FILE:LINE" after the file's base name.  Stops at
 * the first value the set refuses (too short, ...), with FILE:LINE in the
 * error detail and never the value.  The file's bytes are wiped after use.
 * Building phase only. */
LM_API lm_status lm_ruleset_add_literals_file(lm_ruleset *set, const char *path);

/* Every value of a dotenv file (lm_dotenv_parse) becomes a known secret
 * named by its variable; a value spanning lines is added line by line,
 * skipping its lines shorter than the minimum.  A real application .env
 * holds settings beside secrets:
 *   - keys matching the built-in ignore list (lm_env_default_ignore: DEBUG,
 *     ALLOWED_HOSTS, *_HOST, *_PORT, *_URL, ...) are skipped, unless the key
 *     names a secret (holds SECRET, PASS, PWD, TOKEN, KEY, AUTH, CRED, PRIV,
 *     HOOK, SALT, SIGN, CERT, DSN, SESSION or COOKIE, case ignored);
 *   - a value shorter than the minimum length (DEBUG=True) is skipped with
 *     one LM_DIAG_WARNING through the diag callback, "FILE:LINE: KEY: value
 *     shorter than the minimum of N bytes, not masked";
 *   - a URL value with a password (scheme://user:PASSWORD@host/...) also
 *     adds the password alone, as written and percent-decoded, under the
 *     same key; this holds for ignored keys too (DATABASE_URL, REDIS_URL).
 * Messages name FILE:LINE and the variable, never a value.  A syntax error
 * is LM_ERR_SYNTAX with FILE:LINE.  The file's bytes are wiped after use.
 * Building phase only. */
LM_API lm_status lm_ruleset_add_env_file(lm_ruleset *set, const char *path);

/* lm_ruleset_add_env_file with more keys to skip: `ignore` holds n_ignore
 * fnmatch(3) globs matched against the whole key, case ignored ("DEBUG",
 * "*_URL", "SENTRY_*"); these apply whatever the key says.  Flags:
 * LM_ENV_NO_DEFAULT_IGNORE leaves the built-in list out.  The globs are
 * read during the call only. */
#define LM_ENV_NO_DEFAULT_IGNORE 0x01u
LM_API lm_status lm_ruleset_add_env_file_ignore(lm_ruleset *set, const char *path,
                                                const char *const *ignore, size_t n_ignore,
                                                unsigned flags);
/* The built-in ignore list, one glob per index; NULL past its end.
 * Static strings; thread-safe. */
LM_API const char *lm_env_default_ignore(size_t index);

/* Environment files (.env).  One assignment per logical line:
 *   NAME=value          unquoted: trimmed, ends at " #" (a comment)
 *   export NAME=value   the `export ` prefix is ignored
 *   NAME = value        blanks around '=' are ignored
 *   NAME='value'        literal, may span lines
 *   NAME="value"        \n \r \t \" \\ \$ \` escapes (others kept), a backslash
 *                       before a line end joins lines; may span lines
 *   NAME=`value`        literal, like single quotes
 * plus comments, blank lines, CRLF and a UTF-8 BOM; NAME is
 * [A-Za-z_][A-Za-z0-9_.-]*; no ${VAR} expansion.  `fn` gets each
 * assignment: `value` is NUL-terminated (it may hold NULs: use len) and is
 * wiped when fn returns; `line` is where NAME stands; a non-zero return
 * stops the parse with LM_ERR_STATE.  A syntax error returns LM_ERR_SYNTAX
 * with *err_line and a message in err (err_cap bytes; it names the
 * variable, never a value).  err_line and err may be NULL.  Thread-safe;
 * no handle. */
typedef int (*lm_dotenv_fn)(void *ctx, const char *name, const char *value, size_t len,
                            unsigned long line);
LM_API lm_status lm_dotenv_parse(const char *text, size_t len, lm_dotenv_fn fn, void *ctx,
                                 unsigned long *err_line, char *err, size_t err_cap);

/* Default mask style for every rule.  `override` non-zero: also replaces
 * the styles rules name themselves.  Styles:
 *   "redact"            [REDACTED:%r]  (%r rule id, %% a percent sign)
 *   "redact:TEMPLATE"   TEMPLATE with %r expanded
 *   "stars"             one '*' per secret byte
 *   "partial:N:M"       keep first N and last M bytes, stars between; never
 *                       keeps more than a quarter of the secret in total
 *   "hash"              [%r:KEYID:16 hex digits of HMAC-SHA256(key, secret)]
 *                       needs a key (lm_ruleset_set_hash_key*)
 *   "drop"              the whole line is dropped (counted)
 * LM_ERR_ARG on an unknown style. */
LM_API lm_status lm_ruleset_set_mask(lm_ruleset *set, const char *style, int override);

/* Hash key for the "hash" style.  The file must not be readable or
 * writable by group or others and must hold at least 32 bytes; key_id
 * (1..16 chars of [A-Za-z0-9_-], NULL for "k1") is written into every tag.
 * The key is copied; the caller may wipe its own copy. */
LM_API lm_status lm_ruleset_set_hash_key_file(lm_ruleset *set, const char *path,
                                              const char *key_id);
LM_API lm_status lm_ruleset_set_hash_key(lm_ruleset *set, const void *key, size_t len,
                                         const char *key_id);

/* Fingerprint of a secret, for reports that must name a secret without
 * holding it: HMAC-SHA256 under the set's hash key when it has one
 * (*keyed = 1), else plain SHA-256 (*keyed = 0; guessable for short
 * secrets).  `out` gets 32 bytes; keyed may be NULL.  Thread-safe. */
LM_API lm_status lm_ruleset_fingerprint(const lm_ruleset *set, const void *data, size_t len,
                                        unsigned char out[32], int *keyed);

/* Freezes the set: compiles every regex (PCRE2, JIT when available) and
 * builds the keyword/literal automaton.  After success the set is
 * immutable and thread-safe; every building call returns LM_ERR_STATE. */
LM_API lm_status lm_ruleset_compile(lm_ruleset *set);

/* Runs every inline test (`match`/`nomatch` lines) of every loaded rule,
 * through the same line path as lm_masker_line with that rule alone, as
 * written and wrapped the ways logs carry text: as a JSON string value, a
 * logfmt quoted value and a syslog message; a test that is one KEY=VALUE
 * (or KEY: VALUE) pair also as that pair in JSON (flat, nested, a
 * name/value list), logfmt and RFC 5424 structured data.
 * Failures go to the diag callback as "file:line: rule ID: (WRAPPING) ..."
 * lines.  Returns LM_OK when all pass, LM_ERR_TEST otherwise; *failed (may
 * be NULL) gets the number of tests failed in some wrapping and *run the
 * number of tests run.  Compiled sets. */
LM_API lm_status lm_ruleset_test(const lm_ruleset *set, size_t *run, size_t *failed);

/* Introspection of a compiled set (thread-safe).  The rule table holds the
 * enabled rules in load order, then the built-in labels of masks no rule
 * file defines (group "builtin": json-sensitive-key, logfmt-sensitive-key,
 * syslog-sensitive-key, match-limit, json-depth-limit, line-too-long),
 * so that every finding's rule index and every counter has a name. */
LM_API size_t lm_ruleset_rule_count(const lm_ruleset *set);
/* Rule id / description / file / group of rule `index` (<
 * lm_ruleset_rule_count), or NULL for a bad index (group: NULL for a rule
 * without one). */
LM_API const char *lm_ruleset_rule_id(const lm_ruleset *set, size_t index);
LM_API const char *lm_ruleset_rule_description(const lm_ruleset *set, size_t index);
LM_API const char *lm_ruleset_rule_origin(const lm_ruleset *set, size_t index);
LM_API const char *lm_ruleset_rule_group(const lm_ruleset *set, size_t index);
LM_API size_t lm_ruleset_literal_count(const lm_ruleset *set);
LM_API const char *lm_ruleset_literal_name(const lm_ruleset *set, size_t index);

/* Sensitive keys of structured formats (JSON members, logfmt pairs, RFC 5424
 * structured-data parameters).  The value of a sensitive key is masked whole
 * whatever it holds (string, number, object, array; not null/true/false, an
 * empty string, or a value that is already a mask or a ${VAR} / {{ var }}
 * template), under the label json-sensitive-key, logfmt-sensitive-key or
 * syslog-sensitive-key and the set's default mask style.  Values of other
 * keys still go through the rules.
 *
 * Matching ignores case and the separators '_', '-', '.' and ' ', and
 * compares the end of the key at a word boundary (a separator or a
 * lower-to-upper camelCase step): the entry "api_key" matches apiKey,
 * API-KEY, x_api_key and service.api.key; "password" matches dbPassword and
 * db.password but not password_hint.  A key equal to a kept key (same
 * comparison, whole key) is never masked by name.
 *
 * Until the first lm_ruleset_mask_keys() call with `replace` set, the
 * built-in list applies: password, passwd, pwd, pass, passphrase, secret,
 * client_secret, secret_key, token, access_token, refresh_token, id_token,
 * auth_token, api_key, apikey, access_key, private_key, authorization,
 * cookie, set-cookie, session, credentials, credential.
 *
 * Building phase only (LM_ERR_STATE after compile).  Keys are copied; an
 * empty key, one of separators only, or one over 255 bytes is LM_ERR_ARG.
 * `replace` non-zero: the list (built-in or earlier) is emptied first, so
 * lm_ruleset_mask_keys(set, NULL, 0, 1) turns key masking off. */
LM_API lm_status lm_ruleset_mask_keys(lm_ruleset *set, const char *const *keys, size_t n,
                                      int replace);
LM_API lm_status lm_ruleset_keep_keys(lm_ruleset *set, const char *const *keys, size_t n);
/* The sensitive-key list in effect (index < count), or NULL. */
LM_API size_t lm_ruleset_key_count(const lm_ruleset *set);
LM_API const char *lm_ruleset_key(const lm_ruleset *set, size_t index);
/* 1 when `key` (len bytes, need not be NUL-terminated) is sensitive for
 * `set`, so hosts that parse a structure themselves (the rsyslog module)
 * decide the same way.  Thread-safe on a compiled set. */
LM_API int lm_ruleset_is_sensitive_key(const lm_ruleset *set, const char *key, size_t len);

/* ------------------------------------------------------------------ */
/* Maskers: per-thread matching state                                  */
/* ------------------------------------------------------------------ */

typedef struct lm_masker lm_masker;

/* A masker over a compiled set (LM_ERR_STATE otherwise, NULL returned).
 * Free with lm_masker_free(); the set must outlive it. */
LM_API lm_masker *lm_masker_new(const lm_ruleset *set);
LM_API void lm_masker_free(lm_masker *m);
LM_API const lm_error *lm_masker_error(const lm_masker *m);

/* Input format: "auto" (decided per line), "text", "logfmt", "json",
 * "syslog", or "sd" (an RFC 5424 STRUCTURED-DATA field alone, as rsyslog's
 * %structured-data% property holds it).  LM_ERR_ARG on an unknown name.
 *
 * Every format reads the same secrets: the rules read the line and its
 * decoded forms (percent-encoding, backslash escapes, HTML entities); a
 * structured record (JSON, also behind a prefix or inside a JSON string;
 * logfmt; RFC 5424 structured data) also shows each key/value pair to the
 * rules as `path=value`, so a rule written for `KEY=VALUE` text matches
 * the same pair in any record; values of sensitive keys are masked whole;
 * masks inside strings are escaped for them, so a JSON line stays JSON.
 * "text" reads the line as text only. */
LM_API lm_status lm_masker_set_format(lm_masker *m, const char *format);

/* What a masker reads.  LM_INPUT_LOG (the default): log lines.
 * LM_INPUT_CODE: source and configuration files (logmask scan): a bare
 * value that is code (an identifier without digits, an attribute path, a
 * call, a $VAR / ${VAR} / {{ var }} / %(var)s / <VAR> reference) is not a
 * secret for rules of `value-end: token`, and a line carrying an inline
 * allow marker (logmask:allow, pragma: allowlist secret, gitleaks:allow,
 * secretlint-disable-line; pragma: allowlist nextline secret for the next
 * line) reports its findings with LM_FIND_ALLOWED set, counted in
 * lm_totals.allowed.  Markers are ignored in LM_INPUT_LOG: whoever writes
 * a log line could forge them.  LM_ERR_ARG on another value. */
typedef enum lm_input { LM_INPUT_LOG = 0, LM_INPUT_CODE = 1 } lm_input;
LM_API lm_status lm_masker_set_input(lm_masker *m, lm_input input);

/* Flags of a masked line. */
#define LM_LINE_CHANGED 0x01u /* output differs from input */
#define LM_LINE_DROPPED 0x02u /* the "drop" style removed the line */
#define LM_LINE_LIMIT   0x04u /* a regex limit tripped: the whole line was masked */
#define LM_LINE_BLOCK   0x08u /* inside a multi-line secret block (PEM) */

typedef struct lm_line {
  const char *text; /* the line to write (no terminator); equals the input
                       pointer when unchanged; NULL when dropped */
  size_t len;
  unsigned flags;   /* LM_LINE_* */
  unsigned secrets; /* number of secret spans masked */
} lm_line;

/* Masks one line (without its '\n'; a trailing '\r' is kept as data).
 * out->text points into the masker's buffer (valid until the next call) or
 * at `line`.  Multi-line blocks carry state from one call to the next; call
 * lm_masker_reset() between unrelated inputs. */
LM_API lm_status lm_masker_line(lm_masker *m, const char *line, size_t len, lm_line *out);

/* One secret found in a line: byte offsets into the line given. */
typedef struct lm_finding {
  size_t start, end;   /* [start, end) */
  size_t rule;         /* rule index, or (size_t)-1 for a known literal */
  size_t literal;      /* literal index when rule == (size_t)-1 */
  unsigned flags;      /* LM_LINE_* of the line (LM_LINE_LIMIT: the whole
                          line stands for a trip), LM_FIND_ALLOWED */
} lm_finding;
#define LM_FIND_ALLOWED 0x100u /* LM_INPUT_CODE: an inline marker allows it */

/* Reports the secrets of a line without masking (for scanners): exactly
 * the spans lm_masker_line masks (same formats, same block state), before
 * they are cut around quotes and punctuation, sorted by start and
 * disjoint.  Where a known literal and a rule cover the same bytes, the
 * finding names the literal.  Fills up to `max` findings; *count gets the
 * total found (which may exceed max).  Counters are updated as for
 * lm_masker_line. */
LM_API lm_status lm_masker_find(lm_masker *m, const char *line, size_t len,
                                lm_finding *found, size_t max, size_t *count);

/* Forgets multi-line state (an open PEM block) before a new input. */
LM_API void lm_masker_reset(lm_masker *m);

/* Number of preceding lines that can change how a line is masked: the
 * longest multi-line block any rule of the set allows (0 when no rule spans
 * lines).  Thread-safe on a compiled set. */
LM_API size_t lm_ruleset_context_lines(const lm_ruleset *set);

/* Primes the masker's multi-line state from complete lines that precede the
 * input it masks next, without output and without counting them.  For hosts
 * that mask chunks of one input out of order (threads): lm_masker_reset(),
 * lm_masker_prime() with the previous chunk's last
 * lm_ruleset_context_lines() lines, then mask the chunk.  The result equals
 * masking the input in one pass, byte for byte: a block cannot stay open
 * longer than its bound, and an opener always starts a block afresh. */
LM_API lm_status lm_masker_prime(lm_masker *m, const char *lines, size_t len);

/* ------------------------------------------------------------------ */
/* Counters                                                            */
/* ------------------------------------------------------------------ */

typedef struct lm_rule_stats {
  const char *id;          /* rule id (owned by the rule set) */
  uint64_t lines_tested;   /* lines whose keywords let the regex run */
  uint64_t matches;        /* secrets masked */
  uint64_t bytes_masked;   /* secret bytes replaced */
} lm_rule_stats;

typedef struct lm_totals {
  uint64_t lines;          /* lines seen */
  uint64_t bytes;          /* bytes seen, terminators included */
  uint64_t lines_masked;   /* lines changed */
  uint64_t lines_dropped;  /* lines removed by "drop" */
  uint64_t limit_trips;    /* lines masked whole because a regex limit tripped */
  uint64_t long_lines;     /* lines over the line limit, scanned in windows */
  uint64_t literal_matches;/* known-literal occurrences masked */
  uint64_t blocks;         /* multi-line secret blocks masked */
  uint64_t blocks_unterminated; /* blocks cut at the line bound */
  uint64_t format_fallbacks;    /* records not valid in their format, read as text */
  uint64_t allowed;             /* findings allowed by an inline marker (LM_INPUT_CODE) */
} lm_totals;

/* Counters of one masker (and of every stream over it). */
LM_API void lm_masker_totals(const lm_masker *m, lm_totals *out);
/* out->id == NULL for a bad index. */
LM_API void lm_masker_rule_stats(const lm_masker *m, size_t rule, lm_rule_stats *out);
/* Adds `from`'s counters into `into` (same rule set), e.g. after threads. */
LM_API lm_status lm_masker_merge_stats(lm_masker *into, const lm_masker *from);
/* Counters as JSON ({"totals":{...},"rules":[{"id":...},...]}) in a buffer
 * released with lm_free().  Never contains secret text. */
LM_API lm_status lm_masker_stats_json(const lm_masker *m, int pretty, char **json,
                                      size_t *len);
LM_API void lm_free(void *p);

/* ------------------------------------------------------------------ */
/* Streams                                                             */
/* ------------------------------------------------------------------ */

/* Receives output bytes; return 0 on success, non-zero to stop the stream
 * (lm_stream_feed then returns LM_ERR_WRITE; errno is left as the writer
 * set it). */
typedef int (*lm_write_fn)(void *ctx, const char *buf, size_t len);

typedef struct lm_stream lm_stream;

/* A stream writing to `write`/`ctx` through masker `m` (borrowed; one
 * stream per masker at a time).  Free with lm_stream_free(). */
LM_API lm_stream *lm_stream_new(lm_masker *m, lm_write_fn write, void *ctx);
/* Frees without flushing: call lm_stream_finish() first to keep the last
 * line.  Wipes buffered input.  Accepts NULL. */
LM_API void lm_stream_free(lm_stream *s);

/* The smallest line limit lm_stream_set_limits accepts. */
#define LM_MAX_LINE_MIN 64

/* Line limit (default 1 MiB, at least LM_MAX_LINE_MIN) and window overlap
 * (default 4 KiB).  A line longer than the limit is scanned in windows of
 * `max_line` bytes that overlap by `overlap` bytes, so a secret (with the
 * context its rule needs) of up to `overlap` bytes across a window edge is
 * still found; a secret cut by a window's end goes on masked in the next
 * window to the end of its token; a JSON or logfmt line keeps its sensitive
 * keys (a tracker follows keys and strings from window to window); an open
 * multi-line block masks body windows.  With a "drop" mask in effect a
 * line over the limit is dropped whole (its start would already be written
 * when a secret shows), counted under line-too-long.  Memory stays bounded
 * by max_line.  overlap must be < max_line / 2. */
LM_API lm_status lm_stream_set_limits(lm_stream *s, size_t max_line, size_t overlap);

/* Writes every complete masked line now instead of batching (for tail -f).
 * Default off: output is batched up to 64 KiB per write call. */
LM_API void lm_stream_set_line_buffered(lm_stream *s, int on);

/* Takes any chunk (len may be 0).  Complete lines are masked and written;
 * a partial line is kept until its end arrives.  Any byte values are
 * accepted: CR, NUL, invalid UTF-8 pass through unchanged outside masks. */
LM_API lm_status lm_stream_feed(lm_stream *s, const char *buf, size_t len);
/* Writes every buffered line, including a last line without '\n' (written
 * without one).  Further feeds return LM_ERR_STATE. */
LM_API lm_status lm_stream_finish(lm_stream *s);
/* Writes all complete lines buffered so far (for signals/timeouts).  With
 * gzip output the compressed stream is sync-flushed, so a reader of the
 * output sees every line written so far. */
LM_API lm_status lm_stream_flush(lm_stream *s);

/* gzip (zlib).  `input`: LM_GZIP_AUTO (input starting with the gzip magic
 * bytes 1f 8b is decompressed as a stream, concatenated members included;
 * other input is read as text) or LM_GZIP_OFF.  `output_level`: -1 writes
 * plain text, 0..9 writes one gzip member at that zlib level (finished by
 * lm_stream_finish; a line-buffered stream sync-flushes at the end of
 * every feed).
 * Call before the first feed (LM_ERR_STATE otherwise).  The default is
 * LM_GZIP_OFF, -1.
 *
 * A corrupt gzip stream makes lm_stream_feed return LM_ERR_FORMAT; one that
 * ends inside a member makes lm_stream_finish return it.  Every line decoded
 * in full before that point has been masked and written; a partial last
 * line is dropped, never written unmasked.  lm_stream_error() names the
 * compressed byte offset. */
#define LM_GZIP_OFF 0
#define LM_GZIP_AUTO 1
LM_API lm_status lm_stream_set_gzip(lm_stream *s, int input, int output_level);
/* Detail of the last error on the stream (LM_ERR_FORMAT, LM_ERR_NOMEM...).
 * Owned by the stream; `file` is "" (the host names its input itself). */
LM_API const lm_error *lm_stream_error(const lm_stream *s);

#ifdef __cplusplus
}
#endif
#endif /* LOGMASK_H */
