"""`--gaps`: read a threat model written in another convention and say what ours would need.

Real documents (CNCF TAG-Security assessments, SIG-Security papers, SLSA's threats page) write
threats as paired headings (`Threat-01-S ...` then its mitigations), `Threat ID n` headings
with `Mitigation ID m` ones, bold label pairs (`**Threat:**` / `**Mitigation:**`), or a table
with a threat column and a controls column; acceptances appear as "out of scope" lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ztgate.threat_model.model import BOUNDARIES, CLASSIFICATION, ENTRY_POINTS, FLOWS
from ztgate.threat_model.parse import _cell, _markdown, normalize, section_kind
from ztgate.threat_model.rules import Problem

_THREAT_HEADING = re.compile(r"^\s*threat\b", re.I)
_CONTROL_HEADING = re.compile(r"^\s*(?:mitigation|control|countermeasure|recommendation)s?\b", re.I)
# Blank runs never meet (`\s*(?:...)?\s*` was quadratic in a long one).
_THREAT_LABEL = re.compile(r"^\s*threat\s*(?:id\s*\S+\s*)?:", re.I)
_CONTROL_LABEL = re.compile(r"^\s*(?:mitigations?|controls?|countermeasures?)\s*:", re.I)
_OUT_OF_SCOPE = re.compile(r"out of scope|non-goals|accepted risks?|not in scope", re.I)
_NONE = re.compile(r"^\s*(?:(?:-|—|none|n/?a|tbd|todo)\s*)?$", re.I)

GAP_RULES = {
    "ZT231": "no trust boundaries: add a `Trust boundaries` table (id, boundary, inside, outside)",
    "ZT232": "no data classification: add a `Data classification` table (data, class)",
    "ZT233": "no data flows: add a `Data flows` table",
    "ZT234": "no attack surface: add an `Attack surface` table of entry points",
    "ZT235": "threat with no control",
    "ZT236": "acceptance with no owner",
    "ZT237": "no threats found",
}


@dataclass
class _Threat:
    title: str
    line: int
    level: int
    controlled: bool = False


def find_gaps(text: str, path: str) -> tuple[list[Problem], dict[str, int]]:
    tokens = _markdown().parse(text)
    threats: list[_Threat] = []
    kinds: set[str] = set()
    acceptances: list[tuple[int, str]] = []
    in_out_of_scope: int | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        line = int(token.map[0]) + 1 if token.map else 1
        if token.type == "heading_open":
            title = _cell(tokens[index + 1]).text
            level = int(token.tag[1])
            kind = section_kind(title)
            if kind:
                kinds.add(kind)
            in_out_of_scope = (
                level
                if _OUT_OF_SCOPE.search(title)
                else (
                    None
                    if in_out_of_scope is not None and level <= in_out_of_scope
                    else in_out_of_scope
                )
            )
            if _THREAT_HEADING.match(title) and not title.lower().startswith("threat model"):
                threats.append(_Threat(title, line, level))
            elif _CONTROL_HEADING.match(title) and threats:
                threats[-1].controlled = True
            index += 3
            continue
        if token.type == "table_open":
            index = _table_threats(tokens, index, threats)
            continue
        if token.type == "inline":
            content = _cell(token).text
            if _THREAT_LABEL.match(content):
                threats.append(_Threat(content.split(":", 1)[1].strip()[:60] or "threat", line, 99))
            elif _CONTROL_LABEL.match(content) and threats:
                if not _NONE.match(content.split(":", 1)[1]):
                    threats[-1].controlled = True
            elif in_out_of_scope is not None and tokens[index - 2].type == "list_item_open":
                acceptances.append((line, content))
        index += 1

    problems: list[Problem] = []
    for rule, kind in (
        ("ZT231", BOUNDARIES),
        ("ZT232", CLASSIFICATION),
        ("ZT233", FLOWS),
        ("ZT234", ENTRY_POINTS),
    ):
        if kind not in kinds:
            problems.append(Problem(rule, 1, GAP_RULES[rule]))
    if not threats:
        problems.append(Problem("ZT237", 1, GAP_RULES["ZT237"]))
    for threat in threats:
        if not threat.controlled:
            problems.append(
                Problem("ZT235", threat.line, f"threat `{threat.title}` has no control")
            )
    for line, content in acceptances:
        if "owner" not in content.lower():
            problems.append(Problem("ZT236", line, f"`{content[:60]}` is accepted with no owner"))
    summary = {
        "threats": len(threats),
        "with_control": sum(t.controlled for t in threats),
        "acceptances": len(acceptances),
    }
    return problems, summary


def _table_threats(tokens: Any, index: int, threats: list[_Threat]) -> int:
    headers: list[str] = []
    cells: list[str] = []
    line = 1
    in_head = False
    index += 1
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            cells = []
            line = int(token.map[0]) + 1 if token.map else line
        elif token.type == "inline":
            (headers if in_head else cells).append(_cell(token).text)
        elif token.type == "tr_close" and not in_head:
            names = [normalize(h) for h in headers]
            threat_col = next((i for i, n in enumerate(names) if "threat" in n), None)
            control_col = next(
                (
                    i
                    for i, n in enumerate(names)
                    if re.search(r"mitigation|control|countermeasure", n)
                ),
                None,
            )
            # Only the convention's own shape counts: a threat column beside a controls column.
            if (
                threat_col is not None
                and control_col is not None
                and threat_col < len(cells)
                and cells[threat_col]
            ):
                controlled = (
                    control_col is not None
                    and control_col < len(cells)
                    and not _NONE.match(cells[control_col])
                )
                threats.append(_Threat(cells[threat_col][:60], line, 99, controlled))
        index += 1
    return index + 1
