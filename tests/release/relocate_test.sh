#!/usr/bin/env bash
# scripts/release/relocate.py on small programs built here: one test per rule of its check (a library
# inside through $ORIGIN passes; missing, an absolute RUNPATH, a DT_RPATH, no RUNPATH and a newer
# glibc than the stated base each fail, naming the file and the library), and bundle + check on a
# program that needs a library outside (its closure copied, RUNPATHs rewritten, the program runs
# from another folder with the original gone). Also the wheel repair on a wheel made here.
#   relocate_test.sh SOURCE_DIR
set -euo pipefail
SRC="$1"
RELOCATE=(python3 "$SRC/scripts/release/relocate.py")
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
failures=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1" >&2; failures=$((failures + 1)); }
# expect_check NAME ROOT CODE PATTERN: the check's exit code and a line of its stderr
expect_check() {
  local code=0
  "${RELOCATE[@]}" check "$2" > "$T/out" 2> "$T/err" || code=$?
  if [ "$code" -eq "$3" ] && { [ -z "$4" ] || grep -qE "$4" "$T/err"; }; then ok "$1"; else
    bad "$1: exit $code (expected $3), stderr:"; cat "$T/err" >&2; fi
}

cat > "$T/foo.c" <<'EOF'
int foo(void) { return 42; }
EOF
cat > "$T/prog.c" <<'EOF'
#include <stdio.h>
int foo(void);
int main(void) { printf("%d\n", foo()); return 0; }
EOF
mkdir -p "$T/good/bin" "$T/good/lib"
gcc -shared -fPIC -o "$T/good/lib/libfoo.so.1" -Wl,-soname,libfoo.so.1 "$T/foo.c"
gcc -o "$T/good/bin/prog" "$T/prog.c" -L"$T/good/lib" -l:libfoo.so.1 -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
expect_check "a library inside through \$ORIGIN passes" "$T/good" 0 ""
[ "$("$T/good/bin/prog")" = 42 ] && ok "the program runs" || bad "the program does not run"

cp -r "$T/good" "$T/missing" && rm "$T/missing/lib/libfoo.so.1"
expect_check "a library that is not there fails" "$T/missing" 1 "bin/prog: needs libfoo.so.1, which is neither in the archive"

cp -r "$T/good" "$T/absolute" && patchelf --set-rpath "$T/good/lib" "$T/absolute/bin/prog"
expect_check "an absolute RUNPATH fails" "$T/absolute" 1 "RUNPATH entry $T/good/lib points outside the archive"

cp -r "$T/good" "$T/rpath" && patchelf --force-rpath --set-rpath '$ORIGIN/../lib' "$T/rpath/bin/prog"
expect_check "a DT_RPATH fails" "$T/rpath" 1 "has a DT_RPATH"

cp -r "$T/good" "$T/norunpath" && patchelf --remove-rpath "$T/norunpath/bin/prog"
expect_check "no RUNPATH (the machine's folders) fails" "$T/norunpath" 1 "needs libfoo.so.1.*RUNPATH none"

cp -r "$T/good" "$T/escape" && mkdir -p "$T/outside" && cp "$T/good/lib/libfoo.so.1" "$T/outside/" &&
  patchelf --set-rpath '$ORIGIN/../../outside' "$T/escape/bin/prog"
expect_check "\$ORIGIN/.. leading out of the archive fails" "$T/escape" 1 "needs libfoo.so.1"

code=0
RELOCATE_MAX_GLIBC=2.0 "${RELOCATE[@]}" check "$T/good" > /dev/null 2> "$T/err" || code=$?
[ "$code" -eq 1 ] && grep -q "newer than the stated base GLIBC_2.0" "$T/err" && ok "a newer glibc than the base fails" ||
  { bad "a newer glibc than the base: exit $code"; cat "$T/err" >&2; }

# bundle: a program linked against a library in a folder of its own, as the build links LibTorch
mkdir -p "$T/deps" "$T/src" "$T/pkg/bin"
gcc -shared -fPIC -o "$T/deps/libfoo.so.1" -Wl,-soname,libfoo.so.1 "$T/foo.c"
gcc -o "$T/src/prog" "$T/prog.c" -L"$T/deps" -l:libfoo.so.1 -Wl,-rpath,"$T/deps"
cp "$T/src/prog" "$T/pkg/bin/prog"
"${RELOCATE[@]}" bundle --lib "$T/pkg/lib" "$T/pkg/bin/prog" > "$T/bundled"
grep -qx "$T/deps/libfoo.so.1" "$T/bundled" && ok "bundle names the library it copied" || bad "bundle output: $(cat "$T/bundled")"
expect_check "the bundled folder passes the check" "$T/pkg" 0 ""
mv "$T/deps" "$T/deps.gone" && mv "$T/pkg" "$T/moved"
[ "$("$T/moved/bin/prog")" = 42 ] && ok "the bundled program runs elsewhere with the original library gone" ||
  bad "the bundled program does not run after the move"
mv "$T/deps.gone" "$T/deps"

# wheel: an extension module that needs libfoo, repaired into pkgname.libs
mkdir -p "$T/whl/corridorkey_native" "$T/whl/corridorkey_native-0.1.dist-info" "$T/repaired"
gcc -shared -fPIC -o "$T/whl/corridorkey_native/_native.so" "$T/prog.c" -L"$T/deps" -l:libfoo.so.1 -Wl,-rpath,"$T/deps"
echo "Name: corridorkey_native" > "$T/whl/corridorkey_native-0.1.dist-info/METADATA"
: > "$T/whl/corridorkey_native-0.1.dist-info/RECORD"
(cd "$T/whl" && python3 -c 'import zipfile, os, sys
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for d, _, ns in os.walk("."):
        for n in ns: z.write(os.path.join(d, n))' "$T/corridorkey_native-0.1-py3-none-any.whl")
"${RELOCATE[@]}" wheel "$T/corridorkey_native-0.1-py3-none-any.whl" "$T/repaired" > "$T/added" 2>/dev/null
mkdir -p "$T/repaired/check" && cp "$T/repaired/"*.whl "$T/repaired/check/"
expect_check "the repaired wheel passes the check" "$T/repaired/check" 0 ""
python3 - "$T/repaired/corridorkey_native-0.1-py3-none-any.whl" <<'EOF' && ok "the repaired wheel holds the library and a RECORD that matches" || bad "the repaired wheel's RECORD"
import base64, hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
assert "corridorkey_native.libs/libfoo.so.1" in names, names
record = z.read("corridorkey_native-0.1.dist-info/RECORD").decode().splitlines()
for line in record:
    path, digest, size = line.rsplit(",", 2)
    if not digest:
        continue
    data = z.read(path)
    assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode(), path
    assert int(size) == len(data), path
assert {l.rsplit(",", 2)[0] for l in record} == names
EOF

# what the extension may leave to the torch package: torch's and NVIDIA's libraries, nothing else
python3 - "$SRC/scripts/release" <<'EOF' && ok "the wheel leaves only torch's and NVIDIA's libraries to torch" || bad "TORCH_PROVIDED"
import sys
sys.path.insert(0, sys.argv[1])
import relocate
for name in ("libtorch.so", "libtorch_cpu.so", "libc10.so", "libc10_cuda.so", "libcudart.so.13", "libcublasLt.so.13",
             "libcudnn.so.9", "libgomp-a34b3233.so.1", "libnccl.so.2"):
    assert relocate.TORCH_PROVIDED.match(name), name
for name in ("libcurl.so.4", "libcurl-gnutls.so.4", "libfmt.so.9", "libspdlog.so.1.10", "libnvidia-ml.so.1", "libz.so.1",
             "libcuda.so.1", "libtorchvision.so"):
    assert not relocate.TORCH_PROVIDED.match(name), name
EOF

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all passed"
