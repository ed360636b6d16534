#!/usr/bin/env bash
# The whole test suite from a fresh clone: dependencies, Release build (CUDA ON where nvcc is), the
# ASan+UBSan build's unit tests, the core-only build (no OpenCV, curl, codecs) and its tests, then
# every ctest test of the Release build (unit, integration; gpu tests skip without a GPU). Exits
# non-zero on any failure; the last ctest summary line is the verdict.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec bash "$ROOT/scripts/setup.sh" --sanitize --core-only --test "$@"
