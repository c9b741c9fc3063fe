"""Benchmarks of the legal-basis check (issue #3). One command, from the repository root:

    .venv/bin/python bench/run.py             # 100,000 cases (~10 min on 2 cores today, 8 of them recheck)
    .venv/bin/python bench/run.py --quick     # 10,000-case smoke run
    .venv/bin/python bench/run.py --cases 30000 --only engine,cli

Three benchmarks, each against a baseline measured in the same run (absolute times drift):
  1. engine   `assess(case, table)` in one process vs parsing + serialising the same cases as JSON;
  2. cli      `casework assess FILE > /dev/null` on one JSON array file vs a python process that only
              loads and dumps the same file;
  3. recheck  `casework recheck` over N stored open cases on SQLite (and over N/4, to show memory stays
              flat) vs a plain SELECT streaming the columns recheck reads.
Everything is written to a temporary directory that is removed at the end (`--keep` keeps it).
Nothing here asserts on time; the targets are reported as met / missed.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from cases import CATEGORIES, circumstances, generate  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CASEWORK = str(VENV_BIN / "casework")
PYTHON = sys.executable

ENGINE_TARGET_CPS = 20_000  # cases per second
ENGINE_TARGET_RATIO = 5.0  # × the JSON baseline's time per case
RECHECK_TARGET_S = 60.0  # for 100,000 cases


# -- helpers ------------------------------------------------------------------------------
def best_of(reps: int, fn: Callable[[], Any]) -> float:
    """The fastest of `reps` timed calls (perf_counter), after a collection so garbage left by the last
    run is not charged to this one."""
    best = float("inf")
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


@dataclass
class Proc:
    seconds: float
    max_rss_mb: float
    stderr_tail: str = ""


def clean_env(instance: Path) -> dict[str, str]:
    """The caller's environment without any CASEWORK_* setting, pointed at `instance`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env["CASEWORK_INSTANCE_PATH"] = str(instance)
    return env


GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def run_proc(argv: Sequence[str], env: dict[str, str], workdir: Path) -> Proc:
    """Run argv with stdout to /dev/null; wall time and the child's peak RSS.

    The peak RSS comes from GNU time (`%M`) when /usr/bin/time exists: os.wait4's ru_maxrss would
    include this benchmark process's own footprint, which a forked child inherits until it execs.
    """
    err_path, rss_path = workdir / "stderr.txt", workdir / "maxrss.txt"
    command = [GNU_TIME, "-f", "%M", "-o", str(rss_path), *argv] if GNU_TIME else list(argv)
    with open(os.devnull, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=str(ROOT))
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = err_path.read_text("utf-8", "replace")[-2000:]
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{tail}")
    kib = int(rss_path.read_text().split()[-1]) if GNU_TIME else usage.ru_maxrss  # KiB on Linux
    return Proc(seconds, kib / 1024, tail)


def best_proc(reps: int, argv: Sequence[str], env: dict[str, str], workdir: Path) -> Proc:
    runs = [run_proc(argv, env, workdir) for _ in range(reps)]
    return min(runs, key=lambda p: p.seconds)


def fmt_n(n: int) -> str:
    return f"{n:,}"


def say(text: str = "") -> None:
    print(text, flush=True)


@dataclass
class Report:
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # benchmark, measure, value
    verdicts: list[str] = field(default_factory=list)

    def add(self, bench: str, measure: str, value: str) -> None:
        self.rows.append((bench, measure, value))
        say(f"  {measure:58} {value}")

    def markdown(self) -> str:
        lines = ["| benchmark | measure | value |", "|---|---|---|"]
        lines += [f"| {b} | {m} | {v} |" for b, m, v in self.rows]
        return "\n".join(lines)


# -- (1) the engine in one process ----------------------------------------------------------------
def bench_engine(cases: list[dict[str, Any]], reps: int, report: Report) -> None:
    from casework.domain.rules import assess, load_bundled_table

    n = len(cases)
    table = load_bundled_table()
    dumps, loads = json.dumps, json.loads
    texts = [dumps(c, ensure_ascii=False) for c in cases]

    def engine() -> None:
        for case in cases:
            assess(case, table)

    def baseline() -> None:  # parse each case's JSON text, serialise the parsed object
        for text in texts:
            dumps(loads(text), ensure_ascii=False)

    def baseline_from_objects() -> None:  # the brief's literal wording: dumps → loads → dumps
        for case in cases:
            dumps(loads(dumps(case, ensure_ascii=False)), ensure_ascii=False)

    say(f"\n(1) engine: assess() over {fmt_n(n)} cases in one process, best of {reps}")
    for case in cases[:2000]:  # warm-up: imports, caches of parsed dates, the table's indexes
        assess(case, table)
    t_engine = best_of(reps, engine)
    t_base = best_of(reps + 2, baseline)
    t_base3 = best_of(reps, baseline_from_objects)
    us, us_base, us_base3 = t_engine / n * 1e6, t_base / n * 1e6, t_base3 / n * 1e6
    cps, ratio = n / t_engine, t_engine / t_base
    report.add("engine", "assess(): µs per case", f"{us:.1f}")
    report.add("engine", "assess(): cases per second", f"{cps:,.0f}")
    report.add("engine", "baseline json loads(text)+dumps: µs per case", f"{us_base:.1f}")
    report.add("engine", "ratio engine / baseline", f"{ratio:.1f}×")
    report.add("engine", "(alt. baseline dumps+loads+dumps from dicts: µs per case)", f"{us_base3:.1f}")
    report.add("engine", "(ratio engine / alt. baseline)", f"{t_engine / t_base3:.1f}×")
    ok = cps >= ENGINE_TARGET_CPS and ratio <= ENGINE_TARGET_RATIO
    report.verdicts.append(
        f"engine ≥ {ENGINE_TARGET_CPS:,} cases/s and ≤ {ENGINE_TARGET_RATIO:.0f}× the JSON baseline: "
        f"{'MET' if ok else 'MISSED'} ({cps:,.0f} cases/s, {ratio:.1f}×)")


def outcome_mix(cases: list[dict[str, Any]]) -> None:
    from casework.domain.rules import assess, load_bundled_table

    table = load_bundled_table()
    outcomes = collections.Counter(assess(c, table)["outcome"] for c in cases)
    cats = collections.Counter(c["category"] for c in cases)
    say("  categories: " + ", ".join(f"{k} {cats[k]}" for k in CATEGORIES))
    say("  outcomes:   " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    years = [int(c["event_date"][:4]) for c in cases]
    before = sum(c["event_date"] < "2024-06-01" for c in cases)
    say(f"  event years {min(years)}–{max(years)}; {before} before 2024-06-01, {len(cases) - before} on/after")


# -- (2) casework assess end to end ---------------------------------------------------------------
def bench_cli(cases: list[dict[str, Any]], reps: int, work: Path, report: Report) -> None:
    n = len(cases)
    path = work / "cases.json"
    path.write_text(json.dumps(cases, ensure_ascii=False), "utf-8")
    one = work / "one.json"
    one.write_text(json.dumps(cases[:1], ensure_ascii=False), "utf-8")
    empty = work / "empty-instance"
    empty.mkdir()
    env = clean_env(empty)
    size_mb = path.stat().st_size / 1e6
    say(f"\n(2) cli: casework assess on a {fmt_n(n)}-case file ({size_mb:.1f} MB), best of {reps}")
    baseline_code = ("import json,sys\nwith open(sys.argv[1],'rb') as f: body=json.load(f)\n"
                     "sys.stdout.write(json.dumps(body, ensure_ascii=False))")
    cli = best_proc(reps, [CASEWORK, "assess", str(path)], env, work)
    startup = best_proc(reps, [CASEWORK, "assess", str(one)], env, work)
    base = best_proc(reps, [PYTHON, "-c", baseline_code, str(path)], env, work)
    report.add("cli", f"casework assess {fmt_n(n)} cases: seconds", f"{cli.seconds:.1f}")
    report.add("cli", "casework assess: cases per second", f"{n / cli.seconds:,.0f}")
    report.add("cli", "casework assess: peak RSS MB", f"{cli.max_rss_mb:.0f}")
    report.add("cli", "casework assess of 1 case (start-up): seconds", f"{startup.seconds:.2f}")
    report.add("cli", "baseline python json load+dump of the file: seconds", f"{base.seconds:.2f}")
    report.add("cli", "baseline: peak RSS MB", f"{base.max_rss_mb:.0f}")
    report.add("cli", "ratio casework assess / baseline", f"{cli.seconds / base.seconds:.1f}×")


# -- (3) casework recheck on SQLite ---------------------------------------------------------------
def make_instance(cases: list[dict[str, Any]], instance: Path, work: Path) -> float:
    """`casework init` a fresh instance, then bulk-insert the cases as open case records; seconds taken."""
    from sqlalchemy import Table, create_engine, event, insert

    from casework.auth.models import Unit, User
    from casework.cases.models import Case

    unit_t, user_t, case_t = (cast(Table, m.__table__) for m in (Unit, User, Case))

    instance.mkdir()
    t0 = time.perf_counter()
    run_proc([CASEWORK, "init"], clean_env(instance), work)
    engine = create_engine(f"sqlite:///{instance / 'casework.sqlite'}")

    @event.listens_for(engine, "connect")
    def _fast(dbapi_conn: Any, _: Any) -> None:  # setup only; recheck runs with the app's own pragmas
        dbapi_conn.execute("PRAGMA synchronous=OFF")

    now = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
    states = ("registered", "assessed")
    with engine.begin() as conn:
        conn.execute(insert(unit_t), [{"id": 9001, "code": "BENCH", "name": "基准测试供电所",
                                               "kind": "station", "parent_id": None, "path": "/9001/"}])
        conn.execute(insert(user_t), [{
            "id": 9001, "username": "bench", "display_name": "基准测试", "role": "field", "unit_id": 9001,
            "password_hash": "not-a-hash", "active": True, "must_change_password": False, "created_at": now}])
        batch: list[dict[str, Any]] = []
        for i, case in enumerate(cases, 1):
            amount = case.get("claimed_amount")
            batch.append({
                "number": f"PC-2025-{i:06d}", "category": case["category"], "state": states[i % 2],
                "claimant_name": f"申请人{i}", "unit_id": 9001, "unit_path": "/9001/",
                "event_on": date.fromisoformat(case["event_date"]),
                "reported_on": date.fromisoformat(case["report_date"]),
                "circumstances": circumstances(case), "facts": case["facts"],
                "claimed_amount": Decimal(amount) if amount is not None else None,
                "created_by_id": 9001, "created_at": now, "updated_at": now, "version": 1,
            })
            if len(batch) == 5000:
                conn.execute(insert(case_t), batch)
                batch = []
        if batch:
            conn.execute(insert(case_t), batch)
    engine.dispose()
    return time.perf_counter() - t0


def count_rows(instance: Path, table: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{instance / 'casework.sqlite'}")
    with engine.connect() as conn:
        value = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608 (fixed names)
    engine.dispose()
    return int(value)


def select_baseline(instance: Path) -> float:
    """Stream every case row's contract columns (facts and circumstances JSON decoded) through SQLAlchemy Core."""
    from sqlalchemy import create_engine, select

    from casework.cases.models import Case

    t = Case.__table__
    query = select(t.c.id, t.c.number, t.c.category, t.c.state, t.c.event_on, t.c.reported_on,
                   t.c.claimed_amount, t.c.circumstances, t.c.facts).order_by(t.c.id)
    t0 = time.perf_counter()
    engine = create_engine(f"sqlite:///{instance / 'casework.sqlite'}")
    rows = 0
    with engine.connect() as conn:
        for partition in conn.execution_options(yield_per=1000).execute(query).partitions():
            rows += len(partition)
    engine.dispose()
    return time.perf_counter() - t0


def bench_recheck(cases: list[dict[str, Any]], small: int, work: Path, report: Report) -> None:
    n = len(cases)
    say(f"\n(3) recheck: casework recheck over {fmt_n(small)} and {fmt_n(n)} stored open cases on SQLite")
    results: dict[int, dict[str, Any]] = {}
    for size in (small, n):
        instance = work / f"instance-{size}"
        setup = make_instance(cases[:size], instance, work)
        say(f"  [{fmt_n(size)}] instance initialised and filled in {setup:.1f} s")
        select_s = select_baseline(instance)
        env = clean_env(instance)
        first = run_proc([CASEWORK, "recheck"], env, work)
        snapshots = count_rows(instance, "assessment")
        if snapshots != size:
            raise SystemExit(f"recheck stored {snapshots} snapshots for {size} cases")
        second = run_proc([CASEWORK, "recheck"], env, work)
        if count_rows(instance, "assessment") != size:
            raise SystemExit("the second recheck stored new snapshots although nothing changed")
        results[size] = {"first": first, "second": second, "select": select_s}
        say(f"  [{fmt_n(size)}] select {select_s:.2f} s; first recheck {first.seconds:.1f} s "
            f"(RSS {first.max_rss_mb:.0f} MB); second {second.seconds:.1f} s (RSS {second.max_rss_mb:.0f} MB)")
        shutil.rmtree(instance, ignore_errors=True)
    big, little = results[n], results[small]
    first, second = big["first"], big["second"]
    report.add("recheck", f"first recheck of {fmt_n(n)} (all new: {fmt_n(n)} snapshots): seconds",
               f"{first.seconds:.1f}")
    report.add("recheck", "first recheck: cases per second", f"{n / first.seconds:,.0f}")
    report.add("recheck", "second recheck (nothing changes): seconds", f"{second.seconds:.1f}")
    report.add("recheck", "baseline SELECT streaming the rows: seconds", f"{big['select']:.2f}")
    report.add("recheck", "ratio first recheck / SELECT", f"{first.seconds / big['select']:.0f}×")
    report.add("recheck", "ratio second recheck / SELECT", f"{second.seconds / big['select']:.0f}×")
    report.add("recheck", f"first recheck of {fmt_n(small)}: seconds", f"{little['first'].seconds:.1f}")
    report.add("recheck", f"peak RSS, first recheck, {fmt_n(small)} → {fmt_n(n)}: MB",
               f"{little['first'].max_rss_mb:.0f} → {first.max_rss_mb:.0f}")
    report.add("recheck", f"peak RSS, second recheck, {fmt_n(small)} → {fmt_n(n)}: MB",
               f"{little['second'].max_rss_mb:.0f} → {second.max_rss_mb:.0f}")
    growth = first.max_rss_mb / little["first"].max_rss_mb
    scaled = first.seconds * 100_000 / n
    projected = "" if n == 100_000 else f", i.e. {scaled:.0f} s per 100,000 if linear"
    report.verdicts.append(
        f"recheck of 100,000 under {RECHECK_TARGET_S:.0f} s: {'MET' if scaled < RECHECK_TARGET_S else 'MISSED'} "
        f"({first.seconds:.1f} s for {fmt_n(n)} on the first, all-new run{projected}; "
        f"{second.seconds:.1f} s on the second)")
    report.verdicts.append(
        f"recheck memory flat (peak RSS grows < 25 % for 4× the cases): {'MET' if growth < 1.25 else 'MISSED'} (peak RSS {little['first'].max_rss_mb:.0f} MB "
        f"at {fmt_n(small)}, {first.max_rss_mb:.0f} MB at {fmt_n(n)}: ×{growth:.2f} for ×{n / small:.0f} cases)")


# -- main -----------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="how many cases (default 100000)")
    parser.add_argument("--quick", action="store_true", help="a 10,000-case smoke run, one repetition each")
    parser.add_argument("--only", default="engine,cli,recheck", help="comma list of engine, cli, recheck")
    parser.add_argument("--seed", type=int, default=20250)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    n = 10_000 if args.quick else args.cases
    if n < 8:
        parser.error("--cases must be at least 8 (one per category)")
    only = {s.strip() for s in args.only.split(",")}
    reps = 1 if args.quick else 3

    if GNU_TIME is None and only & {"cli", "recheck"}:
        say("GNU time (/usr/bin/time) is missing, so peak RSS is ru_maxrss, which also counts this process; "
            "to measure the children alone: sudo apt-get install time")
    started = time.perf_counter()
    say(f"casework benchmarks, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}")
    t0 = time.perf_counter()
    cases = generate(n, args.seed)
    say(f"generated {fmt_n(n)} cases (seed {args.seed}) in {time.perf_counter() - t0:.1f} s")
    outcome_mix(cases)

    report = Report()
    work = Path(tempfile.mkdtemp(prefix="casework-bench-"))
    try:
        if "engine" in only:
            bench_engine(cases, reps, report)
        if "cli" in only:
            bench_cli(cases, max(1, reps - 1), work, report)
        if "recheck" in only:
            bench_recheck(cases, max(1, n // 4), work, report)
    finally:
        if args.keep:
            say(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    say(f"\nresults ({fmt_n(n)} cases, {time.perf_counter() - started:.0f} s in all):\n")
    say(report.markdown())
    if report.verdicts:
        say("\ntargets:")
        for line in report.verdicts:
            say(f"- {line}")


if __name__ == "__main__":
    main()
