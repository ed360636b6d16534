#!/usr/bin/env python3
"""Makes a folder of ELF programs relocatable, and proves it is.

  relocate.py bundle --lib DIR [--link-from LIB] FILE...      copy each FILE's libraries (beyond the
                                                               base system) into DIR (hard links to
                                                               LIB's where it has them), give every
                                                               FILE a $ORIGIN-relative RUNPATH to DIR
  relocate.py base                                             the base system, as text
  relocate.py wheel WHEEL OUT_DIR [TORCH_LIB]                  the same inside a Python wheel: the
                                                               extension's libraries (beyond the base
                                                               and torch's) in corridorkey_native.libs/
  relocate.py check ROOT                                       every ELF file under ROOT (and in its
                                                               wheels): each DT_NEEDED resolves inside
                                                               ROOT through $ORIGIN or is on the base
                                                               list; glibc/libstdc++ versions within it
  relocate.py licenses OUT FILE...                             THIRD_PARTY_LICENSES for the libraries

The base system (BASE below) is what the archive does not carry: glibc, GCC's C++ runtime, and the
NVIDIA driver. Everything else a program loads must come from the archive. ldd (the system's own
loader) finds the libraries to bundle; the check resolves DT_NEEDED itself from the files, the way
ld.so does for a RUNPATH, so that it cannot fall back to the machine's folders.
"""
import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

# The base system: not bundled, required of the machine (README, "Install from a release").
BASE_GLIBC = ("ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
              "libutil.so.1", "libresolv.so.2", "libanl.so.1", "libmvec.so.1")
BASE_GCC = ("libstdc++.so.6", "libgcc_s.so.1")
BASE_DRIVER = ("libcuda.so.1", "libnvidia-ml.so.1")  # the NVIDIA driver (GPU machines only)
BASE = frozenset(BASE_GLIBC + BASE_GCC + BASE_DRIVER)
# The newest symbol versions the archive may need (Debian 12: glibc 2.36, GCC 12's libstdc++).
MAX_VERSIONS = {"GLIBC": (2, 36), "GLIBCXX": (3, 4, 30), "CXXABI": (1, 3, 13)}
# A lower stated base, for the check's own test (RELOCATE_MAX_GLIBC=2.17 plays an older system).
if os.environ.get("RELOCATE_MAX_GLIBC"):
    MAX_VERSIONS["GLIBC"] = tuple(int(x) for x in os.environ["RELOCATE_MAX_GLIBC"].split("."))
# What the Python extension may take from the torch package it declares as a dependency.
TORCH_PROVIDED = re.compile(r"^lib(torch|c10|shm|gomp|caffe2|cudart|cublas(Lt)?|cudnn|cufft|cufile|curand|cusolver|"
                            r"cusparse(Lt)?|cupti|nvrtc|nvJitLink|nvshmem|nccl|nvtx3?|nvToolsExt)[-._]")
# Libraries LibTorch and cuDNN load with dlopen (not DT_NEEDED), bundled with their own closures.
DLOPENED = (re.compile(r"^libcudnn[_a-z]*\.so\.\d+$"), re.compile(r"^libnvrtc-builtins.*\.so[.\d]*$"),
            re.compile(r"^libcaffe2_nvrtc\.so$"))


class Failure(Exception):
    pass


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(root):
    """Every ELF file under root (not the symbolic links), in a stable order."""
    for d, _, names in sorted(os.walk(root)):
        for n in sorted(names):
            path = os.path.join(d, n)
            if not os.path.islink(path) and is_elf(path):
                yield path


def dynamic(path):
    """(needed names, runpath entries, rpath entries) from the file's dynamic section."""
    out = subprocess.run(["readelf", "-dW", path], capture_output=True, text=True)
    if out.returncode != 0:
        raise Failure(f"{path}: readelf failed: {out.stderr.strip()}")
    needed, runpath, rpath = [], [], []
    for line in out.stdout.splitlines():
        m = re.search(r"\((NEEDED|RUNPATH|RPATH)\)\s+\S+.*\[(.*)\]", line)
        if not m:
            continue
        if m.group(1) == "NEEDED":
            needed.append(m.group(2))
        elif m.group(1) == "RUNPATH":
            runpath += [p for p in m.group(2).split(":") if p]
        else:
            rpath += [p for p in m.group(2).split(":") if p]
    return needed, runpath, rpath


def version_needs(path):
    """{'GLIBC': (2, 34), ...}: the newest version of each base library's symbols the file needs."""
    out = subprocess.run(["readelf", "-VW", path], capture_output=True, text=True).stdout
    newest = {}
    for name, ver in re.findall(r"Name: (GLIBC|GLIBCXX|CXXABI)_([\d.]+)", out):
        v = tuple(int(x) for x in ver.split("."))
        newest[name] = max(newest.get(name, v), v)
    return newest


def ldd(path, env=None):
    """{soname: resolved path} of the file's whole closure, as the system's loader finds it."""
    out = subprocess.run(["ldd", path], capture_output=True, text=True, env=env)
    found, missing = {}, []
    for line in out.stdout.splitlines():
        m = re.match(r"\s*(\S+) => (\S+) \(0x", line)
        if m:
            found[m.group(1)] = m.group(2)
        elif "=> not found" in line and line.split()[0] not in BASE:  # the driver, on a machine without a GPU
            missing.append(line.split()[0])
    if missing:
        raise Failure(f"{path}: the loader cannot find {', '.join(missing)}: build it in the environment it runs in")
    return found


def set_runpath(path, runpath):
    subprocess.run(["patchelf", "--set-rpath", runpath, path], check=True)


def copy_library(src, dest_dir, name, link_from=None):
    """dest_dir/name: a hard link to link_from/name when that exists (the same relocated file),
    otherwise a copy of src with RUNPATH $ORIGIN."""
    dest = os.path.join(dest_dir, name)
    if os.path.exists(dest):
        return dest
    if link_from and os.path.isfile(os.path.join(link_from, name)):
        os.link(os.path.join(link_from, name), dest)
        return dest
    shutil.copy2(os.path.realpath(src), dest + ".partial")
    os.chmod(dest + ".partial", 0o755)
    set_runpath(dest + ".partial", "$ORIGIN")
    os.replace(dest + ".partial", dest)
    return dest


def dlopened_companions(found):
    """The libraries LibTorch or cuDNN dlopen, from the folders of the libraries already found."""
    extra = {}
    for folder in sorted({os.path.dirname(os.path.realpath(p)) for p in found.values()} |
                         {os.path.dirname(p) for p in found.values()}):
        for name in sorted(os.listdir(folder)):
            if any(rx.match(name) for rx in DLOPENED) and name not in found:
                extra[name] = os.path.join(folder, name)
    return extra


def bundle(lib_dir, files, link_from=None):
    os.makedirs(lib_dir, exist_ok=True)
    libs = {}
    for f in files:
        libs.update(ldd(f))
    for name, path in dlopened_companions(libs).items():
        libs[name] = path
        libs.update(ldd(path))
    bundled = []
    for name, path in sorted(libs.items()):
        if name in BASE:
            continue
        copy_library(path, lib_dir, name, link_from)
        bundled.append(path)
    for f in files:
        rel = os.path.relpath(lib_dir, os.path.dirname(f))
        set_runpath(f, "$ORIGIN" if rel == "." else f"$ORIGIN/{rel}")
    return bundled


def record_line(root, rel):
    with open(os.path.join(root, rel), "rb") as f:
        data = f.read()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{rel},sha256={digest},{len(data)}"


def repair_wheel(wheel, out_dir, torch_lib=None):
    """The wheel with its extension's non-base, non-torch libraries inside; prints what it added.
    torch_lib: the folder of the LibTorch it was built against (site-packages/torch/lib), where the
    loader finds torch's libraries for ldd while the wheel lies unpacked elsewhere."""
    env = dict(os.environ)
    if torch_lib:
        env["LD_LIBRARY_PATH"] = torch_lib + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel) as z:
            z.extractall(tmp)
        exts = [p for p in elf_files(tmp) if p.endswith(".so")]
        if not exts:
            raise Failure(f"{wheel}: no extension module inside")
        libs_dir = os.path.join(tmp, "corridorkey_native.libs")
        os.makedirs(libs_dir, exist_ok=True)
        added = []
        for ext in exts:
            for name, path in sorted(ldd(ext, env).items()):
                if name in BASE or TORCH_PROVIDED.match(name):
                    continue
                copy_library(path, libs_dir, name)
                added.append(path)
            _, runpath, _ = dynamic(ext)
            rel = os.path.relpath(libs_dir, os.path.dirname(ext))
            keep = [p for p in runpath if p.startswith("$ORIGIN") and p != f"$ORIGIN/{rel}"]
            set_runpath(ext, ":".join([f"$ORIGIN/{rel}"] + keep))
        records = [p for p in (os.path.join(d, n) for d, _, ns in os.walk(tmp) for n in ns) if p.endswith("RECORD")]
        if len(records) != 1:
            raise Failure(f"{wheel}: expected one RECORD, found {len(records)}")
        record_rel = os.path.relpath(records[0], tmp)
        entries = sorted(os.path.relpath(os.path.join(d, n), tmp) for d, _, ns in os.walk(tmp) for n in ns)
        with open(records[0], "w") as f:
            for rel in entries:
                f.write((f"{rel},," if rel == record_rel else record_line(tmp, rel)) + "\n")
        os.makedirs(out_dir, exist_ok=True)
        out = os.path.join(out_dir, os.path.basename(wheel))
        partial = out + ".partial"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
            for rel in entries:
                z.write(os.path.join(tmp, rel), rel)
        os.replace(partial, out)
    return out, added


def resolve(needed, origin_dir, runpath, root):
    """Where ld.so would find `needed` through this RUNPATH, if inside root; None otherwise."""
    for entry in runpath:
        d = os.path.normpath(entry.replace("${ORIGIN}", origin_dir).replace("$ORIGIN", origin_dir))
        candidate = os.path.join(d, needed)
        if os.path.commonpath([os.path.realpath(candidate), root]) == root and os.path.isfile(candidate):
            return candidate
    return None


def check_tree(root, allowed_outside=None):
    """(problems [(file, message)], newest base symbol versions needed, ELF files checked) under root."""
    root = os.path.realpath(root)
    problems = []
    newest = {}
    count = 0
    for path in elf_files(root):
        count += 1
        rel = os.path.relpath(path, root)
        needed, runpath, rpath = dynamic(path)
        if rpath:
            problems.append((rel, f"has a DT_RPATH ({':'.join(rpath)}): only a $ORIGIN-relative RUNPATH is allowed"))
        for entry in runpath:
            if not entry.startswith(("$ORIGIN", "${ORIGIN}")):
                problems.append((rel, f"RUNPATH entry {entry} points outside the archive"))
        for name in needed:
            if name in BASE or (allowed_outside and allowed_outside.match(name)):
                continue
            if resolve(name, os.path.dirname(path), runpath, root) is None:
                problems.append((rel, f"needs {name}, which is neither in the archive (through its RUNPATH "
                                      f"{':'.join(runpath) or 'none'}) nor on the base list"))
        for k, v in version_needs(path).items():
            if v > MAX_VERSIONS[k]:
                problems.append((rel, f"needs {k}_{'.'.join(map(str, v))}, newer than the stated base "
                                      f"{k}_{'.'.join(map(str, MAX_VERSIONS[k]))}"))
            newest[k] = max(newest.get(k, v), v)
    return problems, newest, count


def check(root):
    problems, newest, count = check_tree(root)
    for d, _, names in os.walk(root):
        for n in names:
            if n.endswith(".whl"):
                with tempfile.TemporaryDirectory() as tmp:
                    with zipfile.ZipFile(os.path.join(d, n)) as z:
                        z.extractall(tmp)
                    wp, wn, _ = check_tree(tmp, TORCH_PROVIDED)
                    problems += [(f"{os.path.relpath(os.path.join(d, n), root)}!{f}", m) for f, m in wp]
                    for k, v in wn.items():
                        newest[k] = max(newest.get(k, v), v)
    for f, m in problems:
        print(f"{f}: {m}", file=sys.stderr)
    needs = ", ".join(f"{k} {'.'.join(map(str, v))}" for k, v in sorted(newest.items()))
    if problems:
        print(f"relocate.py check: {len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    print(f"relocate.py check: {count} ELF files under {root}: every library inside or on the base list; "
          f"newest base symbols needed: {needs}")
    return 0


def base_text():
    v = {k: ".".join(map(str, x)) for k, x in MAX_VERSIONS.items()}
    return ("What this archive needs of the machine (everything else is inside it):\n"
            f"- Linux x86-64 with glibc {v['GLIBC']} or newer: {', '.join(BASE_GLIBC)}\n"
            f"- GCC's C++ runtime from GCC 12 or newer (GLIBCXX_{v['GLIBCXX']}, CXXABI_{v['CXXABI']}): "
            f"{', '.join(BASE_GCC)}\n"
            f"- for --device cuda only: the NVIDIA driver ({', '.join(BASE_DRIVER)}), one that supports CUDA 13\n"
            "  (R580 or newer)\n"
            "Debian 12, Ubuntu 24.04, RHEL/Rocky 10 and newer have these; Ubuntu 22.04 (glibc 2.35) and\n"
            "RHEL 9 (glibc 2.34) do not.\n")


def owner(path):
    """(package, version, licence files) of the file: a Debian package or a Python distribution."""
    real = os.path.realpath(path)
    for candidate in dict.fromkeys([path, real, re.sub(r"^/usr/lib/", "/lib/", real), re.sub(r"^/lib/", "/usr/lib/", real)]):
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if out.returncode == 0:
            pkg = out.stdout.split(":")[0].strip()
            ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True).stdout
            return f"{pkg} (Debian)", ver, [f"/usr/share/doc/{pkg}/copyright"]
    site = real
    while site != "/" and not os.path.basename(site) in ("site-packages", "dist-packages"):
        site = os.path.dirname(site)
    if site != "/":
        rel = os.path.relpath(real, site)
        for info in sorted(os.listdir(site)):
            if not info.endswith(".dist-info"):
                continue
            record = os.path.join(site, info, "RECORD")
            listed = [line.split(",")[0] for line in open(record)] if os.path.exists(record) else []
            if rel in listed:
                # its licence files: in the dist-info or anywhere in the package (nvidia/*/LICENSE.txt)
                files = [os.path.join(site, p) for p in listed
                         if re.match(r"(?i)^(licen[cs]e|copying|notice)", os.path.basename(p))]
                name, _, ver = info[: -len(".dist-info")].partition("-")
                return f"{name} (PyPI wheel)", ver, sorted(files)
    raise Failure(f"{path}: cannot tell which Debian package or Python wheel it comes from, so not its licence")


def licenses(out, files, extra):
    groups = {}
    for f in files:
        key = owner(f)
        groups.setdefault((key[0], key[1], tuple(key[2])), []).append(os.path.basename(f))
    with open(out + ".partial", "w") as o:
        o.write("Third-party software in this archive, and the terms under which it is redistributed.\n"
                "Each section names the package the files came from, its version, the files, and its licence.\n"
                "NVIDIA's CUDA libraries (nvidia-* wheels) come under NVIDIA's licence terms for redistributable\n"
                "CUDA runtime components, reproduced in their sections.\n\n")
        for title, path in extra:
            o.write(f"{'=' * 78}\n{title}\n{'=' * 78}\n{open(path, errors='replace').read()}\n\n")
        for (pkg, ver, lic), names in sorted(groups.items()):
            o.write(f"{'=' * 78}\n{pkg} {ver}\nfiles: {', '.join(sorted(set(names)))}\n{'=' * 78}\n")
            if not lic:
                raise Failure(f"{pkg}: no licence file found")
            for path in lic:
                o.write(open(path, errors="replace").read() + "\n")
            o.write("\n")
    os.replace(out + ".partial", out)
    return len(groups)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    try:
        if argv[1] == "bundle":
            if len(argv) < 5 or argv[2] != "--lib":
                raise Failure("usage: relocate.py bundle --lib DIR [--link-from LIB] FILE...")
            link_from, files = None, argv[4:]
            if files[0] == "--link-from" and len(files) >= 3:
                link_from, files = files[1], files[2:]
            for path in bundle(argv[3], files, link_from):
                print(path)
            return 0
        if argv[1] == "wheel" and len(argv) in (4, 5):
            out, added = repair_wheel(argv[2], argv[3], argv[4] if len(argv) == 5 else None)
            for path in added:
                print(path)
            print(f"wrote {out}", file=sys.stderr)
            return 0
        if argv[1] == "base":
            print(base_text())
            return 0
        if argv[1] == "check" and len(argv) == 3:
            return check(argv[2])
        if argv[1] == "licenses" and len(argv) >= 4:
            extra = []
            files = []
            for a in argv[3:]:
                if "=" in a and a.split("=", 1)[1].startswith("/"):
                    extra.append(tuple(a.split("=", 1)))
                else:
                    files.append(a)
            n = licenses(argv[2], files, extra)
            print(f"wrote {argv[2]}: {n} packages, {len(extra)} vendored components")
            return 0
        raise Failure(f"unknown command {' '.join(argv[1:2])} (see --help)")
    except Failure as e:
        print(f"relocate.py: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
