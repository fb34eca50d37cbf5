#!/usr/bin/env bash
# `npm run bench [-- args]`: raises the open-file limit (thousands of sockets on both ends), builds the
# site if this clone has no build yet (the server needs it to start), then runs the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "bench: the open-file limit is $(ulimit -n); the 4,900-connection idle scenario needs about 10,000 (use --idle-max)" >&2
fi
if [ ! -f build/handler.js ]; then
  npx svelte-kit sync
  npx vite build --logLevel warn
fi
exec node --import tsx bench/main.ts "$@"
