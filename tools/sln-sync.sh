#!/usr/bin/env bash
# Adds every project under src/, tests/, benchmarks/, samples/ and tools/ to Outbox.sln that is not in it yet.
set -euo pipefail
cd "$(dirname "$0")/.."
listed=$(dotnet sln Outbox.sln list)
find src tests benchmarks samples tools -name '*.csproj' 2>/dev/null | sort | while read -r project; do
  grep -qxF "$project" <<<"$listed" || dotnet sln Outbox.sln add "$project" >/dev/null
done
