/* SPDX-License-Identifier: Apache-2.0 */
/* What a SARIF consumer shows for each rule of `logmask scan`: what the
 * secret is, how to rotate it, a help URI, tags and a security severity.
 *
 * The library's rules carry an id and a one-line description only; this
 * table adds the rest by rule-id family (a new rule of a known family is
 * covered; tests/cli/scan-sarif.sh fails when a built-in rule falls back to
 * the generic entry).  Rules from --rules files get the generic entry. */
#ifndef LOGMASK_SCAN_RULEMETA_H
#define LOGMASK_SCAN_RULEMETA_H

struct rule_meta {
  const char *provider;   /* "GitHub", "a database"... */
  const char *what;       /* one paragraph: what the secret gives whoever holds it */
  const char *rotate;     /* one paragraph: how to rotate it */
  const char *help_uri;   /* where the provider documents it */
  const char *severity;   /* security-severity, "0.0".."10.0" */
  const char *tags[5];    /* NULL-terminated; "security" and "secret" come first */
  int generic;            /* the fallback entry */
};

/* The metadata for rule `id` ("literal:NAME" and "match-limit" included);
 * never NULL. */
const struct rule_meta *rule_meta_find(const char *id);

#endif
