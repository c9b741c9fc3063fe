"""The demo counties' asset registers: the lines, 台区 and towers the demo's claims happen on, imported as
each county's first version through the same import as a real export (CSV, Chinese headers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casework.assets.service import import_register
from casework.auth.models import Unit

HEADER = ("单位编码", "类型", "名称", "编号", "电压等级", "所属线路", "村")

# county code → rows (unit code, kind, name, asset number, voltage, line, village). Every name is invented.
REGISTERS: dict[str, tuple[tuple[str, str, str, str, str, str, str], ...]] = {
    "DEMO-JC-QS": (
        ("DEMO-JC-QS-01", "线路", "10kV东岗线", "QS-XL-001", "10kV", "", "东岗村"),
        ("DEMO-JC-QS-01", "线路", "10kV青山线", "QS-XL-002", "10kV", "", "柳湾村"),
        ("DEMO-JC-QS-02", "线路", "10kV石桥线", "QS-XL-003", "10kV", "", "石桥村"),
        ("DEMO-JC-QS-01", "台区", "东岗村台区", "QS-TQ-011", "0.4kV", "10kV东岗线", "东岗村"),
        ("DEMO-JC-QS-01", "台区", "柳湾村台区", "QS-TQ-012", "0.4kV", "10kV青山线", "柳湾村"),
        ("DEMO-JC-QS-01", "台区", "杨庄村台区", "QS-TQ-015", "0.4kV", "10kV东岗线", "杨庄村"),
        ("DEMO-JC-QS-01", "台区", "桃园村台区", "QS-TQ-016", "0.4kV", "10kV青山线", "桃园村"),
        ("DEMO-JC-QS-01", "台区", "青山镇人民路台区", "QS-TQ-013", "0.4kV", "10kV青山线", "青山镇"),
        ("DEMO-JC-QS-02", "台区", "石桥村台区", "QS-TQ-021", "0.4kV", "10kV石桥线", "石桥村"),
        ("DEMO-JC-QS-02", "台区", "前进村台区", "QS-TQ-022", "0.4kV", "10kV石桥线", "前进村"),
        ("DEMO-JC-QS-01", "台区", "青山镇新街台区", "QS-TQ-014", "0.4kV", "10kV青山线", "青山镇"),
        ("DEMO-JC-QS-02", "台区", "石桥镇集镇台区", "QS-TQ-023", "0.4kV", "10kV石桥线", "石桥镇"),
        ("DEMO-JC-QS-02", "台区", "石桥镇新村台区", "QS-TQ-024", "0.4kV", "10kV石桥线", "新村"),
        ("DEMO-JC-QS-01", "杆塔", "东岗线#08", "QS-GT-0108", "10kV", "10kV东岗线", "杨庄村"),
        ("DEMO-JC-QS-01", "杆塔", "青山线#09", "QS-GT-0209", "10kV", "10kV青山线", "柳湾村"),
        ("DEMO-JC-QS-01", "杆塔", "青山线#17", "QS-GT-0217", "10kV", "10kV青山线", "桃园村"),
        ("DEMO-JC-QS-02", "杆塔", "石桥线#23", "QS-GT-0323", "10kV", "10kV石桥线", "前进村"),
        ("DEMO-JC-QS-02", "杆塔", "石桥线#41", "QS-GT-0341", "10kV", "10kV石桥线", "石桥村"),
    ),
    "DEMO-JC-BS": (
        ("DEMO-JC-BS-01", "线路", "10kV河西线", "BS-XL-001", "10kV", "", "河西村"),
        ("DEMO-JC-BS-01", "线路", "10kV白水线", "BS-XL-002", "10kV", "", "白水镇"),
        ("DEMO-JC-BS-01", "台区", "河西村台区", "BS-TQ-011", "0.4kV", "10kV河西线", "河西村"),
        ("DEMO-JC-BS-01", "台区", "白水镇南街台区", "BS-TQ-012", "0.4kV", "10kV白水线", "白水镇"),
        ("DEMO-JC-BS-01", "台区", "白水镇北街台区", "BS-TQ-013", "0.4kV", "10kV白水线", "白水镇"),
        ("DEMO-JC-BS-01", "台区", "河东村台区", "BS-TQ-014", "0.4kV", "10kV河西线", "河东村"),
        ("DEMO-JC-BS-01", "杆塔", "河西线#12", "BS-GT-0112", "10kV", "10kV河西线", "河西村"),
        ("DEMO-JC-BS-01", "杆塔", "白水线#05", "BS-GT-0205", "10kV", "10kV白水线", "白水镇"),
    ),
    "DEMO-HK-LL": (
        ("DEMO-HK-LL-01", "线路", "10kV柳林线", "LL-XL-001", "10kV", "", "柳林镇"),
        ("DEMO-HK-LL-01", "台区", "新华街台区", "LL-TQ-011", "0.4kV", "10kV柳林线", "柳林镇"),
        ("DEMO-HK-LL-01", "台区", "柳林镇东街台区", "LL-TQ-012", "0.4kV", "10kV柳林线", "柳林镇"),
        ("DEMO-HK-LL-01", "杆塔", "柳林线#03", "LL-GT-0103", "10kV", "10kV柳林线", "柳林镇"),
    ),
}


# The 台区 the demo's other claims name, two per station, none of them a repeat: each takes at most two
# claims of a category, so the repeats the analytics find are only the ones demo.patterns made.
QUIET = {"DEMO-JC-QS-01": ("青山镇人民路台区", "青山镇新街台区"), "DEMO-JC-QS-02": ("石桥镇集镇台区", "石桥镇新村台区"),
         "DEMO-JC-BS-01": ("白水镇北街台区", "河东村台区"), "DEMO-HK-LL-01": ("新华街台区", "柳林镇东街台区")}
SUPPLY = frozenset({"appliance", "outage", "power_quality", "service_dispute"})  # claims about a household's supply


def register_csv(county: str) -> bytes:
    lines = [",".join(HEADER), *(",".join(row) for row in REGISTERS[county])]
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_demo_registers(session: Session, admin: Any, units: dict[str, Unit], *, now: datetime) -> int:
    """Each county's register as its version 1, imported by the administrator (audited like any import)."""
    rows = 0
    for county in REGISTERS:
        done = import_register(session, admin, units[county], register_csv(county),
                               source_name=f"{units[county].name}资产台账.csv", now=now)
        rows += done.rows
    return rows
