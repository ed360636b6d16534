#!/usr/bin/env python3
"""Writes the ACES 1.3 studio config for OpenColorIO 2.1 that CorridorKey bundles.

The config ("studio-config-v1.0.0_aces-v1.3_ocio-v2.1", made by the ASWF's
OpenColorIO-Config-ACES project, BSD-3-Clause) is built into the `opencolorio` wheel from PyPI
(pinned in scripts/requirements.txt); this serialises it, with the wheel's licence beside it, so
that the Debian OpenColorIO library (2.1) the engine links reads it as a file.

    write_aces_config.py OUT_DIR
"""
import pathlib
import sys
from importlib import metadata

import PyOpenColorIO as ocio

NAME = "studio-config-v1.0.0_aces-v1.3_ocio-v2.1"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    config = ocio.Config.CreateFromBuiltinConfig(NAME)
    config.validate()
    (out / f"{NAME}.ocio").write_text(config.serialize())
    dist = metadata.distribution("opencolorio")
    licences = [f for f in (dist.files or []) if "licen" in f.name.lower() or "copying" in f.name.lower()]
    text = "".join(pathlib.Path(dist.locate_file(f)).read_text() for f in licences)
    (out / "LICENSE").write_text(
        f"{NAME}.ocio: the ACES 1.3 studio config of the OpenColorIO-Config-ACES project (BSD-3-Clause),\n"
        f"as built into opencolorio {dist.version} from PyPI and written out by scripts/write_aces_config.py.\n\n"
        + text)
    print(f"wrote {out / (NAME + '.ocio')} (opencolorio {dist.version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
