"""Benchmarks of the claims analytics at scale (issue 16). One command, from the repository root:

    .venv/bin/python bench/analytics.py                          # 1,000,000 cases, SQLite then PostgreSQL
    .venv/bin/python bench/analytics.py --cases 20000 --db sqlite
    .venv/bin/python bench/analytics.py --reuse /work/benchdata   # the instances seeded by an earlier run

For each database: seed N cases (`casework bench seed`, through bench/web.py) into an instance kept in
/work/benchdata/<db>-<N> (PostgreSQL: a database casework_bench_1m at a million, casework_bench_<N> otherwise),
serve it with gunicorn (2 workers) and measure, logged in as the auditor, against a baseline in the same run —
the case list's first page:
  * p50 / p95 of the province's ten-year overview, a county's year and the rectification list (a page that
    answers 404 is reported as not built yet, and the rest still runs);
  * the wall time of `casework analytics rebuild` (which must find nothing to correct);
  * the summary upkeep's share of a decision's write: approvals of a settle proposal with their payment through
    the real decision service, with the summary's flush hooks installed and removed, in alternating rounds.
Nothing asserts on time; targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tools
import web

DATA = Path("/work/benchdata")
PASSWORD = "seed benchmark only"  # casework.demo.seed.PASSWORD
TARGETS = {"overview": 150.0, "county": 50.0, "places": 300.0}  # p95, ms
REBUILD_TARGET_S = 60.0
UPKEEP_TARGET = 1.10
MARKER = "bench.json"  # what was seeded, how long it took, and the database it lives in


def database_name(cases: int) -> str:
    return "casework_bench_1m" if cases == 1_000_000 else f"casework_bench_{cases}"


def seeded(db: str, cases: int, folder: Path) -> dict[str, Any]:
    """Seed a fresh instance in `folder` (replacing one there) and leave the marker that --reuse reads."""
    if folder.exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    env = web.prepare(db, cases, folder, database=database_name(cases))
    seconds = time.perf_counter() - started
    info = {"db": db, "cases": cases, "database_url": env.get("CASEWORK_DATABASE_URL"),
            "seeded_at": datetime.now(UTC).isoformat(timespec="minutes"), "seed_seconds": round(seconds, 1),
            "cases_per_second": round(cases / seconds)}
    (folder / MARKER).write_text(json.dumps(info, indent=1))
    return info


def reused(folder: Path) -> dict[str, Any]:
    marker = folder / MARKER
    if not marker.exists():
        sys.exit(f"{folder} holds no seeded instance ({MARKER} missing): run without --reuse to seed one")
    return dict(json.loads(marker.read_text()))


def county_id(env: dict[str, str]) -> int:
    from sqlalchemy import create_engine, text

    url = env.get("CASEWORK_DATABASE_URL") or f"sqlite:///{env['CASEWORK_INSTANCE_PATH']}/casework.sqlite"
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT id FROM unit WHERE code = 'SEED-C0K0'")).scalar()
    engine.dispose()
    assert found is not None, "no seeded county SEED-C0K0"
    return int(found)


def pages(env: dict[str, str], requests: int) -> list[tuple[str, str, float | None, float | None]]:
    """(label, path, p50, p95) of the baseline and the three analytics pages; None where a page is not built."""
    county = county_id(env)
    wanted = [("baseline", "case list, first page (baseline)", "/cases/"),
              ("overview", "province overview, ten years", "/analytics/?from=2016-01&to=2025-12"),
              ("county", "a county's year", f"/analytics/?unit={county}&from=2025-01&to=2025-12"),
              ("places", "rectification list, 2025", "/analytics/places?from=2025-01&to=2025-12")]
    out = []
    with web.serving(env) as base:
        client = web.Client(base)
        client.login("seed.auditor", PASSWORD)
        for key, label, path in wanted:
            try:
                client.timed(path, 5)  # warm-up: caches, the first query plans
            except urllib.error.HTTPError as error:
                if error.code != 404:
                    raise
                print(f"  {label:36} skipped: {path} answers 404 (the page is not built on this branch)")
                out.append((key, label, None, None))
                continue
            median, p95 = client.timed(path, requests)
            out.append((key, label, median, p95))
            print(f"  {label:36} p50 {median:7.1f} ms  p95 {p95:7.1f} ms")
    return out


def rebuild(env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([str(web.BIN / "casework"), "analytics", "rebuild"], env=env, capture_output=True,
                          text=True, check=True)
    seconds = time.perf_counter() - started
    last = done.stdout.strip().splitlines()[-1]
    print(f"  casework analytics rebuild: {seconds:.1f} s ({last})")
    return seconds, last


def upkeep(env: dict[str, str], writes: int, rounds: int) -> dict[str, Any]:
    """Time approval + payment of open settle proposals with the summary hooks on and off, in rounds that
    alternate which goes first; runs in this process against the instance (it decides `2 × writes` cases)."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("CASEWORK_")})
    from upkeep import measure_upkeep

    return measure_upkeep(writes, rounds)


def verdict(value: float | None, target: float) -> str:
    if value is None:
        return "pending the pages"
    return "met" if value <= target else "missed"


def run_one(db: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {db}")
    if args.reuse:
        folder = args.reuse if (args.reuse / MARKER).exists() else args.reuse / f"{db}-{args.cases}"
        info = reused(folder)
        print(f"  reusing {folder}: {info['cases']:,} cases seeded {info['seeded_at']} "
              f"in {info['seed_seconds']:.0f} s ({info['cases_per_second']:,} cases/s)")
    else:
        folder = DATA / f"{db}-{args.cases}"
        info = seeded(db, args.cases, folder)
        print(f"  seeded {args.cases:,} cases into {folder} in {info['seed_seconds']:.0f} s "
              f"({info['cases_per_second']:,} cases/s)")
    if args.seed_only:
        return {"info": info}
    env = web.instance_env(folder, info.get("database_url"))
    result: dict[str, Any] = {"info": info, "folder": str(folder)}
    if "pages" in args.only:
        result["pages"] = pages(env, args.requests)
    if "rebuild" in args.only:
        result["rebuild"] = rebuild(env)
    if "upkeep" in args.only:
        result["upkeep"] = upkeep(env, args.writes, args.rounds)
    return result


def report(db: str, result: dict[str, Any]) -> None:
    info = result["info"]
    print(f"\n| {db}, {info['cases']:,} cases | |\n|---|---|")
    print(f"| seed | {info['seed_seconds']:.0f} s = {info['cases_per_second']:,} cases/s ({info['seeded_at']}) |")
    rows = result.get("pages") or []
    base = next((p95 for key, _, _, p95 in rows if key == "baseline"), None)
    for key, label, median, p95 in rows:
        if median is None or p95 is None:
            print(f"| {label} | pending the pages (404) |")
            continue
        ratio = f" = {p95 / base:.1f}× the case list" if base and key != "baseline" else ""
        target = f" (target ≤ {TARGETS[key]:.0f} ms: {verdict(p95, TARGETS[key])})" if key in TARGETS else ""
        print(f"| {label} | p50 {median:.1f} ms, p95 {p95:.1f} ms{ratio}{target} |")
    if "rebuild" in result:
        seconds, last = result["rebuild"]
        print(f"| casework analytics rebuild | {seconds:.1f} s (target ≤ {REBUILD_TARGET_S:.0f} s: "
              f"{verdict(seconds, REBUILD_TARGET_S)}); {last} |")
    if "upkeep" in result:
        u = result["upkeep"]
        print(f"| decision write (approve + pay), summary hooks off | median {u['off_ms']:.2f} ms ({u['writes']} writes) |")
        print(f"| decision write, summary hooks on | median {u['on_ms']:.2f} ms ({u['writes']} writes) |")
        print(f"| upkeep ratio on / off | **{u['ratio']:.3f}** medians, {u['sum_ratio']:.3f} totals "
              f"(target ≤ {UPKEEP_TARGET:.2f}: {verdict(u['ratio'], UPKEEP_TARGET)}) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--reuse", type=Path, help="an instance seeded earlier, or the folder holding <db>-<N>")
    parser.add_argument("--requests", type=int, default=100, help="requests per page (after 5 warm-up requests)")
    parser.add_argument("--writes", type=int, default=300, help="decision writes per variant (hooks on, off)")
    parser.add_argument("--rounds", type=int, default=20, help="alternating rounds the writes are split into")
    parser.add_argument("--only", default="pages,rebuild,upkeep", help="a subset: pages,rebuild,upkeep")
    parser.add_argument("--seed-only", action="store_true", help="seed and keep the instance, measure nothing")
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    tools.venv_program("casework")
    tools.venv_program("gunicorn")
    if args.db != "sqlite":
        tools.postgres(web.PG_ADMIN, instead="measure SQLite only: --db sqlite")
    results = {db: run_one(db, args) for db in (("sqlite", "postgresql") if args.db == "both" else (args.db,))}
    print(f"\nresults ({args.cases:,} cases, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC):")
    for db, result in results.items():
        report(db, result)


if __name__ == "__main__":
    main()
