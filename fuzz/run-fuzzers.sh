#!/usr/bin/env bash
# Fuzzes every Jazzer target in this module for its maxDuration (30 s each) and fails on the first finding.
# Findings are written by Jazzer into src/test/resources/.../<Class>Inputs/<method>/ as crash files: commit a
# minimised one with its fix, and every later test run replays it.
# Surefire's report for a target lists the corpus inputs replayed first and then the fuzzing session itself as one
# more test case of ~30 s (e.g. `serverLoginState(byte[])[3]`): that time is the fuzzing, not a slow replay.
# Usage: fuzz/run-fuzzers.sh [Class#method ...]   (default: all targets). Needs JAVA_HOME set to a JDK >= 21.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for file in fuzz/src/test/java/dev/opaquepop/fuzz/*FuzzTest.java; do
    class=$(basename "$file" .java)
    # A target is a method annotated @FuzzTest; its name is on the next line that declares a method.
    while read -r method; do
      targets+=("$class#$method")
    done < <(awk '/@FuzzTest/ {getline; if (match($0, /void [a-zA-Z0-9_]+\(/)) print substr($0, RSTART + 5, RLENGTH - 6)}' "$file")
  done
fi

echo "fuzzing ${#targets[@]} targets"
for target in "${targets[@]}"; do
  echo "fuzz: $target"
  if ! JAZZER_FUZZ=1 ./mvnw -B -q test -pl fuzz -am -Dtest="$target" \
      -Dsurefire.failIfNoSpecifiedTests=false -Dopaquepop.failIfNoTests=false \
      -Dspotbugs.skip=true -Dspotless.check.skip=true > "fuzz/target/fuzz-${target//#/-}.log" 2>&1; then
    echo "fuzz: FINDING or failure in $target; see fuzz/target/fuzz-${target//#/-}.log" >&2
    tail -40 "fuzz/target/fuzz-${target//#/-}.log" >&2
    # A hang leaves a dump of every thread (HttpHandlerFuzzTest): show where the server's threads stood.
    for dump in fuzz/target/hung-server-*.json; do
      [ -f "$dump" ] || continue
      echo "fuzz: threads of the hung server ($dump), condensed:" >&2
      grep -E '"(tid|name)"|dev\.opaquepop|sqlite|jetty|Lock|park' "$dump" | head -200 >&2
    done
    exit 1
  fi
  grep -h 'DONE' "fuzz/target/fuzz-${target//#/-}.log" | tail -1 || true
done
echo "fuzz: no findings"
