"""Demo evidence drawn on the fly (DESIGN.md, Demo data): photos drawn with Pillow and short PDFs, kept
through the same store, content check and custody as an upload."""

from __future__ import annotations

import io
from datetime import datetime
from html import escape

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from casework.cases.models import Case
from casework.domain.access import Actor
from casework.evidence.inspect import inspect, thumbnail
from casework.evidence.receive import Part
from casework.evidence.service import Accepted, add_files
from casework.infra.pdf import pdf_from_html
from casework.infra.settings import file_store

PAPERS = (
    ("registration_record", "家电损坏登记笔录.pdf", "家用电器损坏登记笔录（示范）",
     "电器名称：电冰箱；型号：BCD-215；数量：1；使用年月：2019年7月；损坏现象：压缩机不启动，有焦味。"
     "会同青山镇东岗村村委会登记。受害居民用户签字：刘桂兰（示范）。"),
    ("purchase_proof", "购货发票.pdf", "购货发票（示范）", "电冰箱 BCD-215 一台，金额 3,600.00 元，开票日期 2019年7月20日。"),
    ("repair_assessment", "维修检测意见.pdf", "维修检测意见（示范）", "经检测，压缩机及主控板烧毁，无修复价值。"),
)


def _photo(seed: int) -> bytes:
    picture = Image.new("RGB", (1200, 900), (200, 200, 195))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((420, 120, 780, 820), fill=(235, 235, 240), outline=(90, 90, 90), width=6)
    draw.line((420, 420, 780, 420), fill=(90, 90, 90), width=5)
    draw.ellipse((560 + seed * 30, 600, 680 + seed * 30, 700), fill=(60, 45, 40))  # the scorch mark
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def _paper(title: str, body: str) -> bytes:
    return pdf_from_html(f"<html><body style='font-family: \"Noto Serif CJK SC\"'><h1>{escape(title)}</h1>"
                         f"<p>{escape(body)}</p></body></html>")


def attach_demo_evidence(session: Session, actor: Actor, case: Case, *, now: datetime) -> None:
    store = file_store()
    batches = [("appliance_photos", [(f"冰箱照片{i}.jpg", _photo(i)) for i in (1, 2)])]
    batches += [(kind, [(name, _paper(title, body))]) for kind, name, title, body in PAPERS]
    for kind, files in batches:
        accepted = []
        for name, data in files:
            staging = store.stage()
            staging.write(data)
            part = Part(name, staging, staging.finish())
            out = io.BytesIO()
            found = inspect(staging.path, name_hint=name)
            accepted.append(Accepted(part, found, out.getvalue() if thumbnail(staging.path, out) else None))
        add_files(session, actor, case, store, accepted, kind=kind, note="示范数据", now=now)
