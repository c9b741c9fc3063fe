"""How fast the similar-case search is at 100,000 cases (issue #6). From the repository root:

    .venv/bin/python bench/similar.py                       # seeds a fresh 100,000-case SQLite instance
    .venv/bin/python bench/similar.py --instance /path      # an instance already seeded (casework bench seed)
    CASEWORK_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/similar.py --instance /path

For 300 cases drawn at random (seeded), in process: the similar-case search a decision page runs (same
claimant, same place, same event, same kind nearby) against a baseline measured in the same run — loading
the case itself by its number within the viewer's scope, the cheapest query the page makes. Medians and
p95; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tools

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instance", help="an instance folder already seeded with `casework bench seed`")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    tools.venv_program("casework")
    if os.environ.get("CASEWORK_DATABASE_URL", "").startswith("postgresql"):
        tools.postgres(os.environ["CASEWORK_DATABASE_URL"], instead="leave CASEWORK_DATABASE_URL unset for SQLite")
    keep = None
    if args.instance:
        folder = Path(args.instance)
    else:
        keep = tempfile.TemporaryDirectory(prefix="casework-bench-similar-")
        folder = Path(keep.name)
        env = {**os.environ, "CASEWORK_INSTANCE_PATH": str(folder)}
        for command in (["init"], ["bench", "seed", "--cases", str(args.cases)]):
            subprocess.run([str(ROOT / ".venv/bin/casework"), *command], env=env, check=True, capture_output=True)
    os.environ["CASEWORK_INSTANCE_PATH"] = str(folder)
    subprocess.run([str(ROOT / ".venv/bin/casework"), "db", "upgrade"], check=True, capture_output=True)

    from sqlalchemy import func, select

    from casework import create_app
    from casework.auth.models import User
    from casework.cases.models import Case
    from casework.cases.service import find_case
    from casework.decision.service import similar_cases
    from casework.infra.db import db

    app = create_app()
    with app.app_context():
        session = db.session()
        auditor = session.scalar(select(User).where(User.username == "seed.auditor"))
        assert auditor is not None, "not a seeded instance"
        actor = auditor.actor()
        total = session.scalar(select(func.count()).select_from(Case)) or 0
        ids = random.Random(6).sample(range(1, total + 1), args.samples)
        numbers = [n for n in session.scalars(select(Case.number).where(Case.id.in_(ids)))]
        base, similar, found = [], [], []
        for number in numbers:
            session.expunge_all()
            started = time.perf_counter()
            case = find_case(session, actor, number)
            base.append(time.perf_counter() - started)
            assert case is not None
            started = time.perf_counter()
            found.append(len(similar_cases(session, actor, case)))
            similar.append(time.perf_counter() - started)

        def p95(values: list[float]) -> float:
            return sorted(values)[int(len(values) * 0.95)] * 1000

        print(f"{total:,} cases, {len(numbers)} samples, {db.engine.dialect.name}")
        print(f"  baseline: load the case by number   median {statistics.median(base) * 1000:6.2f} ms  "
              f"p95 {p95(base):6.2f} ms")
        print(f"  similar-case search                 median {statistics.median(similar) * 1000:6.2f} ms  "
              f"p95 {p95(similar):6.2f} ms  = {statistics.median(similar) / statistics.median(base):.1f}x baseline")
        print(f"  similar cases found per case: median {statistics.median(found):.0f}, max {max(found)}")
    if keep is not None:
        keep.cleanup()


if __name__ == "__main__":
    sys.exit(main())
