"""`casework recheck` reports in the officer's words: outcome labels and yuan, and a case never checked as
（未审查）, never "None None" (issue 14)."""

from __future__ import annotations

from flask import Flask

from casework.domain.access import Role
from tests.factories import FRIDGE, UTILITY, load_rule_table, make_case, make_units, make_user


def test_a_case_never_checked_is_reported_in_words(app: Flask) -> None:
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    case = make_case(units["S1"], field, circumstances=UTILITY, facts=FRIDGE)  # registered, never checked
    load_rule_table()
    result = app.test_cli_runner().invoke(args=["recheck"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith(case.number))
    assert line.startswith(f"{case.number}: （未审查） → 应当赔偿 ¥") and "None" not in line, line
