"""Stored files as HTTP responses: evidence, letters and dossiers, under the names people know them by.

A file is served only while its bytes are what was recorded: a file marked damaged (by the fixity check or
an earlier download) is refused with the reason, and so is one whose size is wrong or, up to
VERIFY_ON_READ_MAX_BYTES, whose bytes no longer hash to its key. Never altered bytes under the original
hash as ETag.

From the local store the web server sends the file itself; from an object store the bytes are streamed
through the app, or (STORAGE_PRESIGNED_DOWNLOADS) the browser is sent to a URL valid for
STORAGE_PRESIGN_SECONDS that names the file as the app would (Content-Disposition, type, no caching).
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, redirect, render_template, request, send_file
from flask_babel import gettext as _
from werkzeug.wsgi import wrap_file

from casework.cases.retention import is_retired
from casework.domain.evidence import MEDIA_TYPES
from casework.infra import damage
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import file_store, setting
from casework.infra.storage import Store
from casework.ui.labels import DAMAGE, DAMAGE_TITLE

log = logging.getLogger("casework")

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def disposition(name: str, media_type: str, *, inline: bool = False) -> str:
    """Content-Disposition with the exact original name (RFC 5987 `filename*`, percent-encoded, so CR, LF,
    NUL or quotes in a name can never break the header) and an ASCII fallback for old clients."""
    extension = MEDIA_TYPES.get(media_type, "")
    stem = _SAFE_NAME.sub("_", name.rsplit(".", 1)[0]).strip("._")[:60] or "evidence"
    return (f"{'inline' if inline else 'attachment'}; filename=\"{stem}{extension}\"; "
            f"filename*=UTF-8''{quote(name, safe='')}")


CHUNK = 1024 * 1024


def _hash(store: Store, sha256: str) -> str:
    digest = hashlib.sha256()
    with store.open(sha256) as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _found_damaged(store: Store, sha256: str, size: int | None) -> tuple[str, str | None, int | None] | None:
    """(problem, what the bytes hash to, their size) when the file is not what was recorded, else None."""
    actual = store.size(sha256)
    if actual is None:
        return damage.MISSING, None, None
    if size is not None and actual != size:
        return damage.CHANGED, None, actual
    if actual <= int(setting("VERIFY_ON_READ_MAX_BYTES")) and (now_hash := _hash(store, sha256)) != sha256:
        return damage.CHANGED, now_hash, actual
    return None


def _refuse(problem: str) -> Response:
    page = render_template("errors/error.html", code=409, title=DAMAGE_TITLE, message=DAMAGE[problem],
                           incident=None)
    return Response(page, status=409, mimetype="text/html")


def send_stored(sha256: str, media_type: str, name: str, *, inline: bool = False, size: int | None = None) -> Response:
    """A stored file (evidence, a letter, a dossier) streamed from the store under the name people know it by,
    if it is intact; `size` is the size on record."""
    from casework.audit.service import record
    from casework.auth.guard import current_actor

    if is_retired(db.session(), sha256):  # deleted under the retention schedule: say so, not "damaged"
        return Response(render_template("errors/error.html", code=410, title=_("文件已按保存期限删除"),
                                        message=_("该文件的保存期限已满，已按规定删除；其 SHA-256 仍保留在案卷中。"),
                                        incident=None), status=410)
    store = file_store()
    marked = damage.open_mark(db.session(), sha256)
    if marked is not None:
        return _refuse(marked.problem)
    found = _found_damaged(store, sha256, size)
    if found is not None:
        problem, now_hash, now_size = found
        log.error("stored file %s failed its check on download (%s): refused and marked damaged", sha256, problem)
        with unit_of_work() as session:
            if damage.mark(session, sha256, problem, now=utcnow(), by="download", found_sha256=now_hash,
                           found_size=now_size):
                record(session, current_actor(), "file.damaged", now=utcnow(), object_type="stored_file",
                       object_id=sha256, after={"problem": problem, "found_sha256": now_hash,
                                                "found_size": now_size, "detected_by": "download",
                                                "url": request.path})
        return _refuse(problem)
    named = disposition(name, media_type, inline=inline)
    path = store.local_path(sha256)
    if path is not None:
        response = send_file(path, mimetype=media_type, conditional=True, etag=sha256, max_age=0)
    elif setting("STORAGE_PRESIGNED_DOWNLOADS") and (url := store.presigned_url(
            sha256, media_type=media_type, disposition=named, seconds=int(setting("STORAGE_PRESIGN_SECONDS")))):
        moved = redirect(url, 302)
        moved.headers["Cache-Control"] = "no-store"  # the URL expires; a cached redirect would not
        return moved  # type: ignore[return-value]
    else:
        response = streamed(store.open(sha256), media_type, etag=sha256, length=store.size(sha256))
    response.headers["Content-Disposition"] = named
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def streamed(body: BinaryIO, media_type: str, *, etag: str, length: int | None) -> Response:
    """Bytes read from the store piece by piece as the client takes them (an object store has no file to
    send); a client that already has this ETag gets 304 and nothing is read."""
    if request.if_none_match.contains(etag):
        body.close()
        response = Response(status=304)
    else:
        response = Response(wrap_file(request.environ, body, CHUNK), mimetype=media_type, direct_passthrough=True)
        if length is not None:
            response.content_length = length
    response.set_etag(etag)
    response.cache_control.max_age = 0
    return response
