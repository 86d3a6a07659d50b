#!/usr/bin/env bash
# Records newly public symbols in each project's PublicAPI.Unshipped.txt after a deliberate API change:
# builds, collects the RS0016 diagnostics and appends their symbols. Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-Outbox.sln}
dotnet build "$target" -nologo 2>&1 | grep -o "error RS0016: Symbol '[^']*' is not part of the declared public API[^[]*\[[^]]*\]" \
  | sed -E "s/error RS0016: Symbol '(.*)' is not part of the declared public API.*\[(.*)\]/\2\t\1/" | sort -u \
  | while IFS=$'\t' read -r project symbol; do
      file="$(dirname "$project")/PublicAPI.Unshipped.txt"
      grep -qxF "$symbol" "$file" || echo "$symbol" >> "$file"
    done
for f in src/*/PublicAPI.Unshipped.txt; do
  { head -n1 "$f"; tail -n +2 "$f" | sort -u; } > "$f.tmp" && mv "$f.tmp" "$f"
done
