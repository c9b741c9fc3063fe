"""The three letters as PDFs: every value in the text, page x of y on every page, the CJK font embedded,
hostile values printed as text and never fetched."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import jinja2
import pytest
from pypdf import PdfReader

from casework.decision.letters import FIELDS, KINDS, TITLES, letter_pdf
from casework.infra import paths
from casework.infra.pdf import STYLESHEET, FetchRefused, cn_number, default_fetcher, pdf_from_html, yuan
from casework.ui.filters import money

GROUNDS = [
    {"instrument": "《居民用户家用电器损坏处理办法》", "article": "第七条", "title": "索赔时限",
     "quote": "从家用电器损坏之日起七日内，受害居民用户未向供电企业投诉并提出索赔要求的，即视为受害者已自动放弃索赔权。"
              "超过七日的，供电企业不再负责其赔偿。"},
    {"instrument": "《供电营业规则》", "article": "第五十一条", "title": "",
     "quote": "在供电设施上发生事故引起的法律责任，按供电设施产权归属确定。产权归属于谁，谁就承担其拥有的供电设施上发生事故引起的法律责任。"},
]
# The letters' shape of a reason: the provisions quoted in full, then the sentence applying them.
REASONS = [{"title": g["title"], "provisions": [{"citation": g["instrument"] + g["article"], "text": g["quote"]}],
            "finding": f"本案中，用户于2025年8月5日首次报告，已超过七日（{g['title'] or '产权'}）。"} for g in GROUNDS]
HOSTILE_NAME = '<img src="file:///etc/passwd">'
HOSTILE_PLACE = '<link rel=stylesheet href="http://169.254.169.254/x.css">'


def values(kind: str, **override: Any) -> dict[str, Any]:
    common: dict[str, Any] = {
        "case_number": "PC-2026-000123", "category_label": "家电损坏", "company": "江城市供电公司",
        "handling_unit": "东湖供电所",
        "claimant_name": "王小明", "claimant_address": "江城市东湖区春晖路18号",
        "event_date": "2025年7月20日", "place": "江城市东湖区春晖路18号3单元", "issued_at": "2026年11月27日",
        "officer": "李法务", "approver": "赵主任",
    }
    specific: dict[str, dict[str, Any]] = {
        "settlement_agreement": {
            "claimant_id": "110105********002X",  # masked here only so the common assertions hold for all three
            "amount": Decimal("1800"), "amount_words": "壹仟捌佰元整", "payee": "王小明",
            "bank_account": "6222 **** **** 1234", "payment_method": "银行转账",
            "terms": ["甲方于本协议生效之日起十五个工作日内向乙方支付上述款项。",
                      "乙方收到款项后，受损电器（电冰箱一台）的所有权归甲方所有，乙方应配合甲方取回。",
                      "乙方确认本协议履行完毕后，就本次事件不再向甲方提出任何其他请求。"],
            "standard_terms": ["本协议一式两份，甲乙双方各执一份，自双方签字（盖章）之日起生效。"], "appliances": [],
            "goodwill": False, "note": "",
        },
        "rejection_letter": {
            "claimant_id_masked": "110105********002X", "outcome_label": "不承担赔偿责任", "reasons": REASONS,
            "extra": "", "remedies": "如对本处理结果有异议，可自收到本告知书之日起向当地电力管理部门申请调解，或依法向人民法院提起诉讼。",
        },
        "referral_memo": {
            "claimant_id_masked": "110105********002X", "counsel": "江城明理律师事务所 陈律师", "court": "江城市东湖区人民法院", "role_label": "被告",
            "cause": "财产损害赔偿纠纷", "demand": "判令被告赔偿家电损失人民币5,000元。", "amount_claimed": Decimal("5000.00"),
            "facts": [("事件日期", "2025年7月20日"), ("报告日期", "2025年8月5日")],
            "analysis": ["原告超过七日方提出索赔。", "产权分界点位于用户侧。"], "grounds": REASONS,
            "risk": "败诉风险较低。",
            "evidence": [{"kind": "照片", "name": "现场照片.jpg", "sha256": "a" * 64, "withdrawn": False},
                         {"kind": "票据", "name": "发票.pdf", "sha256": "b" * 64, "withdrawn": True}],
            "waived": [{"kind": "损坏登记笔录", "reason": "用户当场未签字，已有录像为证。", "by": "李法务",
                        "at": "2025年7月25日"}],
        },
    }
    return {**common, **specific[kind], **override}


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """CJK line wrapping puts newlines (and the extractor spaces) anywhere: compare without whitespace."""
    return "".join(text.split())


class Spy:
    """Wraps the default fetcher and remembers every URL a letter asked for."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> Any:
        self.urls.append(url)
        return default_fetcher(url)


@pytest.mark.parametrize("kind", KINDS)
def test_each_letter_renders_with_title_case_number_and_parties(kind: str) -> None:
    spy = Spy()
    pdf = letter_pdf(kind, values(kind), url_fetcher=spy)
    assert pdf.startswith(b"%PDF-")
    text = flat("\n".join(texts(pdf)))
    for expected in (TITLES[kind], "PC-2026-000123", "江城市供电公司", "王小明", "110105********002X", "家电损坏",
                     "2025年7月20日", "2026年11月27日", "李法务", "赵主任"):
        assert flat(expected) in text, expected
    assert spy.urls == [STYLESHEET]  # the stylesheet came through the restricted fetcher, nothing else was asked for


def test_settlement_shows_amount_in_figures_and_capitals_and_signature_lines() -> None:
    text = flat("\n".join(texts(letter_pdf("settlement_agreement", values("settlement_agreement")))))
    assert "¥1,800.00" in text
    assert "壹仟捌佰元整" in text
    assert "6222****" in text and "银行转账" in text
    assert "所有权归甲方所有" in text  # the caller's clauses, numbered
    assert "第一条" in text and "第三条" in text and "第四条本协议一式两份" in text
    assert text.count("签字（盖章）") >= 2 and "甲方：江城市供电公司" in text and "乙方：王小明" in text
    assert "经办单位：东湖供电所" in text
    assert text.count("日期：年月日") == 2
    assert text.index("（以下无正文）") < text.index("签字（盖章）：")
    assert "善意补偿" not in text


def test_goodwill_settlement_says_so() -> None:
    pdf = letter_pdf("settlement_agreement", values("settlement_agreement", goodwill=True, note="另见会议纪要"))
    text = flat("\n".join(texts(pdf)))
    assert "善意补偿" in text and "不构成甲方对任何责任的承认" in text
    assert "备注：另见会议纪要" in text


@pytest.mark.parametrize("kind", ["rejection_letter", "referral_memo"])
def test_every_ground_cited_with_its_full_text(kind: str) -> None:
    text = flat("\n".join(texts(letter_pdf(kind, values(kind)))))
    for ground in GROUNDS:
        assert flat(ground["instrument"] + ground["article"] + "规定：“" + ground["quote"] + "”") in text
    for reason in REASONS:
        assert flat(reason["finding"]) in text
    assert "“”" not in text


def test_rejection_letter_has_outcome_explanation_and_remedies() -> None:
    text = flat("\n".join(texts(letter_pdf("rejection_letter", values("rejection_letter", extra="已电话告知。")))))
    assert "不承担赔偿责任" in text
    assert "本案中，用户于2025年8月5日首次报告，已超过七日" in text
    assert "补充说明：已电话告知。" in text
    assert "向人民法院提起诉讼" in text


def test_referral_memo_has_court_demand_and_evidence() -> None:
    text = flat("\n".join(texts(letter_pdf("referral_memo", values("referral_memo")))))
    for expected in ("江城明理律师事务所", "江城市东湖区人民法院", "被告", "财产损害赔偿纠纷", "¥5,000.00", "报告日期2025年8月5日",
                     "产权分界点位于用户侧。", "败诉风险较低。", "现场照片.jpg", "发票.pdf", "已撤回",
                     "损坏登记笔录用户当场未签字，已有录像为证。李法务2025年7月25日"):
        assert expected in text, expected
    assert "a" * 64 in text
    unknown = flat("\n".join(texts(letter_pdf("referral_memo", values("referral_memo", amount_claimed=None)))))
    assert "请求金额未明确" in unknown


def test_every_page_has_the_case_number_and_page_x_of_y() -> None:
    lines = [f"本案第{i}项理由：核对事实与规则，本行用于把告知书撑到多页，检验页眉页脚。" * 2 for i in range(1, 41)]
    reasons = [{"title": "", "provisions": [{"citation": "《供电营业规则》第五十一条", "text": "条文。"}], "finding": line}
               for line in lines]
    pdf = letter_pdf("rejection_letter", values("rejection_letter", reasons=reasons))
    pages = texts(pdf)
    n = len(pages)
    assert n >= 2
    for i, text in enumerate(pages, start=1):
        assert f"第 {i} 页 共 {n} 页" in text, text[-200:]
        assert "PC-2026-000123" in text
        assert "江城市供电公司" in text
    assert flat(lines[-1]) in flat(pages[-1])


def _fonts(resources: Any, seen: set[int]) -> list[Any]:
    """Every font in a resource dictionary, descending into form XObjects."""
    found: list[Any] = []
    if resources is None or id(resources) in seen:
        return found
    seen.add(id(resources))
    resources = resources.get_object()
    for ref in (resources.get("/Font") or {}).values():
        found.append(ref.get_object())
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        found += _fonts(xobject.get("/Resources"), seen)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_a_noto_cjk_font_is_embedded_and_subset(kind: str) -> None:
    reader = PdfReader(io.BytesIO(letter_pdf(kind, values(kind))))
    embedded: set[str] = set()
    for page in reader.pages:
        for font in _fonts(page.get("/Resources"), set()):
            for descendant in font.get("/DescendantFonts") or [font]:
                descendant = descendant.get_object()
                descriptor = descendant.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(descendant["/BaseFont"]))
    assert any("Noto" in name and "CJK" in name for name in embedded), embedded
    assert all("+" in name for name in embedded), embedded  # subset prefix: ABCDEF+NotoSerifCJKsc-Regular


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_values_are_printed_as_text_and_fetch_nothing(kind: str) -> None:
    spy = Spy()
    pdf = letter_pdf(kind, values(kind, claimant_name=HOSTILE_NAME, place=HOSTILE_PLACE, case_number="PC-2026-000124"),
                     url_fetcher=spy)
    text = flat("\n".join(texts(pdf)))
    assert flat(HOSTILE_NAME) in text
    assert flat(HOSTILE_PLACE) in text
    assert not [url for url in spy.urls if url.lower().startswith(("file:", "http"))]
    assert all(url == STYLESHEET or url.startswith("data:") for url in spy.urls), spy.urls


def test_template_injection_in_a_value_is_not_evaluated() -> None:
    text = flat("\n".join(texts(letter_pdf("rejection_letter", values("rejection_letter", extra="{{ 7*7 }}{% if 1 %}x{% endif %}")))))
    assert "{{7*7}}{%if1%}x{%endif%}" in text


def test_markup_that_escaped_the_template_still_cannot_fetch() -> None:
    """Defence in depth: even raw HTML asking for local files or the metadata service gets nothing."""
    spy = Spy()
    html = ('<html><head><link rel=stylesheet href="http://169.254.169.254/x.css"></head><body>'
            '<img src="file:///etc/passwd"><img src="https://example.com/a.png"><img src="/etc/passwd">'
            '<p style="background: url(casework-static:/../../pyproject.toml)">正文</p></body></html>')
    pdf = pdf_from_html(html, url_fetcher=spy)
    assert pdf.startswith(b"%PDF-")
    assert any(url.startswith("file:") for url in spy.urls)  # it was asked for, and refused
    for url in spy.urls:
        with pytest.raises(FetchRefused):
            default_fetcher(url)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "FILE:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "https://example.com/x.css",
    "ftp://example.com/x", "/etc/passwd", "documents.css", "casework-static:/../pyproject.toml",
    "casework-static:/../../../etc/passwd", "casework-static:/%2e%2e/pyproject.toml", "casework-static:/nope.css",
    "casework-static:/documents.css?x=1", "casework-static:/", "casework-static:/..\\pyproject.toml",
    "casework-static:documents.css/..", "data:text/plain",
])
def test_the_default_fetcher_refuses_everything_else(url: str) -> None:
    with pytest.raises(FetchRefused):
        default_fetcher(url)


def test_the_default_fetcher_serves_the_stylesheet_and_data_urls() -> None:
    css = default_fetcher(STYLESHEET)
    assert b"@page" in css.read() and css.content_type == "text/css"
    data = default_fetcher("data:text/plain;base64,5ZKM6Kej")
    assert data.read().decode() == "和解"


@pytest.mark.parametrize("kind", KINDS)
def test_a_very_long_name_still_renders(kind: str) -> None:
    name = "长" * 1000 + "x" * 1000
    pdf = letter_pdf(kind, values(kind, claimant_name=name, place="路" * 2000))
    text = flat("\n".join(texts(pdf)))
    assert "长" * 50 in text and "x" * 50 in text


def test_bad_calls_are_refused_before_rendering() -> None:
    with pytest.raises(ValueError, match="unknown letter kind"):
        letter_pdf("apology", values("rejection_letter"))
    incomplete = values("settlement_agreement")
    del incomplete["amount_words"]
    with pytest.raises(ValueError, match="amount_words"):
        letter_pdf("settlement_agreement", incomplete)
    with pytest.raises(TypeError):
        letter_pdf("settlement_agreement", values("settlement_agreement", amount=1800.0))
    unsafe = jinja2.Environment(loader=jinja2.FileSystemLoader(paths.templates()), autoescape=False)
    with pytest.raises(ValueError, match="autoescaping"):
        letter_pdf("rejection_letter", values("rejection_letter"), templates=unsafe)
    assert set(FIELDS) == set(KINDS) == set(TITLES)


def test_money_and_clause_numbers() -> None:
    assert yuan(Decimal("1800")) == "¥1,800.00"
    assert yuan(Decimal("1234567.005")) == "¥1,234,567.01"
    assert yuan(None) == "未明确"
    assert [cn_number(n) for n in (1, 10, 11, 20, 40, 99, 100)] == ["一", "十", "十一", "二十", "四十", "九十九", "100"]


@pytest.mark.parametrize(("amount", "printed"), [
    ("0.125", "¥0.13"), ("2.675", "¥2.68"), ("1234.565", "¥1,234.57"), ("-0.125", "-¥0.13"), ("0.135", "¥0.14"),
])
def test_a_page_and_a_letter_print_an_amount_alike(amount: str, printed: str) -> None:
    """Half up on both (half-even, Decimal's default, printed ¥0.12 and ¥1,234.56 on the page); only a missing
    amount reads differently: a dash in a table, words in a letter."""
    assert money(Decimal(amount)) == yuan(Decimal(amount)) == printed
    assert money(amount) == yuan(amount) == printed  # as the assessment JSON carries it
    assert (money(None), yuan(None)) == ("—", "未明确")
    with pytest.raises(TypeError):
        money(float(amount))
