#!/bin/sh
# Fails when a tracked C++ file differs from what clang-format (.clang-format) makes of it.
set -eu
cd "$1"
files=$(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp')
[ -n "$files" ] || { echo "no C++ files found" >&2; exit 1; }
# shellcheck disable=SC2086
clang-format --dry-run -Werror $files
