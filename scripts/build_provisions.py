"""Rebuild the mirror-sourced part of casework/rules_data/provisions.json from the LawRefBook/Laws mirror.

Usage: python scripts/build_provisions.py /path/to/LawRefBook+Laws/repo

The texts are copied verbatim (whole articles, every paragraph) from the commit REFERENCE.md names. Entries
for instruments the mirror lacks (供电营业规则, 家电办法, 供电监管办法, 实施细则) are kept as they are in the
JSON: they were copied by hand from REFERENCE.md and say so in their `source`. Run it, review the diff, commit.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

COMMIT = "2f4c5c23716267af9dbebbbbd6cbbf732b101981"
OUT = Path(__file__).resolve().parent.parent / "casework" / "rules_data" / "provisions.json"

#: instrument → the mirror files holding it (the Civil Code is split by book)
FILES = {
    "中华人民共和国电力法": ["经济法/电力法(2018-12-29).md"],
    "电力供应与使用条例": ["行政法规/电力供应与使用条例(2019-03-02).md"],
    "电力设施保护条例": ["行政法规/电力设施保护条例(2011-01-08).md"],
    "中华人民共和国民法典": ["民法典/总则.md", "民法典/合同编.md", "民法典/侵权责任编.md", "民法典/物权编.md"],
    "中华人民共和国土地管理法": ["行政法/土地管理法(2019-08-26).md"],
    "最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释":
        ["司法解释/最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释(2018-07-18).md"],
    "最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释":
        ["司法解释/最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释(2022-04-24).md"],
}
_ARTICLE = re.compile(r"^(第[零一二三四五六七八九十百千]+条)\s*(.*)$")


def articles(text: str) -> dict[str, str]:
    """Article number → its whole text (paragraphs joined by newlines), from a mirror Markdown file."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        line = line.strip()
        match = _ARTICLE.match(line)
        if match:
            current = out.setdefault(match.group(1), [])
            current.append(match.group(2))
        elif line.startswith("#") or line.startswith("<!--"):
            current = None
        elif line and current is not None:
            current.append(line)
    return {number: "\n".join(lines) for number, lines in out.items()}


def main(repo: str) -> None:
    from casework.domain.rules.loader import load_bundled_table

    cited = sorted({(s.instrument, s.article or "", s.version) for r in load_bundled_table().rules if r.cite
                    for s in r.sources}, key=lambda k: (k[0], k[1], k[2] or ""))
    data = json.loads(OUT.read_text("utf-8"))
    kept = {(p["instrument"], p["article"], p.get("version")): p for p in data["provisions"]
            if p["instrument"] not in FILES}
    parsed: dict[str, dict[str, tuple[str, str]]] = {}
    for instrument, paths in FILES.items():
        for path in paths:
            raw = subprocess.run(["git", "--git-dir", repo, "show", f"{COMMIT}:{path}"],  # noqa: S603,S607
                                 check=True,
                                 capture_output=True, text=True).stdout
            for number, body in articles(raw).items():
                parsed.setdefault(instrument, {}).setdefault(number, (body, path))
    out = []
    for instrument, article, version in cited:
        if instrument in FILES:
            body, path = parsed[instrument][article]
            out.append({"instrument": instrument, "article": article, "version": version, "text": body,
                        "source": f"LawRefBook/Laws@{COMMIT[:7]}:{path}", "excerpt": False})
        elif (instrument, article, version) in kept:
            out.append(kept[(instrument, article, version)])
    OUT.write_text(json.dumps({"provisions": out}, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"{len(out)} provisions written; {len(cited) - len(out)} cited provisions still without text")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror/LawRefBook+Laws/repo")
