"""Start-up of the command line (issue 12). One command, from the repository root:

    .venv/bin/python bench/startup.py              # 15 rounds (~1 min, most of it `casework init`)
    .venv/bin/python bench/startup.py --rounds 31
    .venv/bin/python bench/startup.py --before 6fd09e3   # also the code of an earlier commit, in the same rounds

Times, as subprocesses with a clean environment (no CASEWORK_* variables):
  * `casework assess CASE` of one worked example (shared/spec/examples/, else the tests' copy) on an
    initialised instance (`casework init`: the table in force is read from its SQLite database) and on a
    fresh clone (an empty instance folder: the bundled table);
  * `casework --help` on both;
against `python -c "import json"` (the interpreter's own start) and `python -c "import flask"` (the least a
Flask command line can import), measured in the same run. Each round runs every command once, in turn, so a
busy neighbour slows them alike; medians are reported. Nothing asserts on time; the target is reported as met
or missed: assess on the initialised instance ≤ 0.5 s and ≤ 4× `import flask`. With --before, the package as of
that commit (`git archive` into the temporary folder, on its own initialised instance) runs the same
`casework assess` in every round.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from tools import ROOT, system_program, venv_program

EXAMPLES = [ROOT.parent / "shared" / "spec" / "examples", ROOT / "tests" / "domain" / "examples"]
EXAMPLE = "appliance-depreciated.json"
TARGET_S, TARGET_RATIO = 0.5, 4.0
#: Imported only where a PDF is made or a page is served; `casework assess` should load none of them.
HEAVY = ("weasyprint", "casework.web", "casework.infra.pdf", "flask_wtf", "flask_sqlalchemy")


def clean_env(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env["CASEWORK_INSTANCE_PATH"] = str(instance)
    return env


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
    return time.perf_counter() - started


def heavy_imports(python: str, casework: str, argv: list[str], env: dict[str, str]) -> list[str]:
    """Which of HEAVY a command imports (python -X importtime on the console script)."""
    done = subprocess.run([python, "-X", "importtime", casework, *argv], env=env, capture_output=True, text=True,
                          check=True, cwd=ROOT)
    loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")}
    return [name for name in HEAVY if name in loaded]


def init(casework: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([*casework, "init"], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"casework init failed:\n{done.stderr[-3000:]}")


def checkout(commit: str, folder: Path) -> None:
    """The repository as of `commit`, unpacked into `folder` (read-only git: nothing in the clone changes)."""
    git = system_program("git", "git", "--before unpacks an earlier commit")
    archive = subprocess.run([git, "-C", str(ROOT), "archive", "--format=tar", commit], capture_output=True,
                             check=False)
    if archive.returncode:
        sys.exit(f"git archive {commit} failed: {archive.stderr.decode(errors='replace')}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--before", metavar="COMMIT", help="also time `casework assess` as of this commit")
    args = parser.parse_args()
    python, casework = venv_program("python"), venv_program("casework")
    source = next((folder / EXAMPLE for folder in EXAMPLES if (folder / EXAMPLE).is_file()), None)
    if source is None:
        sys.exit(f"{EXAMPLE} is in neither {EXAMPLES[0]} nor {EXAMPLES[1]}")
    example = json.loads(source.read_text(encoding="utf-8"))

    with tempfile.TemporaryDirectory(prefix="casework-bench-startup-") as folder:
        work = Path(folder)
        case = work / "case.json"
        case.write_text(json.dumps(example["case"], ensure_ascii=False), encoding="utf-8")
        fresh, initialised = clean_env(work / "fresh"), clean_env(work / "instance")
        (work / "fresh").mkdir()
        print(f"casework init in {work / 'instance'} …", flush=True)
        init([casework], initialised)
        runs = [([casework], initialised), ([casework], fresh)]
        if args.before:
            checkout(args.before, work / "before")
            # That commit's console script: its package on PYTHONPATH comes before the editable install, and -P
            # keeps the working directory (this clone) off the path.
            before = [python, "-P", "-c", "import sys; from casework.cli import main; sys.argv[0] = 'casework'; main()"]
            before_env = {**clean_env(work / "before-instance"), "PYTHONPATH": str(work / "before")}
            where = subprocess.run([python, "-P", "-c", "import casework; print(casework.__file__)"], env=before_env,
                                   capture_output=True, text=True, check=True).stdout
            assert Path(where.strip()).is_relative_to(work / "before"), where
            print(f"casework init as of {args.before} …", flush=True)
            init(before, before_env)
            runs.append((before, before_env))
        outputs = set()
        for command, env in runs:  # the answer is right, whichever code and table answers
            text = subprocess.run([*command, "assess", str(case)], env=env, check=True, capture_output=True).stdout
            out = json.loads(text)
            assert (out["outcome"], out["amount"]) == (example["expected"]["outcome"], example["expected"]["amount"])
            outputs.add(text)
        if len(outputs) > 1:
            print("note: the outputs differ byte for byte between the runs above", flush=True)

        commands = {
            "python -c 'import json' (floor)": ([python, "-c", "import json"], fresh),
            "python -c 'import flask' (baseline)": ([python, "-c", "import flask"], fresh),
            "casework assess, initialised instance": ([casework, "assess", str(case)], initialised),
            "casework assess, fresh clone (bundled table)": ([casework, "assess", str(case)], fresh),
            "casework --help, initialised instance": ([casework, "--help"], initialised),
            "casework --help, fresh clone": ([casework, "--help"], fresh),
        }
        if args.before:
            commands[f"casework assess as of {args.before}, initialised instance"] = (
                [*before, "assess", str(case)], before_env)
        samples: dict[str, list[float]] = {label: [] for label in commands}
        for argv, env in commands.values():  # warm the page cache and .pyc files
            timed(argv, env)
        print(f"{args.rounds} rounds …", flush=True)
        for _ in range(args.rounds):
            for label, (argv, env) in commands.items():
                samples[label].append(timed(argv, env))
        heavy = heavy_imports(python, casework, ["assess", str(case)], initialised)

    median = {label: statistics.median(values) for label, values in samples.items()}
    floor, flask = median["python -c 'import json' (floor)"], median["python -c 'import flask' (baseline)"]
    print(f"\nPython {platform.python_version()}, {os.cpu_count()} CPUs, {args.rounds} rounds, medians; "
          f"example {source.name}\n")
    print("| command | median | × import flask | × import json |\n|---|---|---|---|")
    for label, seconds in median.items():
        print(f"| {label} | {seconds:.3f} s | {seconds / flask:.2f}× | {seconds / floor:.1f}× |")
    assess = median["casework assess, initialised instance"]
    met = assess <= TARGET_S and assess / flask <= TARGET_RATIO
    print(f"\nheavy modules imported by `casework assess`: {', '.join(heavy) or 'none'}")
    print(f"target: casework assess ≤ {TARGET_S} s and ≤ {TARGET_RATIO:g}× import flask: "
          f"{'MET' if met else 'MISSED'} ({assess:.3f} s, {assess / flask:.2f}×)")


if __name__ == "__main__":
    main()
