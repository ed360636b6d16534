#!/usr/bin/env bash
# scripts/install_ofx.sh: the bundle lands whole in --dest (a second install replaces it), a bad
# flag exits 2, and a build without the bundle is an error naming the fix.
set -euo pipefail
ROOT="$1"
BUILD="$2"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

CORRIDORKEY_BUILD_DIR="$BUILD" bash "$ROOT/scripts/install_ofx.sh" --dest "$TMP/ofx" >/dev/null
cmp "$BUILD/plugins/CorridorKey.ofx.bundle/Contents/Linux-x86-64/CorridorKey.ofx" \
    "$TMP/ofx/CorridorKey.ofx.bundle/Contents/Linux-x86-64/CorridorKey.ofx" || fail "module differs"
[ -f "$TMP/ofx/CorridorKey.ofx.bundle/Contents/Info.plist" ] || fail "no Info.plist"
touch "$TMP/ofx/CorridorKey.ofx.bundle/stale"
CORRIDORKEY_BUILD_DIR="$BUILD" bash "$ROOT/scripts/install_ofx.sh" --dest "$TMP/ofx" >/dev/null
[ ! -e "$TMP/ofx/CorridorKey.ofx.bundle/stale" ] || fail "a reinstall kept a stale file"
[ -z "$(ls -A "$TMP/ofx" | grep '^\.')" ] || fail "temporary copy left behind"

set +e
bash "$ROOT/scripts/install_ofx.sh" --bogus 2>/dev/null; [ $? -eq 2 ] || fail "bad flag: want exit 2"
out="$(CORRIDORKEY_BUILD_DIR="$TMP/nobuild" bash "$ROOT/scripts/install_ofx.sh" --dest "$TMP/x" 2>&1)"; rc=$?
set -e
[ $rc -eq 1 ] || fail "missing bundle: want exit 1, got $rc"
echo "$out" | grep -q "scripts/setup.sh" || fail "missing bundle: message does not name the fix: $out"
echo "install_ofx.sh: ok"
