#!/usr/bin/env bash
# Installs the OpenFX plugin bundle built by scripts/setup.sh where OpenFX hosts (DaVinci Resolve,
# Nuke, Natron, Flame) look for plugins, and optionally the checkpoints beside it.
#
#   bash scripts/install_ofx.sh                       # to /usr/OFX/Plugins (sudo when not root)
#   bash scripts/install_ofx.sh --dest DIR            # elsewhere (then add DIR to OFX_PLUGIN_PATH)
#   bash scripts/install_ofx.sh --checkpoints         # also copy checkpoints/*.safetensors|.pth to DIR/checkpoints
#
# The bundle loads LibTorch from the venv it was built against (CORRIDORKEY_DEPS, default
# ~/.cache/corridorkey/venv): keep that venv where it is, readable by the user who runs the host.
# The copy is atomic: a host never sees a half-copied bundle.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${CORRIDORKEY_BUILD_DIR:-$ROOT/build}"
DEST=/usr/OFX/Plugins
CHECKPOINTS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dest) [ $# -ge 2 ] || { echo "install_ofx.sh: --dest needs a folder" >&2; exit 2; }; DEST="$2"; shift 2 ;;
    --checkpoints) CHECKPOINTS=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install_ofx.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

BUNDLE="$BUILD_DIR/plugins/CorridorKey.ofx.bundle"
MODULE="$BUNDLE/Contents/Linux-x86-64/CorridorKey.ofx"
if [ ! -f "$MODULE" ]; then
  echo "install_ofx.sh: $MODULE is missing: run 'bash scripts/setup.sh' first" >&2
  exit 1
fi
if missing="$(ldd "$MODULE" | grep 'not found')"; then
  echo "install_ofx.sh: the plugin's libraries are not all found:" >&2
  echo "$missing" >&2
  echo "Run 'bash scripts/setup.sh' (it recreates the venv with LibTorch) and try again." >&2
  exit 1
fi

SUDO=""
if ! mkdir -p "$DEST" 2>/dev/null || [ ! -w "$DEST" ]; then
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO mkdir -p "$DEST"
fi
TMP="$DEST/.CorridorKey.ofx.bundle.$$"
trap '$SUDO rm -rf "$TMP"' EXIT
$SUDO cp -r "$BUNDLE" "$TMP"
$SUDO rm -rf "$DEST/CorridorKey.ofx.bundle"
$SUDO mv "$TMP" "$DEST/CorridorKey.ofx.bundle"
echo "installed $DEST/CorridorKey.ofx.bundle"

if [ "$CHECKPOINTS" -eq 1 ]; then
  shopt -s nullglob
  files=("$ROOT"/checkpoints/*.safetensors "$ROOT"/checkpoints/*.pth "$ROOT"/checkpoints/config.json)
  if [ ${#files[@]} -eq 0 ]; then
    echo "install_ofx.sh: no checkpoint in $ROOT/checkpoints: run clip_manager --action run_inference once to download it" >&2
    exit 1
  fi
  $SUDO mkdir -p "$DEST/checkpoints"
  for f in "${files[@]}"; do
    $SUDO cp "$f" "$DEST/checkpoints/.$(basename "$f").$$" && $SUDO mv "$DEST/checkpoints/.$(basename "$f").$$" "$DEST/checkpoints/$(basename "$f")"
    echo "copied $(basename "$f") to $DEST/checkpoints"
  done
fi
