#!/usr/bin/env bash
# The one test command (`npm test`): installs what the tests need, builds the site, type-checks, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-postgres.sh
bash scripts/ensure-chromium.sh
npx svelte-kit sync
npx vite build --logLevel warn
npx svelte-check --tsconfig ./tsconfig.json --threshold error --output machine | tail -n 1
npx tsc -p tsconfig.node.json
npx vitest run "$@"
# A short benchmark run keeps the suite from rotting; it prints figures and never fails on a budget.
npm run -s bench -- --quick
