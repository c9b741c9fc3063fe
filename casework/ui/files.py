"""Stored files as HTTP responses: evidence, letters and dossiers, under the names people know them by."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Response, abort, render_template, send_file
from flask_babel import gettext as _

from casework.cases.retention import is_retired
from casework.domain.evidence import MEDIA_TYPES
from casework.infra.db import db
from casework.infra.settings import file_store

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def disposition(name: str, media_type: str, *, inline: bool = False) -> str:
    """Content-Disposition with the exact original name (RFC 5987 `filename*`, percent-encoded, so CR, LF,
    NUL or quotes in a name can never break the header) and an ASCII fallback for old clients."""
    extension = MEDIA_TYPES.get(media_type, "")
    stem = _SAFE_NAME.sub("_", name.rsplit(".", 1)[0]).strip("._")[:60] or "evidence"
    return (f"{'inline' if inline else 'attachment'}; filename=\"{stem}{extension}\"; "
            f"filename*=UTF-8''{quote(name, safe='')}")


def send_stored(sha256: str, media_type: str, name: str, *, inline: bool = False) -> Response:
    """A stored file (evidence, a letter, a dossier) streamed from the store under the name people know it by."""
    path = file_store().local_path(sha256)
    if path is None or not path.is_file():
        if is_retired(db.session(), sha256):  # deleted under the retention schedule: say so, not "not found"
            return Response(render_template("errors/error.html", code=410, title=_("文件已按保存期限删除"),
                                            message=_("该文件的保存期限已满，已按规定删除；其 SHA-256 仍保留在案卷中。"),
                                            incident=None), status=410)
        abort(404)
    response = send_file(path, mimetype=media_type, conditional=True, etag=sha256, max_age=0)
    response.headers["Content-Disposition"] = disposition(name, media_type, inline=inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
