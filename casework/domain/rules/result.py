"""The typed shape of an assessment result (spec/assessment.md "Output"), and how its closing line reads.

TypedDicts, not dataclasses: the engine already builds plain dicts in the contract's key order, which
`casework assess`, the HTTP API and the stored snapshots serialise as they are; typing them costs nothing
at run time, cannot change a byte, and describes a snapshot read back from the database just as well.
"""

from __future__ import annotations

from typing import Final, Literal, NotRequired, TypeAlias, TypedDict

Outcome: TypeAlias = Literal[
    "liable", "not_liable", "reduced", "time_barred", "outside_service_boundary", "insufficient_facts"]
#: What a rule row came to, in `rule_results`.
RuleState: TypeAlias = Literal["applies", "not_applicable", "undetermined"]

LIABLE: Final = "liable"
NOT_LIABLE: Final = "not_liable"
REDUCED: Final = "reduced"
TIME_BARRED: Final = "time_barred"
OUTSIDE: Final = "outside_service_boundary"
INSUFFICIENT: Final = "insufficient_facts"


class Citation(TypedDict):
    """A provision: `version` only where the instrument has two versions in force at different times."""

    instrument: str
    article: str
    version: NotRequired[str]


class Item(TypedDict):
    """One appliance's amount and how it was reached (repair, full_price, depreciated, floor_10pct)."""

    name: str
    amount: str
    method: str


class Deadline(TypedDict):
    """A deadline the rules create, with the provision that sets it."""

    kind: str
    due: str
    citation: Citation | None


class AssessmentResult(TypedDict):
    """One result object, keys in the order they are printed."""

    outcome: Outcome
    amount: str | None
    items: list[Item]
    citations: list[Citation]
    flags: list[str]
    missing_facts: list[str]
    deadlines: list[Deadline]
    rule_table_version: str
    explanation: list[str]
    #: An extension of the contract: each rule row's result key (`id` or `id#variant`) → what it came to.
    rule_results: dict[str, RuleState]
    #: Extensions: the explanation in English, line for line, and for each rule result key one sentence
    #: applying that rule to this claim's facts ({"zh": …, "en": …}), for letters a lawyer would sign.
    explanation_en: NotRequired[list[str]]
    findings: NotRequired[dict[str, dict[str, str]]]
    #: Extension: what the officer must check against the official text before deciding ({"zh": …, "en": …}
    #: each), present only when the `unverified_parameter` flag is raised.
    to_verify: NotRequired[list[dict[str, str]]]


#: "第1步：" … prefixes of explanation lines, built once rather than formatted for every line of every case.
_STEP_PREFIXES = tuple(f"第{i}步：" for i in range(1, 101))


def numbered(steps: list[str]) -> list[str]:
    """The explanation lines, numbered from 1."""
    if len(steps) > len(_STEP_PREFIXES):
        return [f"第{i}步：{text}" for i, text in enumerate(steps, 1)]
    return [prefix + text for prefix, text in zip(_STEP_PREFIXES, steps, strict=False)]


_STEP_PREFIXES_EN = tuple(f"Step {i}: " for i in range(1, 101))


def numbered_en(steps: list[str]) -> list[str]:
    """The English lines, numbered from 1 like the Chinese ones."""
    if len(steps) > len(_STEP_PREFIXES_EN):
        return [f"Step {i}: {text}" for i, text in enumerate(steps, 1)]
    return [prefix + text for prefix, text in zip(_STEP_PREFIXES_EN, steps, strict=False)]
