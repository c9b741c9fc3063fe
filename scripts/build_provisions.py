"""Rebuild casework/rules_data/provisions.json: the full text of every provision the bundled rule table cites.

Texts are copied, never typed: from the LawRefBook/Laws mirror at the commit REFERENCE.md names, or, for
instruments the mirror lacks (供电营业规则, the appliance Measures, 供电监管办法, the 实施细则), from the text
REFERENCE.md itself quotes, with the section named as the source. The app never reads the mirror; it reads the
JSON this writes (commit the JSON).

    PYTHONPATH=$PWD python scripts/build_provisions.py --mirror /work/.mirror/LawRefBook+Laws/repo \
        --reference /work/shared/legal/REFERENCE.md

It fails (and writes nothing) when a cited provision has no source here or a source no longer holds its article.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from casework.domain.rules.loader import load_bundled_table

COMMIT = "2f4c5c23716267af9dbebbbbd6cbbf732b101981"
OUT = Path(__file__).resolve().parent.parent / "casework" / "rules_data" / "provisions.json"

#: Instruments the mirror holds: instrument -> the files (REFERENCE.md §12) to look the article up in.
MIRROR = {
    "中华人民共和国电力法": ["经济法/电力法(2018-12-29).md"],
    "电力供应与使用条例": ["行政法规/电力供应与使用条例(2019-03-02).md"],
    "电力设施保护条例": ["行政法规/电力设施保护条例(2011-01-08).md"],
    "中华人民共和国民法典": ["民法典/总则.md", "民法典/物权编.md", "民法典/合同编.md", "民法典/侵权责任编.md"],
    "中华人民共和国土地管理法": ["行政法/土地管理法(2019-08-26).md"],
    "中华人民共和国土地管理法实施条例": ["行政法规/土地管理法实施条例(2021-07-02).md"],
    "最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释": [
        "司法解释/最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释(2018-07-18).md"],
    "最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释": [
        "司法解释/最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释(2022-04-24).md"],
    # The provincial tower-land rules REFERENCE.md §5 and §9.4 name (VERIFIED there in this mirror's DLC folder).
    "河南省供用电条例": ["DLC/河南地方法规/地方性法规/河南/河南省供用电条例(2012-09-28).md"],
    "浙江省电网设施建设保护和供用电秩序维护条例": [
        "DLC/浙江地方法规/地方性法规/浙江/浙江省电网设施建设保护和供用电秩序维护条例(2014-03-27).md"],
    "上海市供用电条例": ["DLC/上海地方法规/地方性法规/上海/上海市供用电条例(2018-05-24).md"],
    "济南市电力管理条例": ["DLC/山东地方法规/地方性法规/山东/济南市电力管理条例(2011-07-29).md"],
}


@dataclass(frozen=True)
class FromReference:
    """Where REFERENCE.md quotes a provision the mirror lacks: its section heading and the quoted block."""

    section: str  # the heading's text after the #s, as a prefix: "3.7(b)"
    start: str  # the quoted block (a "> " line) starts with this
    cut_at: str | None = None  # keep only the text before this (a part REFERENCE.md marks UNVERIFIED)
    excerpt: bool = False  # True where REFERENCE.md quotes only part of the article
    note: str = ""  # what REFERENCE.md says about how sure the text is, for the reader
    row: str | None = None  # instead of a quoted block: the "Original text" cell of this §9 rule-table row
    phrases: tuple[str, ...] = ()  # instead of a block: phrases REFERENCE.md quotes inline, one line each, in order
    unsourced: bool = False  # REFERENCE.md names the article but gives no text to copy: stored empty, with the note


_HA = "4. 居民用户家用电器损坏处理办法"
_HA_NUMBER = "内容已据二手资料核实；条号仅据题库推断，尚未核实。"
REFERENCE = {
    ("供电营业规则", "第五十条", "2024"): FromReference("3.7(c)", "第五十条"),
    ("供电营业规则", "第五十四条", "2024"): FromReference("3.7(c)", "第五十四条"),
    ("供电营业规则", "第五十七条", "2024"): FromReference("3.7(a)", "第五十七条"),
    ("供电营业规则", "第七十一条", "2024"): FromReference("3.7(d)", "第七十一条"),
    ("供电营业规则", "第七十二条", "2024"): FromReference("3.7(d)", "第七十二条"),
    ("供电营业规则", "第七十七条", "2024"): FromReference("3.7(c)", "第七十七条", excerpt=True),
    ("供电营业规则", "第九十七条", "2024"): FromReference("3.7(b)", "第九十七条"),
    ("供电营业规则", "第九十八条", "2024"): FromReference("3.7(a)", "第九十八条"),
    ("供电营业规则", "第九十九条", "2024"): FromReference("3.7(a)", "第九十九条"),
    ("供电营业规则", "第一百零二条", "2024"): FromReference("3.7(b)", "第一百零二条"),
    ("供电营业规则", "第九十五条", "1996"): FromReference(
        "3.2", "第九十五条", cut_at="（三）", excerpt=True,
        note="1996年版未见官方文本；本条（一）（二）项据二手资料核实，（三）（四）项未经核实，未予收录。"),
    ("供电营业规则", "第九十六条", "1996"): FromReference(
        "3.3", "第九十六条", note="1996年版未见官方文本；本条据题库文字重建，仅部分核实。"),
    ("供电营业规则", "第九十七条", "1996"): FromReference(
        "3.3", "第九十七条", note="1996年版未见官方文本；本条据题库文字重建，仅部分核实，条号系推断。"),
    ("供电营业规则", "第五十四条", "1996"): FromReference(
        "3.3", "第五十四条", note="1996年版未见官方文本；本条据二手资料核实。"),
    ("供电营业规则", "第五十一条", "1996"): FromReference(
        "3.5", "第五十一条", excerpt=True, note="1996年版未见官方文本；本条据法院评论引文，仅见前段。"),
    ("供电监管办法", "第十三条", None): FromReference(
        "2. 电力供应与使用条例", "(一)因供电设施计划检修需要停电的", excerpt=True,
        note="据二手资料核实；仅见本条（一）至（三）项。"),
    ("居民用户家用电器损坏处理办法", "第二条", None): FromReference(_HA, "第二条"),
    ("居民用户家用电器损坏处理办法", "第三条", None): FromReference(_HA, "第三条"),
    ("居民用户家用电器损坏处理办法", "第四条", None): FromReference(_HA, "第四条"),
    ("居民用户家用电器损坏处理办法", "第五条", None): FromReference(_HA, "第五条"),
    ("居民用户家用电器损坏处理办法", "第六条", None): FromReference(
        _HA, "第六条", note="本条全文系回忆引录：四项免责事由已据二手资料核实，“经县级以上电力管理部门核实无误”一句所据转载本在此处截断。"),
    ("居民用户家用电器损坏处理办法", "第七条", None): FromReference(_HA, "第七条"),
    ("居民用户家用电器损坏处理办法", "第十条", None): FromReference(_HA, "对不可修复的家用电器", note=_HA_NUMBER),
    ("居民用户家用电器损坏处理办法", "第十二条", None): FromReference(_HA, "各类家用电器的平均使用年限为", note=_HA_NUMBER),
    ("电力设施保护条例实施细则", "第十六条", None): FromReference(
        "5. 电力设施保护条例", "第十六条", excerpt=True, note="据二手资料核实；仅见本条（一）项和（四）项。"),
    ("电力设施保护条例实施细则", "第十八条", None): FromReference(
        "5. 电力设施保护条例", "第十八条", note="据二手资料核实。"),
    # REFERENCE.md quotes these only as short fragments in its rule table (§9).
    ("居民用户家用电器损坏处理办法", "第八条", None): FromReference(
        "9.3", "", row="ha_repair", excerpt=True, note="条号与原文均未经核实，仅见片段。"),
    ("居民用户家用电器损坏处理办法", "第十三条", None): FromReference(
        "9.3", "", row="ha_dispute", excerpt=True, note="条号与原文均未经核实，仅见片段。"),
    ("居民用户家用电器损坏处理办法", "第十四条", None): FromReference(
        "9.3", "", row="ha_third_party_assist", excerpt=True, note="条号与原文均未经核实，仅见片段。"),
    ("供电营业规则", "第四十七条", "1996"): FromReference(
        "9.2", "", row="boundary_defaults_1996", excerpt=True, note="1996年版未见官方文本；仅见片段，据二手资料核实。"),
    ("供电营业规则", "第六十九条", "1996"): FromReference(
        "9.2", "", row="restore_3d_1996", excerpt=True, note="1996年版未见官方文本；仅见片段，据二手资料核实。"),
    # issue 15 part C: power quality limits, stopping supply
    ("供电营业规则", "第五十六条", "2024"): FromReference("3.7(a)", "第五十六条"),
    ("供电营业规则", "第七十条", "2024"): FromReference("3.7(d)", "第七十条"),
    ("供电营业规则", "第六十七条", "1996"): FromReference(
        "3.4", "", excerpt=True, phrases=("报本单位负责人批准", "在停电前三天至七天内，将停电通知书送达用户",
                                          "在停电前30分钟，将停电时间再通知用户一次"),
        note="1996年版未见官方文本；仅见本条三项程序的片段，据二手资料核实。"),
    # REFERENCE.md §6 names the article (two years) but says its text is from memory: none is copied.
    ("中华人民共和国民法通则", "第一百三十五条", None): FromReference(
        "6", "", unsourced=True, excerpt=True,
        note="民法通则已于2021年1月1日废止。本条规定诉讼时效期间为二年；条文仅凭记忆，未经核实，未予收录。"
             "二年期间已由《最高人民法院关于适用〈民法总则〉诉讼时效制度若干问题的解释》第二条、第三条确认。"),
}

_ARTICLE = re.compile(r"^第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?(?=[\s　（(]|$)")


def mirror_article(mirror: Path, commit: str, path: str, article: str) -> str | None:
    """The whole article from a mirror file: its paragraphs, up to the next article or heading."""
    git = shutil.which("git") or "git"
    text = subprocess.run([git, "--git-dir", str(mirror), "show", f"{commit}:{path}"],  # noqa: S603 - our own args
                          check=True, capture_output=True, text=True).stdout
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        head = _ARTICLE.match(line)
        if out and (head or line.startswith(("#", "<!--"))):
            break
        if (out or (head and head.group(0) == article)) and line:
            out.append(line)
    return "\n".join(out) or None


def _section(reference: str, prefix: str) -> list[str]:
    lines = reference.splitlines()
    for i, line in enumerate(lines):
        level = len(line) - len(line.lstrip("#"))
        if level and line[level:].strip().startswith(prefix):
            end = next((j for j in range(i + 1, len(lines))
                        if lines[j].startswith("#") and len(lines[j]) - len(lines[j].lstrip("#")) <= level), len(lines))
            return lines[i + 1:end]
    raise LookupError(f"REFERENCE.md has no section {prefix!r}")


def reference_article(reference: str, spec: FromReference) -> str:
    """The quoted block of a provision: the "> " line that starts it and the quoted lines that continue it."""
    if spec.unsourced:
        _section(reference, spec.section)  # the section that names the article must still exist
        return ""
    if spec.row:
        return _table_cell(reference, spec)
    if spec.phrases:
        absent = [p for p in spec.phrases if p not in reference]
        if absent:
            raise LookupError(f"REFERENCE.md does not quote {absent!r}")
        return "\n".join(spec.phrases)
    out: list[str] = []
    for line in _section(reference, spec.section):
        line = line.strip()  # quotes inside a list are indented
        quoted = line.startswith(">")
        body = line.lstrip(">").strip()
        if out and (not quoted or _ARTICLE.match(body)):
            break
        if out or (quoted and body.startswith(spec.start)):
            out.append(body)
    if not out:
        raise LookupError(f"REFERENCE.md §{spec.section} quotes nothing starting {spec.start!r}")
    text = "\n".join(out)
    if spec.cut_at:
        text = text[:text.index(spec.cut_at)].rstrip()
    return re.sub(r"（p\.[^）]*）", "", text)  # REFERENCE.md's page references into its PDF are not law


def _table_cell(reference: str, spec: FromReference) -> str:
    for line in _section(reference, spec.section):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 2 and cells[0] == f"`{spec.row}`":
            return cells[2]
    raise LookupError(f"REFERENCE.md §{spec.section} has no rule-table row {spec.row!r}")


def build(mirror: Path, reference_path: Path, commit: str) -> list[dict[str, object]]:
    """One entry per provision any rule of the bundled table cites; raises where one cannot be sourced."""
    reference = reference_path.read_text("utf-8")
    wanted = sorted({(s.instrument, s.article, s.version) for r in load_bundled_table().rules
                     for s in r.sources if s.article}, key=lambda k: (k[0], k[2] or "", k[1] or ""))
    entries: list[dict[str, object]] = []
    missing: list[tuple[str, str | None, str | None]] = []
    for instrument, article, version in wanted:
        assert article is not None
        spec = REFERENCE.get((instrument, article, version))
        if spec is not None:
            text = reference_article(reference, spec)
            entries.append({"instrument": instrument, "article": article, "version": version, "text": text,
                            "source": f"REFERENCE.md §{spec.section.replace('. ', ' ', 1)}", "excerpt": spec.excerpt or "……" in text,
                            **({"note": spec.note} if spec.note else {})})
            continue
        for path in MIRROR.get(instrument, []):
            found = mirror_article(mirror, commit, path, article)
            if found:
                entries.append({"instrument": instrument, "article": article, "version": version, "text": found,
                                "source": f"LawRefBook/Laws@{commit}:{path}", "excerpt": False})
                break
        else:
            missing.append((instrument, article, version))
    if missing:
        raise LookupError("no source for: " + "; ".join(map(str, missing)))
    return entries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, required=True, help="git dir of LawRefBook/Laws")
    parser.add_argument("--reference", type=Path, required=True, help="legal/REFERENCE.md")
    parser.add_argument("--commit", default=COMMIT)
    args = parser.parse_args()
    try:
        entries = build(args.mirror, args.reference, args.commit)
    except LookupError as err:
        print(err, file=sys.stderr)
        return 1
    OUT.write_text(json.dumps({"provisions": entries}, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{len(entries)} provisions written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
