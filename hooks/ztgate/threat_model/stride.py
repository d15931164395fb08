"""STRIDE per element: the categories each component and flow faces, which threats (or
not-applicable rows) consider them, and what nobody thought about (ZT238).

Microsoft's STRIDE-per-element table: actors and externals face spoofing and repudiation;
processes all six; stores tampering, repudiation, information disclosure and denial of
service; flows tampering, information disclosure and denial of service. A threat row answers
each (target, category) pair it names, whatever its status: an open threat was considered.
A team rules a pair out with a threat row whose status is `not-applicable` and whose Threat
cell says why. A threat on a flow in a category the flow does not face counts for the end
that does (spoofing and repudiation: the sender, else the receiver; elevation: the receiver,
else the sender); a threat on an entry point counts for the component its optional Component
column names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from ztgate.finding import Problem
from ztgate.threat_model import components
from ztgate.threat_model.model import (
    BOUNDARIES,
    COMPONENTS,
    ENTRY_POINTS,
    FLOWS,
    THREATS,
    Row,
    ThreatModel,
)
from ztgate.threat_model.parse import is_placeholder
from ztgate.threat_model.rules import ids_in, normalize_stride

SPOOFING = "spoofing"
TAMPERING = "tampering"
REPUDIATION = "repudiation"
DISCLOSURE = "information disclosure"
DENIAL = "denial of service"
ELEVATION = "elevation of privilege"
CATEGORIES = (SPOOFING, TAMPERING, REPUDIATION, DISCLOSURE, DENIAL, ELEVATION)
LETTERS = {category: category[0].upper() for category in CATEGORIES}
FLOW = "flow"
FACES: dict[str, tuple[str, ...]] = {
    "actor": (SPOOFING, REPUDIATION),
    "external": (SPOOFING, REPUDIATION),
    "process": CATEGORIES,
    "store": (TAMPERING, REPUDIATION, DISCLOSURE, DENIAL),
    FLOW: (TAMPERING, DISCLOSURE, DENIAL),
}


@dataclass(frozen=True)
class Element:
    """A component or a flow of the data-flow diagram, as STRIDE per element sees it."""

    key: str  # "component:<name, lowercased>" or "flow:<id, lowercased>"
    kind: str  # actor, external, process, store or flow
    name: str  # the component's name or the flow's id, as written
    line: int
    identifier: str = ""  # the component's id (C1), if the Components table gives one
    source: str = ""  # a flow's ends: element keys ("" when unknown)
    destination: str = ""
    ends: tuple[str, str] = ("", "")  # a flow's ends as the row writes them

    @property
    def faces(self) -> tuple[str, ...]:
        return FACES[self.kind]


@dataclass(frozen=True)
class Analysis:
    elements: tuple[Element, ...]
    considered: Mapping[str, frozenset[str]]  # element key -> categories some row answers

    def missing(self, element: Element) -> tuple[str, ...]:
        done = self.considered.get(element.key, frozenset())
        return tuple(c for c in element.faces if c not in done)

    @property
    def total(self) -> int:
        return sum(len(element.faces) for element in self.elements)

    @property
    def covered(self) -> int:
        return self.total - sum(len(self.missing(element)) for element in self.elements)

    def element(self, key: str) -> Element | None:
        return self._by_key.get(key)

    @cached_property
    def _by_key(self) -> dict[str, Element]:
        return {element.key: element for element in self.elements}


def component_key(name: str) -> str:
    return "component:" + name.strip().lower()


def flow_key(identifier: str) -> str:
    return "flow:" + identifier.strip().lower()


def _component_lines(model: ThreatModel, places: components.Places) -> dict[str, int]:
    """Where each component is defined: its Components row, else the first boundary or flow
    row naming it."""
    lines: dict[str, int] = {}
    for row in model.rows(COMPONENTS):
        key = places.key(row.get("name")) if row.get("name") else None
        if key is not None:
            lines.setdefault(key, row.line)
    for row in model.rows(BOUNDARIES):
        for column in ("inside", "outside"):
            for name in components.names_in(row.get(column)):
                key = places.key(name)
                if key is not None:
                    lines.setdefault(key, row.line)
    for row in model.rows(FLOWS):
        for column in ("from", "to"):
            key = places.key(row.get(column)) if row.get(column) else None
            if key is not None:
                lines.setdefault(key, row.line)
    return lines


def flow_endpoints(model: ThreatModel, places: components.Places) -> set[str]:
    """The components (keys) some flow starts or ends at."""
    found = (places.key(row.get(c)) for row in model.rows(FLOWS) for c in ("from", "to"))
    return {key for key in found if key is not None}


def elements(model: ThreatModel, places: components.Places | None = None) -> list[Element]:
    """The components (with a known kind) and the flows (with an id and both ends filled).
    Without a Components table, a name only a boundary's Inside or Outside cell gives ("the
    internet", "none") is not taken for a component: only the flows' ends are."""
    places = places or components.places(model)
    found: list[Element] = []
    lines = _component_lines(model, places)
    written_ids = {row.get("id").lower(): row.get("id") for row in model.rows(COMPONENTS)}
    id_of = {key: written_ids.get(lowered, "") for lowered, key in places.ids.items()}
    ends = flow_endpoints(model, places) if not places.stated else set(places.written)
    for key, name in places.written.items():
        kind = places.kinds.get(key)
        if kind is None or is_placeholder(name) or key not in ends:
            continue  # no kind stated: ZT220 asks for one
        found.append(
            Element(
                component_key(key),
                kind,
                name,
                lines.get(key, model.title_line),
                identifier=id_of.get(key, ""),
            )
        )
    for row in model.rows(FLOWS):
        identifier, source, target = row.get("id"), row.get("from"), row.get("to")
        if not identifier or any(is_placeholder(c) for c in (identifier, source, target)):
            continue
        if not source or not target:
            continue  # ZT220: a flow needs both ends
        keys = [places.key(name) for name in (source, target)]
        found.append(
            Element(
                flow_key(identifier),
                FLOW,
                identifier,
                row.line,
                source=component_key(keys[0]) if keys[0] else "",
                destination=component_key(keys[1]) if keys[1] else "",
                ends=(source, target),
            )
        )
    unique: dict[str, Element] = {}
    for element in found:
        unique.setdefault(element.key, element)  # a duplicate flow id is ZT205's
    return list(unique.values())


def categories_of(cell: str) -> list[str]:
    """`Spoofing, Tampering` / `S/T` -> the categories (unknown words are ZT209's)."""
    if is_placeholder(cell):
        return []
    found = [normalize_stride(part) for part in re.split(r"[,/;]", cell)]
    return [category for category in found if category]


class _Resolver:
    """Turns a threat's Target cell into element keys."""

    def __init__(self, model: ThreatModel, places: components.Places) -> None:
        self.places = places
        self.flows = {row.get("id").lower() for row in model.rows(FLOWS) if row.get("id")}
        self.entry_points: dict[str, list[str]] = {}
        for row in model.rows(ENTRY_POINTS):
            if row.get("id"):
                self.entry_points[row.get("id").lower()] = [
                    component_key(key) for key in exposing(row, places)
                ]

    def keys(self, name: str) -> list[str]:
        lowered = name.strip().lower()
        if lowered in self.flows:
            return [flow_key(lowered)]
        if lowered in self.entry_points:
            return self.entry_points[lowered]
        key = self.places.key(name)
        return [component_key(key)] if key is not None else []

    def targets(self, cell: str) -> list[str]:
        """A target may be a component's name (spaces and all) or a list of ids."""
        if is_placeholder(cell):
            return []
        found: list[str] = []
        for part in re.split(r"[,;]", cell):
            if not part.strip():
                continue
            whole = self.keys(part)
            if whole:
                found.extend(whole)
                continue
            found.extend(key for word in ids_in(part) for key in self.keys(word))
        return found


def exposing(row: Row, places: components.Places) -> list[str]:
    """The components (keys) an entry point's optional Component cell names."""
    found = (places.key(name) for name in components.names_in(row.get("component")))
    return [key for key in found if key is not None]


def _credit(element: Element, category: str, by_key: Mapping[str, Element]) -> Element | None:
    """The element a threat in ``category`` on ``element`` answers for."""
    if category in element.faces:
        return element
    if element.kind != FLOW:
        return None  # e.g. spoofing a store: not a category it faces
    order = (
        (element.destination, element.source)
        if category == ELEVATION
        else (element.source, element.destination)
    )
    for key in order:
        end = by_key.get(key)
        if end is not None and category in end.faces:
            return end
    return None


def analyse(model: ThreatModel) -> Analysis:
    places = components.places(model)
    found = elements(model, places)
    by_key = {element.key: element for element in found}
    resolver = _Resolver(model, places)
    considered: dict[str, set[str]] = {}
    for row in model.rows(THREATS):
        categories = categories_of(row.get("stride"))
        for key in resolver.targets(row.get("target")):
            element = by_key.get(key)
            if element is None:
                continue
            for category in categories:
                answered = _credit(element, category, by_key)
                if answered is not None:
                    considered.setdefault(answered.key, set()).add(category)
    return Analysis(tuple(found), {k: frozenset(v) for k, v in considered.items()})


def describe(element: Element) -> str:
    if element.kind != FLOW:
        return f"{element.kind} `{element.name}`"
    return f"flow {element.name} ({element.ends[0]} -> {element.ends[1]})"


def category_names(categories: tuple[str, ...] | list[str]) -> str:
    return ", ".join(c.capitalize() for c in categories)


def element_checks(model: ThreatModel) -> Iterator[Problem]:
    """ZT238: one finding per element, listing the categories no row considers."""
    analysis = analyse(model)
    for element in analysis.elements:
        missing = analysis.missing(element)
        if not missing:
            continue
        yield Problem(
            "ZT238",
            element.line,
            f"{describe(element)}: no threat considers {category_names(missing)} "
            f"({len(element.faces) - len(missing)}/{len(element.faces)} of the categories "
            f"{_article(element.kind)} faces); `ztgate threat-model suggest {model.path}` "
            "drafts the rows",
        )


def coverage_numbers(model: ThreatModel) -> dict[str, int]:
    analysis = analyse(model)
    return {"stride_element_categories": analysis.total, "stride_covered": analysis.covered}


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind
