#!/usr/bin/env bash
# What the signed-call limits cost (BENCHMARKS.md, "Signed-call limits"): two servers of the same build side by side,
# one with --rate-limit off, one with the signed-call limits at their defaults (per session, per user, nonce quota),
# and `bench calls` against both in one run. The guessing limits and the per-connection request rate are lifted on
# the second, so the two differ only in the signed-call limits.
#
#   bench/limits/run-limits-ab.sh [OUT_DIR]      (default /tmp/opaque-pop-limits-ab; ~6 minutes)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-/tmp/opaque-pop-limits-ab}"
rm -rf "$out/off" "$out/on"
mkdir -p "$out"
export OPAQUE_POP_LOG_LEVEL=WARN

"$root/bin/opaque-pop" server --port 18081 --data "$out/off" --rate-limit off >"$out/off.log" 2>&1 &
off=$!
"$root/bin/opaque-pop" server --port 18082 --data "$out/on" --connection-request-rate 0 \
  --login-limit-user 100000/1s --login-limit-address 100000/1s --login-limit-ipv6-block 100000/1s \
  --register-limit-address 100000/1s >"$out/on.log" 2>&1 &
on=$!
trap 'kill $off $on 2>/dev/null || true' EXIT

for port in 18081 18082; do
  for _ in $(seq 60); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 1
  done
done

"$root/bin/opaque-pop" bench calls \
  --server limits-off=http://127.0.0.1:18081 --server-pid limits-off=$off \
  --server limits-on=http://127.0.0.1:18082 --server-pid limits-on=$on \
  --concurrency 1,2,4,8 --duration 10s --warmup 2s --prime 40s --slices 5 --sessions 64 --out "$out/run"
