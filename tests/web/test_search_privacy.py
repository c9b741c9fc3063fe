"""A phone or ID number searched for never appears in a URL (review F-16, RELIABILITY P3): the search form is
posted and such a term travels as a token of the user's session, so the access log, proxies and browser history
never hold it; paging, sorting and filters keep working on the token."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from casework.domain.access import Role
from tests.conftest import PII_KEY, SECRET, csrf_from
from tests.factories import login, make_case, make_units, make_user
from tests.web.test_evidence_faults import Browser, _free_port, _wait_for

PHONE = "13800138000"
ID_NUMBER = "11010519500101001X"
_NUMBER = re.compile(r'class="case-row" role="row" href="/cases/(PC-\d{4}-\d{6})"')
_NEXT = re.compile(r'rel="next" href="([^"]+)"')


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    same = [make_case(units["S1"], field, claimant_name=f"钱{i}", claimant_phone=PHONE).number for i in range(3)]
    other = make_case(units["S1"], field, claimant_name="孙七", claimant_phone="13911112222",
                      claimant_id_number=ID_NUMBER).number  # the others have the factories' default ID number
    return {"same": same, "other": other}


def _search(client: FlaskClient, page: str = "/cases/", **form: str) -> Any:
    return client.post("/cases/", data={"csrf_token": csrf_from(client.get(page).text), **form})


@pytest.fixture
def access_log(app: Flask) -> list[str]:
    """Every request line the app receives, as an access log writes it."""
    lines: list[str] = []
    app.before_request(lambda: lines.append(f"{request.method} {request.full_path}") and None)
    return lines


def _client(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "field1")
    return client


def test_a_phone_search_keeps_the_number_out_of_every_url_and_pages_on(
        app: Flask, world: dict[str, Any], access_log: list[str]) -> None:
    app.config["PAGE_SIZE"] = 2
    client = _client(app)
    got = _search(client, q=PHONE)
    assert got.status_code == 303
    location = got.headers["Location"]
    assert PHONE not in location and "t=" in location and "q=" not in location
    found: list[str] = []
    url: str | None = location
    for _ in range(5):  # bounded: 3 cases at 2 a page
        if url is None:
            break
        page = client.get(url)
        assert page.status_code == 200
        assert f'value="{PHONE}"' in page.text  # the box still shows what was searched (in the page, not the URL)
        found += _NUMBER.findall(page.text)
        nxt = _NEXT.search(page.text)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    assert sorted(found) == sorted(world["same"])
    assert access_log and not any(PHONE in line for line in access_log)


# Full-width digits are kept out of URLs too, though the search does not match them to a stored phone.
@pytest.mark.parametrize(("term", "finds"), [(ID_NUMBER, True), ("139 1111 2222", True), ("139-1111-2222", True),
                                             ("１３９１１１１２２２２", False)])
def test_id_numbers_and_written_phones_travel_as_tokens(app: Flask, world: dict[str, Any], term: str, finds: bool,
                                                        access_log: list[str]) -> None:
    client = _client(app)
    got = _search(client, q=term, sort="old")
    location = got.headers["Location"]
    assert "t=" in location and "sort=old" in location and "q=" not in location
    page = client.get(location).text
    assert _NUMBER.findall(page) == ([world["other"]] if finds else [])
    digits = re.sub(r"\D", "", term) or term
    assert not any(digits[:7] in re.sub(r"\D", "", urllib.parse.unquote(line)) for line in access_log)


def test_other_terms_stay_shareable_links(app: Flask, world: dict[str, Any]) -> None:
    client = _client(app)
    for term in ("8000", "钱1", "PC-2026"):  # a last-4 suffix, a name, a case number prefix
        location = _search(client, q=term).headers["Location"]
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["q"] == [term]


def test_an_old_link_with_a_phone_is_moved_out_of_the_url(app: Flask, world: dict[str, Any]) -> None:
    client = _client(app)
    got = client.get("/cases/", query_string={"q": PHONE, "sort": "old"})
    assert got.status_code == 303 and PHONE not in got.headers["Location"] and "t=" in got.headers["Location"]
    assert sorted(_NUMBER.findall(client.get(got.headers["Location"]).text)) == sorted(world["same"])


def test_a_token_is_worth_nothing_in_another_session(app: Flask, world: dict[str, Any]) -> None:
    location = _search(_client(app), q=PHONE).headers["Location"]
    stranger = _client(app)  # the same user in another browser: a link copied out of the log or history
    got = stranger.get(location)
    assert got.status_code == 303 and "t=" not in got.headers["Location"]
    page = stranger.get(got.headers["Location"]).text
    assert "搜索条件已过期" in page and PHONE not in page


def test_the_search_form_needs_its_csrf_token(app: Flask, world: dict[str, Any]) -> None:
    assert _client(app).post("/cases/", data={"q": PHONE}).status_code == 400


@pytest.fixture
def gunicorn(app: Flask, db_url: str, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn as `make run` serves the app, writing its access log."""
    port, log = _free_port(), tmp_path / "access.log"
    env = {**os.environ, "CASEWORK_DATABASE_URL": db_url, "CASEWORK_SECRET_KEY": SECRET, "CASEWORK_PII_KEY": PII_KEY,
           "CASEWORK_INSTANCE_PATH": app.instance_path, "CASEWORK_COOKIE_SECURE": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                             "--access-logfile", str(log), "casework:create_app()"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        yield port, log
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_the_access_log_of_a_real_server_never_holds_the_phone(world: dict[str, Any],
                                                                gunicorn: tuple[int, Path]) -> None:
    """The review's check: search by a full phone number, then read gunicorn's access log."""
    port, log = gunicorn
    browser = Browser(port)
    browser.login()
    status, page = browser.request("GET", "/cases/")
    assert status == 200
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/cases/", body=urllib.parse.urlencode({"csrf_token": csrf_from(page), "q": PHONE}),
                 headers={"Cookie": browser.cookie, "Content-Type": "application/x-www-form-urlencoded"})
    answer = conn.getresponse()
    location, cookie = answer.getheader("Location"), answer.getheader("Set-Cookie")
    conn.close()
    assert answer.status == 303 and location and PHONE not in location and cookie
    name, _, value = cookie.split(";", 1)[0].partition("=")
    browser.cookies[name] = value  # the session now holds the hidden term
    status, results = browser.request("GET", location)
    assert status == 200 and sorted(_NUMBER.findall(results)) == sorted(world["same"])
    written = ""
    for _ in range(100):  # gunicorn writes the line after sending the response: wait for it, bounded
        written = log.read_text()
        if "GET /cases/?t=" in written:
            break
        time.sleep(0.05)
    assert "POST /cases/ " in written and "GET /cases/?t=" in written
    assert PHONE not in written
