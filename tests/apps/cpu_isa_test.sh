#!/usr/bin/env bash
# clip_manager --cpu-isa writes the same files, bit for bit, on CPUs of other instruction sets and
# vendors, played by QEMU's user-mode emulator (their CPUID: LibTorch, oneDNN, MKL and our own kernel
# clones pick what they pick on such a machine):
# - portable: this machine (AVX-512 or AVX2), an Intel Haswell and an AMD EPYC Rome (AVX2) agree;
# - avx2: two Intel AVX2 generations (Haswell, Skylake) agree; an AMD machine agrees with the AMD
#   EPYC Rome (an Intel machine's comparison with the Haswell is reported, not counted).
# $CORRIDORKEY_CPU_ISA does the same for clip_manager and for the OpenFX plugin (ofx_render). A CPU
# without AVX2 (Nehalem) is refused with exit 2, and so is an unknown --cpu-isa.
#   cpu_isa_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
SRC="$1"
BUILD="$2"
FIXTURES="${CORRIDORKEY_FIXTURES:-$SRC/../shared/fixtures}"
command -v qemu-x86_64 > /dev/null || { echo "qemu-x86_64 is missing (Debian: qemu-user; scripts/setup.sh installs it)" >&2; exit 1; }
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
failures=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1" >&2; failures=$((failures + 1)); }

ARGS=(--action run_inference --checkpoint "$FIXTURES/tiny/CorridorKey.safetensors" --device cpu --img-size 256
  --threads 2 --screen-color green --exr-datatype float --exr-compression zip --log-level warn)
# key NAME [qemu cpu] [--cpu-isa X]: one frame of the fixtures into $T/NAME
key() {
  local name="$1" cpu="$2"; shift 2
  mkdir -p "$T/$name/shot/Input" "$T/$name/shot/AlphaHint"
  cp "$FIXTURES/frame/input.png" "$T/$name/shot/Input/frame.png"
  cp "$FIXTURES/frame/hint.png" "$T/$name/shot/AlphaHint/frame.png"
  local run=("$BUILD/bin/clip_manager")
  [ -z "$cpu" ] || run=(qemu-x86_64 -cpu "$cpu" "${run[@]}")
  "${run[@]}" "${ARGS[@]}" --clips-dir "$T/$name" "$@" > "$T/$name.log" 2>&1
}
same_files() {  # same_files A B: every output of A equals B's
  local n=0 f
  for f in "$T/$1"/shot/Output/*/*; do
    cmp -s "$f" "${f/$T\/$1\//$T/$2/}" || return 1
    n=$((n + 1))
  done
  [ "$n" -eq 4 ]
}

# check MODE REF CPU...: the files of --cpu-isa MODE on each emulated CPU equal REF's
check() {
  local mode="$1" ref="$2" cpu; shift 2
  for cpu in "$@"; do
    if key "$mode-$cpu" "$cpu" --cpu-isa "$mode"; then
      same_files "$ref" "$mode-$cpu" && ok "--cpu-isa $mode: $cpu (emulated) writes the same 4 files as $ref" ||
        bad "--cpu-isa $mode: $cpu's files differ from $ref's"
    else
      grep -v "TCG doesn't support" "$T/$mode-$cpu.log" >&2; bad "--cpu-isa $mode under qemu -cpu $cpu"
    fi
  done
}
key portable "" --cpu-isa portable || { cat "$T/portable.log" >&2; bad "--cpu-isa portable on this machine"; }
check portable portable Haswell-v4 EPYC-Rome
key avx2 "" --cpu-isa avx2 || { cat "$T/avx2.log" >&2; bad "--cpu-isa avx2 on this machine"; }
key avx2-Haswell-v4 Haswell-v4 --cpu-isa avx2 || bad "--cpu-isa avx2 under qemu -cpu Haswell-v4"
check avx2 avx2-Haswell-v4 Skylake-Client-v4
if grep -q AuthenticAMD /proc/cpuinfo; then
  check avx2 avx2 EPYC-Rome
else
  # An Intel machine against the emulated Haswell: what README says rests on MKL's documented AVX2
  # branch, not yet seen on a real Intel CPU here; reported, not counted, until it has been.
  same_files avx2 avx2-Haswell-v4 && echo "note: --cpu-isa avx2: this Intel machine and the emulated Haswell agree" ||
    echo "note: --cpu-isa avx2: this Intel machine and the emulated Haswell DIFFER (README's Intel claim fails here)"
fi
key native "" || { cat "$T/native.log" >&2; bad "native on this machine"; }
if grep -q avx512f /proc/cpuinfo; then
  same_files avx2 native && echo "note: on this AVX-512 machine native and --cpu-isa avx2 gave the same files" ||
    echo "note: on this AVX-512 machine native differs from --cpu-isa avx2, as expected"
fi

# $CORRIDORKEY_CPU_ISA: clip_manager's default, and the OpenFX plugin's setting (ofx_render's frame
# through the build's bundle, on this machine and on the emulated Haswell)
CORRIDORKEY_CPU_ISA=portable key portable-env "" && same_files portable portable-env &&
  ok "CORRIDORKEY_CPU_ISA=portable keys as --cpu-isa portable" || bad "CORRIDORKEY_CPU_ISA=portable"
mkdir -p "$T/ofx_checkpoints"
cp "$FIXTURES/tiny/CorridorKey.safetensors" "$T/ofx_checkpoints/"
render() {  # render NAME [qemu cpu]: the plugin's frame with CORRIDORKEY_CPU_ISA=portable into $T/NAME.raw
  local run=("$BUILD/bin/ofx_render")
  [ -z "$2" ] || run=(qemu-x86_64 -cpu "$2" "${run[@]}")
  CORRIDORKEY_CPU_ISA=portable OFX_PLUGIN_PATH="$BUILD/plugins" CORRIDORKEY_CHECKPOINT_DIR="$T/ofx_checkpoints" \
    CORRIDORKEY_OFX_DEVICE=cpu HF_HUB_OFFLINE=1 "${run[@]}" --size 160x90 --output "$T/$1.raw" > "$T/$1.log" 2>&1
}
if render ofx_host "" && render ofx_haswell Haswell-v4; then
  cmp -s "$T/ofx_host.raw" "$T/ofx_haswell.raw" && ok "the plugin with CORRIDORKEY_CPU_ISA=portable renders the same bits on the emulated Haswell" ||
    bad "the plugin's renders differ between this machine and the emulated Haswell"
else
  grep -v "TCG doesn't support" "$T"/ofx_*.log >&2; bad "ofx_render with CORRIDORKEY_CPU_ISA=portable"
fi
code=0
CORRIDORKEY_CPU_ISA=avx512 OFX_PLUGIN_PATH="$BUILD/plugins" "$BUILD/bin/ofx_render" > "$T/ofx_bad.log" 2>&1 || code=$?
[ "$code" -eq 3 ] && grep -q "CORRIDORKEY_CPU_ISA=avx512: .*use native, avx2 or portable; the plugin stays unloaded" "$T/ofx_bad.log" &&
  ok "the plugin with a bad CORRIDORKEY_CPU_ISA stays unloaded, saying why" || { bad "plugin, CORRIDORKEY_CPU_ISA=avx512: exit $code"; cat "$T/ofx_bad.log" >&2; }

code=0
key nehalem Nehalem --cpu-isa avx2 || code=$?
[ "$code" -eq 2 ] && grep -q "this CPU has no AVX2" "$T/nehalem.log" && ok "a CPU without AVX2 is refused (exit 2)" ||
  { bad "--cpu-isa avx2 on Nehalem: exit $code"; grep -v "TCG doesn't support" "$T/nehalem.log" >&2; }
code=0
"$BUILD/bin/clip_manager" --action list --cpu-isa avx512 > "$T/bogus.log" 2>&1 || code=$?
[ "$code" -eq 2 ] && grep -q "use native, avx2 or portable" "$T/bogus.log" && ok "an unknown --cpu-isa: exit 2" || bad "--cpu-isa avx512: exit $code"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all passed"
