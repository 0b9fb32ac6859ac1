#!/usr/bin/env bash
# Runs the JMH microbenchmarks of BENCHMARKS.md and the floor report: builds bench/target/benchmarks.jar, runs
# every benchmark --runs times (each run a fresh JVM fork per benchmark, results as JMH JSON), then divides
# each operation by its arithmetic floor timed in the same run (FloorReport).
#
#   bench/run-jmh.sh [--runs N] [--out DIR] [-- extra JMH arguments, e.g. a benchmark regex]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

runs=2
out="bench/results/jmh-$(date -u +%Y%m%dT%H%M%SZ)"
jmh_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --) shift; jmh_args=("$@"); break ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-jmh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  for candidate in $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 21 ]; then
      JAVA_HOME="$candidate"
      break
    fi
  done
fi
export JAVA_HOME

./mvnw -B -q -pl bench -am package -DskipTests -Dspotbugs.skip=true
mkdir -p "$out"
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} | tee "$out/environment.txt"

results=()
for run in $(seq 1 "$runs"); do
  echo "== JMH run $run of $runs"
  "$JAVA_HOME/bin/java" -jar bench/target/benchmarks.jar -rf json -rff "$out/jmh-run$run.json" "${jmh_args[@]}" \
      | tee "$out/jmh-run$run.txt"
  results+=("$out/jmh-run$run.json")
done
"$JAVA_HOME/bin/java" -cp bench/target/benchmarks.jar dev.opaquepop.bench.FloorReport "${results[@]}" \
    | tee "$out/floor.md"
