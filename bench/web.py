"""Benchmarks of the case list, search and case page (issue #4). One command, from the repository root:

    .venv/bin/python bench/web.py                  # 100,000 cases, SQLite then PostgreSQL
    .venv/bin/python bench/web.py --cases 20000 --db sqlite

For each database: seed N cases (`casework bench seed`), serve the app with gunicorn (2 workers) on
127.0.0.1, then measure against a baseline in the same run — the login page, a template rendered with
no database work, the ceiling for any page:
  * one client, R requests each: median and p95 latency of the case list (first page; page 1,000
    with filters), search for two- and four-character terms (common and rare), and a case page;
  * 8 connections for 10 s with wrk: requests/s of the list and the case page as a ratio to the
    baseline page.
Nothing asserts on time; targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import tools

ROOT = Path(__file__).resolve().parent.parent
# The checkout's own venv; in a git worktree without one, the interpreter running this script.
BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin").is_dir() else Path(sys.executable).parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
PG_BENCH = PG_SERVER + "casework_bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "casework"), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def instance_env(folder: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of the casework commands and the server for one benchmark instance."""
    # The seeded auditor logs in with its password alone: this measures pages, not the second factor.
    env = {**os.environ, "CASEWORK_INSTANCE_PATH": str(folder), "CASEWORK_COOKIE_SECURE": "false",
           "CASEWORK_SECOND_FACTOR_ROLES": ""}
    if database_url:
        env["CASEWORK_DATABASE_URL"] = database_url
    return env


def prepare(db: str, cases: int, folder: Path, database: str = "casework_bench") -> dict[str, str]:
    env = instance_env(folder, PG_SERVER + database if db == "postgresql" else None)
    if db == "postgresql":
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {database}"))
            conn.execute(text(f"CREATE DATABASE {database}"))
        admin.dispose()
    run(env, "init")
    started = time.perf_counter()
    out = run(env, "bench", "seed", "--cases", str(cases))
    print(f"  seeded {cases:,} cases in {time.perf_counter() - started:.0f} s ({out.strip().splitlines()[-1]})")
    return env


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path) as response:
            return str(response.read().decode("utf-8"))

    def login(self, username: str, password: str) -> None:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', self.get("/login"))
        assert token
        body = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token.group(1)})
        self.opener.open(self.base + "/login", data=body.encode()).read()

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def timed(self, path: str, requests: int) -> tuple[float, float]:
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            self.get(path)
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def wrk(program: str, url: str, cookie: str, seconds: int = 10) -> float:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run([program, "-t2", "-c8", f"-d{seconds}s", *headers, url],
                         capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    return float(match.group(1))


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """The app served by gunicorn (2 sync workers) on a free loopback port; yields its base URL once it answers."""
    port = free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "casework:create_app()"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/login").read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def measure(db: str, cases: int, requests: int, folder: Path, wrk_program: str) -> list[tuple[str, str]]:
    print(f"== {db}")
    env = prepare(db, cases, folder)
    with serving(env) as base:
        client = Client(base)
        client.login("seed.auditor", "seed benchmark only")
        number = re.search(r"PC-\d{4}-\d{6}", client.get("/cases/"))
        assert number
        page = "/cases/?state=closed&category=crop"
        for _ in range(999):  # walk to page 1,000 through the keyset tokens, as a user clicking "next" would
            token = re.search(r'href="(/cases/\?[^"]*after=[^"]+)"', client.get(page))
            if not token:
                break
            page = token.group(1).replace("&amp;", "&")
        anonymous = Client(base)
        base_median, base_p95 = anonymous.timed("/login", requests)
        pages = {
            "case list, first page": "/cases/",
            "case list, page 1,000 (state + category filter)": page,
            "search 2 characters, common (王芳)": "/cases/?q=" + urllib.parse.quote("王芳"),
            "search 2 characters, rare (柳湾)": "/cases/?q=" + urllib.parse.quote("柳湾"),
            "search 4 characters, common (冷库货物)": "/cases/?q=" + urllib.parse.quote("冷库货物"),
            "search 4 characters, rare (石湖营村)": "/cases/?q=" + urllib.parse.quote("石湖营村"),
            "case page": f"/cases/{number.group(0)}",
        }
        rows = [("baseline: login page, anonymous (template, no database)",
                 f"median {base_median:.1f} ms, p95 {base_p95:.1f} ms")]
        print(f"  {rows[0][0]:52} median {base_median:6.1f} ms  p95 {base_p95:6.1f} ms")
        for label, path in pages.items():
            client.timed(path, 5)  # warm
            median, p95 = client.timed(path, requests)
            rows.append((label, f"median {median:.1f} ms, p95 {p95:.1f} ms"))
            print(f"  {label:52} median {median:6.1f} ms  p95 {p95:6.1f} ms")
        cookie = client.cookie()
        baseline = wrk(wrk_program, base + "/login", "")
        for label, path in (("case list", "/cases/"), ("case page", f"/cases/{number.group(0)}")):
            rps = wrk(wrk_program, base + path, cookie)
            rows.append((f"8 connections, {label}", f"{rps:,.0f} req/s = {rps / baseline:.2f}× baseline"))
            print(f"  8 connections {label:20} {rps:8.0f} req/s  ({rps / baseline:.2f}× the baseline)")
        rows.append(("8 connections, baseline page", f"{baseline:,.0f} req/s"))
        print(f"  8 connections baseline page       {baseline:8.0f} req/s")
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    # Every tool is checked before the first database is seeded (minutes), not when it is first needed.
    tools.venv_program("casework")
    tools.venv_program("gunicorn")
    wrk_program = tools.system_program("wrk", "wrk", "the 8-connection throughput runs")
    if args.db != "sqlite":
        tools.postgres(PG_ADMIN, instead="measure SQLite only: --db sqlite")
    results = {}
    for db in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        with tempfile.TemporaryDirectory(prefix=f"casework-bench-{db}-") as folder:
            results[db] = measure(db, args.cases, args.requests, Path(folder), wrk_program)
    print(f"\nresults ({args.cases:,} cases):\n")
    for db, rows in results.items():
        print(f"| {db} | |\n|---|---|")
        for label, value in rows:
            print(f"| {label} | {value} |")
        print()


if __name__ == "__main__":
    main()
