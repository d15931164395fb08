"""Markdown -> ThreatModel, with markdown-it-py: sections by heading, tables by header name."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ztgate.threat_model.model import (
    ACCEPTED,
    BOUNDARIES,
    CLASSIFICATION,
    COMPONENTS,
    ENTRY_POINTS,
    FLOWS,
    MITIGATIONS,
    SCOPE,
    THREATS,
    Cell,
    Placeholder,
    Row,
    Section,
    Table,
    ThreatModel,
)

# Heading text (normalized) -> section kind. Exact names first, then phrases a heading may
# contain ("Attack surface / entry points", "3. Threats").
_EXACT_HEADINGS = {
    "scope": SCOPE,
    "system scope": SCOPE,
    "in scope": SCOPE,
    "data classification": CLASSIFICATION,
    "data": CLASSIFICATION,
    "assets": CLASSIFICATION,
    "data assets": CLASSIFICATION,
    "classification": CLASSIFICATION,
    "trust boundaries": BOUNDARIES,
    "boundaries": BOUNDARIES,
    "data flows": FLOWS,
    "flows": FLOWS,
    "dataflows": FLOWS,
    "attack surface": ENTRY_POINTS,
    "entry points": ENTRY_POINTS,
    "threats": THREATS,
    "threat register": THREATS,
    "mitigations": MITIGATIONS,
    "controls": MITIGATIONS,
    "security controls": MITIGATIONS,
    "accepted risks": ACCEPTED,
    "risk acceptance": ACCEPTED,
    "risks accepted": ACCEPTED,
    # Exact names only: "Component 3: the worker" heads a part of the model, not this table.
    "components": COMPONENTS,
    "system components": COMPONENTS,
    "component inventory": COMPONENTS,
}
_HEADING_PHRASES = (
    ("data classification", CLASSIFICATION),
    ("trust boundar", BOUNDARIES),
    ("data flow", FLOWS),
    ("attack surface", ENTRY_POINTS),
    ("entry point", ENTRY_POINTS),
    ("accepted risk", ACCEPTED),
    ("mitigation", MITIGATIONS),
    ("control", MITIGATIONS),
    ("threat", THREATS),
    ("scope", SCOPE),
)
# Column header (normalized) -> canonical name, per table kind.
_COLUMNS: dict[str, dict[str, str]] = {
    CLASSIFICATION: {
        "data": "data",
        "asset": "data",
        "name": "data",
        "data asset": "data",
        "class": "class",
        "classification": "class",
        "sensitivity": "class",
        "data class": "class",
    },
    BOUNDARIES: {
        "id": "id",
        "boundary": "boundary",
        "name": "boundary",
        "inside": "inside",
        "outside": "outside",
    },
    FLOWS: {
        "id": "id",
        "from": "from",
        "source": "from",
        "to": "to",
        "destination": "to",
        "data": "data",
        "crosses boundary": "crosses",
        "crosses": "crosses",
        "boundary": "crosses",
        "trust boundary": "crosses",
        "protocol": "protocol",
        "authentication": "authentication",
        "authn": "authentication",
        "auth": "authentication",
        "encryption": "encryption",
        "encryption in transit": "encryption",
    },
    ENTRY_POINTS: {
        "id": "id",
        "entry point": "entry point",
        "entry": "entry point",
        "endpoint": "entry point",
        "interface": "entry point",
        "exposed to": "exposed to",
        "exposure": "exposed to",
        "data": "data",
    },
    THREATS: {
        "id": "id",
        "threat": "threat",
        "description": "threat",
        "title": "threat",
        "stride": "stride",
        "stride category": "stride",
        "category": "stride",
        "target": "target",
        "targets": "target",
        "component": "target",
        "mitigations": "mitigations",
        "mitigation": "mitigations",
        "controls": "mitigations",
        "status": "status",
    },
    MITIGATIONS: {
        "id": "id",
        "control": "control",
        "mitigation": "control",
        "description": "control",
        "status": "status",
        "evidence": "evidence",
        "tracking": "evidence",
        "link": "evidence",
        "mitigates": "mitigates",
        "threats": "mitigates",
        "family": "family",
        "control family": "family",
    },
    COMPONENTS: {
        "id": "id",
        "name": "name",
        "component": "name",
        "kind": "kind",
        "type": "kind",
        "boundary": "boundary",
        "trust boundary": "boundary",
        "inside": "boundary",
    },
    ACCEPTED: {
        "threat": "threat",
        "threats": "threat",
        "id": "threat",
        "reason": "reason",
        "justification": "reason",
        "rationale": "reason",
        "owner": "owner",
        "expires": "expires",
        "expiry": "expires",
        "review by": "expires",
    },
}
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    CLASSIFICATION: ("data", "class"),
    BOUNDARIES: ("id", "boundary", "inside", "outside"),
    FLOWS: ("id", "from", "to", "data", "crosses", "protocol", "authentication", "encryption"),
    ENTRY_POINTS: ("id", "entry point", "exposed to", "data"),
    THREATS: ("id", "threat", "stride", "target", "status"),
    MITIGATIONS: ("id", "control", "status", "evidence"),
    ACCEPTED: ("threat", "reason", "owner", "expires"),
    COMPONENTS: ("id", "name", "kind"),
}
_METADATA_KEYS = {
    "system": "system",
    "system name": "system",
    "name": "system",
    "service": "system",
    "owner": "owner",
    "owners": "owner",
    "team": "owner",
    "last reviewed": "last_reviewed",
    "last_reviewed": "last_reviewed",
    "reviewed": "last_reviewed",
    "last review": "last_reviewed",
    "review date": "last_reviewed",
}
# No two blank runs may meet (`\s*[-*]?\s*`, `(.+?)\s*$`, a key starting in the indent): on a
# long run of blanks each split of it between them was tried, quadratic. The key starts on a
# letter (every key above has three or more: blanks before it changed no key) and the value
# ends at its last non-blank.
_METADATA_LINE = re.compile(
    r"^\s*(?:[-*]\s*)?(?:\*+ *)?([A-Za-z_][A-Za-z_ ]{2,19}?)\**\s*:\s*(?:\*+\s*)?(.*\S|.+?)\s*$"
)
_PLACEHOLDER = re.compile(r"\bTODO\b|\bTBD\b|\bFIXME\b|\bXXX\b|\blorem ipsum\b", re.IGNORECASE)
_HTML_TAGS = frozenset(
    {
        "br",
        "b",
        "i",
        "em",
        "strong",
        "a",
        "sup",
        "sub",
        "span",
        "code",
        "kbd",
        "img",
        "u",
        "s",
        "details",
        "summary",
        "p",
        "div",
        "ul",
        "ol",
        "li",
        "table",
        "tr",
        "td",
        "th",
        "hr",
        "pre",
    }
)


_MARKS = re.compile(r"[*_`]")
_NUMBERING = re.compile(r"^[\d.()\s]+")
_PUNCTUATION = re.compile(r"[^\w/ ]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """`**3. Data flows**` -> `data flows`: how headings and column headers are compared."""
    text = _NUMBERING.sub("", _MARKS.sub("", text).strip().lower())  # "3. Threats" -> "threats"
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text)).strip()


def section_kind(title: str) -> str | None:
    name = normalize(title)
    if name in _EXACT_HEADINGS:
        return _EXACT_HEADINGS[name]
    for phrase, kind in _HEADING_PHRASES:
        if phrase in name:
            return kind
    return None


@lru_cache(maxsize=1)
def _markdown() -> Any:
    """Block structure only: inline markup is parsed per cell, and only where there is some
    (a 2,000-row document has 12,000 plain cells; parsing them all doubles the time)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .use(front_matter_plugin)
        .disable("inline")
    )


@lru_cache(maxsize=1)
def _inline_markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True})


_INLINE_MARKUP = re.compile(r"[\[\]<>`*_&\\!]|https?:")


def _children(inline: Any) -> list[Any]:
    if inline.children:
        return list(inline.children)
    content = inline.content
    if not _INLINE_MARKUP.search(content):
        return []
    parsed = _inline_markdown().parseInline(content)
    return list(parsed[0].children or ()) if parsed else []


def _cell(inline: Any, children: list[Any] | None = None) -> Cell:
    """Plain text of an inline token, and the link targets in it."""
    if children is None:
        children = _children(inline)
    if not children:
        return Cell(inline.content.strip())
    texts: list[str] = []
    links: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            texts.append(child.content)
        elif child.type == "link_open":
            href = child.attrs.get("href")
            if isinstance(href, str):
                links.append(href)
        elif child.type in ("softbreak", "hardbreak"):
            texts.append(" ")
        elif child.type == "html_inline":
            texts.append(child.content)
    return Cell("".join(texts).strip(), tuple(links))


def _angle_placeholders(inline: Any, children: list[Any]) -> list[str]:
    if "<" not in inline.content:
        return []
    found = []
    for child in children:
        if child.type == "html_inline":
            tag = re.match(r"</?\s*([A-Za-z][\w-]*)", child.content)
            if (
                tag
                and tag.group(1).lower() not in _HTML_TAGS
                and not child.content.startswith("<!--")
            ):
                found.append(child.content)
        elif child.type == "text":
            found.extend(re.findall(r"<[^<>\n]{1,200}>", child.content))
    return found


@dataclass
class _OpenSection:
    """A section while the walk reads what is under its heading."""

    kind: str | None
    title: str
    line: int
    level: int
    text: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    comments: int = 0

    def section(self) -> Section:
        return Section(
            kind=self.kind,
            title=self.title,
            line=self.line,
            level=self.level,
            text="\n".join(t for t in self.text if t),
            tables=tuple(self.tables),
            only_comments=bool(self.comments) and not any(self.text) and not self.tables,
        )


@dataclass
class _Document:
    """What the walk has read so far; the section being read is the last one opened."""

    metadata: dict[str, str] = field(default_factory=dict)
    metadata_lines: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)
    sections: list[_OpenSection] = field(default_factory=list)
    title_line: int = 1

    @property
    def current(self) -> _OpenSection | None:
        return self.sections[-1] if self.sections else None

    def model(self, path: str) -> ThreatModel:
        return ThreatModel(
            path=path,
            metadata=self.metadata,
            metadata_lines=self.metadata_lines,
            sections=tuple(section.section() for section in self.sections),
            placeholders=tuple(self.placeholders),
            title_line=self.title_line,
            problems=tuple(self.problems),
        )


def _line_of(token: Any) -> int:
    return int(token.map[0]) + 1 if token.map else 1


# Each reader takes the token at ``index`` (and what belongs to it) and returns the index after.
_TokenReader = Callable[[_Document, Sequence[Any], Sequence[str], int], int]


def _read_front_matter(
    document: _Document, tokens: Sequence[Any], types: Sequence[str], index: int
) -> int:
    token = tokens[index]
    _front_matter(
        token.content,
        _line_of(token),
        document.metadata,
        document.metadata_lines,
        document.problems,
        document.placeholders,
    )
    return index + 1


def _open_section(
    document: _Document, tokens: Sequence[Any], types: Sequence[str], index: int
) -> int:
    """A heading opens a section; the document's first, a level-1 title, is of no kind."""
    token = tokens[index]
    title = _cell(tokens[index + 1]).text
    level = int(token.tag[1])
    is_title = level == 1 and not document.sections
    if is_title:
        document.title_line = _line_of(token)
    kind = None if is_title else section_kind(title)
    document.sections.append(_OpenSection(kind, title, _line_of(token), level))
    return index + 3  # heading_open, inline, heading_close


def _read_table(
    document: _Document, tokens: Sequence[Any], types: Sequence[str], index: int
) -> int:
    current = document.current
    table, after = _table(
        tokens, types, index, current.kind if current else None, document.problems
    )
    if current is not None:
        current.tables.append(table)
    for row in table.rows:
        # One search per row; only a row that has a placeholder is looked at cell by cell.
        if is_placeholder(" | ".join(cell.text for cell in row.cells.values())):
            document.placeholders.extend(
                Placeholder(row.line, cell.text)
                for cell in row.cells.values()
                if is_placeholder(cell.text)
            )
    return after


def _read_prose(
    document: _Document, tokens: Sequence[Any], types: Sequence[str], index: int
) -> int:
    """A paragraph, list item or table-less block: the section's text, metadata lines before
    the first kind of section, and the placeholders in it."""
    token = tokens[index]
    children = _children(token)
    text = _cell(token, children).text
    line = _line_of(token)
    current = document.current
    if current is not None:
        current.text.append(text)
    _metadata_from_text(
        text,
        line,
        document.metadata,
        document.metadata_lines,
        in_metadata_area=current is None or current.kind is None,
    )
    document.placeholders.extend(Placeholder(line, m.group(0)) for m in _PLACEHOLDER.finditer(text))
    document.placeholders.extend(Placeholder(line, p) for p in _angle_placeholders(token, children))
    return index + 1


def _read_html(document: _Document, tokens: Sequence[Any], types: Sequence[str], index: int) -> int:
    """An HTML block is the section's text; a comment only counts (a template's hint)."""
    current = document.current
    if current is not None:
        content = tokens[index].content
        if content.lstrip().startswith("<!--"):
            current.comments += 1
        else:
            current.text.append(content)
    return index + 1


_READERS: dict[str, _TokenReader] = {
    "front_matter": _read_front_matter,
    "heading_open": _open_section,
    "table_open": _read_table,
    "inline": _read_prose,
    "html_block": _read_html,
}


def parse(text: str, path: str) -> ThreatModel:
    """Parse a document; never raises on odd markdown (problems are recorded with lines)."""
    tokens = _markdown().parse(text)
    types = [token.type for token in tokens]
    document = _Document()
    index = 0
    while index < len(tokens):
        reader = _READERS.get(types[index])
        index = reader(document, tokens, types, index) if reader else index + 1
    return document.model(path)


_ANGLE = re.compile(r"<[^<>\n]+>")


def is_placeholder(text: str) -> bool:
    """A template's fill-me-in text: `<system name>`, TODO, TBD."""
    return bool(("<" in text and _ANGLE.search(text)) or _PLACEHOLDER.search(text))


def _front_matter(
    content: str,
    line: int,
    metadata: dict[str, str],
    lines: dict[str, int],
    problems: list[tuple[int, str]],
    placeholders: list[Placeholder],
) -> None:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(content)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.append((line + 1 + (mark.line if mark else 0), "front matter is not valid YAML"))
        return
    if not isinstance(data, dict):
        if data is not None:
            problems.append((line, "front matter must be a YAML mapping"))
        return
    for offset, (key, value) in enumerate(data.items()):
        canonical = _METADATA_KEYS.get(normalize(str(key)).replace("_", " "), str(key).lower())
        metadata[canonical] = "" if value is None else str(value)
        lines[canonical] = line + 1 + offset
        if is_placeholder(metadata[canonical]):
            placeholders.append(Placeholder(line + 1 + offset, metadata[canonical]))


def _metadata_from_text(
    text: str, line: int, metadata: dict[str, str], lines: dict[str, int], in_metadata_area: bool
) -> None:
    if not in_metadata_area:
        return
    for offset, raw in enumerate(text.splitlines()):
        match = _METADATA_LINE.match(raw)
        if not match:
            continue
        key = _METADATA_KEYS.get(normalize(match.group(1)))
        if key and key not in metadata:
            metadata[key] = match.group(2).strip("* ")
            lines[key] = line + offset


def _table(
    tokens: Sequence[Any],
    types: Sequence[str],
    index: int,
    kind: str | None,
    problems: list[tuple[int, str]],
) -> tuple[Table, int]:
    """Read the table opening at ``tokens[index]``; return it and the index after it.

    Tables are the bulk of a big document, so this walks a precomputed list of token types
    between the table's own bounds (tables cannot nest).
    """
    start_line = int(tokens[index].map[0]) + 1 if tokens[index].map else 1
    end = types.index("table_close", index)
    synonyms = _COLUMNS.get(kind or "", {})
    headers: list[str] = []
    rows: list[Row] = []
    row_cells: list[Cell] = []
    row_line = start_line
    in_head = False
    for position in range(index + 1, end):
        kind_of = types[position]
        if kind_of == "inline":
            cell = _cell(tokens[position])
            if in_head:
                name = normalize(cell.text)
                headers.append(synonyms.get(name, name))
            else:
                row_cells.append(cell)
        elif kind_of == "tr_open":
            row_cells = []
            token_map = tokens[position].map
            row_line = int(token_map[0]) + 1 if token_map else row_line
        elif kind_of == "tr_close":
            if not in_head and any(c.text for c in row_cells):
                cells = {h: c for h, c in zip(headers, row_cells, strict=False) if h}
                rows.append(Row(row_line, cells))
        elif kind_of == "thead_open":
            in_head = True
        elif kind_of == "thead_close":
            in_head = False
    if "" in headers:
        problems.append((start_line, "table has an empty column header"))
    return Table(start_line, tuple(headers), tuple(rows)), end + 1
