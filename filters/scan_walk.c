/* SPDX-License-Identifier: Apache-2.0 */
/* Which files `logmask scan` reads; see scan_walk.h.
 *
 * Symbolic links to directories are never followed (they make loops and
 * leave the tree); links to files are scanned under the link's name;
 * dangling links hold nothing and are skipped.  A directory met twice
 * through bind mounts is skipped too. */
#include <config.h>

#include "scan_walk.h"

#include "scan_git.h"
#include "scan_ignore.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan_preview.h"

/* Directories no one wants scanned: version control, virtual
 * environments, caches, dependencies and build output. */
static const char *const default_excluded_dirs[] = {
  ".git", "venv", ".venv", "__pycache__", ".tox", "node_modules", "dist", "build"};
#define DEFAULT_DIR_COUNT (sizeof default_excluded_dirs / sizeof *default_excluded_dirs)
/* Files: minified bundles (one line of generated code). */
static const char *const default_excluded_files[] = {"*.min.js"};
#define DEFAULT_FILE_COUNT (sizeof default_excluded_files / sizeof *default_excluded_files)

/* Deeper trees are reported rather than risking the stack. */
#define MAX_DEPTH 512

#define IGNORE_FILE ".logmaskignore"

/* Globs of one .logmaskignore; `anchored` ones (written with a leading
 * '/') match the relative path only, the others any component too. */
struct ignore_list {
  char **globs;
  int *anchored;
  size_t count;
};

/* A directory on the way down, for the bind-mount loop check. */
struct ancestor {
  dev_t dev;
  ino_t ino;
  const struct ancestor *up;
};

struct walk_root {
  struct scan_walk *w;
  const struct ignore_list *ignores;
  const char *top;      /* the PATH given, for git listings */
  const char *shown;    /* its report name ("" for ".") */
  int oom;
};

static void ignore_free(struct ignore_list *list)
{
  for (size_t i = 0; i < list->count; i++)
    free(list->globs[i]);
  free(list->globs);
  free(list->anchored);
  memset(list, 0, sizeof *list);
}

static int ignore_add(struct ignore_list *list, const char *glob, int anchored)
{
  char **globs = realloc(list->globs, (list->count + 1) * sizeof *globs);
  if (!globs)
    return -1;
  list->globs = globs;
  int *flags = realloc(list->anchored, (list->count + 1) * sizeof *flags);
  if (!flags)
    return -1;
  list->anchored = flags;
  if (!(list->globs[list->count] = strdup(glob)))
    return -1;
  list->anchored[list->count++] = anchored;
  return 0;
}

/* One line of a .logmaskignore: a glob, unless blank or a '#' comment;
 * a trailing '/' ignored. */
static int ignore_line(void *ctx, char *line)
{
  size_t n = strlen(line);
  while (n > 0 && strchr("\r \t/", line[n - 1]))
    line[--n] = '\0';
  char *glob = line + strspn(line, " \t");
  if (*glob == '\0' || *glob == '#')
    return 0;
  int anchored = *glob == '/';
  glob += strspn(glob, "/");
  return *glob != '\0' ? ignore_add(ctx, glob, anchored) : 0;
}

/* Reads DIR/.logmaskignore when there is one.  Returns 0 (also when
 * absent), 1 after reporting a read error, -1 when out of memory. */
static int ignore_load(struct ignore_list *list, const char *dir)
{
  char *path = NULL;
  if (asprintf(&path, "%s/%s", dir, IGNORE_FILE) < 0)
    return -1;
  int status = ignore_file_read(path, ignore_line, list);
  free(path);
  return status;
}

static int glob_hits(const char *glob, const char *name, const char *rel, int anchored)
{
  return (!anchored && fnmatch(glob, name, 0) == 0) || fnmatch(glob, rel, 0) == 0;
}

int walk_default_excluded_dir(const char *name)
{
  for (size_t i = 0; i < DEFAULT_DIR_COUNT; i++)
    if (strcmp(name, default_excluded_dirs[i]) == 0)
      return 1;
  return 0;
}

/* Whether the entry `name` at relative path `rel` is excluded. */
static int excluded(const struct walk_root *root, const char *name, const char *rel, int is_dir)
{
  const struct scan_walk *w = root->w;
  if (w->default_excludes) {
    if (is_dir && walk_default_excluded_dir(name))
      return 1;
    for (size_t i = 0; !is_dir && i < DEFAULT_FILE_COUNT; i++)
      if (fnmatch(default_excluded_files[i], name, 0) == 0)
        return 1;
  }
  for (size_t i = 0; i < w->exclude_count; i++)
    if (glob_hits(w->excludes[i], name, rel, 0))
      return 1;
  for (size_t i = 0; root->ignores && i < root->ignores->count; i++)
    if (glob_hits(root->ignores->globs[i], name, rel, root->ignores->anchored[i]))
      return 1;
  return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
  return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_dots(const struct dirent *d)
{
  return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

static void walk_dir(struct walk_root *root, const char *open_dir, const char *report_dir,
                     const char *rel_dir, const struct ancestor *up, int depth,
                     const struct gitignore *ignore_up);

/* "/" between a directory and a name, unless there is no directory or it
 * is the root "/". */
static const char *separator(const char *dir)
{
  return *dir && dir[strlen(dir) - 1] != '/' ? "/" : "";
}

static void walk_entry(struct walk_root *root, const char *name, const char *open_dir,
                       const char *report_dir, const char *rel_dir,
                       const struct ancestor *up, int depth, const struct gitignore *gi)
{
  struct scan_walk *w = root->w;
  char *open_path = NULL, *report_path = NULL, *rel = NULL;
  if (asprintf(&open_path, "%s%s%s", open_dir, separator(open_dir), name) < 0) {
    open_path = NULL;
    goto oom;
  }
  if (asprintf(&report_path, "%s%s%s", report_dir, separator(report_dir), name) < 0) {
    report_path = NULL;
    goto oom;
  }
  if (asprintf(&rel, "%s%s%s", rel_dir, *rel_dir ? "/" : "", name) < 0) {
    rel = NULL;
    goto oom;
  }
  struct stat sb;
  if (lstat(open_path, &sb) != 0) {
    char *shown = path_escape(report_path);
    fprintf(stderr, "logmask scan: %s: %s\n", shown ? shown : name, strerror(errno));
    free(shown);
    w->errors++;
    goto done;
  }
  if (S_ISLNK(sb.st_mode)) {
    /* Only links to regular files are followed. */
    if (stat(open_path, &sb) != 0 || !S_ISREG(sb.st_mode))
      goto done;
  }
  int is_dir = S_ISDIR(sb.st_mode);
  if (excluded(root, name, rel, is_dir)) {
    w->excluded++;
    goto done;
  }
  if (gi && gitignore_ignored(gi, rel, is_dir)) {
    w->ignored++;
    goto done;
  }
  if (is_dir) {
    for (const struct ancestor *a = up; a; a = a->up)
      if (a->dev == sb.st_dev && a->ino == sb.st_ino)
        goto done; /* met already on the way down: a bind-mount loop */
    struct ancestor here = {sb.st_dev, sb.st_ino, up};
    walk_dir(root, open_path, report_path, rel, &here, depth + 1, gi);
  } else if (S_ISREG(sb.st_mode)) {
    w->files++;
    if (w->visit(w->ctx, open_path, report_path) < 0)
      w->errors++;
  }
  /* Sockets, FIFOs and devices inside a tree hold no file content. */
  goto done;
oom:
  root->oom = 1;
done:
  free(open_path);
  free(report_path);
  free(rel);
}

static void walk_dir(struct walk_root *root, const char *open_dir, const char *report_dir,
                     const char *rel_dir, const struct ancestor *up, int depth,
                     const struct gitignore *ignore_up)
{
  struct scan_walk *w = root->w;
  const char *shown = *report_dir ? report_dir : ".";
  if (depth > MAX_DEPTH) {
    fprintf(stderr, "logmask scan: %s: more than %d directory levels; not walked\n",
            shown, MAX_DEPTH);
    w->errors++;
    return;
  }
  struct gitignore here = {0};
  const struct gitignore *gi = NULL;
  if (w->gitignore) {
    int rc = gitignore_load(&here, open_dir, rel_dir, ignore_up);
    if (rc < 0) {
      gitignore_free(&here);
      root->oom = 1;
      return;
    }
    if (rc > 0)
      w->errors++;
    gi = &here;
  }
  struct dirent **entries = NULL;
  int n = scandir(open_dir, &entries, not_dots, by_name);
  if (n < 0) {
    if (errno == ENOMEM)
      root->oom = 1;
    else
      fprintf(stderr, "logmask scan: %s: %s\n", shown, strerror(errno));
    w->errors++;
    gitignore_free(&here);
    return;
  }
  for (int i = 0; i < n; i++) {
    if (!root->oom)
      walk_entry(root, entries[i]->d_name, open_dir, report_dir, rel_dir, up, depth, gi);
    free(entries[i]);
  }
  free(entries);
  gitignore_free(&here);
}

size_t walk_root_name(const char *path, const char **name)
{
  while (path[0] == '.' && path[1] == '/' && path[2] != '\0')
    path += 2 + strspn(path + 2, "/");
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/')
    len--;
  if (len == 1 && path[0] == '.')
    len = 0;
  *name = path;
  return len;
}

static char *report_root(const char *path)
{
  const char *name;
  size_t len = walk_root_name(path, &name);
  return strndup(name, len);
}

/* A listed or named file is skipped when its path or one of its
 * components matches an exclude (directories: every component but the
 * last), so pre-commit's file lists and git's listings honour them like a
 * walk does. */
static int path_excluded(struct walk_root *root, const char *rel)
{
  char *copy = strdup(rel);
  if (!copy) {
    root->oom = 1;
    return 0;
  }
  int hit = 0;
  char *save = NULL;
  char *part = strtok_r(copy, "/", &save);
  while (part && !hit) {
    char *next = strtok_r(NULL, "/", &save);
    hit = excluded(root, part, rel, next != NULL);
    part = next;
  }
  free(copy);
  return hit;
}

/* A git_file_fn: one file git lists under root->top. */
static int visit_listed(void *ctx, const char *rel)
{
  struct walk_root *root = ctx;
  struct scan_walk *w = root->w;
  if (path_excluded(root, rel)) {
    w->excluded++;
    return root->oom ? -1 : 0;
  }
  char *open_path = NULL, *report_path = NULL;
  if (asprintf(&open_path, "%s%s%s", root->top, separator(root->top), rel) < 0 ||
      asprintf(&report_path, "%s%s%s", root->shown, separator(root->shown), rel) < 0) {
    free(open_path);
    root->oom = 1;
    return -1;
  }
  struct stat sb;
  /* A file deleted in the work tree but still in the index has nothing
   * to read; a submodule is a directory git lists as one entry; links
   * to anything but a regular file hold no content of this tree. */
  if (stat(open_path, &sb) == 0 && S_ISREG(sb.st_mode)) {
    w->files++;
    if (w->visit(w->ctx, open_path, report_path) < 0)
      w->errors++;
  }
  free(open_path);
  free(report_path);
  return 0;
}

static void walk_git(struct walk_root *root)
{
  size_t before = root->w->files + root->w->excluded;
  if (git_list_files(root->top, root->w->untracked, visit_listed, root) < 0 && !root->oom)
    root->w->errors++;
  if (root->w->files + root->w->excluded == before && !root->oom) {
    fprintf(stderr,
            "logmask scan: %s: git tracks no file here (--all-files adds untracked "
            "ones, --no-gitignore reads every file)\n",
            *root->shown ? root->shown : ".");
    root->w->untracked_dirs++;
  }
}

int walk_path(struct scan_walk *w, const char *path)
{
  struct ignore_list ignores = {0};
  char *shown = report_root(path);
  if (!shown)
    return -1;
  struct walk_root root = {w, &ignores, path, shown, 0};
  const char *name = *shown ? shown : ".";
  struct stat sb;
  if (stat(path, &sb) != 0) {
    char *esc = path_escape(name);
    fprintf(stderr, "logmask scan: %s: %s\n", esc ? esc : "?", strerror(errno));
    free(esc);
    w->errors++;
  } else if (S_ISDIR(sb.st_mode)) {
    /* A directory named on the command line is walked even when it matches
     * an exclude: it was asked for.  Its contents are not. */
    int rc = ignore_load(&ignores, path);
    if (rc < 0)
      root.oom = 1;
    else {
      if (rc > 0)
        w->errors++;
      int in_git = w->use_git && w->gitignore ? git_work_tree(path) : 0;
      if (in_git < 0) {
        root.oom = 1;
      } else if (in_git) {
        walk_git(&root);
      } else {
        struct ancestor top = {sb.st_dev, sb.st_ino, NULL};
        walk_dir(&root, path, shown, "", &top, 0, NULL);
      }
    }
  } else if (S_ISREG(sb.st_mode)) {
    /* The current directory's .logmaskignore applies to named files. */
    int rc = ignore_load(&ignores, ".");
    if (rc < 0)
      root.oom = 1;
    else {
      if (rc > 0)
        w->errors++;
      if (path_excluded(&root, name))
        w->excluded++;
      else if (!root.oom) {
        w->files++;
        if (w->visit(w->ctx, path, name) < 0)
          w->errors++;
      }
    }
  } else {
    char *esc = path_escape(name);
    fprintf(stderr, "logmask scan: %s: not a regular file or directory\n", esc ? esc : "?");
    free(esc);
    w->errors++;
  }
  ignore_free(&ignores);
  free(shown);
  if (root.oom) {
    fputs("logmask scan: out of memory\n", stderr);
    return -1;
  }
  return 0;
}

struct walk_filter {
  struct ignore_list ignores;
  struct walk_root root;
};

struct walk_filter *walk_filter_new(struct scan_walk *w)
{
  struct walk_filter *f = calloc(1, sizeof *f);
  if (!f)
    return NULL;
  int rc = ignore_load(&f->ignores, ".");
  if (rc < 0) {
    walk_filter_free(f);
    return NULL;
  }
  if (rc > 0)
    w->errors++;
  f->root.w = w;
  f->root.ignores = &f->ignores;
  f->root.top = ".";
  f->root.shown = "";
  return f;
}

int walk_filter_excluded(struct walk_filter *f, const char *rel)
{
  if (!path_excluded(&f->root, rel))
    return 0;
  f->root.w->excluded++;
  return 1;
}

void walk_filter_free(struct walk_filter *f)
{
  if (f) {
    ignore_free(&f->ignores);
    free(f);
  }
}
