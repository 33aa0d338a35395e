#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/run.sh - throughput of logmask against the usual ways of masking a log
# (sed, perl, ripgrep, Python re) on one generated corpus, in one run.
#
# Usage: bench/run.sh [--size 256M] [--rules N] [--format mixed|all] [--runs 5]
#                     [--seed 1] [--py-size 16M] [--jobs N] [--keep]
# (logmask is timed on one thread, -j 1, and with its default -j, one
# thread per CPU up to 8 or LOGMASK_JOBS; --jobs N times -j N instead)
#
# Every measurement is the wall time of a whole pipeline
#     cat CORPUS | TOOL > OUTFILE
# (input read from a file through a pipe, output written to a regular file in
# the temp dir, never /dev/null, which some tools detect and short-cut),
# repeated and reduced to the median.  Tools are interleaved round by round
# so a slow patch of the shared machine hits all of them alike.  MB/s means
# 10^6 input bytes per second.  Absolute figures drift by +-25% on a shared
# 2-core machine; compare the ratios of one run.
#
# Environment: LOGMASK (the filter; default ./filters/logmask, i.e. run from
# a build dir), LOGMASK_BENCH_DIR (corpus cache, default
# ${TMPDIR:-/tmp}/logmask-bench), TMPDIR.  Needs bash, perl, sed, python3 (to
# generate the corpus); ripgrep and GNU time are used when present.
set -eu
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
size=256M
nrules=0
format=mixed
runs=5
seed=1
py_size=16M
jobs=
keep=no

usage() {
  sed -n '5,8p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}
die() { echo "run.sh: $*" >&2; exit 2; }

all_args=("$@")
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=${2:?}; shift ;;
    --rules) nrules=${2:?}; shift ;;
    --format) format=${2:?}; shift ;;
    --runs) runs=${2:?}; shift ;;
    --seed) seed=${2:?}; shift ;;
    --py-size) py_size=${2:?}; shift ;;
    --jobs) jobs=${2:?}; shift ;;
    --keep) keep=yes ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done
case $format in text|json|logfmt|mixed|all) ;; *) die "--format: text, json, logfmt, mixed or all" ;; esac
# --format all: one table per corpus kind, each a run of its own
if [ "$format" = all ]; then
  status=0
  for f in text json logfmt mixed; do
    "$0" "${all_args[@]}" --format "$f" || status=$?
    echo
  done
  exit "$status"
fi
case $runs in [1-9]|[1-9][0-9]) ;; *) die "--runs: a number from 1 to 99" ;; esac
case $nrules in ''|*[!0-9]*) die "--rules: a number" ;; esac

to_bytes() {  # 64M -> 67108864 (binary multiples, as gen_corpus.py reads them)
  case $1 in
    *[Gg]) echo $(( ${1%?} << 30 )) ;;
    *[Mm]) echo $(( ${1%?} << 20 )) ;;
    *[Kk]) echo $(( ${1%?} << 10 )) ;;
    *[!0-9]*|'') die "bad size '$1' (e.g. 64M, 1G)" ;;
    *) echo "$1" ;;
  esac
}
size_bytes=$(to_bytes "$size")
py_bytes=$(to_bytes "$py_size")

command -v python3 >/dev/null 2>&1 || die "python3 is needed to generate the corpus (bench/gen_corpus.py)"
command -v perl >/dev/null 2>&1 || die "perl is needed (it is the reference peer)"
logmask=${LOGMASK:-./filters/logmask}
if [ -x "$logmask" ]; then
  logmask=$(cd "$(dirname "$logmask")" && pwd)/$(basename "$logmask")
else
  echo "NOTE: logmask not found at '$logmask' (set LOGMASK or run from a build dir): measuring the peers only" >&2
  logmask=
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/logmask-bench-run.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- corpus
cache=${LOGMASK_BENCH_DIR:-${TMPDIR:-/tmp}/logmask-bench}
mkdir -p "$cache"
gen_sum=$(sha256sum "$here/gen_corpus.py" | cut -c1-12)
corpus=$cache/corpus-$format-$size_bytes-s$seed-$gen_sum.log
truth=$corpus.truth.tsv
if [ ! -s "$corpus" ] || [ ! -s "$truth" ]; then
  python3 "$here/gen_corpus.py" --size "$size_bytes" --seed "$seed" --format "$format" \
    --out "$T/corpus.log" --truth "$T/truth.tsv"
  mv "$T/truth.tsv" "$truth"
  mv "$T/corpus.log" "$corpus"
fi
corpus_bytes=$(wc -c < "$corpus")
corpus_lines=$(wc -l < "$corpus")
n_truth=$(( $(wc -l < "$truth") - 1 ))

# A prefix of the corpus ending on a line boundary: slice NAME BYTES
slice() {
  head -c "$2" "$corpus" > "$T/$1.part"
  head -n "$(wc -l < "$T/$1.part")" "$T/$1.part" > "$T/$1"
  rm -f "$T/$1.part"
}

# ---------------------------------------------------------------- rules
# The starter rule families as each peer can express them.  One rule a line,
# fields separated by a backquote: id, i (case-insensitive) or -, a prefix
# that is kept, the secret that is masked, a suffix that is kept.  Syntax is
# the common subset of Perl, Rust (ripgrep) and Python regexes: only (?:...)
# groups, POSIX classes only as [[:space:]] (translated for Python, and
# (?: for sed -E).  Keyword alternations are unanchored (token also finds
# access_token) and written with a common first letter
# (p(?:assw(?:or)?d|wd), not password|passwd|pwd): Perl's optimiser needs
# that under (?i) and is ten times slower without it, and these peers should
# be written as well as a careful user would.
cat > "$T/rules" <<'EOF'
password-assignment`i`p(?:assw(?:or)?d|wd)["']?[[:space:]]*(?:=>|[:=])[[:space:]]*["']?`[^[:space:]"',;&]+`
secret-assignment`i`secret["']?[[:space:]]*(?:=>|[:=])[[:space:]]*["']?`[^[:space:]"',;&]+`
token-assignment`i`token["']?[[:space:]]*(?:=>|[:=])[[:space:]]*["']?`[^[:space:]"',;&]+`
api-key-assignment`i`api[_-]?key["']?[[:space:]]*(?:=>|[:=])[[:space:]]*["']?`[^[:space:]"',;&]+`
url-credentials`i`\b[a-z][a-z0-9+.-]*://[^[:space:]:/@"']+:`[^[:space:]@/"']+`@
authorization-header`i`authorization["']?[[:space:]]*[:=][[:space:]]*["']?(?:bearer|basic|token)[[:space:]]+`[A-Za-z0-9._~+/=-]+`
aws-access-key-id`-``\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`
github-token`-``\bgh[pousr]_[A-Za-z0-9]{36,255}\b`
jwt`-``\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`
slack-token`-``\bxox[baprs]-[A-Za-z0-9-]{10,}`
stripe-key`-``\b[rs]k_live_[A-Za-z0-9]{16,}`
google-api-key`-``\bAIza[A-Za-z0-9_-]{35}`
pem-private-key-escaped`-`-----BEGIN [A-Z ]*PRIVATE KEY-----`[A-Za-z0-9+/=\\]+`
EOF
base_rules=$(wc -l < "$T/rules")
# --rules N pads every tool's rule list to N rules with provider-token-style
# rules (a distinct literal prefix each) that match nothing in the corpus.
extra=0
if [ "$nrules" -gt "$base_rules" ]; then
  extra=$(( nrules - base_rules ))
  : > "$T/extra.rules"
  for k in $(seq 1 "$extra"); do
    printf 'bench-pad-%d`-``\\bbx%dq_[A-Za-z0-9]{30,}`\n' "$k" "$k" >> "$T/rules"
    printf 'rule: bench-pad-%d\ndescription: benchmark padding rule %d\nkeywords: bx%dq_\nregex: \\bbx%dq_[A-Za-z0-9]{30,}\n' \
      "$k" "$k" "$k" "$k" >> "$T/extra.rules"
    printf 'match: key [[bx%dq_Zq8mK2vL9xR4tY7wP3nB6cF1hJ5dG0sA]] end\nmatch: [[bx%dq_Wm4Tn7Vb2Xc9Lp5Kj8Hg3Fd6Sa1Qz0Ry]]\nnomatch: bx%dq_short\n\n' \
      "$k" "$k" "$k" >> "$T/extra.rules"
  done
fi
total_rules=$(wc -l < "$T/rules")
pem_begin='-----BEGIN [A-Z ]*PRIVATE KEY-----'
pem_end='-----END [A-Z ]*PRIVATE KEY-----'

# sed -E: one s command per rule (GNU extensions \b and the I flag); the PEM
# block is a range address masking every line between BEGIN and END.
{
  printf '/%s$/,/%s/{/-----(BEGIN|END) [A-Z ]*PRIVATE KEY-----/!s/.*/[REDACTED]/}\n' "$pem_begin" "$pem_end"
  while IFS='`' read -r id ci pre sec suf; do
    pre=${pre//'(?:'/(}; sec=${sec//'(?:'/(}; suf=${suf//'(?:'/(}
    opens=${pre}${sec}
    opens=${opens//[!(]/}
    flags=g; [ "$ci" = i ] && flags=gI
    printf 's#(%s)%s(%s)#\\1[REDACTED]\\%d#%s\n' "$pre" "$sec" "$suf" $(( ${#opens} + 2 )) "$flags"
  done < "$T/rules"
} > "$T/sed.script"

# perl -pe: the same, as one program; the PEM block with the flip-flop.
{
  printf 'if (/%s$/ .. /%s/) { $_ = "[REDACTED]\\n" unless /-----(?:BEGIN|END) [A-Z ]*PRIVATE KEY-----/ }\n' "$pem_begin" "$pem_end"
  while IFS='`' read -r id ci pre sec suf; do
    if [ "$ci" = i ]; then o='(?i:'; else o='(?:'; fi
    # '@' would interpolate an array in a Perl regex
    printf 's{%s(%s)(?:%s)(%s))}{${1}[REDACTED]${2}}g;\n' "$o" "${pre//@/\\@}" "${sec//@/\\@}" "${suf//@/\\@}"
  done < "$T/rules"
} > "$T/perl.prog"
perl_prog=$(cat "$T/perl.prog")

# ripgrep: one alternation; branch k keeps groups 2k-1 (prefix) and 2k
# (suffix); groups of the branches that did not match expand to nothing.
rg_alt= ; rg_pre= ; rg_suf= ; k=0
while IFS='`' read -r id ci pre sec suf; do
  k=$(( k + 1 ))
  if [ "$ci" = i ]; then o='(?i:'; else o='(?:'; fi
  rg_alt="$rg_alt${rg_alt:+|}$o($pre)(?:$sec)($suf))"
  rg_pre=$rg_pre'${'$(( 2 * k - 1 ))'}'
  rg_suf=$rg_suf'${'$(( 2 * k ))'}'
done < "$T/rules"
rg_repl=$rg_pre'[REDACTED]'$rg_suf

# Python: one compiled pattern and one sub() per rule per line, as masking
# logging.Formatter subclasses do, plus the same PEM block state.
while IFS='`' read -r id ci pre sec suf; do
  if [ "$ci" = i ]; then o='(?i:'; else o='(?:'; fi
  printf '%s(%s)(?:%s)(%s))\n' "$o" "$pre" "$sec" "$suf" | sed 's/\[:space:\]/\\s/g'
done < "$T/rules" > "$T/py.rules"
cat > "$T/mask.py" <<EOF
import io, re, sys
rules = [re.compile(p) for p in open(sys.argv[1]).read().splitlines()]
begin = re.compile(r'$pem_begin\$')
end = re.compile(r'$pem_end')
marker = re.compile(r'-----(?:BEGIN|END) [A-Z ]*PRIVATE KEY-----')
inp = io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', errors='surrogateescape', newline='')
out = io.TextIOWrapper(sys.stdout.buffer, encoding='utf-8', errors='surrogateescape', newline='')
in_block = False
for line in inp:
    if in_block or begin.search(line):
        in_block = not end.search(line)
        if not marker.search(line):
            out.write('[REDACTED]\n')
            continue
    for rx in rules:
        line = rx.sub(r'\1[REDACTED]\2', line)
    out.write(line)
out.flush()
EOF

# ---------------------------------------------------------------- peers
names=() ; cmds=() ; inbytes=() ; nruns=()
add() {  # add NAME BYTES RUNS COMMAND
  names+=("$1"); inbytes+=("$2"); nruns+=("$3"); cmds+=("$4")
}
slow_runs=$(( runs < 3 ? runs : 3 ))
export CORPUS=$corpus T PERL_PROG=$perl_prog RG_ALT=$rg_alt RG_REPL=$rg_repl LOGMASK_BIN=$logmask
add "cat | cat (pipe floor)" "$corpus_bytes" "$runs" 'cat "$CORPUS" | cat > "$T/out.cat"'
if sed --version 2>/dev/null | grep -q GNU; then
  add "sed -E" "$corpus_bytes" "$slow_runs" 'cat "$CORPUS" | sed -E -f "$T/sed.script" > "$T/out.sed"'
else
  echo "NOTE: GNU sed not found: sed -E skipped" >&2
fi
add "perl -pe" "$corpus_bytes" "$slow_runs" 'cat "$CORPUS" | perl -pe "$PERL_PROG" > "$T/out.perl"'
if command -v rg >/dev/null 2>&1; then
  add "rg --passthru -r (one alternation, no PEM block)" "$corpus_bytes" "$runs" \
    'cat "$CORPUS" | rg --no-config -a -N --color never --passthru -r "$RG_REPL" -e "$RG_ALT" - > "$T/out.rg"'
else
  echo "NOTE: ripgrep (rg) not installed: skipped" >&2
fi
py_note=
if [ "$py_bytes" -lt "$corpus_bytes" ]; then
  slice py.slice "$py_bytes"
  py_in=$T/py.slice
  py_note=" (first $(awk -v b="$(wc -c < "$py_in")" 'BEGIN { printf "%.1f", b / 1048576 }') MiB)"
else
  py_in=$corpus
fi
export PY_IN=$py_in
add "python3 re, one sub per rule$py_note" "$(wc -c < "$py_in")" "$slow_runs" \
  'cat "$PY_IN" | python3 "$T/mask.py" "$T/py.rules" > "$T/out.py"'
lm_args=
if [ "$extra" -gt 0 ]; then lm_args="-r $T/extra.rules"; fi
# The reference row is one thread; a filter from before -j has only that.
lm_j1=
if [ -n "$logmask" ] && "$logmask" --help 2>&1 | grep -q -- '--jobs'; then lm_j1="-j 1"; fi
lm_args="$lm_j1${lm_args:+ $lm_args}"
lm_name="logmask${lm_j1:+ $lm_j1}"
export LM_ARGS=$lm_args
if [ -n "$logmask" ]; then
  add "$lm_name" "$corpus_bytes" "$runs" 'cat "$CORPUS" | "$LOGMASK_BIN" $LM_ARGS > "$T/out.logmask"'
  # The plain-text path alone, next to the default per-line format detection.
  if "$logmask" --help 2>&1 | grep -q -- '--format'; then
    add "logmask --format text" "$corpus_bytes" "$runs" \
      'cat "$CORPUS" | "$LOGMASK_BIN" --format text $LM_ARGS > "$T/out.logmask-text"'
  fi
  # Threads: -j N when asked, else the filter's default (what it picks is
  # printed in the row: LOGMASK_JOBS, else one per CPU up to 8).
  if [ -n "$lm_j1" ]; then
    export LM_ARGS_J=${lm_args#-j 1}
    if [ -n "$jobs" ]; then
      export LM_JOBS=$jobs
      add "logmask -j $jobs" "$corpus_bytes" "$runs" \
        'cat "$CORPUS" | "$LOGMASK_BIN" -j "$LM_JOBS" $LM_ARGS_J > "$T/out.logmask-j"'
    else
      jobs=${LOGMASK_JOBS:-$(nproc)}
      [ "$jobs" -gt 8 ] && [ -z "${LOGMASK_JOBS:-}" ] && jobs=8
      add "logmask, default -j ($jobs here)" "$corpus_bytes" "$runs" \
        'cat "$CORPUS" | "$LOGMASK_BIN" $LM_ARGS_J > "$T/out.logmask-j"'
    fi
  fi
fi

# ---------------------------------------------------------------- timing
cat "$corpus" > /dev/null   # into the page cache before the first timing
# Prints "WALL CPU" seconds of one pipeline; CPU (user + system of every
# process in it, from GNU time) is "-" without GNU time.
run_once() {
  local t0 t1
  rm -f "$T/cpu"
  t0=$EPOCHREALTIME
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%U %S' -o "$T/cpu" bash -c "set -o pipefail; $1" || die "failed: $1"
  else
    bash -c "set -o pipefail; $1" || die "failed: $1"
  fi
  t1=$EPOCHREALTIME
  echo "$t0 $t1 $(cat "$T/cpu" 2>/dev/null || echo - -)" |
    awk '{ printf "%.6f %s\n", $2 - $1, ($3 == "-") ? "-" : $3 + $4 }'
}
maxruns=0
for n in "${nruns[@]}"; do [ "$n" -gt "$maxruns" ] && maxruns=$n; done
echo "timing ${#names[@]} tools on $corpus_bytes bytes, up to $maxruns rounds ..." >&2
for round in $(seq 1 "$maxruns"); do
  for i in "${!names[@]}"; do
    [ "$round" -le "${nruns[$i]}" ] || continue
    run_once "${cmds[$i]}" >> "$T/times.$i"
  done
done
median() {  # median FILE COLUMN
  cut -d' ' -f"$2" "$1" | sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
mbs=() ; cpu_mbs=()
for i in "${!names[@]}"; do
  mbs[$i]=$(awk -v b="${inbytes[$i]}" -v s="$(median "$T/times.$i" 1)" 'BEGIN { printf "%.1f", b / 1e6 / s }')
  cpu_mbs[$i]=-
  if [ -x /usr/bin/time ]; then
    cpu_mbs[$i]=$(awk -v b="${inbytes[$i]}" -v s="$(median "$T/times.$i" 2)" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else printf "-" }')
  fi
done
rate_of() {  # MB/s of the tool named $1, or empty
  local i
  for i in "${!names[@]}"; do
    [ "${names[$i]}" = "$1" ] && { echo "${mbs[$i]}"; return; }
  done
  echo ""
}
perl_rate=$(rate_of "perl -pe")
lm_rate=$(rate_of "$lm_name")
floor_rate=$(rate_of "cat | cat (pipe floor)")

# ---------------------------------------------------------------- RSS
# Peak RSS of logmask (kB) reading NAME (a file) through a pipe.
peak_rss() {
  if [ -x /usr/bin/time ]; then
    cat "$@" | /usr/bin/time -f %M -o "$T/rss" "$logmask" $lm_args > /dev/null
    cat "$T/rss"
  else  # no GNU time: poll the high-water mark while it runs
    local pid hwm=0 v
    cat "$@" | "$logmask" $lm_args > /dev/null &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
      [ -n "$v" ] && hwm=$v
      sleep 0.02
    done
    wait "$pid"
    echo "$hwm"
  fi
}
rss_report=
if [ -n "$logmask" ]; then
  small=$(( corpus_bytes / 8 ))
  slice rss.slice "$small"
  rss_small=$(peak_rss "$T/rss.slice")
  rss_full=$(peak_rss "$corpus")
  rss_x4=$(peak_rss "$corpus" "$corpus" "$corpus" "$corpus")
  rss_how="GNU time %M"; [ -x /usr/bin/time ] || rss_how="VmHWM polled from /proc"
  mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
  rss_report=$(printf '%s peak RSS (%s): %s KiB with %s MiB in, %s KiB with %s MiB, %s KiB with %s MiB' \
    "$lm_name" "$rss_how" "$rss_small" "$(mib "$(wc -c < "$T/rss.slice")")" "$rss_full" "$(mib "$corpus_bytes")" \
    "$rss_x4" "$(mib $(( 4 * corpus_bytes )))")
  if [ -n "$lm_j1" ]; then
    lm_args=${LM_ARGS_J:-}
    [ -n "${LM_JOBS:-}" ] && lm_args="-j $LM_JOBS $lm_args"
    rss_report="$rss_report
logmask -j $jobs peak RSS: $(peak_rss "$corpus") KiB with $(mib "$corpus_bytes") MiB in"
    lm_args=$LM_ARGS
  fi
fi

# ---------------------------------------------------------------- leaks
# For every truth row, is the secret still on its line of the output?  And
# which lines without a planted secret did the tool change?
cat > "$T/check.py" <<'EOF'
import os, re, sys
corpus, output, truth, name, nex = sys.argv[1:6]
want = {}
with open(truth, 'rb') as f:
    next(f)
    for row in f:
        line, fam, sec = row.rstrip(b'\n').split(b'\t')
        want.setdefault(int(line), []).append((fam.decode(), sec))
leaks, changed, markers, lines_out, kinds = {}, 0, 0, 0, {}
# BEGIN/END lines of a planted PEM block carry no secret of their own (the
# truth file lists the body lines) but are part of it: masking them is fine.
pem = re.compile(rb'^-----(?:BEGIN|END) [A-Z ]*PRIVATE KEY-----\r?\n?$')
with open(corpus, 'rb') as fi, open(output, 'rb') as fo:
    for n, (a, b) in enumerate(zip(fi, fo), 1):
        lines_out = n
        secrets = want.get(n)
        if secrets:
            for fam, sec in secrets:
                if sec in b:
                    leaks[fam] = leaks.get(fam, 0) + 1
        elif a != b and pem.match(a):
            markers += 1
        elif a != b:
            changed += 1
            # group false positives by the text just before the first change
            i = len(os.path.commonprefix([a, b]))
            kind = re.sub(rb'[0-9]+', b'0', a[max(0, i - 14):i])
            k = kinds.setdefault(kind, [0, n, a, b])
            k[0] += 1
    extra = sum(1 for _ in fi) + sum(1 for _ in fo)
total = sum(len(v) for v in want.values())
print('%s: %d of %d planted secrets leaked%s' % (name, sum(leaks.values()), total,
      (' (' + ', '.join('%s %d' % kv for kv in sorted(leaks.items())) + ')') if leaks else ''))
if extra:
    print('%s: WARNING: line counts differ (%d lines compared, %d left over)' % (name, lines_out, extra))
print('%s: %d lines without a planted secret were changed%s' % (name, changed,
      ' (and %d BEGIN/END lines of planted PEM keys)' % markers if markers else ''))
show = lambda t: t[:200].decode('ascii', 'replace').rstrip()
for kind, (count, n, a, b) in sorted(kinds.items(), key=lambda kv: -kv[1][0])[:int(nex)]:
    print('  %d x after "%s", e.g. line %d\n    in:  %s\n    out: %s' % (
        count, kind.decode('ascii', 'replace'), n, show(a), show(b)))
EOF
check() {  # check OUTPUT NAME EXAMPLES
  [ -f "$1" ] || return 0
  python3 "$T/check.py" "$corpus" "$1" "$truth" "$2" "$3"
}

# ---------------------------------------------------------------- report
hr() { printf '%s\n' "----------------------------------------------------------------------------------------------"; }
ratio() { [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; printf (r < 0.1 ? "%.3f" : "%.2f"), r }' || echo "-"; }
echo
echo "logmask benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(uname -r))"
echo "corpus: $corpus_bytes bytes, $corpus_lines lines, $n_truth planted secrets ($format, seed $seed; bench/gen_corpus.py)"
echo "peers: $total_rules substitutions ($base_rules starter families$( [ "$extra" -gt 0 ] && echo " + $extra padding rules")) + a PEM block rule (not rg);"
echo "       logmask: its full default rules$( [ "$extra" -gt 0 ] && echo " + the same $extra padding rules (-r)")"
echo "method: wall time of 'cat INPUT | TOOL > FILE', median of $runs runs ($slow_runs for sed, perl, python), rounds interleaved"
[ -n "$logmask" ] && echo "logmask: $logmask ($("$logmask" --version 2>/dev/null | head -n 1 || echo "version unknown"))"
hr
printf '%-52s %9s %8s %10s %11s\n' "tool" "MB/s" "x perl" "x logmask" "MB/CPU-s"
hr
for i in "${!names[@]}"; do
  printf '%-52s %9s %8s %10s %11s\n' "${names[$i]}" "${mbs[$i]}" "$(ratio "${mbs[$i]}" "$perl_rate")" \
    "$(ratio "${mbs[$i]}" "$lm_rate")" "${cpu_mbs[$i]}"
done
hr
if [ -n "$lm_rate" ]; then
  echo "logmask = $(ratio "$lm_rate" "$perl_rate") x perl, $(ratio "$lm_rate" "$(rate_of "rg --passthru -r (one alternation, no PEM block)")") x rg," \
    "$(awk -v a="$lm_rate" -v b="$floor_rate" 'BEGIN { printf "%.0f", 100 * a / b }')% of the pipe floor"
  echo "$rss_report"
  check "$T/out.logmask" logmask 8
  check "$T/out.logmask-text" "logmask --format text" 3
  if [ -f "$T/out.logmask-j" ]; then
    if cmp -s "$T/out.logmask" "$T/out.logmask-j"; then
      echo "logmask -j $jobs: output byte-identical to -j 1"
    else
      echo "logmask -j $jobs: WARNING: output differs from -j 1 ($(cmp "$T/out.logmask" "$T/out.logmask-j" 2>&1 | head -n 1))"
    fi
  fi
fi
echo "The peers, for comparison (rg has no PEM block rule):"
check "$T/out.perl" "perl -pe" 2
check "$T/out.sed" "sed -E" 0
check "$T/out.rg" "rg" 0
echo "MB/s: input bytes over the median wall time.  MB/CPU-s: over the median user+system time of"
echo "every process of the pipeline (cat included), steadier than wall time when the machine is busy."
echo "Absolute MB/s drift by +-25% on a shared machine: compare the ratios of one run."
if [ "$keep" = yes ]; then
  mkdir -p "$cache/last-run"
  cp "$T"/sed.script "$T"/perl.prog "$T"/py.rules "$T"/mask.py "$cache/last-run/"
  [ -f "$T/extra.rules" ] && cp "$T/extra.rules" "$cache/last-run/"
  printf '%s\n%s\n' "$rg_alt" "$rg_repl" > "$cache/last-run/rg.args"
  [ -f "$T/out.logmask" ] && cp "$T/out.logmask" "$cache/last-run/"
  echo "peer programs and logmask output kept in $cache/last-run"
fi
