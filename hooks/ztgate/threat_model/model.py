"""Plain data parsed from a threat-model document: what the rules check, with line numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

# Section kinds (Section.kind), in the order the template lists them.
SCOPE = "scope"
CLASSIFICATION = "data classification"
BOUNDARIES = "trust boundaries"
FLOWS = "data flows"
ENTRY_POINTS = "attack surface"
THREATS = "threats"
MITIGATIONS = "mitigations"
ACCEPTED = "accepted risks"
COMPONENTS = "components"  # optional: where each component lives, and what kind it is


@dataclass(frozen=True, slots=True)
class Cell:
    text: str  # plain text, markdown emphasis and code marks removed
    links: tuple[str, ...] = ()  # link targets in the cell


@dataclass(frozen=True, slots=True)
class Row:
    """One table row: cells by normalized column name, and the line (1-based) it sits on."""

    line: int
    cells: Mapping[str, Cell]

    def get(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.text if cell else ""  # already stripped when parsed

    def links(self, column: str) -> tuple[str, ...]:
        cell = self.cells.get(column)
        return cell.links if cell else ()


@dataclass(frozen=True)
class Table:
    line: int
    columns: tuple[str, ...]  # normalized names (unknown columns kept as written, lowercased)
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Section:
    kind: str | None  # one of the section kinds above, or None for an extra section
    title: str
    line: int
    level: int
    text: str  # the prose under the heading (not tables), plain
    tables: tuple[Table, ...] = ()
    only_comments: bool = False  # nothing but HTML comments under the heading

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(row for table in self.tables for row in table.rows)

    @property
    def empty(self) -> bool:
        return not self.text.strip() and not self.rows


@dataclass(frozen=True)
class Placeholder:
    line: int
    text: str


@dataclass(frozen=True)
class ThreatModel:
    path: str
    metadata: Mapping[str, str]
    metadata_lines: Mapping[str, int]
    sections: tuple[Section, ...]
    placeholders: tuple[Placeholder, ...] = ()
    title_line: int = 1
    problems: tuple[tuple[int, str], ...] = field(default_factory=tuple)  # (line, message)

    def section(self, kind: str) -> Section | None:
        for section in self.sections:
            if section.kind == kind:
                return section
        return None

    def rows(self, kind: str) -> tuple[Row, ...]:
        return self._rows_by_kind.get(kind, ())

    @cached_property
    def _rows_by_kind(self) -> dict[str, tuple[Row, ...]]:
        by_kind: dict[str, list[Row]] = {}
        for section in self.sections:
            if section.kind:
                by_kind.setdefault(section.kind, []).extend(section.rows)
        return {kind: tuple(rows) for kind, rows in by_kind.items()}
