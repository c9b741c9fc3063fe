"""The wheel: built from a copy of the sources, installed into a fresh virtual environment outside the checkout
(its dependencies from the machine's pip index), initialised, and serving /login in Chinese with its scripts and
styles, while an audit hook in that environment records any file under the checkout that is opened or listed.

The slowest test of the suite (about a minute: most of it is pip installing the dependencies), in its own folder.
One test function, so pytest-xdist never builds the wheel twice.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from casework.infra import paths

CHECKOUT = paths.CHECKOUT
#: What the build reads: pyproject.toml's metadata (README.md is its long description), setup.py's build step,
#: and what that step bundles.
SOURCES = ["pyproject.toml", "setup.py", "README.md", "casework", "templates", "migrations"]
PIP_SECONDS = 900  # dependencies from the index; a bound, not an expectation

# Installed as a .pth hook in the fresh environment: every open, listdir or scandir of a path under the checkout,
# by any process that environment's Python starts (casework, gunicorn and its forked workers), goes to the log.
WATCH = '''
import os, sys
_root, _log = os.environ.get("WATCH_ROOT"), os.environ.get("WATCH_LOG")
if _root and _log:
    _fd = os.open(_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    def _watch(event, args):
        if event in ("open", "os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.abspath(os.fsdecode(args[0]))
            if path == _root or path.startswith(_root + os.sep):
                os.write(_fd, f"{os.getpid()} {event} {path}\\n".encode())
    sys.addaudithook(_watch)
'''


def _copy_sources(target: Path) -> None:
    """The build runs on a copy: a build writes build/ and *.egg-info beside setup.py, never in the checkout."""
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "bundled")
    for name in SOURCES:
        source = CHECKOUT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copyfile(source, target / name)
    for npm_path in paths.VENDOR.values():
        (target / "node_modules" / npm_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CHECKOUT / "node_modules" / npm_path, target / "node_modules" / npm_path)


def _clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that points Python or casework elsewhere."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CASEWORK_", "PYTHON", "PYTEST", "VIRTUAL_ENV", "FLASK_"))}
    return {**env, **extra}


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(port: int, path: str) -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("Content-Type") or ""
    finally:
        conn.close()


def _login_page_in_english(port: int) -> str:
    """Switch the language as a person does (the form at the foot of the page, CSRF token and session cookie),
    which only works if the wheel's compiled catalogue is found."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"http://127.0.0.1:{port}/login", timeout=10) as response:
        page = response.read().decode()
    form = re.search(r'<form[^>]*action="/language".*?</form>', page, re.S)
    assert form, "no language switch on the login page"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.group(0))
    assert token
    data = urllib.parse.urlencode({"lang": "en", "csrf_token": token.group(1)}).encode()
    with opener.open(f"http://127.0.0.1:{port}/language", data=data, timeout=10) as response:
        return str(response.read().decode())


def _wait_until_served(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn exited:\n{log.read_text(errors='replace')[-3000:]}"
        try:
            _get(port, "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer within 60 s:\n{log.read_text(errors='replace')[-3000:]}")


def test_a_built_wheel_installed_outside_the_checkout_initialises_and_serves_the_login_page(tmp_path: Path) -> None:
    assert not tmp_path.resolve().is_relative_to(CHECKOUT)
    env = _clean_env()
    src, dist, venv, work = (tmp_path / name for name in ("src", "dist", "venv", "work"))
    _copy_sources(src)

    # A fresh environment: no --system-site-packages, nothing of the checkout's .venv.
    _run([sys.executable, "-m", "venv", venv], tmp_path, env)
    python, pip = venv / "bin" / "python", [venv / "bin" / "python", "-m", "pip"]
    # The build step's own requirements (pyproject.toml [build-system]) from the index like any dependency, then a
    # build without isolation, so the build itself downloads nothing.
    _run([*pip, "install", "-q", "setuptools>=70.1", "Babel>=2.12"], tmp_path, env, PIP_SECONDS)
    _run([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", dist, src], tmp_path, env)
    (wheel,) = dist.glob("casework-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    for inside in ("casework/bundled/templates/base.html", "casework/bundled/templates/auth/login.html",
                   "casework/bundled/migrations/env.py", "casework/bundled/migrations/script.py.mako",
                   "casework/bundled/vendor/htmx.min.js", "casework/bundled/vendor/echarts.min.js",
                   "casework/translations/en/LC_MESSAGES/messages.mo", "casework/static/app.css",
                   "casework/rules_data/rules_general.json", "casework/gunicorn_conf.py"):
        assert inside in names, f"{inside} is not in the wheel"
    versions = {n for n in names if n.startswith("casework/bundled/migrations/versions/") and n.endswith(".py")}
    assert len(versions) == len(list((CHECKOUT / "migrations" / "versions").glob("*.py")))
    assert not (CHECKOUT / "casework" / "bundled").exists(), "the build wrote into the checkout"

    _run([*pip, "install", "-q", wheel], tmp_path, env, PIP_SECONDS)
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, env)
                .strip())
    (site / "casework_watch.py").write_text(WATCH)
    (site / "casework_watch.pth").write_text("import casework_watch\n")
    watch_log = tmp_path / "checkout_reads.log"
    watched = _clean_env(WATCH_ROOT=str(CHECKOUT), WATCH_LOG=str(watch_log))

    # The watch sees what it should: a read of the checkout by this environment's Python is logged.
    _run([python, "-c", f"open({str(CHECKOUT / 'pyproject.toml')!r}).close()"], tmp_path, watched)
    assert "pyproject.toml" in watch_log.read_text()
    watch_log.unlink()

    work.mkdir()
    located = _run([python, "-c", "import casework, casework.infra.paths as p; "
                    "print(casework.__file__, p.installed(), p.templates(), p.migrations(), p.instance())"],
                   work, watched).split()
    assert located == [str(site / "casework" / "__init__.py"), "True", str(site / "casework/bundled/templates"),
                       str(site / "casework/bundled/migrations"), str(work / "instance")]

    # Before `casework init` a command says what is missing and where it looked.
    refused = subprocess.run([venv / "bin" / "casework", "demo"], cwd=work, env=watched, capture_output=True,
                             text=True, timeout=120)
    assert refused.returncode != 0
    assert f"run `casework init` (writes {work / 'instance' / 'config.py'}" in refused.stderr

    initialised = _run([venv / "bin" / "casework", "init"], work, watched)
    assert f"wrote {work / 'instance' / 'config.py'}" in initialised
    assert "database ready" in initialised
    demo = _run([venv / "bin" / "casework", "demo"], work, watched)
    assert "demo.legal" in demo

    port, log = _free_port(), tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [venv / "bin" / "gunicorn", "-c", "python:casework.gunicorn_conf", "--workers", "1",
             "--bind", f"127.0.0.1:{port}", "casework:create_app()"],
            # Plain HTTP on loopback, as `make run` serves: the session cookie cannot be Secure here.
            cwd=work, env={**watched, "CASEWORK_COOKIE_SECURE": "false"}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_served(port, server, log)
        status, body, _ = _get(port, "/login")
        page = body.decode()
        assert status == 200
        assert '<html lang="zh-CN"' in page and "<title>登录" in page and "用户名" in page
        english = _login_page_in_english(port)
        assert "<title>Log in" in english and "Username" in english

        status, body, kind = _get(port, "/vendor/htmx.min.js")
        assert status == 200 and "javascript" in kind
        assert body == (CHECKOUT / "node_modules" / paths.VENDOR["htmx.min.js"]).read_bytes()
        status, body, kind = _get(port, "/static/app.css")
        assert status == 200 and kind.startswith("text/css") and body == (CHECKOUT / "casework/static/app.css").read_bytes()
        # Bootstrap comes with Bootstrap-Flask's own package (BOOTSTRAP_SERVE_LOCAL), also served by the app.
        assert "/bootstrap/static/css/bootstrap.min.css" in page
        status, _, kind = _get(port, "/bootstrap/static/css/bootstrap.min.css")
        assert status == 200 and kind.startswith("text/css")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    reads = watch_log.read_text() if watch_log.exists() else ""
    assert reads == "", f"the installed app read the checkout:\n{reads[:3000]}"
    shutil.rmtree(venv)  # 300 MB; pytest keeps the last runs' temporary folders, the log and the wheel stay
