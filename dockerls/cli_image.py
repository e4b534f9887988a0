"""``dockerls image REF`` (one base image's report) and ``dockerls lifecycle refresh``.

``image`` prints what dockerls knows of a base image: its release line and OS release with
their end-of-life dates and the suggested upgrade (offline, from the shipped lifecycle data),
and with ``--online`` also its vulnerabilities (SBOM attestation + OSV) and its leaner variants
with their sizes.  ``lifecycle refresh`` fetches the lifecycle data from endoflife.date into the
user cache, as the server does at most once a day.
"""

from __future__ import annotations

import argparse
import json
import re

from dockerls.image_intel import ImageIntel, IntelSettings
from dockerls.registry.endoflife import DEFAULT_URL as ENDOFLIFE_URL
from dockerls.registry.osv import DEFAULT_URL as OSV_URL
from dockerls.registry.settings import RegistrySettings

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ip = sub.add_parser(
        "image", help="report on one base image (lifecycle, vulnerabilities, variants)"
    )
    ip.add_argument("reference", help="an image reference, e.g. python:3.7-slim-buster")
    ip.add_argument(
        "--online", action="store_true", help="also ask the registry, OSV and endoflife.date"
    )
    ip.add_argument(
        "--platform", default=None, help="os/arch for the registry lookups (default linux/amd64)"
    )
    ip.add_argument("--json", action="store_true", help="print JSON")
    ip.add_argument("--osv-url", default=OSV_URL)
    ip.add_argument("--lifecycle-url", default=ENDOFLIFE_URL)
    ip.set_defaults(func=run_image)
    lp = sub.add_parser("lifecycle", help="lifecycle data (end-of-life dates)")
    lsub = lp.add_subparsers(dest="lifecycle_command")
    rp = lsub.add_parser("refresh", help="fetch the lifecycle data from endoflife.date now")
    rp.add_argument("--lifecycle-url", default=ENDOFLIFE_URL)
    rp.set_defaults(func=run_refresh)


def _intel(args: argparse.Namespace, online: bool) -> ImageIntel:
    settings = IntelSettings(
        lifecycle_url=args.lifecycle_url, osv_url=getattr(args, "osv_url", OSV_URL)
    )
    return ImageIntel(RegistrySettings(enabled=online), settings)


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 <\2>", markdown)
    return text.replace("**", "").replace("`", "")


def run_image(args: argparse.Namespace) -> int:
    from dockerls.features.baseimage import markdown, report_json

    intel = _intel(args, args.online)
    try:
        view = intel.view(args.reference, args.platform, lookups=args.online)
    finally:
        intel.close()
    if view is None:
        message = f"{args.reference}: not a base image dockerls knows the lifecycle of"
        print(json.dumps({"image": args.reference, "known": False}) if args.json else message)
        return 1
    if args.json:
        print(json.dumps(report_json(view), indent=2))
    else:
        print(_plain(markdown(view)))
    return 0


def run_refresh(args: argparse.Namespace) -> int:
    intel = _intel(args, True)
    try:
        updated = intel.refresh_lifecycle(force=True)
    finally:
        intel.close()
    total = len(intel.data.products)
    print(f"lifecycle data: {len(updated)} of {total} products updated from {args.lifecycle_url}")
    return 0 if updated else 1
