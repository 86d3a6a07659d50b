#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine.
#  - PostgreSQL: uses POSTGRES_CONNECTION_STRING when set; otherwise starts a throwaway cluster
#    (initdb into a temp dir, pg_ctl on a free port) when the server binaries exist, and stops it after.
#  - Node: installs the npm packages the tests drive (KafkaJS in tests/node, Azurite and s3rver in
#    tests/blob-servers) when missing or older than their lock files.
#  - Then `dotnet test` on the solution. Extra arguments go to dotnet test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

cleanup() { :; }
trap 'cleanup' EXIT

if [ -z "${POSTGRES_CONNECTION_STRING:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ]; then
    pg_dir=$(mktemp -d /tmp/outbox-pg.XXXXXX)
    pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    as_pg=()
    if [ "$(id -u)" = "0" ]; then
      chown postgres "$pg_dir"
      as_pg=(su postgres -s /bin/sh -c)
    else
      as_pg=(sh -c)
    fi
    "${as_pg[@]}" "'$pg_bin/initdb' -D '$pg_dir/data' -U postgres --auth=trust -E UTF8 >'$pg_dir/initdb.log' 2>&1"
    "${as_pg[@]}" "'$pg_bin/pg_ctl' -D '$pg_dir/data' -l '$pg_dir/server.log' -w -o \"-p $pg_port -k '$pg_dir' -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off\" start >/dev/null"
    cleanup() { "${as_pg[@]}" "'$pg_bin/pg_ctl' -D '$pg_dir/data' -m immediate stop >/dev/null 2>&1" || true; rm -rf "$pg_dir"; }
    export POSTGRES_CONNECTION_STRING="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Include Error Detail=true"
    echo "test.sh: throwaway PostgreSQL on 127.0.0.1:$pg_port" >&2
  else
    echo "test.sh: no PostgreSQL server binaries; PostgreSQL tests will be skipped (set POSTGRES_CONNECTION_STRING)" >&2
  fi
fi

if command -v npm >/dev/null 2>&1; then
  for dir in tests/node tests/blob-servers; do
    # npm records what it installed in node_modules/.package-lock.json: reinstall when the lock file is newer.
    if [ -f "$dir/package.json" ] && { [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
      echo "test.sh: npm ci in $dir" >&2
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
  done
fi

dotnet test Outbox.sln -c Release "$@"
