"""The evidence each kind of claim needs: checklists per category, and what is still missing.

An item's `basis` names the rule of the rule table that requires it (家电办法 第五条 requires the
registration record signed by the resident), so the page and the dossier quote the law from one place;
items without a basis are the legal department's own practice for proving a claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    kind: str
    required: bool
    basis: str | None = None  # a rule id of the rule table


def _req(kind: str, basis: str | None = None) -> Item:
    return Item(kind, True, basis)


def _opt(kind: str, basis: str | None = None) -> Item:
    return Item(kind, False, basis)


# The file types evidence may be, judged by content (evidence/inspect), with the extension a download gets.
MEDIA_TYPES: dict[str, str] = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "video/mp4": ".mp4",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

OTHER = "other"

CHECKLISTS: dict[str, tuple[Item, ...]] = {
    "appliance": (
        _req("registration_record", "ha_register_evidence"),  # 登记笔录, signed by the resident
        _req("appliance_photos", "ha_register_evidence"),
        _req("purchase_proof", "ha_no_invoice"),  # the invoice, or other proof of price and purchase date
        _req("repair_assessment", "ha_repair"),  # repairable or not, and at what cost
        _opt("complaint_record", "ha_report_7d"),  # when the resident reported: the 7-day window
    ),
    "outage": (
        _req("outage_record", "no_notice_outage"),
        _req("notice_record", "notice_planned_7d"),
        _req("consumption_history"),
        _req("loss_proof", "property_damage_measure"),
    ),
    "power_quality": (
        _req("quality_measurement", "quality_breach"),
        _req("loss_proof", "property_damage_measure"),
        _opt("consumption_history"),
        _opt("damage_photos"),
    ),
    "crop": (
        _req("site_photos", "crop_damage_construction"),
        _req("area_measurement", "crop_damage_construction"),
        _req("land_contract", "crop_payee"),  # who farms the land is who is paid
        _req("rate_schedule", "crop_rate_local"),
    ),
    "trees": (
        _req("site_photos", "trees_new_in_zone"),
        _req("tree_inventory", "trees_clearance_cost"),
        _req("ownership_proof"),
        _req("rate_schedule", "crop_rate_local"),
        _opt("planting_date_proof", "trees_preexisting"),  # planted before or after the line was built
    ),
    "land_tower": (
        _req("construction_records", "tower_land_one_time"),
        _req("compensation_records", "tower_land_one_time"),
        _opt("land_right_proof"),
        _opt("site_photos"),
    ),
    "injury": (
        _req("medical_records", "pi_quantum"),
        _req("scene_photos", "hv_strict_liability"),
        _req("warning_signs", "hv_unauthorised_entry"),
        _opt("loss_proof", "pi_quantum"),
        _opt("police_report"),
    ),
    "service_dispute": (
        _req("complaint_record"),
        _opt("correspondence"),
        _opt("supply_contract", "contract_breach_general"),
    ),
}

KINDS: tuple[str, ...] = tuple(dict.fromkeys(item.kind for items in CHECKLISTS.values() for item in items)) + (OTHER,)


def checklist(category: str) -> tuple[Item, ...]:
    return CHECKLISTS.get(category, ())


def kinds_for(category: str) -> tuple[str, ...]:
    """The kinds offered when uploading to a case of this category: its checklist, then anything else."""
    return tuple(item.kind for item in checklist(category)) + (OTHER,)


@dataclass(frozen=True)
class Line:
    item: Item
    present: int  # files of this kind that are not withdrawn
    waived: bool

    @property
    def satisfied(self) -> bool:
        return self.present > 0 or self.waived or not self.item.required


def status(category: str, present: Mapping[str, int], waived: Iterable[str]) -> list[Line]:
    """Each checklist item with how many files hold it and whether a legal officer waived it."""
    waived = set(waived)
    return [Line(item, present.get(item.kind, 0), item.kind in waived) for item in checklist(category)]


def missing(category: str, present: Mapping[str, int], waived: Iterable[str]) -> tuple[str, ...]:
    """The required kinds with neither a file nor a waiver: what stops "evidence complete"."""
    return tuple(line.item.kind for line in status(category, present, waived) if not line.satisfied)
