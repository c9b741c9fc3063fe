"""What a benchmark runs besides Python's standard library, checked before a long run starts.

A missing system program is installed with apt-get when this is a Debian machine and we are root (as `make`
installs the app's own system packages); otherwise the benchmark stops at once and says how to get it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The checkout's own venv; in a git worktree without one, the interpreter running the benchmark.
BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin").is_dir() else Path(sys.executable).parent


def venv_program(name: str) -> str:
    """A program installed into .venv with casework (casework, gunicorn); the path to run it by."""
    path = BIN / name
    if not os.access(path, os.X_OK):
        sys.exit(f"{path} is missing: run `make install` in {ROOT} (it creates .venv and installs casework "
                 "with its dependencies), then run this benchmark again")
    return str(path)


def system_program(name: str, package: str, why: str) -> str:
    """A program from the operating system (wrk, GNU time); installed with apt-get when we may."""
    found = shutil.which(name)
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        print(f"{name} is missing ({why}): apt-get install -y {package}", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([apt, "update", "-qq"], env=env, check=False)
        subprocess.run([apt, "install", "-y", "-qq", package], env=env, check=False)
        found = shutil.which(name)
        if found:
            return found
    sys.exit(f"{name} is needed ({why}) and is not installed. Install it, then run this benchmark again:\n"
             f"  Debian/Ubuntu: sudo apt-get install {package}\n"
             f"  macOS (Homebrew): brew install {package}")


def postgres(url: str, instead: str) -> None:
    """Stop unless a PostgreSQL server answers at `url`; `instead` says how to run without one."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        sys.exit(f"no PostgreSQL server answers at {url} ({type(exc).__name__}). Start one, e.g.\n"
                 "  sudo apt-get install postgresql && sudo service postgresql start\n"
                 f"with a `postgres` role that may log in from 127.0.0.1 without a password; or {instead}")
    finally:
        engine.dispose()
