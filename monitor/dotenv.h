/* dotenv.h - parser for environment files (.env).
 *
 * Accepted forms, one assignment per line (NAME: [A-Za-z_][A-Za-z0-9_.-]*):
 *   NAME=value             unquoted: trimmed, ends at " #" (a comment)
 *   export NAME=value      `export ` prefix ignored
 *   NAME = value           blanks around '=' ignored
 *   NAME='value'           literal, no escapes, may span lines
 *   NAME="value"           escapes \n \r \t \" \\ \$ \` (others kept as
 *                          written), may span lines
 *   NAME=`value`           literal, like single quotes
 *   # comment, blank lines, CRLF line ends, a UTF-8 BOM
 * After a closing quote only blanks and a comment may follow.  No variable
 * expansion is done: ${X} stays as written. */
#ifndef MONITOR_DOTENV_H
#define MONITOR_DOTENV_H

#include <stddef.h>

/* Called once per assignment.  `value` is wiped by the parser after the
 * call returns: copy it if needed.  `line` is the line of NAME.  A non-zero
 * return stops the parse (dotenv_parse then returns that value). */
typedef int (*dotenv_fn)(void *ctx, const char *name, const char *value, size_t len,
                         unsigned long line);

/* Parses `text`; on a syntax error returns -1 with *err = "FILE:LINE: why"
 * (malloc'd; the message never quotes a value). */
int dotenv_parse(const char *file, const char *text, size_t len, dotenv_fn fn,
                 void *ctx, char **err);

#endif
