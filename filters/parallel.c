/* SPDX-License-Identifier: Apache-2.0 */
/* -j N: one input cut into chunks of whole lines, masked by N worker
 * threads (one masker each, one shared rule set) and written in input
 * order by the main thread.  See parallel.h. */
#include <config.h>

#include "parallel.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "signals.h"

/* Bytes per job: big enough that thread hand-offs cost nothing, small
 * enough that N jobs in flight stay a few MiB. */
#define CHUNK (512u * 1024u)
/* A chunk with no line end by then cannot be cut: the rest of the input
 * goes through the serial path, which windows long lines.  Kept small, as
 * every slot may hold that much (in, out and prime) for a hostile input. */
#define MAX_CUT (2u * 1024u * 1024u)
/* The lines before a job that a multi-line rule may need (up to
 * lm_ruleset_context_lines()) are copied into every job; longer than this,
 * the rest of the input goes through the serial path instead. */
#define MAX_PRIME (2u * 1024u * 1024u)
/* A complete line waits at most this long for the rest of its job: a
 * trickling live stream (tail -f) is handed to the workers in small jobs
 * and keeps its latency, a fast one still fills CHUNK first. */
#define HANDOFF_MS 20

enum { SLOT_FREE, SLOT_READY, SLOT_BUSY, SLOT_DONE };

struct bytes {
  char *data;
  size_t len, cap;
};

struct job {
  struct bytes in, prime, out;
  int end_last_line; /* the input's last job, and another input follows */
  int state;
  lm_status status;
};

struct worker {
  pthread_t thread;
  lm_masker *masker;
  struct parallel *pool;
  int started;
};

struct parallel {
  const lm_ruleset *set;
  size_t context_lines;
  size_t max_line, overlap;
  size_t job_size; /* bytes per job: CHUNK, smaller only in tests */
  unsigned nworkers;
  struct worker *workers;
  struct job *slots;
  size_t nslots;
  size_t submitted; /* jobs handed to the workers, ever */
  size_t taken;     /* jobs a worker has started */
  size_t written;   /* jobs written out */
  int quit;
  int done_fd; /* eventfd the workers bump after each job: wakes the writer */
  pthread_mutex_t mu;
  pthread_cond_t work, done;
};

/* Grows by allocate, copy, wipe, free: realloc could leave a copy of the
 * log bytes in freed memory. */
static int bytes_reserve(struct bytes *b, size_t extra)
{
  if (extra > SIZE_MAX / 2 - b->len)
    return -1;
  if (b->len + extra <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 64 * 1024;
  while (cap < b->len + extra)
    cap *= 2;
  char *p = malloc(cap);
  if (!p)
    return -1;
  if (b->data) {
    memcpy(p, b->data, b->len);
    explicit_bzero(b->data, b->cap);
    free(b->data);
  }
  b->data = p;
  b->cap = cap;
  return 0;
}

static int bytes_set(struct bytes *b, const char *p, size_t n)
{
  b->len = 0;
  if (bytes_reserve(b, n) != 0)
    return -1;
  if (n)
    memcpy(b->data, p, n);
  b->len = n;
  return 0;
}

static void bytes_free(struct bytes *b)
{
  if (b->data)
    explicit_bzero(b->data, b->cap); /* unmasked input was here */
  free(b->data);
  memset(b, 0, sizeof *b);
}

static int job_write(void *ctx, const char *buf, size_t len)
{
  struct bytes *out = ctx;
  if (bytes_reserve(out, len) != 0)
    return -1;
  memcpy(out->data + out->len, buf, len);
  out->len += len;
  return 0;
}

/* Masks one job as if the input before it had just gone by: the masker is
 * reset and primed with the preceding lines a multi-line rule may need. */
static lm_status mask_job(struct parallel *p, lm_masker *m, struct job *job)
{
  job->out.len = 0;
  lm_masker_reset(m);
  lm_status st = lm_masker_prime(m, job->prime.data, job->prime.len);
  if (st != LM_OK)
    return st;
  lm_stream *s = lm_stream_new(m, job_write, &job->out);
  if (!s)
    return LM_ERR_NOMEM;
  if (p->max_line)
    st = lm_stream_set_limits(s, p->max_line, p->overlap);
  lm_stream_set_end_last_line(s, job->end_last_line);
  if (st == LM_OK)
    st = lm_stream_feed(s, job->in.data, job->in.len);
  lm_status fst = lm_stream_finish(s);
  lm_stream_free(s);
  return st != LM_OK ? st : fst;
}

static void *worker_main(void *arg)
{
  struct worker *w = arg;
  struct parallel *p = w->pool;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->quit && p->taken == p->submitted)
      pthread_cond_wait(&p->work, &p->mu);
    if (p->taken == p->submitted)
      break; /* quit with nothing left */
    struct job *job = &p->slots[p->taken++ % p->nslots];
    job->state = SLOT_BUSY;
    pthread_mutex_unlock(&p->mu);
    lm_status st = mask_job(p, w->masker, job);
    pthread_mutex_lock(&p->mu);
    job->status = st;
    job->state = SLOT_DONE;
    pthread_cond_broadcast(&p->done);
    uint64_t one = 1;
    if (write(p->done_fd, &one, sizeof one) < 0) {
      /* the counter cannot overflow here; the writer also waits on p->done */
    }
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

struct parallel *parallel_new(const lm_ruleset *set, const char *format, unsigned jobs,
                              size_t max_line, size_t overlap)
{
  struct parallel *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->set = set;
  p->context_lines = lm_ruleset_context_lines(set);
  p->max_line = max_line;
  p->overlap = overlap;
  /* Tests set LOGMASK_TEST_JOB_SIZE (1: one line a job) to put a job cut
   * at every line, where -j N must still equal -j 1. */
  p->job_size = CHUNK;
  const char *test_size = getenv("LOGMASK_TEST_JOB_SIZE");
  if (test_size && *test_size) {
    char *end;
    unsigned long v = strtoul(test_size, &end, 10);
    if (*end == '\0' && v >= 1 && v < CHUNK)
      p->job_size = v;
  }
  /* Output goes in input order, so one slow job holds up the ones after
   * it; four queued jobs per worker keep the others busy meanwhile (two
   * left workers idle 15 % of the time). */
  p->nslots = 4 * (size_t)jobs + 2;
  p->slots = calloc(p->nslots, sizeof *p->slots);
  p->workers = calloc(jobs, sizeof *p->workers);
  p->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->work, NULL);
  pthread_cond_init(&p->done, NULL);
  if (!p->slots || !p->workers || p->done_fd < 0) {
    parallel_free(p, NULL);
    return NULL;
  }
  /* Workers block every signal (they inherit the mask): a stop request
   * must reach the main thread, which alone waits for it. */
  sigset_t all, before;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &before);
  for (unsigned i = 0; i < jobs; i++) {
    struct worker *w = &p->workers[i];
    w->pool = p;
    w->masker = lm_masker_new(set);
    if (!w->masker || lm_masker_set_format(w->masker, format) != LM_OK ||
        pthread_create(&w->thread, NULL, worker_main, w) != 0) {
      lm_masker_free(w->masker);
      w->masker = NULL;
      pthread_sigmask(SIG_SETMASK, &before, NULL);
      parallel_free(p, NULL);
      return NULL;
    }
    w->started = 1;
    p->nworkers++;
  }
  pthread_sigmask(SIG_SETMASK, &before, NULL);
  return p;
}

void parallel_free(struct parallel *p, lm_masker *stats_into)
{
  if (!p)
    return;
  pthread_mutex_lock(&p->mu);
  p->quit = 1;
  pthread_cond_broadcast(&p->work);
  pthread_mutex_unlock(&p->mu);
  for (unsigned i = 0; i < p->nworkers; i++) {
    struct worker *w = &p->workers[i];
    if (w->started)
      pthread_join(w->thread, NULL);
    if (stats_into && w->masker)
      lm_masker_merge_stats(stats_into, w->masker);
    lm_masker_free(w->masker);
  }
  for (size_t i = 0; p->slots && i < p->nslots; i++) {
    bytes_free(&p->slots[i].in);
    bytes_free(&p->slots[i].prime);
    bytes_free(&p->slots[i].out);
  }
  if (p->done_fd >= 0)
    close(p->done_fd);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->work);
  pthread_cond_destroy(&p->done);
  free(p->slots);
  free(p->workers);
  free(p);
}

/* Writes finished jobs in order.  With `wait`, blocks until the oldest
 * job is done.  Returns -1 after a failed write (out->error is set) or a
 * job the library refused (reported; *failed set). */
static int write_done(struct parallel *p, const struct input_config *cfg, const char *name,
                      int wait, int *failed)
{
  pthread_mutex_lock(&p->mu);
  for (;;) {
    if (p->written == p->submitted)
      break;
    struct job *job = &p->slots[p->written % p->nslots];
    if (job->state != SLOT_DONE) {
      if (!wait)
        break;
      pthread_cond_wait(&p->done, &p->mu);
      continue;
    }
    pthread_mutex_unlock(&p->mu);
    /* What the stream wrote is masked, even when it then failed: a
     * refused job loses no line that was masked, and no unmasked byte is
     * written. */
    int rc = output_write(cfg->out, job->out.data, job->out.len);
    if (job->status != LM_OK) {
      fprintf(stderr, "logmask: %s: %s\n", name, lm_strerror(job->status));
      *failed = 1;
    }
    pthread_mutex_lock(&p->mu);
    job->state = SLOT_FREE;
    p->written++;
    if (rc != 0)
      break;
  }
  pthread_mutex_unlock(&p->mu);
  return cfg->out->error ? -1 : 0;
}

static int drain(struct parallel *p, const struct input_config *cfg, const char *name,
                 int *failed)
{
  int rc = 0;
  while (rc == 0) {
    pthread_mutex_lock(&p->mu);
    int left = p->written != p->submitted;
    pthread_mutex_unlock(&p->mu);
    if (!left)
      break;
    rc = write_done(p, cfg, name, 1, failed);
  }
  if (rc != 0) {
    /* output is gone: let the workers finish, throw their results away */
    pthread_mutex_lock(&p->mu);
    while (p->written != p->submitted) {
      struct job *job = &p->slots[p->written % p->nslots];
      if (job->state != SLOT_DONE) {
        pthread_cond_wait(&p->done, &p->mu);
        continue;
      }
      job->state = SLOT_FREE;
      p->written++;
    }
    pthread_mutex_unlock(&p->mu);
  }
  return rc;
}

/* A free slot for the next job, writing finished ones while waiting. */
static struct job *next_slot(struct parallel *p, const struct input_config *cfg,
                             const char *name, int *failed)
{
  for (;;) {
    pthread_mutex_lock(&p->mu);
    struct job *job = &p->slots[p->submitted % p->nslots];
    int free_now = job->state == SLOT_FREE;
    pthread_mutex_unlock(&p->mu);
    if (free_now)
      return job;
    if (write_done(p, cfg, name, 1, failed) != 0)
      return NULL;
  }
}

static void submit(struct parallel *p, struct job *job)
{
  pthread_mutex_lock(&p->mu);
  job->state = SLOT_READY;
  p->submitted++;
  pthread_cond_signal(&p->work);
  pthread_mutex_unlock(&p->mu);
}

/* Start of the last `lines` lines of [data, data+len), which ends with a
 * line end.  When it holds fewer, 0 and *held the number it holds. */
static size_t tail_start(const char *data, size_t len, size_t lines, size_t *held)
{
  size_t seen = 0;
  size_t n = len ? len - 1 : 0; /* the last line end ends the last line */
  const char *nl;
  while (n > 0 && (nl = memrchr(data, '\n', n)) != NULL) {
    if (++seen == lines)
      return (size_t)(nl - data) + 1;
    n = (size_t)(nl - data);
  }
  *held = len ? seen + 1 : 0;
  return 0;
}

/* The last `lines` lines before the next job: those of [data, data+len)
 * (whole lines), topped up from the previous prime when they are fewer (a
 * job handed over early, or one of long lines).  With `dry_run`, only
 * returns the length the prime would have; else the new length, or
 * SIZE_MAX when out of memory. */
static size_t prime_next(struct bytes *prime, const char *data, size_t len, size_t lines,
                         int dry_run)
{
  size_t have = 0;
  size_t t = tail_start(data, len, lines, &have);
  if (t > 0 || have >= lines) {
    if (dry_run)
      return len - t;
    return bytes_set(prime, data + t, len - t) == 0 ? prime->len : SIZE_MAX;
  }
  size_t unused;
  size_t keep = prime->len ? tail_start(prime->data, prime->len, lines - have, &unused) : 0;
  if (dry_run)
    return prime->len - keep + len;
  if (prime->len) {
    memmove(prime->data, prime->data + keep, prime->len - keep);
    prime->len -= keep;
  }
  if (bytes_reserve(prime, len) != 0)
    return SIZE_MAX;
  memcpy(prime->data + prime->len, data, len);
  prime->len += len;
  return prime->len;
}

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes the jobs the workers have finished since the last wake-up. */
static int write_woken(struct parallel *p, const struct input_config *cfg, const char *name,
                       int *failed)
{
  uint64_t count;
  if (read(p->done_fd, &count, sizeof count) < 0 && errno != EAGAIN && errno != EINTR)
    return -1;
  return write_done(p, cfg, name, 0, failed);
}

/* Reads more of fd into job->in; waits at most until `deadline` (ms, or -1
 * for none), writing finished jobs meanwhile.  Returns 1 after a read (n
 * set, 0 at end of input), 0 when the deadline passed, -1 when a stop was
 * requested, -2 on a read error (reported), -3 when the output failed. */
static int read_some(struct parallel *p, const struct input_config *cfg, const char *name,
                     int fd, struct job *job, long long deadline, int *failed, size_t *n)
{
  for (;;) {
    int timeout = -1;
    if (deadline >= 0) {
      long long left = deadline - now_ms();
      if (left <= 0)
        return 0;
      timeout = (int)left;
    }
    struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = p->done_fd, .events = POLLIN}};
    int ready = signals_poll(fds, 2, timeout);
    if (ready == SIGNALS_HANGUP)
      return -4;
    if (ready < 0)
      return -1;
    if (fds[1].revents & POLLIN && write_woken(p, cfg, name, failed) != 0)
      return -3;
    if (ready == 0 || !fds[0].revents)
      continue;
    size_t want = job->in.cap - job->in.len;
    if (p->job_size < CHUNK && want > p->job_size)
      want = p->job_size;
    ssize_t got = read(fd, job->in.data + job->in.len, want);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      fprintf(stderr, "logmask: %s: read error: %s\n", name, strerror(errno));
      return -2;
    }
    *n = (size_t)got;
    return 1;
  }
}

enum input_result parallel_pump(struct parallel *p, const struct input_config *cfg,
                                const char *name, int fd, struct parallel_rest *rest)
{
  struct bytes carry = {0}, prime = {0};
  enum input_result result = INPUT_DONE;
  int failed = 0, eof = 0, first = 1, hangup = 0;
  rest->fallback = 0;
  rest->failed = 0;
  while (!eof) {
    struct job *job = next_slot(p, cfg, name, &failed);
    if (!job) {
      result = INPUT_BAD_OUTPUT;
      break;
    }
    if (bytes_set(&job->in, carry.data, carry.len) != 0 ||
        bytes_set(&job->prime, prime.data, prime.len) != 0)
      goto oom;
    carry.len = 0;
    job->end_last_line = 0;
    /* Fill the job with at least job_size bytes, up to a line end; or hand
     * it over with the lines it has once its first complete line has
     * waited HANDOFF_MS.  The carried partial line holds no line end. */
    const char *cut = NULL;
    long long deadline = -1;
    while (!eof) {
      if (job->in.len >= p->job_size &&
          (cut = memrchr(job->in.data, '\n', job->in.len)) != NULL)
        break;
      if (job->in.len >= MAX_CUT)
        break;
      if (bytes_reserve(&job->in, CHUNK) != 0)
        goto oom;
      size_t n = 0;
      int got = read_some(p, cfg, name, fd, job, deadline, &failed, &n);
      if (got == 0 || got == -4) {
        /* the time is up, or SIGHUP: the lines read so far go now */
        hangup = got == -4;
        cut = memrchr(job->in.data, '\n', job->in.len);
        break;
      }
      if (got == -3) {
        result = INPUT_BAD_OUTPUT;
        eof = 1;
        break;
      }
      if (got < 0) {
        result = got == -1 ? INPUT_STOPPED : INPUT_BAD_INPUT;
        eof = 1;
        break;
      }
      if (n == 0) {
        eof = 1;
        break;
      }
      if (deadline < 0 && memchr(job->in.data + job->in.len, '\n', n))
        deadline = now_ms() + HANDOFF_MS;
      job->in.len += n;
      /* gzip input is decompressed by the serial stream; the magic needs
       * two bytes, which a pipe may hand over one at a time (no job is
       * handed over before: a line end would end the check) */
      if (first) {
        const unsigned char *b = (const unsigned char *)job->in.data;
        if (b[0] != 0x1f)
          first = 0;
        else if (job->in.len >= 2) {
          if (b[1] == 0x8b)
            goto serial;
          first = 0;
        }
      }
    }
    if (result == INPUT_BAD_OUTPUT)
      break;
    if (!eof && !cut && !hangup)
      goto serial; /* a line too long to cut around */
    if (!eof) {
      size_t keep = cut ? (size_t)(cut - job->in.data) + 1 : 0;
      /* the lines a multi-line rule may need would not fit in memory
       * bounds: the serial path keeps that state without them */
      if (p->context_lines &&
          prime_next(&prime, job->in.data, keep, p->context_lines, 1) > MAX_PRIME)
        goto serial;
      if (bytes_set(&carry, job->in.data + keep, job->in.len - keep) != 0)
        goto oom;
      job->in.len = keep;
      if (p->context_lines &&
          prime_next(&prime, job->in.data, job->in.len, p->context_lines, 0) == SIZE_MAX)
        goto oom;
    }
    job->end_last_line = eof && cfg->end_last_line;
    if (job->in.len)
      submit(p, job);
    if (hangup) {
      /* SIGHUP: every complete line read so far to the old file, then
       * reopen it */
      hangup = 0;
      if (drain(p, cfg, name, &failed) != 0) {
        result = INPUT_BAD_OUTPUT;
        break;
      }
      output_reopen(cfg->out);
    }
  }
  if (drain(p, cfg, name, &failed) != 0)
    result = INPUT_BAD_OUTPUT;
  else if (failed && result == INPUT_DONE)
    result = INPUT_BAD_INPUT;
  bytes_free(&carry);
  bytes_free(&prime);
  return result;

serial: {
    /* Hand the unmasked bytes to the serial path, with the masker primed
     * as if it had masked everything before them. */
    struct job *job = &p->slots[p->submitted % p->nslots];
    if (drain(p, cfg, name, &failed) != 0) {
      result = INPUT_BAD_OUTPUT;
    } else {
      lm_masker_reset(cfg->masker);
      lm_masker_prime(cfg->masker, prime.data, prime.len);
      rest->fallback = 1;
      /* what a slot held before stays wiped; the caller wipes rest->len */
      explicit_bzero(job->in.data + job->in.len, job->in.cap - job->in.len);
      rest->data = job->in.data;
      rest->len = job->in.len;
      job->in.data = NULL;
      job->in.len = job->in.cap = 0;
      /* the rest of the input is masked all the same: a failed job
       * (reported) is said in the exit status, never by lost lines */
      rest->failed = failed;
      result = INPUT_DONE;
    }
    bytes_free(&carry);
    bytes_free(&prime);
    return result;
  }
oom:
  fprintf(stderr, "logmask: %s: out of memory\n", name);
  drain(p, cfg, name, &failed);
  bytes_free(&carry);
  bytes_free(&prime);
  return INPUT_BAD_INPUT;
}
