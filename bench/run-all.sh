#!/usr/bin/env bash
# Runs the load benchmarks of BENCHMARKS.md end to end: starts the opaque-pop server (embedded mode, fresh temp
# data directory) and the opaque-ke peer (bench/peer, node) on free ports, drives both with `opaque-pop bench
# logins` and `opaque-pop bench calls` side by side, with their PIDs for CPU accounting, restarts both for each
# repetition, and folds the repetitions into one summary with the spread.
#
#   bench/run-all.sh [options] [-- extra arguments for `opaque-pop server`]
#
#   --runs N            repetitions, each with freshly started servers (default 2)
#   --out DIR           where results go (default bench/results/<date>, git-ignored)
#   --concurrency LIST  levels (default 1,2,4,8)
#   --duration D        measured window per server, operation and level (default 10s)
#   --warmup D          unmeasured run before each window (default 2s)
#   --prime D           unmeasured run of each operation before the first level (default 40s: the JITs are busy for 25–40 s)
#   --slices N          windows split into N slices taken in turn by the servers / operations (default 5)
#   --users N           users for the logins (default 200)
#   --sessions N        sessions for the calls (default 64)
#   --no-transfers      leave out signed POST /api/transfer (each one is an fsync'd SQLite write on our server)
#   --no-peer           only our server (no node needed)
#   --plots DIR         also copy the first run's PNGs there (e.g. docs/benchmarks)
#   --only KIND         run only the logins or only the calls benchmark
#   --quick             a smoke run: 1 run, levels 1,2, 2 s windows (what CI uses)
#
# Environment: SERVER_JAVA_OPTS is given to our server's JVM only (e.g. a JFR recording); OPAQUE_POP_* server
# settings pass through. Extra server arguments after `--` select other storage, e.g. PostgreSQL + Redis (which
# also need an explicit setup: OPAQUE_POP_SERVER_SETUP="$(bin/opaque-pop setup 2>/dev/null)"):
#   bench/run-all.sh -- --db-url jdbc:postgresql://127.0.0.1:5432/test --redis-url redis://127.0.0.1:6379
# The exit status is non-zero when any bench run had an error or accepted a replay.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

runs=2
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
concurrency="1,2,4,8"
duration="10s"
warmup="2s"
prime="40s"
slices=5
users=200
sessions=64
transfers=(--transfers)
peer=yes
plots=""
only=""
server_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --prime) prime="$2"; shift 2 ;;
    --slices) slices="$2"; shift 2 ;;
    --users) users="$2"; shift 2 ;;
    --sessions) sessions="$2"; shift 2 ;;
    --no-transfers) transfers=(); shift ;;
    --no-peer) peer=no; shift ;;
    --plots) plots="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --quick) runs=1; concurrency="1,2"; duration="2s"; warmup="1s"; prime="2s"; slices=2; users=20; sessions=8; shift ;;
    --) shift; server_args=("$@"); break ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-all: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ -n "$only" ] && [ "$only" != logins ] && [ "$only" != calls ]; then
  echo "run-all: --only takes logins or calls" >&2
  exit 2
fi

launcher="$root/bin/opaque-pop"

# The JDK the launcher picks (same order: JAVA_HOME, the java on PATH, /usr/lib/jvm), for the record.
java_version() {
  local candidate
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" \
      $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if "$candidate" -XshowSettings:properties -version 2>&1 \
        | awk -F'= ' '/java.specification.version/ {exit !($2 + 0 >= 21)}'; then
      "$candidate" -version 2>&1 | head -2 | tr '\n' ' '
      return
    fi
  done
}
# Build the executables (the server's and the load generator's) first, so that no build runs while anything is
# measured.
"$launcher" --version >/dev/null
"$launcher" bench --version >/dev/null

if [ "$peer" = yes ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "run-all: node and npm are needed for the opaque-ke peer (or pass --no-peer)" >&2
    exit 2
  fi
  if [ ! -d bench/peer/node_modules/@serenity-kit/opaque ]; then
    (cd bench/peer && npm ci --no-audit --no-fund)
  fi
fi

mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/opaque-pop-run-all.XXXXXX")"
pids=()
stop_servers() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap 'stop_servers; rm -rf "$work"' EXIT

# Waits until a log file shows "listening on http://HOST:PORT" and prints that URL.
await_url() {
  local log="$1" pid="$2" url=""
  for _ in $(seq 1 300); do
    url="$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$log" 2>/dev/null | head -1 | sed 's/listening on //')" || true
    if [ -n "$url" ]; then
      echo "$url"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "run-all: server exited; its log:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "run-all: server did not start within 30 s; its log:" >&2
  cat "$log" >&2
  return 1
}

{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
       "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "java: $(java_version); node: $(node --version 2>/dev/null || echo none)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (uncommitted changes)')"
  echo "settings: runs=$runs concurrency=$concurrency duration=$duration warmup=$warmup prime=$prime slices=$slices"\
       "users=$users"\
       "sessions=$sessions transfers=${transfers[*]:-no} server args: ${server_args[*]:-(none)}"
} | tee "$out/environment.txt"

status=0
run_dirs=()
for run in $(seq 1 "$runs"); do
  dir="$out/run$run"
  mkdir -p "$dir"
  run_dirs+=("$dir")
  echo "== run $run of $runs -> $dir"

  # --rate-limit off: the load generator logs in from one address far faster than the limits against online
  # guessing allow, and one connection
  # carries thousands of requests a second (it turns the per-connection limit off too; the server logs a warning).
  OPAQUE_POP_JAVA_OPTS="${SERVER_JAVA_OPTS:-}" "$launcher" server --port 0 --data "$work/data$run" --rate-limit off \
      "${server_args[@]}" 2>"$dir/opaque-pop-server.log" &
  ours_pid=$!
  pids+=("$ours_pid")
  ours_url="$(await_url "$dir/opaque-pop-server.log" "$ours_pid")"
  servers=(--server "opaque-pop=$ours_url" --server-pid "opaque-pop=$ours_pid")
  echo "opaque-pop: $ours_url (pid $ours_pid)"

  if [ "$peer" = yes ]; then
    node bench/peer/server.mjs --port 0 >"$dir/opaque-ke-peer.log" 2>&1 &
    peer_pid=$!
    pids+=("$peer_pid")
    peer_url="$(await_url "$dir/opaque-ke-peer.log" "$peer_pid")"
    servers+=(--server "opaque-ke=$peer_url" --server-pid "opaque-ke=$peer_pid")
    echo "opaque-ke peer: $peer_url (pid $peer_pid)"
  fi

  common=("${servers[@]}" --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" --prime "$prime"
          --slices "$slices" --out "$dir")
  if [ "$only" != calls ]; then
    "$launcher" bench logins "${common[@]}" --users "$users" || status=1
  fi
  if [ "$only" != logins ]; then
    "$launcher" bench calls "${common[@]}" --sessions "$sessions" "${transfers[@]}" || status=1
  fi
  stop_servers
done

"$launcher" bench summarize "${run_dirs[@]}" --out "$out/summary.md" >/dev/null
echo "summary: $out/summary.md"
if [ -n "$plots" ]; then
  mkdir -p "$plots"
  for kind in logins calls; do
    if [ -f "$out/run1/$kind.png" ]; then
      cp "$out/run1/$kind.png" "$plots/$kind.png"
    fi
  done
  echo "plots copied to $plots"
fi
exit $status
