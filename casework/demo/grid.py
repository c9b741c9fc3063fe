"""The benchmark seeder's grid: a generated asset register per station, and places drawn from it with a skew.

Claims on a real network bunch up: a few 台区 and lines with an old transformer or a storm-prone span produce
most of them, and most places see one claim in years. Drawing every place with a Zipf-like weight (rank k has
weight 1/k^s) gives the analytics' rectification list real hotspots to rank and a long tail to leave out.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field

PLACES = "前后东西南北上下大小新老高低长青白石柳杨李张王河湖山岗营庄桥湾塘坪"
VILLAGE_ENDS = ("村", "庄", "营", "屯", "湾村", "岗村", "桥村")
VOLTAGE = "10 kV"
TOWERS_PER_LINE = 60
#: How steep the skew is: at 1.2 the busiest of 100 台区 draws about 28 % of the claims, the 100th about 0.1 %.
SKEW = 1.2


@dataclass(frozen=True)
class District:
    name: str  # 河西村台区
    village: str  # 河西村
    line: str  # the line that feeds it


@dataclass
class Register:
    """One station's lines, 台区 and towers, in the order of their weight (first = busiest)."""

    lines: list[str]
    districts: list[District]
    villages: list[str]  # villages without a 台区 of their own too: the case's address draws from these
    _line_cum: list[float] = field(default_factory=list, repr=False)
    _district_cum: list[float] = field(default_factory=list, repr=False)
    _tower_cum: list[float] = field(default_factory=list, repr=False)
    _village_cum: list[float] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._line_cum = _cumulative(len(self.lines))
        self._district_cum = _cumulative(len(self.districts))
        self._tower_cum = _cumulative(TOWERS_PER_LINE)
        self._village_cum = _cumulative(len(self.villages))

    def line(self, rng: random.Random) -> str:
        return self.lines[_pick(rng, self._line_cum)]

    def district(self, rng: random.Random) -> District:
        return self.districts[_pick(rng, self._district_cum)]

    def village(self, rng: random.Random) -> str:
        return self.villages[_pick(rng, self._village_cum)]

    def tower(self, rng: random.Random, line: str) -> str:
        # Each line's busiest tower is a different number: the rank is shifted by the line's own offset.
        rank = _pick(rng, self._tower_cum)
        number = (rank + sum(map(ord, line)) * 7) % TOWERS_PER_LINE + 1
        return tower_name(line, number)

    def towers(self) -> list[tuple[str, str]]:
        """Every tower of the register: (line, tower name)."""
        return [(line, tower_name(line, n)) for line in self.lines for n in range(1, TOWERS_PER_LINE + 1)]


def tower_name(line: str, number: int) -> str:
    return f"{line.removeprefix(VOLTAGE).strip()}{number:02d}号"  # 10 kV 河西线 → 河西线07号


def _cumulative(n: int) -> list[float]:
    return list(itertools.accumulate(1 / (k + 1) ** SKEW for k in range(n)))


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


def registers(rng: random.Random, count: int) -> list[Register]:
    """`count` station registers with names unique within each: 8–15 lines, 60–150 台区, 60 towers a line."""
    words = [a + b for a in PLACES for b in PLACES if a != b]
    out = []
    for _ in range(count):
        names = rng.sample(words, 15 + 150 + 60)
        lines = [f"{VOLTAGE} {name}线" for name in names[:rng.randint(8, 15)]]
        villages = [name + rng.choice(VILLAGE_ENDS) for name in names[15:]]
        with_district = villages[:rng.randint(60, 150)]
        districts = [District(f"{village}台区", village, rng.choice(lines)) for village in with_district]
        rng.shuffle(villages)  # a village's weight as an address need not be its 台区's weight
        out.append(Register(lines, districts, villages))
    return out
