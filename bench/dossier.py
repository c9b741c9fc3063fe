"""Sealing dossiers (issue #7). One command, from the repository root:

    .venv/bin/python bench/dossier.py

A fresh SQLite instance with the demo loaded; two cases are built through the real services: a typical one
(20 photos, a decision, about a dozen pages) and a large one (300 evidence items, a long history, about 200
pages). Each is sealed in a child process (time, peak RSS) and compared, in the same run, with the floor for
this engine: WeasyPrint rendering a fixed plain HTML document of dense Chinese text with the same number of
pages, also in a child process. Nothing asserts on time; targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHRASE = "供电企业应当依照国家有关规定对受害居民用户损坏的家用电器进行登记和取证，并在规定时间内处理赔偿事宜。"


def child(code: str, env: dict[str, str]) -> dict[str, float]:
    """Run `code` in a fresh interpreter; it prints one JSON line, with its own peak RSS (ru_maxrss, KiB)."""
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["rss_mib"] = result.pop("rss_kib") / 1024
    return result


BUILD = r'''
import io, json, sys
from datetime import timedelta
from PIL import Image, ImageDraw
from sqlalchemy import select
from casework import create_app
from casework.infra.db import db, unit_of_work, utcnow
from casework.auth.models import User
from casework.cases.models import Case
from casework.domain.access import Role
from casework.evidence.inspect import inspect, thumbnail
from casework.evidence.receive import Part
from casework.evidence.service import Accepted, add_files
from casework.infra.storage import configured_store
from casework.audit.service import record

photos, history = int(sys.argv[1]), int(sys.argv[2])
app = create_app()
with app.app_context(), unit_of_work() as session:
    legal = session.scalar(select(User).where(User.role == Role.LEGAL.value)).actor()
    case = session.scalar(select(Case).where(Case.category == "appliance", Case.state == "evidence_complete"))
    store = configured_store(app.config, app.instance_path)
    files = []
    for i in range(photos):
        picture = Image.new("RGB", (1600, 1200), (180 + i % 60, 170, 160))
        ImageDraw.Draw(picture).ellipse((100 + i % 900, 200, 500 + i % 900, 700), fill=(60, 40, 30))
        out = io.BytesIO(); picture.save(out, "JPEG", quality=80)
        staging = store.stage(); staging.write(out.getvalue())
        part = Part(f"现场照片{i:03d}.jpg", staging, staging.finish())
        thumb = io.BytesIO()
        files.append(Accepted(part, inspect(staging.path), thumb.getvalue() if thumbnail(staging.path, thumb) else None))
    add_files(session, legal, case, store, files, kind="appliance_photos", note="", now=utcnow())
    for i in range(history):
        record(session, legal, "case.edit", now=utcnow(), object_type="case", object_id=case.number, case_id=case.id,
               before={"description": f"第{i}次更正前"}, after={"description": f"第{i}次更正：" + "补充说明" * 10})
    print(json.dumps({"number": case.number}))
'''

SEAL = r'''
import json, sys, time
from sqlalchemy import select
from casework import create_app
from casework.infra.db import db, unit_of_work, utcnow
from casework.auth.models import User
from casework.cases.models import Case
from casework.domain.access import Role
from casework.dossier.service import seal
from casework.infra.storage import configured_store
from pypdf import PdfReader
app = create_app()
with app.app_context():
    timings = []
    for _ in range(2):  # the first in a fresh process (fonts loaded), then as a running worker seals
        started = time.perf_counter()
        with unit_of_work() as session:
            legal = session.scalar(select(User).where(User.role == Role.LEGAL.value)).actor()
            case = session.scalar(select(Case).where(Case.number == sys.argv[1]))
            store = configured_store(app.config, app.instance_path)
            row = seal(session, legal, case, store, now=utcnow())
            sha = row.sha256
        timings.append(time.perf_counter() - started)
    pages = len(PdfReader(store.local_path(sha)).pages)
    import resource
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(json.dumps({"cold": timings[0], "seconds": timings[1], "pages": pages, "rss_kib": peak}))
'''

FLOOR = r'''
import json, sys, time
from casework.infra.pdf import pdf_from_html
from pypdf import PdfReader
import io
pages, phrase = int(sys.argv[1]), sys.argv[2]
def html(paragraphs):
    body = "".join(f"<p>{phrase}</p>" for _ in range(paragraphs))
    return ("<html><head><style>@page{size:A4;margin:25mm 20mm} html{font-family:'Noto Serif CJK SC';"
            "font-size:10.5pt;line-height:1.55}</style></head><body>" + body + "</body></html>")
sample = len(PdfReader(io.BytesIO(pdf_from_html(html(200)))).pages)  # calibrate paragraphs per page
started = time.perf_counter()
pdf = pdf_from_html(html(round(200 / sample * pages)))
seconds = time.perf_counter() - started
import resource
print(json.dumps({"seconds": seconds, "pages": len(PdfReader(io.BytesIO(pdf)).pages),
                  "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--typical-photos", type=int, default=20)
    parser.add_argument("--large-items", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casework-bench-dossier-") as folder:
        env = {**os.environ, "CASEWORK_INSTANCE_PATH": folder, "PYTHONPATH": str(ROOT)}
        for command in (["init"], ["demo"]):
            subprocess.run([str(ROOT / ".venv/bin/casework"), *command], env=env, check=True, capture_output=True)
        rows = []
        for label, photos, history in (("typical", args.typical_photos, 20), ("large", args.large_items, 1500)):
            number = json.loads(subprocess.run([sys.executable, "-c", BUILD, str(photos), str(history)], env=env,
                                               check=True, capture_output=True, text=True).stdout.splitlines()[-1])
            sealed = child(SEAL.replace("sys.argv[1]", repr(number["number"])), env)
            floor = child(FLOOR.replace("int(sys.argv[1])", str(int(sealed["pages"])))
                          .replace("sys.argv[2]", repr(PHRASE)), env)
            rows.append((label, photos, sealed, floor))
            print(f"== {label}: {photos} evidence items, {int(sealed['pages'])} pages")
            print(f"  seal:  {sealed['seconds']:6.2f} s  (first in a fresh process {sealed['cold']:.2f} s)  "
                  f"peak RSS {sealed['rss_mib']:6.0f} MiB (the larger of the app and its layout child)")
            print(f"  floor: {floor['seconds']:6.2f} s  ({int(floor['pages'])} pages of plain dense text)  "
                  f"peak RSS {floor['rss_mib']:6.0f} MiB")
            print(f"  seal / floor: {sealed['seconds'] / floor['seconds']:.2f}x")
        typical, large = rows[0][2], rows[1][2]
        ratio = typical["seconds"] / rows[0][3]["seconds"]
        print(f"typical <= 2 s (first seal too) and <= 1.5x floor: "
              f"{'met' if typical['cold'] <= 2 and ratio <= 1.5 else 'MISSED'}")
        print(f"large <= 30 s and peak RSS <= 600 MiB: "
              f"{'met' if large['seconds'] <= 30 and large['rss_mib'] <= 600 else 'MISSED'}")


if __name__ == "__main__":
    main()
