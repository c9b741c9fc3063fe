"""The evidence page in words a person reads on a phone: the camera's time as 年月日 (never ISO), and the
file's checksum shortened, its full value kept in the tooltip and under a summary for comparing (issue 14)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Flask

from tests import samples
from tests.uploads import upload
from tests.visible import html_text
from tests.web.test_decision import _client, ready, world  # noqa: F401 - the shared fixture


def test_camera_time_in_words_and_checksum_shortened(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world)
    legal = _client(app, "legal1")
    upload(legal, number, [("冰箱正面.jpg", samples.jpeg(taken_at=datetime(2026, 11, 29, 9, 12, 33)))],
           "appliance_photos")
    html = legal.get(f"/cases/{number}/evidence").text
    text = html_text(html)
    assert "拍摄时间：2026年11月29日 09:12" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    digest = re.search(r'title="([0-9a-f]{64})"', html)
    assert digest, "the full checksum is in the summary's tooltip"
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", html[html.find(digest.group(0)) - 40:], re.S)
    assert summary and f"{digest.group(1)[:12]}…" in summary.group(1) and digest.group(1) not in summary.group(1)
