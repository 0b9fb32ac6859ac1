#!/usr/bin/env bash
# The Spring sample (samples/spring-notes) measured by the load generator (BENCHMARKS.md, "The Spring sample"):
#   calls:  a signed GET /api/notes/count against its public twin GET /bench/public/notes-count (Spring profile
#           `benchmark`), same application, same run, slice by slice in turn;
#   logins: the application's OPAQUE logins against the stand-alone server's (bin/opaque-pop server), both running,
#           slice by slice in turn.
# Each repetition starts both on free ports with fresh data directories (SQLite, sessions in memory, rate limits
# off as for every bench run) and passes their PIDs, so their CPU time is read from /proc.
#
# Usage: bench/spring-sample.sh [--runs N] [--out DIR] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."

runs=2
out="bench/results/spring-$(date -u +%Y%m%dT%H%M%SZ)"
concurrency=1,4
duration=10s
warmup=2s
prime=40s
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --quick) duration=2s; warmup=1s; prime=5s; concurrency=2; shift ;;
    *) echo "usage: $0 [--runs N] [--out DIR] [--quick]" >&2; exit 2 ;;
  esac
done

launcher=bin/opaque-pop
jar=samples/spring-notes/target/spring-notes.jar
if [ ! -f "$jar" ]; then
  ./mvnw -q -o -pl samples/spring-notes -am package -DskipTests -Dexec.skip=true
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/opaque-pop-spring.XXXXXX")"
pids=()
stop_servers() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'stop_servers; rm -rf "$work"' EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until URL answers 200 (the discovery document), or the process is gone, or 120 s pass.
await_ok() {
  local url="$1" pid="$2" log="$3"
  for _ in $(seq 1 1200); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "spring-sample: server exited; its log:" >&2; cat "$log" >&2; return 1; fi
    sleep 0.1
  done
  echo "spring-sample: no answer from $url within 120 s; its log:" >&2; cat "$log" >&2; return 1
}

{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "java: $("$java" -version 2>&1 | head -1)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "settings: runs=$runs concurrency=$concurrency duration=$duration warmup=$warmup prime=$prime"
} | tee "$out/environment.txt"

status=0
for run in $(seq 1 "$runs"); do
  dir="$out/run$run"
  mkdir -p "$dir"
  echo "== run $run of $runs -> $dir; load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/environment.txt"

  app_port="$(free_port)"
  SPRING_PROFILES_ACTIVE=benchmark NOTES_PORT="$app_port" NOTES_DB="$work/notes$run.db" NOTES_DATA="$work/app$run" \
      OPAQUE_POP_RATE_LIMIT=false "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" >"$dir/spring-notes.log" 2>&1 &
  app_pid=$!
  pids+=("$app_pid")
  app_url="http://127.0.0.1:$app_port"
  await_ok "$app_url/.well-known/opaque-pop" "$app_pid" "$dir/spring-notes.log"

  server_port="$(free_port)"
  "$launcher" server --port "$server_port" --data "$work/server$run" --rate-limit off 2>"$dir/opaque-pop-server.log" &
  server_pid=$!
  pids+=("$server_pid")
  server_url="http://127.0.0.1:$server_port"
  await_ok "$server_url/.well-known/opaque-pop" "$server_pid" "$dir/opaque-pop-server.log"
  echo "spring-notes: $app_url (pid $app_pid); stand-alone: $server_url (pid $server_pid)"

  common=(--concurrency "$concurrency" --duration "$duration" --warmup "$warmup" --prime "$prime" --out "$dir")
  # No replay probes: they sign GET /api/me, which the sample has not (its replays are tested in NotesSuite).
  "$launcher" bench calls --server "spring-notes=$app_url" --server-pid "spring-notes=$app_pid" \
      --path signed=/api/notes/count --public-path public=/bench/public/notes-count --replay-probes 0 \
      "${common[@]}" || status=1
  "$launcher" bench logins --server "spring-notes=$app_url" --server-pid "spring-notes=$app_pid" \
      --server "stand-alone=$server_url" --server-pid "stand-alone=$server_pid" --replay-probes 0 \
      "${common[@]}" || status=1
  stop_servers
  echo "   load average after run $run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/environment.txt"
done
exit $status
