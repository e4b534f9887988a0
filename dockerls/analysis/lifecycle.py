"""Release lifecycles: the typed form of endoflife.date's data, and what a date means for it.

``LifecycleData`` is an outside fact: the shipped snapshot (``dockerls/data/lifecycle.json``,
made by ``scripts/gen_lifecycle.py`` from endoflife.date's product pages) or a newer copy the
server fetched from endoflife.date's API.  Loading either is IO and lives outside this layer
(``dockerls.lifecycle_store``); here are only values and pure functions over them.

Field meanings follow endoflife.date: ``eol`` is the end of the support a user can rely on
(for Debian the end of regular security support, for Ubuntu the end of standard support);
``extended`` (endoflife.date's ``eoes``) is the end of extended support (Debian LTS, Ubuntu
ESM).  Whether images still get rebuilt during extended support is a per-product fact
(``Product.extended_is_public``): Debian LTS updates reach the official images, Ubuntu ESM
needs Ubuntu Pro and does not.

Pure: no IO, no LSP types.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = [
    "LifecycleData",
    "LifecycleFacts",
    "Product",
    "Release",
    "Support",
    "SupportState",
    "support_state",
]


def _date(value: Any) -> dt.date | bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class Release(NamedTuple):
    """One release line (endoflife.date's "release cycle").

    ``eol``/``extended``/``lts``: a date, ``True`` (already so, date unknown) or ``False``
    (not so); ``extended`` and ``lts`` may also be ``None`` (the product has no such phase).
    """

    cycle: str
    codename: str | None = None
    released: dt.date | None = None
    eol: dt.date | bool = False
    extended: dt.date | bool | None = None
    lts: dt.date | bool = False
    latest: str | None = None
    latest_date: dt.date | None = None

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.cycle.split("."))

    def is_lts(self, today: dt.date) -> bool:
        """LTS now: ``lts: true``, or an LTS start date that has passed (Node.js)."""
        if isinstance(self.lts, bool):
            return self.lts
        return self.lts <= today

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Release:
        eol = _date(raw.get("eol"))
        released = _date(raw.get("released"))
        latest_date = _date(raw.get("latest_date"))
        return cls(
            cycle=str(raw["cycle"]),
            codename=raw.get("codename"),
            released=released if isinstance(released, dt.date) else None,
            eol=False if eol is None else eol,
            extended=_date(raw.get("extended")),
            lts=_date(raw.get("lts")) or False,
            latest=raw.get("latest"),
            latest_date=latest_date if isinstance(latest_date, dt.date) else None,
        )


@dataclass(frozen=True, slots=True)
class Product:
    """An endoflife.date product and its release lines, newest first."""

    slug: str
    label: str
    releases: tuple[Release, ...]
    extended_is_public: bool = False
    as_of: dt.date = dt.date.min  # the day the data was published or fetched
    source: str = "snapshot"  # "snapshot" (shipped) or "endoflife.date" (fetched)
    # the releases by their cycle's parts, numbers as numbers (the first of equal ones):
    # built when first asked (``release``), not part of the value
    by_parts: dict[tuple[int | str, ...], Release] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def release(self, version: Sequence[str]) -> Release | None:
        """The release line a version belongs to: the longest cycle that prefixes it.

        ``("3", "7", "2")`` -> cycle ``3.7``; ``("6", "0")`` -> cycle ``6`` (.NET);
        ``("18", "04")`` -> ``18.04``.  Numeric parts compare as numbers (``04`` = ``4``).
        """
        index = self.by_parts
        if index is None:
            index = {}
            for release in self.releases:
                index.setdefault(tuple(map(_part_key, release.parts)), release)
            object.__setattr__(self, "by_parts", index)
        key = tuple(map(_part_key, version))
        for n in range(len(key), 0, -1):
            found = index.get(key[:n])
            if found is not None:
                return found
        return None


def _part_key(part: str) -> int | str:
    """A cycle or version part as it compares: digits as their number."""
    if part.isdigit():
        try:
            return int(part)
        except ValueError:  # a digit int() doesn't read (superscripts): compared as written
            return part
    return part


class LifecycleData(NamedTuple):
    """Products by endoflife.date slug, and how old the data is."""

    products: Mapping[str, Product]
    as_of: dt.date  # the snapshot's date; a fetched product carries its own

    def product(self, slug: str) -> Product | None:
        return self.products.get(slug)

    def with_product(self, product: Product) -> LifecycleData:
        products = dict(self.products)
        products[product.slug] = product
        return LifecycleData(products, self.as_of)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> LifecycleData:
        as_of = _date(raw.get("as_of"))
        day = as_of if isinstance(as_of, dt.date) else dt.date.min
        products: dict[str, Product] = {}
        for slug, entry in raw.get("products", {}).items():
            products[slug] = Product(
                slug=slug,
                label=str(entry.get("label", slug)),
                releases=tuple(Release.from_json(r) for r in entry.get("releases", ())),
                extended_is_public=bool(entry.get("extended_is_public", False)),
                as_of=day,
            )
        return cls(products, day)


class Support(enum.Enum):
    """Where a release line stands on a given day."""

    SUPPORTED = "supported"
    ENDING = "ending"  # supported, but the end is within the warning window
    EXTENDED = "extended"  # regular support over; public extended support (Debian LTS) goes on
    ENDED = "ended"


class SupportState(NamedTuple):
    """Where a release line stands on a day, and the end that decides it."""

    support: Support
    ends: dt.date | None  # the end that matters for ``support`` (None: unknown or none set)
    regular_end: dt.date | None  # the end of regular support, when known


def support_state(
    product: Product, release: Release, today: dt.date, warn_days: int
) -> SupportState:
    """The support state of ``release`` on ``today``.

    A release past ``eol`` whose product publishes extended support to everyone (Debian LTS)
    is ``EXTENDED`` until that ends.  Extended support that needs a subscription (Ubuntu ESM)
    does not count: the official images stop at ``eol``.
    """
    regular = release.eol if isinstance(release.eol, dt.date) else None
    regular_over = release.eol is True or (regular is not None and regular <= today)
    if not regular_over:
        if regular is not None and (regular - today).days <= warn_days:
            return SupportState(Support.ENDING, regular, regular)
        return SupportState(Support.SUPPORTED, regular, regular)
    extended = release.extended
    if product.extended_is_public and extended is not None and extended is not False:
        ext_date = extended if isinstance(extended, dt.date) else None
        if extended is not True and ext_date is not None and ext_date > today:
            return SupportState(Support.EXTENDED, ext_date, regular)
        return SupportState(Support.ENDED, ext_date or regular, regular)
    return SupportState(Support.ENDED, regular, regular)


class LifecycleFacts(NamedTuple):
    """The lifecycle fact the engine gets: the data, and the day to judge it on."""

    data: LifecycleData
    today: dt.date
