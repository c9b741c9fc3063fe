"""Batch export throughput (issue #7). One command, from the repository root:

    .venv/bin/python bench/export.py            # 1,000 cases; --cases N for a quicker run

A fresh SQLite instance with the demo loaded, then N + 100 typical appliance cases built through the real
services (opened, checked, 20 photos each; the photos are the same 20 files for every case, so the store
holds them once and they are read from the page cache, as recent uploads would be). Then, in the same run:

  1. export 100 never-sealed cases with one worker (the baseline: sealing, bundling, recording, in series);
  2. export the N other never-sealed cases with one worker per core (run_batch, as the page and the CLI do);
  3. both again now that every case is sealed (bundling alone);
  4. verify every bundle offline.

Each phase runs in a child process; throughput is cases per second, and the parallel/serial ratio shows how
close the pool comes to "both cores' speed" (2.0 on two cores). Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = 100
PHOTOS = 20


def build(count: int) -> None:
    """Open, check and furnish `count` cases; print their ids as JSON."""
    import io

    from PIL import Image, ImageDraw
    from sqlalchemy import select

    from casework import create_app
    from casework.auth.models import Unit, User
    from casework.cases.service import open_case
    from casework.domain.access import Role
    from casework.domain.lifecycle import State
    from casework.evidence.inspect import inspect, thumbnail
    from casework.evidence.models import Evidence
    from casework.evidence.receive import Part
    from casework.evidence.service import Accepted, add_files
    from casework.infra.db import unit_of_work, utcnow
    from casework.infra.storage import configured_store
    from casework.rulecheck.service import run_rule_check
    from casework.ruletable.store import calendar, current_table

    app = create_app()
    ids: list[int] = []
    with app.app_context():
        store = configured_store(app.config, app.instance_path)
        with unit_of_work() as session:
            legal = session.scalar(select(User).where(User.role == Role.LEGAL.value))
            field = session.scalar(select(User).where(User.role == Role.FIELD.value))
            station = session.get(Unit, field.unit_id)
            table, days = current_table(session), calendar(session)
            template: list[Evidence] = []
        for start in range(0, count, 100):
            with unit_of_work() as session:
                for i in range(start, min(start + 100, count)):
                    now = utcnow()
                    case = open_case(session, field.actor(), category="appliance", unit=session.get(Unit, station.id),
                                     now=now, state=State.EVIDENCE_COMPLETE, claimant_name=f"测试{i}",
                                     claimant_address="前营村3组12号", address="前营村3组12号", claimant_phone="13812345678",
                                     event_on=now.date(), reported_on=now.date(), claimed_amount=1800,
                                     description="【基准数据】雷雨后冰箱无法启动。",
                                     facts={"items": [{"name": "电冰箱", "kind": "motor", "purchase_date": "2021-05-01",
                                                       "purchase_price": "3200.00", "repairable": True,
                                                       "repair_cost": "450.00"}],
                                            "fault_kind": "phase_neutral_swapped", "registered_within_7_days": True},
                                     circumstances={"facility_owner": "utility", "utility_maintains": True,
                                                    "cause": "utility_fault"})
                    run_rule_check(session, legal.actor(), case, table=table, calendar=days, now=now)
                    if not template:  # the first case's photos go through the real upload path ...
                        files = []
                        for p in range(PHOTOS):
                            picture = Image.new("RGB", (1600, 1200), (150 + p * 4, 170, 160))
                            ImageDraw.Draw(picture).ellipse((100 + p * 40, 200, 500 + p * 40, 700), fill=(60, 40, 30))
                            out = io.BytesIO()
                            picture.save(out, "JPEG", quality=85)
                            staging = store.stage()
                            staging.write(out.getvalue())
                            part = Part(f"现场照片{p:02d}.jpg", staging, staging.finish())
                            thumb = io.BytesIO()
                            files.append(Accepted(part, inspect(staging.path),
                                                  thumb.getvalue() if thumbnail(staging.path, thumb) else None))
                        add_files(session, legal.actor(), case, store, files, kind="appliance_photos", note="",
                                  now=now)
                        session.flush()
                        template = list(session.scalars(select(Evidence).where(Evidence.case_id == case.id)))
                    else:  # ... the others hold the same files (the store keeps one copy)
                        for item in template:
                            session.add(Evidence(case_id=case.id, public_id=os.urandom(8).hex(), kind=item.kind,
                                                 original_name=item.original_name, sha256=item.sha256, size=item.size,
                                                 media_type=item.media_type, meta=item.meta,
                                                 has_thumbnail=item.has_thumbnail, uploaded_by_id=legal.id,
                                                 uploaded_at=now, note=""))
                    session.flush()
                    ids.append(case.id)
    print(json.dumps(ids))


def export(ids_file: str, workers: int, folder: str) -> None:
    from sqlalchemy import select

    from casework import create_app
    from casework.auth.models import User
    from casework.domain.access import Role
    from casework.export.batch import run_batch
    from casework.infra.db import db

    ids = json.loads(Path(ids_file).read_text())
    app = create_app()
    with app.app_context():
        auditor = db.session.scalar(select(User).where(User.role == Role.AUDITOR.value)).actor()
        db.session.remove()
    started = time.perf_counter()
    outcome = run_batch(app, auditor, ids, Path(folder), workers=workers)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in outcome.written)
    print(json.dumps({"seconds": seconds, "cases": len(outcome.written), "failed": len(outcome.failed),
                      "mib": size / 2**20}))


def verify(folder: str) -> None:
    from casework.export.verify import verify_paths

    started = time.perf_counter()
    reports = verify_paths([Path(folder)])
    print(json.dumps({"seconds": time.perf_counter() - started, "bundles": len(reports),
                      "ok": sum(r.ok for r in reports)}))


def child(env: dict[str, str], *args: str) -> object:
    out = subprocess.run([sys.executable, __file__, "--child", *args], env=env, check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, *rest = args.child
        {"build": lambda: build(int(rest[0])), "export": lambda: export(rest[0], int(rest[1]), rest[2]),
         "verify": lambda: verify(rest[0])}[name]()
        return
    with tempfile.TemporaryDirectory(prefix="casework-bench-export-") as folder:
        base = Path(folder)
        env = {**os.environ, "CASEWORK_INSTANCE_PATH": str(base / "instance"), "PYTHONPATH": str(ROOT)}
        for command in (["init"], ["demo"]):
            subprocess.run([str(ROOT / ".venv/bin/casework"), *command], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        ids = child(env, "build", str(args.cases + BASELINE))
        assert isinstance(ids, list)
        print(f"built {len(ids)} cases with {PHOTOS} photos each in {time.perf_counter() - started:.0f} s")
        (base / "serial.json").write_text(json.dumps(ids[:BASELINE]))
        (base / "parallel.json").write_text(json.dumps(ids[BASELINE:]))
        rows = []
        for phase in ("seal and export", "export (already sealed)"):
            serial = child(env, "export", str(base / "serial.json"), "1", str(base / f"s-{len(rows)}"))
            parallel = child(env, "export", str(base / "parallel.json"), str(args.workers), str(base / f"p-{len(rows)}"))
            assert isinstance(serial, dict) and isinstance(parallel, dict)
            s_rate, p_rate = serial["cases"] / serial["seconds"], parallel["cases"] / parallel["seconds"]
            rows.append((phase, serial, parallel))
            print(f"== {phase}")
            print(f"  1 worker:  {serial['cases']:5d} cases in {serial['seconds']:6.1f} s = {s_rate:5.2f} cases/s")
            print(f"  {args.workers} workers: {parallel['cases']:5d} cases in {parallel['seconds']:6.1f} s = "
                  f"{p_rate:5.2f} cases/s  ({parallel['mib']:.0f} MiB of bundles, {parallel['failed']} failed)")
            print(f"  parallel / serial throughput: {p_rate / s_rate:.2f}x (ideal {args.workers}.00x)")
        checked = child(env, "verify", str(base / "p-1"))
        assert isinstance(checked, dict)
        print(f"verify: {checked['ok']} of {checked['bundles']} bundles OK in {checked['seconds']:.1f} s "
              f"({checked['bundles'] / checked['seconds']:.1f} bundles/s)")


if __name__ == "__main__":
    main()
