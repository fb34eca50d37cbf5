#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries are installed for the tests (tests/support/postgres.ts starts a
# throwaway server from them). Does nothing when initdb is already there.
set -euo pipefail

has_initdb() {
  command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

has_initdb && exit 0

sudo=''
[ "$(id -u)" -eq 0 ] || sudo='sudo'
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null

has_initdb || { echo 'ensure-postgres: postgresql is installed but initdb was not found' >&2; exit 1; }
