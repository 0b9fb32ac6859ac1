#!/usr/bin/env bash
# Builds js/dist for the server jar; Maven runs it in the server module's generate-resources phase, so every
# build of the server (and bin/opaque-pop's first-use build) carries the web page of `server --web`.
# Without node and npm the jar has no page (`server --web` then refuses to start and says why) and the browser
# tests skip; with CI=true that is an error instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "[js] node and npm are not on the PATH, and CI=true: the browser package and page must be built in CI" >&2
    exit 1
  fi
  echo "[js] WARNING: node and npm are not on the PATH: this build has no web page (server --web will refuse to" \
       "start) and the browser tests will be skipped; install Node.js 18 or newer with npm to build it" >&2
  exit 0
fi
# npm ci only when the installed packages are not the locked ones (npm writes node_modules/.package-lock.json).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
