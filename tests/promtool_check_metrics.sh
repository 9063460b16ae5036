#!/bin/sh
# promtool check metrics on an exposition file. Two gauges of docs/CONTRACT.md keep a `_count`
# suffix, the names the first release published (alembic_heads_count, alembic_current_revisions_count); promtool's lint flags exactly
# that, and those two findings are accepted. Anything else fails.
set -eu
output=$(promtool check metrics <"$1" 2>&1) && exit 0
unexpected=$(printf '%s\n' "$output" | grep -v \
  -e '^alembic_heads_count non-histogram and non-summary metrics should not have "_count" suffix$' \
  -e '^alembic_current_revisions_count non-histogram and non-summary metrics should not have "_count" suffix$' \
  || true)
if [ -n "$unexpected" ]; then
  printf '%s\n' "$unexpected" >&2
  exit 1
fi
