"""Forking safely from a threaded web worker: children that die with their parent, hold none of its sockets, and
find no lock frozen in the held state.

A forked PDF renderer used to outlive a killed worker (security review F-2): it inherited the listening socket,
the client's connection and the read end of its own result pipe, and blocked forever writing into that pipe.
`detach()` is what a forked child does first; `guard_locks()` makes every fork of this process wait until no
other thread is inside the few critical sections the children run through again (a lock copied while held is
held forever in the child, whose copy of the holding thread does not exist).
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import signal
import stat
import sys
import threading
from typing import Any

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

#: Held while WeasyPrint is warmed in this process and while a render child is forked: no fork may copy a
#: half-loaded font cache. Reentrant, because the fork handler takes it again in the thread that forks.
FORK_LOCK = threading.RLock()

# Signals whose handlers a web server installs (gunicorn: graceful stop, reload, log reopening); a child must not
# run its parent's handlers.
_SERVER_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
                   signal.SIGWINCH, signal.SIGCHLD, signal.SIGALRM)


def die_with_parent(parent: int) -> None:
    """Ask the kernel to SIGKILL this process when the thread that forked it ends (Linux), then make sure that
    thread's process had not already ended before the request was made."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            os._exit(70)  # a child that cannot be tied to its parent does not start (EX_SOFTWARE)
    if os.getppid() != parent:  # reparented already: the parent died between fork and prctl
        os._exit(70)


def close_inherited(keep: int) -> None:
    """Let go of every socket and pipe inherited from the parent except `keep`: the web server's listening
    socket, every client connection of every thread, database connections, the server's wake-up pipes, the read
    end of our own result pipe. Regular files stay open: the layout engine keeps font files open and reads them.

    Each descriptor is pointed at /dev/null rather than closed, so its number stays taken: a Python object of the
    parent that still believes it owns that number can close it later without closing a file opened since."""
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: nothing to find them by (PR_SET_PDEATHSIG is Linux-only too)
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in descriptors:
            if fd <= 2 or fd in (keep, null):
                continue
            try:
                mode = os.fstat(fd).st_mode
            except OSError:  # the listing's own descriptor, already closed
                continue
            if stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode):
                os.dup2(null, fd)
    finally:
        os.close(null)


def detach(parent: int, *, keep: int, seconds: float) -> None:
    """What a forked child does first: die with `parent`, leave its process group (a signal to the server's
    group, Ctrl-C in a terminal, reaches the server, which then ends its children itself), drop inherited sockets
    and pipes, reset the server's signal handlers, and set an alarm that ends it even if nobody is left to."""
    die_with_parent(parent)
    with contextlib.suppress(OSError):  # the parent may have made us a group leader already
        os.setpgid(0, 0)
    close_inherited(keep)
    for sig in _SERVER_SIGNALS:
        signal.signal(sig, signal.SIG_DFL)
    signal.alarm(max(1, math.ceil(seconds)) + 10)  # SIGALRM's default action ends the process


def _other_locks() -> list[Any]:
    """The locks besides FORK_LOCK a forked child may take again, in the order they are taken before a fork."""
    locks: list[Any] = []
    pdf = sys.modules.get("casework.infra.pdf")
    if pdf is not None and pdf.default_environment.cache_info().currsize:  # jinja2's template cache
        lock = getattr(pdf.default_environment().cache, "_wlock", None)
        if lock is not None:
            locks.append(lock)
    localedata = sys.modules.get("babel.localedata")  # dates and numbers printed in a dossier
    lock = getattr(localedata, "_cache_lock", None)
    if lock is not None:
        locks.append(lock)
    return locks


_held: list[Any] = []  # the locks taken for the fork under way; FORK_LOCK protects the list itself


def _before() -> None:
    FORK_LOCK.acquire()
    _held[:] = _other_locks()
    for lock in _held:
        lock.acquire()


def _after() -> None:
    for lock in reversed(_held):
        lock.release()
    _held.clear()
    FORK_LOCK.release()


_installed: list[bool] = []


def guard_locks() -> None:
    """From now on every fork of this process (a render child, a batch export) waits until no other thread holds
    one of those locks, and both sides release them after. Python's own logging and concurrent.futures do the
    same for theirs. Safe to call many times."""
    with FORK_LOCK:
        if not _installed:
            os.register_at_fork(before=_before, after_in_parent=_after, after_in_child=_after)
            _installed.append(True)
