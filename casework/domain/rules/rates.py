"""Local compensation rate tables (青苗 per mu, trees per tree) with effective dates.

土地管理法 第四十八条 leaves 地上附着物和青苗 standards to each province, so the engine never
holds a national constant: a missing rate is a missing fact, never a made-up number. A schedule marked
`fictional` (the bundled demo table) is not a published standard either: only a demo instance may take an
amount from it (and says so); elsewhere its rate is refused like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from casework.domain.money import format_money, parse_money

_KINDS = {"crop": ("crop", "growth_stage", "rate_per_mu"), "trees": ("species", "size", "rate_per_tree")}


@dataclass(frozen=True)
class RateEntry:
    """One rate: region × item (crop or species) × grade (growth stage or size), dated."""

    kind: str
    region: str
    item: str
    grade: str | None
    rate: Decimal
    effective_from: date
    effective_to: date | None = None

    def in_force(self, on: date) -> bool:
        """Whether the rate applies to an event on `on`."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the table file's shape."""
        item_key, grade_key, rate_key = _KINDS[self.kind]
        return {
            "region": self.region,
            item_key: self.item,
            grade_key: self.grade,
            rate_key: format_money(self.rate),
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
        }


def _region_chain(region: str) -> tuple[str, ...]:
    """County code, then its city (XXXX00), then its province (XX0000): the nearest schedule wins."""
    if len(region) != 6 or not region.isdigit():
        return (region,)
    chain = [region, region[:4] + "00", region[:2] + "0000"]
    return tuple(dict.fromkeys(chain))


@dataclass(frozen=True)
class RateTable:
    """A named schedule; `fictional`/`verified` marks travel into every assessment that uses it."""

    id: str
    label_zh: str
    fictional: bool
    verified: bool
    entries: tuple[RateEntry, ...]
    source: str = ""
    _index: dict[tuple[str, str, str, str | None], tuple[RateEntry, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[tuple[str, str, str, str | None], list[RateEntry]] = {}
        for entry in self.entries:
            index.setdefault((entry.kind, entry.region, entry.item, entry.grade), []).append(entry)
        self._index.update({k: tuple(v) for k, v in index.items()})

    def lookup(self, kind: str, region: str, item: str, grade: str | None, on: date) -> RateEntry | None:
        """The rate in force on `on`; an exact grade first, then a rate for any grade."""
        grades = (grade, None) if grade else (None,)
        for code in _region_chain(region):
            for g in grades:
                for entry in self._index.get((kind, code, item, g), ()):
                    if entry.in_force(on):
                        return entry
        return None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RateTable:
        """Build from the file shape: metadata plus `crop` and `trees` lists."""
        entries: list[RateEntry] = []
        for kind, (item_key, grade_key, rate_key) in _KINDS.items():
            for row in data.get(kind, ()):
                end = row.get("effective_to")
                entries.append(
                    RateEntry(
                        kind=kind,
                        region=str(row["region"]),
                        item=str(row[item_key]),
                        grade=row.get(grade_key) or None,
                        rate=parse_money(row[rate_key]),
                        effective_from=date.fromisoformat(row["effective_from"]),
                        effective_to=date.fromisoformat(end) if end else None,
                    )
                )
        if not isinstance(data.get("verified"), bool) or not isinstance(data.get("fictional"), bool):
            raise ValueError(f"rate table {data.get('id')!r}: verified and fictional must be booleans")
        return cls(
            id=str(data["id"]),
            label_zh=str(data.get("label_zh", "")),
            fictional=data["fictional"],
            verified=data["verified"],
            entries=tuple(entries),
            source=str(data.get("source", "")),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data that `from_dict` reads back."""
        out: dict[str, Any] = {
            "id": self.id,
            "label_zh": self.label_zh,
            "fictional": self.fictional,
            "verified": self.verified,
            "source": self.source,
        }
        for kind in _KINDS:
            out[kind] = [e.to_dict() for e in self.entries if e.kind == kind]
        return out


@dataclass(frozen=True)
class RateChoice:
    """The rate a claim gets from the schedules, or why it gets none."""

    entry: RateEntry | None = None
    table: RateTable | None = None
    #: A fictional schedule that held a rate for the claim, refused because the instance is not a demo.
    refused: RateTable | None = None


def choose_rate(tables: Iterable[RateTable], kind: str, region: str, item: str, grade: str | None, on: date, *,
                demo: bool) -> RateChoice:
    """The rate in force on `on` for region × item × grade: a real (imported) schedule first; a fictional one only
    on a demo instance — elsewhere a fictional rate is refused (土地管理法 第四十八条: the standard is the province's
    published one, and invented figures are none)."""
    refused: RateTable | None = None
    for table in sorted(tables, key=lambda t: t.fictional):  # stable: real schedules in table order, then demo ones
        entry = table.lookup(kind, region, item, grade, on)
        if entry is None:
            continue
        if table.fictional and not demo:
            refused = refused or table
            continue
        return RateChoice(entry, table)
    return RateChoice(refused=refused)
