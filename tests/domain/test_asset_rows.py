"""Reading an asset register's rows: every bad row named by its row number, nothing read from a bad file."""

from __future__ import annotations

from casework.domain.assets import Problem, read_entries

UNITS = {"K1": 1, "S1": 2}
HEADER = ["单位编码", "类型", "名称", "编号", "电压等级", "所属线路", "村", "资产状态"]


def test_a_good_file_reads_every_entry_and_ignores_unknown_columns() -> None:
    rows = [HEADER, ["K1", "线路", "10kV河西线", "L001", "10kV", "", "", "在运"],
            ["S1", "台区", "河西村台区", "T-3", "0.4kV", "10kV河西线", "河西村", "在运"],
            ["", "杆塔", "河西线#12", 12.0, None, "10kV河西线", "", ""], ["", "", "", "", "", "", "", ""]]
    entries, problems = read_entries(rows, default_unit="K1", allowed_units=UNITS)
    assert problems == []
    assert [(e.line, e.unit_code, e.kind, e.name) for e in entries] == [
        (2, "K1", "line", "10kV河西线"), (3, "S1", "district", "河西村台区"), (4, "K1", "tower", "河西线#12")]
    assert entries[2].code == "12" and entries[1].village == "河西村" and entries[1].line_name == "10kV河西线"


def test_english_headers_are_read_too() -> None:
    rows = [["unit_code", "kind", "name", "voltage"], ["S1", "district", "Hexi village", "0.4kV"]]
    entries, problems = read_entries(rows, default_unit="K1", allowed_units=UNITS)
    assert problems == [] and entries[0].kind == "district" and entries[0].voltage == "0.4kV"


def test_each_bad_row_is_reported_with_its_row_number_and_nothing_is_read() -> None:
    rows = [HEADER, ["K1", "线路", "10kV河西线"], ["K1", "变电站", "河西变"], ["K1", "台区", ""],
            ["K2", "台区", "外单位台区"], ["K1", "线路", "10kV河西线"], ["K1", "台区", "好的台区"]]
    entries, problems = read_entries(rows, default_unit="K1", allowed_units=UNITS)
    assert entries == []
    assert problems == [Problem(3, "kind_unknown", "变电站"), Problem(4, "name_missing"),
                        Problem(5, "unit_outside", "K2"), Problem(6, "duplicate", "2")]


def test_a_file_without_the_required_columns_is_refused_at_its_header() -> None:
    entries, problems = read_entries([["单位编码", "名字"], ["K1", "x"]], default_unit="K1", allowed_units=UNITS)
    assert entries == [] and problems == [Problem(1, "missing_column", "类型"), Problem(1, "missing_column", "名称")]
    assert read_entries([], default_unit="K1", allowed_units=UNITS)[1] == [Problem(0, "empty_file")]
    assert read_entries([HEADER], default_unit="K1", allowed_units=UNITS)[1] == [Problem(0, "no_rows")]
