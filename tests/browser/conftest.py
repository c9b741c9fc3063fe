"""The browser tests' world: the app with its real configuration (CSP, CSRF, session cookies) in a server
thread, and Debian's Chromium driven by Playwright (`make system-test` installs it). Nothing is skipped:
without Chromium these tests fail."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from casework import create_app
from casework.domain.access import Role
from casework.infra.db import db
from tests.conftest import PII_KEY, SECRET
from tests.factories import PASSWORD, load_rule_table, make_case, make_units, make_user, next_code

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
PHONE = {"width": 360, "height": 740}


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        """Keep the test's output to what it prints (the screenshot folder)."""


@pytest.fixture
def server(app: Flask, db_url: str) -> Iterator[str]:
    """The seeded database served by an app with the production configuration, over plain HTTP on loopback."""
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    make_user("legal1", Role.LEGAL, units["C1"])
    load_rule_table()
    make_case(units["S1"], field, claimant_name="张三")  # someone else, who must not match the search
    live = create_app({"DATABASE_URL": db_url, "SECRET_KEY": SECRET, "PII_KEY": PII_KEY, "COOKIE_SECURE": False})
    assert not live.testing
    httpd = make_server("127.0.0.1", 0, live, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(10)
    httpd.server_close()
    with live.app_context():
        db.engine.dispose()  # the served app's own pool: close its connections before the database is reset


@pytest.fixture
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make system-test`"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def phone_page(browser: Browser, base: str, username: str, problems: list[str]) -> Page:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                                  geolocation={"latitude": 34.7466, "longitude": 113.6253})
    context.grant_permissions(["geolocation"], origin=base)
    page = context.new_page()
    # A CSP violation or a script error shows up as a console error: the page must have none.
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if page.url.endswith("/login/code"):  # a role that must pass a second factor
        page.fill("#code", next_code(username))
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()
    return page
