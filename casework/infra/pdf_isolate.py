"""Laying out a PDF in a child process with a time and memory limit (RELIABILITY.md, fault 13).

WeasyPrint runs in the caller's process otherwise, and a hostile or huge document (a 2,000-character unbroken
name, five hundred evidence items, a runaway value) would hold a web worker for as long as it likes. The child
is forked, so it starts with the parent's fonts and caches already loaded (the parent warms them once); on
timeout it is killed and the caller gets RenderFailed, with nothing written anywhere.

The child dies with the thread that forked it (a worker killed mid-render takes its renderer along), lives in
its own process group, and keeps none of the parent's sockets and pipes but its result pipe (casework.infra.
forksafe; security review F-2).
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import resource
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from casework.infra import forksafe
from casework.infra.pdf import Fetcher, pdf_from_html

_OK, _ERROR = b"\x00", b"\x01"


@dataclass(frozen=True)
class RenderLimits:
    seconds: float = 120.0
    memory_mb: int = 2048  # address space the child may add to its parent's; a 200-page dossier needs ~600 MB


DEFAULT_LIMITS = RenderLimits()


class RenderFailed(Exception):
    """The PDF could not be made within the limits (timeout, memory) or the layout engine failed."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code  # "timeout", "memory", "crashed", "error"


@functools.cache
def _warm() -> None:
    """Load fonts and WeasyPrint's own stylesheets once in this process, so every forked child inherits them."""
    pdf_from_html('<p style="font-family: \'Noto Serif CJK SC\'">案</p>')


def _address_space() -> int:
    """This process's virtual size in bytes (mapped fonts and libraries included); 0 where /proc is missing."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(html: str, out: Connection, limits: RenderLimits, fetcher: Fetcher | None, parent: int) -> None:
    forksafe.detach(parent, keep=out.fileno(), seconds=limits.seconds)
    memory_mb = limits.memory_mb
    here = _address_space()
    if here:  # the limit is on growth: the parent's mappings (fonts, libraries) come with the fork
        limit = here + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        pdf = pdf_from_html(html, url_fetcher=fetcher)
    except MemoryError:
        message = _ERROR + b"memory"
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it as RenderFailed
        message = _ERROR + f"error {type(exc).__name__}: {exc}"[:500].encode()
    else:
        message = _OK + pdf
    try:
        out.send_bytes(message)
    except OSError:  # the parent is gone (EPIPE): nobody to tell
        pass
    finally:
        out.close()


def _own_group(pid: int | None) -> None:
    """The child makes itself a process group leader too; whichever of the two runs first wins the race."""
    if not pid:
        return
    with contextlib.suppress(OSError):  # already done by the child, or the child has already ended
        os.setpgid(pid, pid)


def _kill_group(pid: int | None) -> None:
    """The child and anything it started."""
    if not pid:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:  # not (yet) a group of its own
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def isolated_pdf(html: str, *, limits: RenderLimits = DEFAULT_LIMITS, url_fetcher: Fetcher | None = None) -> bytes:
    """The PDF bytes of `html`, laid out by a forked child within `limits`; RenderFailed otherwise."""
    forksafe.guard_locks()
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(html, writer, limits, url_fetcher, os.getpid()), daemon=True)
    with forksafe.FORK_LOCK:  # no other thread is warming WeasyPrint while this one forks
        _warm()
        child.start()
    writer.close()
    _own_group(child.pid)
    try:
        if not reader.poll(limits.seconds):
            raise RenderFailed("timeout", f"no PDF after {limits.seconds:g} s")
        try:
            message = reader.recv_bytes()
        except EOFError:
            raise RenderFailed("crashed", f"the layout process ended ({child.exitcode})") from None
    finally:
        if child.is_alive():
            _kill_group(child.pid)
        child.join()
        reader.close()
    if message[:1] == _OK:
        return message[1:]
    code, _, detail = message[1:].decode(errors="replace").partition(" ")
    raise RenderFailed(code, detail)
