"""Issue 14: a person never sees an internal identifier. For one case of each category taken through every
state, every page each role can open and every document it can download is read as a person reads it
(visible text, PDF text extracted) and searched for the code's own words (tests/visible.py builds them from
the code); in English mode, also for Chinese that is not the case's own data. All leaks are reported at once,
and written to $CASEWORK_LEAK_REPORT when set, so whoever fixes them can work from the list."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.assets.models import Asset, AssetRegister
from casework.auth.models import Unit, User
from casework.cases.models import Case
from casework.cases.service import open_case
from casework.decision.models import LitigationEntry, Proposal
from casework.demo.data import FACTS
from casework.domain.contract import CATEGORIES
from casework.domain.evidence import checklist
from casework.domain.lifecycle import State
from casework.evidence.models import Evidence
from casework.infra.db import db, unit_of_work, utcnow
from tests.conftest import csrf_from
from tests.factories import ctx, login
from tests.visible import Leak, html_text, leaks, pdf_text

ROLES = ("demo.field", "demo.legal", "demo.head", "demo.auditor", "demo.admin")
# What the test types into forms: the case's data, allowed to appear (in Chinese) on English pages.
TYPED = ("示范数据：原件在纸质卷宗中，已核对。", "申请人撤回索赔。", "同意", "青山县人民法院", "财产损害赔偿纠纷",
         "驳回原告诉讼请求", "对方证据不足，败诉风险低。", "甲方支付上述款项后，损坏的家用电器归甲方所有。", "PZ-0042", "王律师", "赔偿 8000 元",
         "与类似案件处理不同：本案的事实与以往的案件不同。请求人主张的是逐年占地费，法律只规定一次性补偿，已经支付。")
# How each category's claim is decided: every letter kind, and every state after a decision, is reached.
# A refusal only where the check found no liability (refusing what the law says to pay needs more reasons).
DECISION = {"appliance": "settle", "outage": "settle", "power_quality": "settle", "crop": "settle",
            "trees": "settle", "land_tower": "reject", "injury": "escalate", "service_dispute": "reject"}
# The demo's facts drawn with a seed that gives the category a decidable check (not "facts missing"); the
# demo's own cases cover the missing-facts outcome.
SEED = {"appliance": 1, "outage": 1, "power_quality": 1, "crop": 1, "trees": 1, "land_tower": 1, "injury": 0,
        "service_dispute": 0}
NEVER = ("/logout", "/language")  # links that change the session, not pages
MAX_PAGES = 400  # per role and language, over the whole site: enough for the demo's 64 cases and ours


class Reader:
    """Every page and document seen, keyed by (who, language, what), read once per state it was seen in."""

    def __init__(self, app: Flask, clients: dict[str, FlaskClient]) -> None:
        self.app, self.clients = app, clients
        self.found: dict[tuple[str, str, str], Leak] = {}
        self.seen: set[tuple[str, str, str]] = set()
        self.documents: set[str] = set()
        self.pages = 0
        self.numbers: set[str] = set()  # a document's bytes do not depend on who downloads it

    def crawl(self, role: str, start: Iterable[str], *, english: bool, within: str = "", label: str = "") -> None:
        client, lang = self.clients[role], "en" if english else "zh"
        queue = list(start)
        visited = 0
        while queue and visited < MAX_PAGES:
            url = queue.pop(0)
            key = (role, lang, f"{label}{url}")
            if key in self.seen or any(url.startswith(n) for n in NEVER):
                continue
            self.seen.add(key)
            visited += 1
            self.pages += 1
            with client.get(url) as response:
                kind, body = response.mimetype, response.get_data()
                status = response.status_code
            where = f"[{lang}] {role} {label}{url}"
            if status in (301, 302, 303) or status >= 400 and kind != "text/html":
                continue
            if kind == "text/html":
                html = body.decode()
                self.read(where, html_text(html), english=english)
                queue += [u for u in _links(html) if u.startswith(within) and self._ours(u)]
            elif kind == "application/pdf" and url not in self.documents and "/evidence/" not in url:
                self.documents.add(url)  # the user's own evidence files are theirs; the system's documents are read
                self.read(where, pdf_text(body), english=False)  # letters are Chinese legal documents
            elif kind in ("text/csv", "text/plain") and "/evidence/" not in url:  # a download; not CSS or JS
                self.read(where, body.decode("utf-8-sig", "replace"), english=english)

    def _ours(self, url: str) -> bool:
        """Case pages of the cases this test took through their states (the demo's others look the same)."""
        found = re.match(r"/(?:cases|intake)/([A-Z]{2}-\d{4}-\d{6})", url)
        return not found or found.group(1) in self.numbers

    def read(self, where: str, text: str, *, english: bool) -> None:
        for leak in leaks(where, text, english=english, data=data_strings()):
            self.found.setdefault((leak.where, leak.kind, leak.token), leak)

    def report(self) -> str:
        by_token: dict[tuple[str, str], list[str]] = {}
        for leak in self.found.values():
            by_token.setdefault((leak.kind, leak.token), []).append(leak.where)
        lines = [f"{len(self.found)} leaks, {len(by_token)} distinct tokens"]
        for (kind, token), places in sorted(by_token.items(), key=lambda item: (-len(item[1]), item[0])):
            lines.append(f"\n{token!s}  ({kind}) on {len(places)} page(s):")
            example = next(leak for leak in self.found.values() if (leak.kind, leak.token) == (kind, token))
            lines.append(f"    e.g. …{example.context}…")
            lines += [f"    {p}" for p in sorted(places)[:12]]
            if len(places) > 12:
                lines.append(f"    … and {len(places) - 12} more")
        return "\n".join(lines)


_HREF = re.compile(r'href="([^"#]+)')


def _links(html: str) -> Iterator[str]:
    for href in _HREF.findall(html):
        parts = urlsplit(href.replace("&amp;", "&"))
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
            continue
        yield parts.path  # queries (sorting, paging) vary a page, not its words: one visit per path


_DATA: list[str] = []


def data_strings() -> list[str]:
    """The case's own data, as people typed it: names, places, notes, file names, unit and person names."""
    if _DATA:
        return _DATA
    with ctx():
        found: set[str] = set(TYPED)
        for case in db.session.scalars(select(Case)):
            found |= {case.claimant_name or "", case.claimant_address or "", case.address or "",
                      case.description or "", case.number}
            found |= set(_strings(case.facts))
        found |= {u.name for u in db.session.scalars(select(Unit))}
        found |= {u.legal_name for u in db.session.scalars(select(Unit)) if u.legal_name}  # legal entities are data too
        found |= {u.display_name for u in db.session.scalars(select(User))}
        found |= {e.original_name for e in db.session.scalars(select(Evidence))}
        found |= {e.note or "" for e in db.session.scalars(select(Evidence))}
        for asset in db.session.scalars(select(Asset)):  # the asset register's names are the utility's data
            found |= {asset.name, asset.line_name or "", asset.village or ""}
        found |= {r.source_name for r in db.session.scalars(select(AssetRegister))}
        for p in db.session.scalars(select(Proposal)):  # what officers wrote on the decisions the demo made
            found |= {p.reason or "", p.note or "", p.court or "", p.cause or "", p.risk or "", p.demand or ""}
        found |= {e.text for e in db.session.scalars(select(LitigationEntry))}
    _DATA[:] = sorted(found - {""}, key=len, reverse=True)
    return _DATA


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str) and re.search(r"[\u3400-\u9fff]", value):
        yield value  # Chinese free text (an appliance's name, a crop); codes and numbers are not data


def _demo(app: Flask) -> dict[str, FlaskClient]:
    output = app.test_cli_runner().invoke(args=["demo"]).output
    clients = {}
    for username, password in re.findall(r"^\s+(demo\.\w+)\s+\w+\s+\S+\s+password: (\S+)$", output, re.M):
        clients[username] = app.test_client()
        assert login(clients[username], username, password).status_code == 302, username
    assert set(clients) == set(ROLES)
    return clients


def _registered(category: str, state: State = State.REGISTERED) -> str:
    """A claim as the station files it (the demo's facts for its category), assigned to the demo officer."""
    import random

    with ctx(), unit_of_work() as session:
        field = session.scalar(select(User).where(User.username == "demo.field"))
        legal = session.scalar(select(User).where(User.username == "demo.legal"))
        assert field and legal
        from datetime import date, timedelta
        from decimal import Decimal

        event = date(2025, 7, 20)
        case = open_case(session, field.actor(), category=category, unit=field.unit, now=utcnow(), state=state,
                         claimant_name="郑玉梅", claimant_id_number="99010119800515123X", claimant_phone="13907319999",
                         claimant_address="青山镇东岗村三组", address="青山镇东岗村三组", event_on=event,
                         reported_on=event + timedelta(days=2), claimed_amount=Decimal("3600.00"),
                         claimant_bank_account="6222020200112233445", description="【示范数据】逐状态检查用的案件。",
                         facts=FACTS[category](random.Random(SEED[category])),
                         circumstances={"facility_owner": "utility", "utility_maintains": True,
                                        "cause": "utility_fault"})
        if state is not State.DRAFT:
            case.submitted_at, case.assignee = utcnow(), legal
        return str(case.number)


def _post(client: FlaskClient, page: str, url: str, **data: str) -> int | str:
    """The status of a form sent from `page`; on a refusal, what the page said, to name it in the failure."""
    response = client.post(url, data={"csrf_token": csrf_from(client.get(page).text), **data})
    if response.status_code == 422:
        return html_text(response.text)[:3000]
    return response.status_code


def _decide(clients: dict[str, FlaskClient], number: str, category: str, snapshot: Any) -> None:
    """Check, confirm, waive the papers, propose, approve, issue the letter, pay or judge, close."""
    legal, head = clients["demo.legal"], clients["demo.head"]
    case_page, decision = f"/cases/{number}", f"/cases/{number}/decision"
    assert _post(legal, f"{case_page}/check", f"{case_page}/check") in (302, 303)
    snapshot("registered+checked")
    assert _post(legal, case_page, f"{case_page}/events/confirm_check") == 303
    snapshot("assessed")
    for item in checklist(category):
        if item.required:
            _post(legal, f"{case_page}/evidence", f"{case_page}/evidence/waivers", kind=item.kind, reason=TYPED[0])
    assert _post(legal, case_page, f"{case_page}/events/complete_evidence") == 303
    assert _state(number) == "evidence_complete", number
    snapshot("evidence_complete")
    kind = DECISION[category]
    with ctx():  # settle at the assessed amount: more would be a goodwill payment, needing its own reason
        amount = str(db.session.scalar(select(Case.assessment_amount).where(Case.number == number)) or "1800")
    proposal = {"settle": {"kind": "settle", "amount": amount, "payee": "郑玉梅", "payment_method": "bank_transfer",
                           "bank_account": "6222020200112233445", "terms": TYPED[7]},
                "reject": {"kind": "reject", "reason": TYPED[11]},
                "escalate": {"kind": "escalate", "litigation_role": "defendant", "court": TYPED[3],
                             "cause": TYPED[4], "demand": TYPED[10], "counsel": TYPED[9], "risk": TYPED[6]}}[kind]
    assert _post(legal, decision, f"{decision}/propose", **proposal) == 303, (number, kind)
    snapshot("decision_pending")
    assert _post(head, decision, f"{decision}/decide", approve="1", comment=TYPED[2]) == 303
    snapshot(_state(number))
    assert _post(legal, decision, f"{decision}/letter") == 303
    if kind == "settle":
        assert _post(legal, decision, f"{decision}/payment", pay_amount=amount, paid_on="2026-11-20",
                     voucher=TYPED[8]) == 303
    elif kind == "escalate":
        assert _post(legal, decision, f"{decision}/litigation", step="judgment", on="2026-10-01", text=TYPED[5],
                     awarded="0", result="partly") == 303
    snapshot(_state(number))
    assert _post(legal, case_page, f"{case_page}/events/close", confirm="1") == 303
    assert _state(number) == "closed", number
    snapshot("closed")


def _state(number: str) -> str:
    with ctx():
        return str(db.session.scalar(select(Case.state).where(Case.number == number)))


def test_no_internal_identifier_reaches_a_person(app: Flask) -> None:
    clients = _demo(app)
    reader = Reader(app, clients)
    numbers: list[str] = []

    def snapshot_of(number: str) -> Any:
        def snapshot(state: str) -> None:
            _DATA.clear()
            for role in ROLES:  # each role, on every page of this case it can reach, in this state
                reader.crawl(role, [f"/cases/{number}"], english=False, within=f"/cases/{number}",
                             label=f"({state}) ")
        return snapshot

    for category in CATEGORIES:
        number = _registered(category)
        numbers.append(number)
        reader.numbers.add(number)
        _decide(clients, number, category, snapshot_of(number))
        # A second claim of the category: a draft, submitted, then withdrawn.
        draft = _registered(category, State.DRAFT)
        reader.numbers.add(draft)
        snapshot = snapshot_of(draft)
        snapshot("draft")
        assert _post(clients["demo.field"], f"/cases/{draft}", f"/cases/{draft}/events/submit") == 303
        snapshot(_state(draft))
        assert _post(clients["demo.field"], f"/cases/{draft}", f"/cases/{draft}/events/withdraw",
                     reason=TYPED[1], confirm="1") == 303
        assert _state(draft) == "withdrawn"
        snapshot("withdrawn")
        with ctx():  # the sealed dossier, read as the auditor downloads it
            from casework.dossier.models import DossierVersion

            sealed = db.session.scalar(select(DossierVersion.version).join(Case, Case.id == DossierVersion.case_id)
                                       .where(Case.number == number))
        assert sealed, number
        reader.crawl("demo.auditor", [f"/cases/{number}/dossier/{sealed}"], english=False)

    auditor = clients["demo.auditor"]
    _post(auditor, "/exports/", "/exports/", start="2025-01-01", end="2026-12-31")
    _DATA.clear()
    for english in (False, True):
        for role in ROLES:
            client = clients[role]
            _post(client, "/password", "/language", lang="en" if english else "zh")
            reader.crawl(role, ["/", "/work/", "/cases/", "/intake/", "/exports/", "/admin/users", "/rules/",
                                *[f"/cases/{n}" for n in numbers]], english=english)

    report = f"{reader.pages} pages and documents read\n" + reader.report()
    if os.environ.get("CASEWORK_LEAK_REPORT"):
        with open(os.environ["CASEWORK_LEAK_REPORT"], "w", encoding="utf-8") as out:
            out.write(report + "\n")
    assert not reader.found, report
