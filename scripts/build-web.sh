#!/usr/bin/env bash
# Builds the web viewer (web/dist) from npm packages: npm ci when package-lock.json changed,
# then esbuild when a source is newer than the bundle. Quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/../web"
if ! command -v npm >/dev/null; then
  echo "build-web: npm not found; run scripts/install-deps.sh (the viewer's API works without it)" >&2
  exit 1
fi
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -f dist/app.js ] || [ -n "$(find src build.mjs package-lock.json -newer dist/app.js -print -quit)" ]; then
  npm run --silent build
fi
