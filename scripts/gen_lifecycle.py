#!/usr/bin/env python3
"""Generate dockerls/data/lifecycle.json from endoflife.date's product pages.

The pages are in ``../shared/endoflife/products`` (from the repository root); each starts with
YAML front matter whose ``releases:`` list gives each release cycle's dates.  The snapshot keeps,
for the products the curated image table needs (``imagetags.snapshot_products()``), only what the
lifecycle rules read.  endoflife.date's data is MIT-licensed: its notice is shipped beside the
snapshot (``dockerls/data/ENDOFLIFE-LICENSE``).

    python scripts/gen_lifecycle.py           # write the snapshot and the notice
    python scripts/gen_lifecycle.py --check   # exit 1 when the shipped files are stale
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dockerls.analysis.imagetags import PUBLIC_EXTENDED, snapshot_products  # noqa: E402

SOURCE = ROOT.parent / "shared" / "endoflife"
OUT = ROOT / "dockerls" / "data" / "lifecycle.json"
NOTICE = ROOT / "dockerls" / "data" / "ENDOFLIFE-LICENSE"


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---", text, re.S)
    if match is None:
        raise SystemExit(f"{path}: no front matter")
    data = yaml.safe_load(match.group(1))
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: front matter is not a mapping")
    return data


def release(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"cycle": str(raw["releaseCycle"])}
    fields = {
        "codename": "codename",
        "releaseDate": "released",
        "eol": "eol",
        "eoes": "extended",
        "lts": "lts",
        "latest": "latest",
        "latestReleaseDate": "latest_date",
    }
    for source, target in fields.items():
        if raw.get(source) is not None:
            out[target] = _value(raw[source])
    return out


def as_of() -> str:
    readme = (SOURCE / "README.md").read_text(encoding="utf-8")
    match = re.search(r"\((\d{4}-\d{2}-\d{2})\)", readme)
    commit = re.search(r"commit\s+([0-9a-f]{40})", readme)
    if match is None or commit is None:
        raise SystemExit("endoflife README: no snapshot date or commit")
    return f"{match.group(1)} {commit.group(1)}"


def build() -> tuple[str, str]:
    date, commit = as_of().split()
    products: dict[str, Any] = {}
    for slug in snapshot_products():
        data = front_matter(SOURCE / "products" / f"{slug}.md")
        entry: dict[str, Any] = {
            "label": data.get("title", slug),
            "releases": [release(r) for r in data.get("releases", [])],
        }
        if slug in PUBLIC_EXTENDED:
            entry["extended_is_public"] = True
        products[slug] = entry
    doc = {
        "source": "https://endoflife.date",
        "commit": commit,
        "as_of": date,
        "license": "MIT, see ENDOFLIFE-LICENSE",
        "products": products,
    }
    snapshot = json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n"
    notice = (SOURCE / "LICENSE").read_text(encoding="utf-8")
    return snapshot, notice


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the files are stale")
    args = parser.parse_args()
    snapshot, notice = build()
    if args.check:
        stale = [
            str(path.relative_to(ROOT))
            for path, text in ((OUT, snapshot), (NOTICE, notice))
            if not path.exists() or path.read_text(encoding="utf-8") != text
        ]
        if stale:
            print("stale: " + ", ".join(stale) + " (run scripts/gen_lifecycle.py)")
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(snapshot, encoding="utf-8")
    NOTICE.write_text(notice, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(snapshot)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
