"""`--gaps`: read a threat model written in another convention and say what ours would need.

Real documents (CNCF TAG-Security assessments, Kubernetes SIG-Security papers, KEPs) write:
- threats as paired headings: `Threat-01-S <title>` then `Threat-01-S Recommended
  mitigations` (the second is the first's control, never a threat of its own); the same with
  any id inside a threat section (`STRIDE-SPOOF-1 ...`); `Threat ID n` headings followed by
  `Mitigation ID m` ones or by a `**Mitigation**` paragraph;
- bold labels, `**Threat:**` then `**Mitigation:**` on the next line (same paragraph, hard
  break, next list item) or later on the same line; `**Risks:**` lists, each item a threat
  that says how it is mitigated; a table with a threat (or risk) column and a controls column;
- acceptances as "Out of scope" / "Non-goals" / "Accepted risks" sections (each list item, each
  table row or, with neither, each paragraph is one) or labelled lists;
- data classification only when classes are attached to data (a class column, or list items
  like `Tokens: restricted` under a data or assets heading): a bare asset list is not one.
Parsing walks markdown-it-py tokens; the few string tests are linear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ztgate.finding import Problem
from ztgate.masking import mask_secrets
from ztgate.threat_model.model import (
    BOUNDARIES,
    CLASSIFICATION,
    ENTRY_POINTS,
    FLOWS,
    MITIGATIONS,
    THREATS,
)
from ztgate.threat_model.parse import _cell, _children, _markdown, normalize, section_kind

GAP_RULES = {
    "ZT231": "no trust boundaries: add a `Trust boundaries` table (id, boundary, inside, outside)",
    "ZT232": "no data classification: add a `Data classification` table (data, class)",
    "ZT233": "no data flows: add a `Data flows` table",
    "ZT234": "no attack surface: add an `Attack surface` table of entry points",
    "ZT235": "threat with no control",
    "ZT236": "acceptance with no owner",
    "ZT237": "no threats found",
}

_WORDS = re.compile(r"[a-z0-9]+")
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")
_TRAILING = ":.,;-\u2013\u2014*_`)]"
_DASHES = ("-", "\u2013", "\u2014")
_NONE_WORDS = frozenset(
    {"", "-", "\u2013", "\u2014", "none", "n/a", "na", "tbd", "todo", "nothing", "unmitigated"}
)
_NONE_STARTS = ("no mitigation", "no control", "not mitigated", "not yet mitigated")
_CONTROL_NOUNS = frozenset(
    {
        "mitigation",
        "mitigations",
        "control",
        "controls",
        "countermeasure",
        "countermeasures",
        "defense",
        "defenses",
        "defence",
        "defences",
        "safeguard",
        "safeguards",
        "remediation",
        "remediations",
        "recommendation",
        "recommendations",
    }
)
_QUALIFIERS = frozenset(
    {
        "recommended",
        "proposed",
        "primary",
        "existing",
        "suggested",
        "planned",
        "current",
        "compensating",
        "security",
        "possible",
        "mitigating",
        "key",
    }
)
# A heading with one of these names opens a section of controls: it is no threat's control.
_CONTROL_SECTIONS = frozenset(
    {"mitigations", "controls", "security controls", "countermeasures", "recommendations"}
)
_THREAT_LABELS = frozenset({"threat", "risk", "attack", "threat scenario", "attack scenario"})
# A control's list of the threats it answers: `**Mitigated Threats**` then `- [Threat ID 4 ...]`.
_MITIGATES_LABELS = frozenset(
    {"mitigated threats", "threats mitigated", "mitigates", "addresses", "threats addressed"}
)
_THREAT_LIST_LABELS = frozenset(
    {
        "risks",
        "threats",
        "key risks",
        "known risks",
        "security risks",
        "identified risks",
        "identified threats",
        "risks identified",
    }
)
_CLASS_WORDS = frozenset(
    {"public", "internal", "confidential", "restricted", "secret", "sensitive", "pii", "phi"}
)
# Words that may come before the class: `highly confidential`, `classification: restricted`.
_CLASS_QUALIFIERS = frozenset(
    {
        "highly",
        "very",
        "strictly",
        "most",
        "top",
        "extremely",
        "non",
        "class",
        "classification",
        "classified",
        "sensitivity",
        "level",
        "as",
        "data",
    }
)
_CLASS_COLUMNS = frozenset(
    {
        "class",
        "classification",
        "data class",
        "data classification",
        "classification level",
        "sensitivity",
        "sensitivity level",
        "data sensitivity",
        "confidentiality",
    }
)


@dataclass(frozen=True)
class Threat:
    title: str
    line: int
    controlled: bool


@dataclass(frozen=True)
class Acceptance:
    text: str
    line: int
    owned: bool


@dataclass(frozen=True)
class GapDocument:
    """What a document in another convention states, as far as `--gaps` can read it."""

    threats: tuple[Threat, ...]
    acceptances: tuple[Acceptance, ...]
    kinds: frozenset[str]  # section kinds its headings name (boundaries, flows, entry points)
    classified: bool  # classes attached to data, in a table or a list


def find_gaps(text: str, path: str) -> tuple[list[Problem], dict[str, int]]:
    document = read(text)
    summary = {
        "threats": len(document.threats),
        "with_control": sum(t.controlled for t in document.threats),
        "acceptances": len(document.acceptances),
    }
    return check(document), summary


def check(document: GapDocument) -> list[Problem]:
    problems: list[Problem] = []
    for rule, kind in (("ZT231", BOUNDARIES), ("ZT233", FLOWS), ("ZT234", ENTRY_POINTS)):
        if kind not in document.kinds:
            problems.append(Problem(rule, 1, GAP_RULES[rule]))
    if not document.classified:
        problems.append(Problem("ZT232", 1, GAP_RULES["ZT232"]))
    if not document.threats:
        problems.append(Problem("ZT237", 1, GAP_RULES["ZT237"]))
    for threat in document.threats:
        if not threat.controlled:
            problems.append(
                Problem("ZT235", threat.line, f"threat `{_quote(threat.title)}` has no control")
            )
    for acceptance in document.acceptances:
        if not acceptance.owned:
            problems.append(
                Problem(
                    "ZT236",
                    acceptance.line,
                    f"`{_quote(acceptance.text)}` is accepted with no owner",
                )
            )
    return sorted(problems, key=lambda p: (p.line, p.rule))


def read(text: str) -> GapDocument:
    reader = _Reader()
    reader.walk(_markdown().parse(text))
    return reader.document()


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return mask_secrets(text[:60] + ("..." if len(text) > 60 else ""))


# --- words -------------------------------------------------------------------------------


def is_none(text: str) -> bool:
    """`none`, `N/A`, `-`, `TBD`, `No mitigation yet`: a control cell that states none."""
    low = " ".join(text.lower().split()).strip("*_`.!")
    words = low.split(" ", 5)
    first = words[0].strip(".,;:*_`")
    if first == "none" and len(words) > 4:
        return False  # `None of the keys leave the node` states a control
    return first in _NONE_WORDS or low.startswith(_NONE_STARTS)


def mentions_mitigation(text: str) -> bool:
    """A risk item that says how it is handled: `...; mitigated by X`, `Mitigate with Y`."""
    words = _WORDS.findall(text.lower())
    for index, word in enumerate(words):
        if word.startswith("mitigat") or word.startswith("countermeasure"):
            if index == 0 or words[index - 1] not in ("no", "not", "without", "nor"):
                return True
    return False


def _strip_word(word: str) -> str:
    return word.lower().strip("*_`[(").rstrip(_TRAILING)


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def strict_threat_id(text: str) -> tuple[str, str] | None:
    """`Threat-01-S ...`, `Threat ID 3 - ...`, `Threat 7: ...` -> (id, the rest)."""
    words = text.split(None, 3)
    if not words:
        return None
    first = _strip_word(words[0])
    if first.startswith("threat") and first != "threat" and _has_digit(first):
        return first, text.split(None, 1)[1] if len(words) > 1 else ""
    if first != "threat" or len(words) < 2:
        return None
    second = _strip_word(words[1])
    if second in ("id", "#", "no", "number") and len(words) > 2 and _has_digit(words[2]):
        rest = words[3] if len(words) > 3 else ""
        return f"threat id {_strip_word(words[2]).lstrip('#')}", rest
    if _has_digit(second) and len(second) <= 12:
        rest = text.split(None, 2)[2] if len(words) > 2 else ""
        return f"threat {second.lstrip('#')}", rest
    return None


def generic_id(text: str) -> tuple[str, str] | None:
    """`STRIDE-SPOOF-1 ...`, `T3: ...`, `TM-02 - ...`: a leading token of letters and digits."""
    words = text.split(None, 1)
    if not words:
        return None
    first = _strip_word(words[0])
    if (
        2 <= len(first) <= 40
        and first[0].isalpha()
        and _has_digit(first)
        and all(ch in _ID_CHARS for ch in first)
    ):
        return first, words[1] if len(words) > 1 else ""
    return None


def _starts_with_control(text: str, longest: int | None = None) -> bool:
    """`Recommended mitigations`, `Mitigation ID 2 - ...`, `Controls`: a control phrase."""
    words = [_strip_word(w) for w in text.split(None, 8)[:8]]
    words = [w for w in words if w not in ("", "-", "\u2013", "\u2014")]
    qualifiers = 0
    while words and words[0] in _QUALIFIERS and qualifiers < 2:
        words, qualifiers = words[1:], qualifiers + 1
    if not words or words[0] not in _CONTROL_NOUNS:
        return False
    return longest is None or len(words) <= longest


def is_control_phrase(text: str) -> bool:
    """What follows a threat's id in its mitigation heading: `Recommended mitigations`,
    `Mitigation`, `Controls`, but not `Mitigation bypass` (a threat's own title)."""
    words = [_strip_word(w) for w in text.split(None, 6)[:6]]
    words = [w for w in words if w not in ("", "-", "\u2013", "\u2014")]
    return (
        0 < len(words) <= 4
        and words[-1] in _CONTROL_NOUNS
        and all(w in _QUALIFIERS or w in _CONTROL_NOUNS or w in ("and", "&") for w in words)
    )


def _threat_separator(text: str) -> bool:
    """`Threat: X`, `Threat - X`: the word threat, then a separator and a title."""
    low = text.lower()
    if not low.startswith("threat"):
        return False
    rest = low[6:]
    if rest.startswith(":"):
        return bool(rest[1:].strip())
    return rest.startswith(" ") and rest.lstrip().startswith(_DASHES) and len(rest.strip()) > 1


def out_of_scope(title: str) -> bool:
    name = normalize(title)
    return any(
        phrase in name
        for phrase in (
            "out of scope",
            "not in scope",
            "non goals",
            "nongoals",
            "accepted risk",
            "risk acceptance",
            "risks accepted",
        )
    )


def _label_kind(label: str) -> tuple[str, str | None] | None:
    """What a `**Label:**` says: ("threat", id), ("threats", None) for a list of them,
    ("control", threat id or None), ("mitigates", None) for a control's list of threat ids,
    ("accept", None); None for any other label."""
    label = label.strip().rstrip(":").strip()
    low = " ".join(label.lower().split())
    if not low or low.count(" ") > 6:
        return None
    found = strict_threat_id(label)
    if found:
        threat_id, rest = found
        if is_control_phrase(rest):
            return "control", threat_id
        return "threat", threat_id
    if low in _THREAT_LABELS:
        return "threat", None
    if low in _THREAT_LIST_LABELS:
        return "threats", None
    if low in _MITIGATES_LABELS:
        return "mitigates", None
    if _starts_with_control(label, longest=4):
        return "control", None
    if low.count(" ") <= 3 and out_of_scope(label):
        return "accept", None
    return None


def attaches_class(text: str) -> bool:
    """`Tokens: restricted`, `Signing keys (secret)`, `Confidential - customer records`."""
    low = " ".join(text.lower().split())
    cut = len(low)
    for separator in (":", " - ", " \u2013 ", " \u2014 ", "("):
        found = low.find(separator)
        if found != -1 and found < cut:
            cut = found
    if cut == len(low):
        return False
    before, after = low[:cut], low[cut:]
    return _class_phrase(after, whole=False) or (
        _class_phrase(before, whole=True) and bool(after.strip(" :-()\u2013\u2014"))
    )


def _class_phrase(text: str, whole: bool) -> bool:
    words = _WORDS.findall(text[:200])
    while words and words[0] in _CLASS_QUALIFIERS:
        words = words[1:]
    if not words or words[0] not in _CLASS_WORDS:
        return False
    return not whole or len(words) <= 2


# --- the walk ----------------------------------------------------------------------------


# A threat read from a paragraph or list item is open until the next heading of any level.
_IN_PARAGRAPH = 7
# Labels that, with nothing after them, introduce a list of their items.
_LIST_LABELS = frozenset({"threats", "mitigates", "accept"})
_LIST_OPENS = ("bullet_list_open", "ordered_list_open")
_RISK_COLUMNS = frozenset({"risk", "risks", "attack", "attacks"})
_CONTROL_COLUMNS = ("mitigation", "control", "countermeas")


@dataclass
class _Open:
    title: str
    line: int
    controlled: bool = False


@dataclass
class _AcceptSection:
    level: int
    items: list[Acceptance] = field(default_factory=list)
    paragraphs: list[Acceptance] = field(default_factory=list)
    rows: list[Acceptance] = field(default_factory=list)


class _Reader:
    """One pass over the tokens; the state is what the document has opened so far."""

    def __init__(self) -> None:
        self.threats: list[_Open] = []
        self.by_id: dict[str, _Open] = {}
        self.acceptances: list[Acceptance] = []
        self.kinds: set[str] = set()
        self.classified = False
        self.sections: list[tuple[int, str]] = []  # (heading level, section kind)
        self.data_level: int | None = None  # inside a data / assets section
        self.open: _Open | None = None  # the threat whose section or paragraph we are in
        self.open_level = 0
        self.headings_since_open = 0
        # `**Mitigation**` waiting for its content, and the threats it will answer
        self.pending_control: list[_Open] = []
        # The threats of the last `**Risks:**` list: a `**Mitigations:**` after it answers all.
        self.group: list[_Open] = []
        self.listing_threats = False
        self.pending_list: str | None = None  # `**Risks:**` waiting for its list
        # Open lists, innermost last: "threats", "accept" or "mitigates" when a label
        # introduced the list (its own items are threats, acceptances, cited threats).
        self.lists: list[str | None] = []
        self.item: tuple[str | None, int] | None = None  # (mode, depth) of a new list item
        self.accept: _AcceptSection | None = None
        self.paragraph_top = False
        self.mitigated_ids: set[str] = set()

    def document(self) -> GapDocument:
        self._close_accept()
        for threat_id in self.mitigated_ids:  # a control may cite a threat defined after it
            if threat_id in self.by_id:
                self.by_id[threat_id].controlled = True
        return GapDocument(
            threats=tuple(Threat(t.title, t.line, t.controlled) for t in self.threats),
            acceptances=tuple(self.acceptances),
            kinds=frozenset(self.kinds),
            classified=self.classified,
        )

    # tokens

    def walk(self, tokens: Any) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if self.pending_list is not None and not kind.endswith("_close"):
                if kind not in _LIST_OPENS:
                    self.pending_list = None  # `**Risks:**` not followed by its list
            if kind == "heading_open":
                self._heading(int(token.tag[1]), _cell(tokens[index + 1]).text, _line(token))
                index += 3
            elif kind == "table_open":
                index = self._table(tokens, index)
            else:
                self._block(token)
                index += 1

    def _block(self, token: Any) -> None:
        """A list opening or closing, a list item, a paragraph, its text, or a code block."""
        kind = token.type
        if kind in _LIST_OPENS:
            if self.pending_list == "threats":
                self.group = []
            self.lists.append(self.pending_list)
            self.pending_list = None
        elif kind in ("bullet_list_close", "ordered_list_close"):
            if self.lists:
                self.lists.pop()
        elif kind == "list_item_open":
            self.item = (self.lists[-1] if self.lists else None, len(self.lists))
        elif kind == "paragraph_open":
            self.paragraph_top = not self.lists
        elif kind == "inline":
            self._inline(token)
            self.item = None
            self.paragraph_top = False
        elif kind in ("fence", "code_block") and self.pending_control:
            for threat in self.pending_control:  # a `**Mitigation**` answered by code
                threat.controlled = True
            self.pending_control = []

    def _heading(self, level: int, title: str, line: int) -> None:
        self._leave_sections(level)
        innermost = self.sections[-1][1] if self.sections else None
        kind = section_kind(title)
        if kind:
            self.kinds.add(kind)
        if not self._threat_heading(level, title, line, innermost):
            self._other_heading(level, title, kind)

    def _leave_sections(self, level: int) -> None:
        """A heading ends what waited for content and every section at its level or deeper."""
        self.pending_control = []
        self.group = []
        self.pending_list = None
        if self.accept is not None and level <= self.accept.level:
            self._close_accept()
        while self.sections and self.sections[-1][0] >= level:
            self.sections.pop()
        if self.data_level is not None and level <= self.data_level:
            self.data_level = None

    def _threat_heading(self, level: int, title: str, line: int, innermost: str | None) -> bool:
        """A heading that names a threat by its id, or its id's control; True when it did."""
        found = strict_threat_id(title) or (generic_id(title) if innermost == THREATS else None)
        if found and is_control_phrase(found[1]):
            # `Threat-01-S Recommended mitigations` answers Threat-01-S, and only it.
            named = self.by_id.get(found[0])
            if named is not None:
                named.controlled = True
            self.sections.append((level, MITIGATIONS))
            self.open = None
            return True
        if found or _threat_separator(title):
            self._open_threat(self._threat(title, line, found[0] if found else None), level)
            return True
        return False

    def _other_heading(self, level: int, title: str, kind: str | None) -> None:
        """A control heading, or one that opens a section (data, out of scope...)."""
        if _starts_with_control(title):
            self._control_heading(level, title)
        else:
            if self.open is not None and level <= self.open_level:
                self.open = None
            self.headings_since_open += 1
        if kind:
            self.sections.append((level, kind))
        if kind == CLASSIFICATION or "asset" in normalize(title):
            self.data_level = level
        if out_of_scope(title):
            self.accept = _AcceptSection(level)

    def _control_heading(self, level: int, title: str) -> None:
        """A control heading that names no threat: a child of the open threat's heading is
        its control; so is the very next sibling heading, unless it opens a section of
        controls (`### Mitigations` after the last threat)."""
        self.sections.append((level, MITIGATIONS))
        threat = self.open
        if threat is None:
            return
        if level > self.open_level:
            threat.controlled = True
            return
        if self.headings_since_open == 0 and normalize(title) not in _CONTROL_SECTIONS:
            threat.controlled = True
        self.open = None

    def _threat(self, title: str, line: int, threat_id: str | None) -> _Open:
        threat = _Open(title, line)
        self.threats.append(threat)
        if self.listing_threats:
            self.group.append(threat)
        else:
            self.group = []
        if threat_id:
            self.by_id[threat_id] = threat
        self.pending_control = []
        return threat

    def _open_threat(self, threat: _Open, level: int) -> None:
        """What follows (up to a heading at ``level`` or above) is about ``threat``."""
        self.open, self.open_level, self.headings_since_open = threat, level, 0

    def _risk(self, text: str, line: int) -> None:
        """A risk in a list of them: a threat, controlled when it says it is mitigated."""
        threat = self._threat(text, line, None)
        threat.controlled = mentions_mitigation(text)
        self._open_threat(threat, _IN_PARAGRAPH)

    # paragraphs and list items

    def _inline(self, token: Any) -> None:
        line = _line(token)
        item = self.item
        children = _children(token)
        text = _cell(token, children).text
        if self.accept is not None:
            self._accepted_block(self.accept, item, text, line)
        lines = _labelled_lines(token, children)
        if item is not None:
            self._list_item(item[0], text, line, lines)
        for offset, segments in enumerate(lines):
            for label, rest in segments:
                self._segment(label, rest, line + offset)
        self.listing_threats = False

    def _accepted_block(
        self, section: _AcceptSection, item: tuple[str | None, int] | None, text: str, line: int
    ) -> None:
        """In an out-of-scope section: a top-level (or labelled) list item, or a paragraph."""
        if item is not None and (item[0] == "accept" or (item[1] == 1 and item[0] is None)):
            section.items.append(_acceptance(text, line))
        elif item is None and self.paragraph_top:
            section.paragraphs.append(_acceptance(text, line))

    def _list_item(
        self, mode: str | None, text: str, line: int, lines: list[list[tuple[str | None, str]]]
    ) -> None:
        """A list item, read by what its list's label introduced (``mode``)."""
        self.classify_item(text)
        self.listing_threats = mode == "threats"
        if mode == "mitigates":
            self._cites(text)
        elif mode == "accept" and self.accept is None:
            self.acceptances.append(_acceptance(text, line))
        elif mode == "threats" and not _opens_with_threat_label(lines):
            self._risk(text, line)

    def _segment(self, label: str | None, rest: str, line: int) -> None:
        kind = _label_kind(label) if label is not None else None
        if kind is None:
            self._unlabelled(rest if label is None else f"{label} {rest}")
            return
        self.pending_control = []
        what, threat_id = kind
        if what in _LIST_LABELS and not rest.strip():
            self.pending_list = what  # `**Risks:**` alone: its list's items follow
        elif what == "threat":
            title = rest.strip() or (label or "threat")
            self._open_threat(self._threat(title, line, threat_id), _IN_PARAGRAPH)
        elif what == "threats":
            self._risk(rest.strip(), line)
        elif what == "control":
            self._control_label(threat_id, rest)
        elif what == "mitigates":
            for cited in rest.replace(";", ",").split(","):
                self._cites(cited)
        else:  # accept
            self.acceptances.append(_acceptance(rest, line))

    def _unlabelled(self, content: str) -> None:
        """Text with no label: the content a bare `**Mitigation**` waited for, if any."""
        if self.pending_control and content.strip():
            if not is_none(content):
                for threat in self.pending_control:
                    threat.controlled = True
            self.pending_control = []

    def _control_label(self, threat_id: str | None, rest: str) -> None:
        """`**Mitigation:** ...` answers the threat it names, else the open one (with the
        rest of its `**Risks:**` group); with nothing after it, the content that follows."""
        named = self.by_id.get(threat_id) if threat_id else self.open
        if named is None:
            return
        targets = self.group if self.group and self.group[-1] is named else [named]
        if not rest.strip():
            self.pending_control = list(targets)
        elif not is_none(rest):
            for threat in targets:
                threat.controlled = True

    # tables

    def _table(self, tokens: Any, index: int) -> int:
        self.pending_control = []
        headers, rows, index = _read_table(tokens, index)
        columns = _columns(headers)
        for line, cells in rows:
            self._table_row(columns, line, cells)
        return index

    def _table_row(self, columns: _Columns, line: int, cells: list[str]) -> None:
        threat = _at(cells, columns.threat)
        # Only the convention's own shape counts: a threat column beside a controls column.
        if threat and columns.control is not None:
            self.threats.append(_Open(threat, line, not is_none(_at(cells, columns.control))))
        if self.accept is not None and any(cells):
            text = " | ".join(c for c in cells if c)
            self.accept.rows.append(Acceptance(text, line, columns.owned(cells)))
        if (_at(cells, columns.data_class) and _at(cells, 0)) or (
            self.data_level is not None and any(normalize(c) in _CLASS_WORDS for c in cells[1:])
        ):
            self.classified = True

    def _cites(self, text: str) -> None:
        found = strict_threat_id(text.strip())
        if found is not None:
            self.mitigated_ids.add(found[0])

    def _close_accept(self) -> None:
        section, self.accept = self.accept, None
        if section is not None:
            self.acceptances.extend(section.rows or section.items or section.paragraphs)

    def classify_item(self, text: str) -> None:
        if self.data_level is not None and attaches_class(text):
            self.classified = True


def _acceptance(text: str, line: int) -> Acceptance:
    return Acceptance(text.strip(), line, "owner" in text.lower())


def _opens_with_threat_label(lines: list[list[tuple[str | None, str]]]) -> bool:
    """A risk list's item that starts `**Threat:** ...` is read by its label, not as a risk."""
    label = lines[0][0][0] if lines and lines[0] else None
    kind = _label_kind(label) if label is not None else None
    return kind is not None and kind[0] == "threat"


@dataclass(frozen=True)
class _Columns:
    """Where a table keeps its threats, controls, owners and data classes (None: nowhere)."""

    threat: int | None
    control: int | None
    owner: int | None
    data_class: int | None

    def owned(self, cells: list[str]) -> bool:
        if self.owner is not None:
            return not is_none(_at(cells, self.owner))
        return "owner" in " ".join(cells).lower()


def _first(names: list[str], wanted: Callable[[str], bool], skip: int | None = None) -> int | None:
    return next((i for i, name in enumerate(names) if i != skip and wanted(name)), None)


def _columns(headers: list[str]) -> _Columns:
    names = [normalize(h) for h in headers]
    threat = _first(names, lambda n: "threat" in n)
    if threat is None:
        threat = _first(names, lambda n: n in _RISK_COLUMNS)
    return _Columns(
        threat=threat,
        control=_first(names, lambda n: any(w in n for w in _CONTROL_COLUMNS), skip=threat),
        owner=_first(names, lambda n: "owner" in n),
        data_class=_first(names, lambda n: n in _CLASS_COLUMNS),
    )


def _at(cells: list[str], column: int | None) -> str:
    return cells[column] if column is not None and column < len(cells) else ""


def _line(token: Any) -> int:
    return int(token.map[0]) + 1 if token.map else 1


def _read_table(tokens: Any, index: int) -> tuple[list[str], list[tuple[int, list[str]]], int]:
    headers: list[str] = []
    rows: list[tuple[int, list[str]]] = []
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
            line = _line(token) if token.map else line
        elif token.type == "inline":
            (headers if in_head else cells).append(_cell(token).text)
        elif token.type == "tr_close" and not in_head:
            rows.append((line, cells))
        index += 1
    return headers, rows, index + 1


def _labelled_lines(inline: Any, children: list[Any]) -> list[list[tuple[str | None, str]]]:
    """Each line of a paragraph (soft or hard breaks) as (label, text) segments: a line
    starts a segment at a leading `Label:` (plain or bold) or a bold-only line, and a later
    `**Label:**` on the same line starts another."""
    if not children:
        return [[_plain_label(line)] for line in inline.content.split("\n")]
    lines: list[list[tuple[str, str]]] = [[]]  # (part kind, text): "text" or "strong"
    strong: list[str] | None = None
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append([])
        elif child.type == "strong_open":
            strong = []
        elif child.type == "strong_close":
            if strong is not None:
                lines[-1].append(("strong", "".join(strong)))
            strong = None
        elif child.type in ("text", "code_inline", "html_inline"):
            if strong is not None:
                strong.append(child.content)
            elif child.content:
                lines[-1].append(("text", child.content))
    return [_segments(parts) for parts in lines]


def _plain_label(line: str) -> tuple[str | None, str]:
    """`Mitigations: ...`, `Threat-01-S: ...` at the start of a line with no bold. A threat id
    must stand alone before the colon (`Threat ID 5 - title: more` cites a threat)."""
    colon = line.find(":", 0, 80)
    if colon <= 0:
        return None, line
    label = line[:colon]
    kind = _label_kind(label)
    if kind is None:
        return None, line
    found = strict_threat_id(label.strip())
    if kind[0] == "threat" and found is not None and found[1].strip():
        return None, line
    return label, line[colon + 1 :]


def _segments(parts: list[tuple[str, str]]) -> list[tuple[str | None, str]]:
    segments: list[tuple[str | None, list[str]]] = []
    index = 0
    while index < len(parts):
        kind, text = parts[index]
        following = parts[index + 1][1] if index + 1 < len(parts) else None
        label: str | None = None
        if kind == "strong":
            stripped = text.strip()
            if index == 0 and len(parts) == 1:
                label = stripped.rstrip(":")  # a bold-only line: `**Mitigation**`, `**N/A**`
            elif stripped.endswith(":") and _label_kind(stripped) is not None:
                label = stripped[:-1]
            elif (
                following is not None
                and following.lstrip().startswith(":")
                and _label_kind(stripped) is not None
            ):
                label = stripped
                parts[index + 1] = ("text", following.lstrip()[1:])
        if label is not None:
            segments.append((label, []))
        elif not segments:
            segments.append((None, [text]))
        else:
            segments[-1][1].append(text)
        index += 1
    result: list[tuple[str | None, str]] = []
    for label, texts in segments:
        joined = "".join(texts)
        if label is None and not result:
            label, joined = _plain_label(joined)
        result.append((label, joined))
    return result
