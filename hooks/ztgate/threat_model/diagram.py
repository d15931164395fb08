"""A Mermaid flowchart of the threat model: components shaped by kind inside (nested) boundary
subgraphs, flows as edges labelled with their data and the threats that target them, entry
points as marker nodes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ztgate.masking import mask_secrets
from ztgate.threat_model import components, stride, vocabulary
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
from ztgate.threat_model.rules import declared_crossings, derived_crossings, ids_in

START = "<!-- ztgate:diagram:start -->"
END = "<!-- ztgate:diagram:end -->"

# Node shapes by kind: actor a stadium, process a rounded box, store a cylinder, external a
# subroutine box; an entry point is a flag (asymmetric) node in the `entry` class.
SHAPES = {
    "actor": ('(["', '"])'),
    "process": ('("', '")'),
    "store": ('[("', '")]'),
    "external": ('[["', '"]]'),
}
_PLAIN = ('["', '"]')
_ENTRY = ('>"', '"]')
RED = "stroke:#d32f2f,stroke-width:3px"
ENTRY_STYLE = "fill:#fff3e0,stroke:#e65100,stroke-width:2px"

# Mermaid reads `#name;` / `#123;` as entities inside a quoted label: every character that
# could end the label, the edge text, the statement or the markdown fence, or start a
# directive, is written as one.
_ESCAPES = str.maketrans(
    {
        "#": "#35;",
        '"': "#quot;",
        "|": "#124;",
        "<": "#60;",
        ">": "#62;",
        "`": "#96;",
        "%": "#37;",  # `%%{...}%%` anywhere in the text is a directive
        "\n": " ",
        "\r": " ",
        "\t": " ",
    }
)
_SLUG = re.compile(r"[^a-z0-9]+")


def label(text: str) -> str:
    """User text made safe inside a quoted Mermaid label (credentials masked first)."""
    return mask_secrets(text).translate(_ESCAPES)


def node_ids(prefix: str, keys: Iterable[str]) -> dict[str, str]:
    """A Mermaid id for each key: ``prefix`` + an ASCII slug, and `__` + a number when two
    keys share the slug. A slug never holds `__` (runs of other characters become one `_`),
    so a numbered id cannot equal a plain one; prefixes end in `_`, and no Mermaid keyword
    (end, graph, subgraph, style, class...) has one, nor starts with our prefixes."""
    by_slug: dict[str, list[str]] = {}
    for key in dict.fromkeys(keys):
        slug = _SLUG.sub("_", key.lower()).strip("_")[:40].strip("_") or "x"
        by_slug.setdefault(slug, []).append(key)
    ids: dict[str, str] = {}
    for slug, keys_of_slug in by_slug.items():
        if len(keys_of_slug) == 1:
            ids[keys_of_slug[0]] = f"{prefix}{slug}"
            continue
        for number, key in enumerate(sorted(keys_of_slug), start=1):
            ids[key] = f"{prefix}{slug}__{number}"
    return ids


def _threats_by_target(model: ThreatModel, known: set[str]) -> dict[str, list[str]]:
    """Lowercased target (flow, entry point or boundary id; component name or id) -> the ids
    of the threats naming it, in table order. A target cell lists targets (comma separated),
    each a name spaces and all, or ids."""
    found: dict[str, list[str]] = {}
    for row in model.rows(THREATS):
        threat = row.get("id")
        if not threat or is_placeholder(threat) or is_placeholder(row.get("target")):
            continue
        for part in re.split(r"[,;]", row.get("target")):
            names = [part.strip().lower()] if part.strip().lower() in known else ids_in(part)
            for name in (n.lower() for n in names if n.lower() in known):
                listed = found.setdefault(name, [])
                if threat not in listed:
                    listed.append(threat)
    return found


def _natural(identifier: str) -> tuple[str, int, str, str]:
    """`T9` before `T10`: ids sorted by prefix, then number (compared as digits: a cell of
    thousands of them is no int)."""
    prefix = identifier.rstrip("0123456789")
    digits = identifier[len(prefix) :].lstrip("0")
    return prefix.lower(), len(digits), digits, identifier


def _with_threats(text: str, threats: list[str]) -> str:
    listed = ", ".join(sorted(threats, key=_natural))
    return label(text) + (f"<br/>{label(listed)}" if threats else "")


def mermaid(model: ThreatModel) -> str:
    """The flowchart; edges that cross a boundary (declared or by where their ends live)
    without authentication or encryption, or authenticated by network location, are red."""
    chart = _Chart(model)
    lines = ["```mermaid", "flowchart LR", *chart.boundaries(), *chart.loose_nodes()]
    lines += [*chart.flows(), *chart.entry_points(), *chart.styles(), "```"]
    return "\n".join(lines) + "\n"


class _Chart:
    """What the chart draws, worked out once: nodes, their ids and homes, the threats."""

    def __init__(self, model: ThreatModel) -> None:
        self.model = model
        places = self.places = components.places(model)
        known = set(places.written) | set(places.ids) | set(places.inside)
        for kind in (FLOWS, ENTRY_POINTS):
            known |= {row.get("id").lower() for row in model.rows(kind) if row.get("id")}
        self.threats = _threats_by_target(model, known)
        self.flow_rows = [row for row in model.rows(FLOWS) if row.get("from") and row.get("to")]
        # Without a Components table only the flows' ends are components (not "none" or "the
        # internet" from an Outside cell).
        ends = stride.flow_endpoints(model, places)
        self.keys = [key for key in places.written if places.stated or key in ends]
        self.written = dict(places.written)
        for row in self.flow_rows:
            for name in (row.get("from"), row.get("to")):
                key = self.key_of(name)
                if key not in self.written:
                    self.written[key] = name.strip()
                    self.keys.append(key)
        self.ids = node_ids("n_", self.keys)
        self.boundary_rows: dict[str, Row] = {}
        for row in model.rows(BOUNDARIES):
            if row.get("id"):
                self.boundary_rows.setdefault(row.get("id").lower(), row)  # ZT205 if twice
        self.boundary_ids = node_ids("b_", list(self.boundary_rows))
        order = {identifier: index for index, identifier in enumerate(self.boundary_rows)}
        self.parents = nesting(places, order)
        self.home = _homes(self.keys, places, order, self.parents)
        self.component_ids = {
            row.get("name").strip().lower(): row.get("id").lower()
            for row in model.rows(COMPONENTS)
            if row.get("name") and row.get("id")
        }
        self.edges = 0  # edges drawn so far: linkStyle counts them
        self.red: list[int] = []
        self.entry_ids: list[str] = []

    def key_of(self, name: str) -> str:
        return self.places.key(name) or name.strip().lower()

    def node(self, key: str) -> str:
        start, end = SHAPES.get(self.places.kinds.get(key, ""), _PLAIN)
        targeted = self.threats.get(key, []) + self.threats.get(self.component_ids.get(key, ""), [])
        return f"{self.ids[key]}{start}{_with_threats(self.written[key], targeted)}{end}"

    def boundaries(self) -> list[str]:
        """Subgraphs, nested depth first without recursion (nesting may be as deep as the
        document likes), each holding the components whose innermost boundary it is."""
        children: dict[str, list[str]] = {}
        for identifier in self.boundary_rows:
            children.setdefault(self.parents.get(identifier, ""), []).append(identifier)
        lines: list[str] = []
        stack = [(b, 1, True) for b in reversed(children.get("", []))]
        while stack:
            identifier, depth, opening = stack.pop()
            indent = "  " * depth
            if not opening:
                lines.append(f"{indent}end")
                continue
            row = self.boundary_rows[identifier]
            title = _with_threats(
                f"{row.get('id')}: {row.get('boundary')}", self.threats.get(identifier, [])
            )
            lines.append(f'{indent}subgraph {self.boundary_ids[identifier]}["{title}"]')
            lines += [
                f"{indent}  {self.node(k)}" for k in self.keys if self.home.get(k) == identifier
            ]
            stack.append((identifier, depth, False))
            stack += [(child, depth + 1, True) for child in reversed(children.get(identifier, []))]
        return lines

    def loose_nodes(self) -> list[str]:
        return [f"  {self.node(key)}" for key in self.keys if key not in self.home]

    def flows(self) -> list[str]:
        lines: list[str] = []
        for row in self.flow_rows:
            text = f"{row.get('id')}: {row.get('data')}"
            if row.get("protocol"):
                text += f" ({row.get('protocol')})"
            edge = _with_threats(text, self.threats.get(row.get("id").lower(), []))
            source, target = (
                self.ids[self.key_of(row.get("from"))],
                self.ids[self.key_of(row.get("to"))],
            )
            lines.append(f'  {source} -->|"{edge}"| {target}')
            if _weak_crossing(row, self.places):
                self.red.append(self.edges)
            self.edges += 1
        return lines

    def entry_points(self) -> list[str]:
        """A flag node per entry point id, with a dotted edge (its threats as the label) to
        each component that exposes it; without one, the threats sit in the flag."""
        rows: dict[str, Row] = {}
        for row in self.model.rows(ENTRY_POINTS):
            if row.get("id"):
                rows.setdefault(row.get("id").lower(), row)  # ZT205 if twice
        ids = node_ids("ep_", list(rows))
        lines: list[str] = []
        start, end = _ENTRY
        for identifier, row in rows.items():
            node = ids[identifier]
            self.entry_ids.append(node)
            text = f"{row.get('id')}: {row.get('entry point')}"
            targeted = self.threats.get(identifier, [])
            exposing = [key for key in stride.exposing(row, self.places) if key in self.ids]
            shown = targeted if not exposing else []
            lines.append(f"  {node}{start}{_with_threats(text, shown)}{end}")
            edge = f'|"{label(", ".join(sorted(targeted, key=_natural)))}"|' if targeted else ""
            for component in exposing:
                lines.append(f"  {node} -.->{edge} {self.ids[component]}")
                self.edges += 1
        return lines

    def styles(self) -> list[str]:
        lines = [f"  linkStyle {index} {RED}" for index in self.red]
        if self.entry_ids:
            lines = [
                f"  classDef entry {ENTRY_STYLE}",
                f"  class {','.join(self.entry_ids)} entry",
                *lines,
            ]
        return lines


def nesting(places: components.Places, order: dict[str, int]) -> dict[str, str]:
    """Boundary -> the boundary it is drawn inside: its Within cell, else the smallest boundary
    holding all its components and more (a Components row naming `TB1, TB2` says TB2 is in
    TB1 when TB1 holds other components too)."""
    parents = {b: p for b, p in places.parents.items() if b in order and p in order}
    for boundary in order:
        members = places.inside.get(boundary, set())
        if boundary in parents or not members:
            continue
        holding = [
            other
            for other in order
            if other != boundary and members < places.inside.get(other, set())
        ]
        if holding:
            parents[boundary] = min(holding, key=lambda b: (len(places.inside[b]), order[b]))
    return parents


def _depth(boundary: str, parents: dict[str, str]) -> int:
    seen = {boundary}
    while boundary in parents and parents[boundary] not in seen:
        boundary = parents[boundary]
        seen.add(boundary)
    return len(seen) - 1


def _homes(
    keys: list[str], places: components.Places, order: dict[str, int], parents: dict[str, str]
) -> dict[str, str]:
    """The boundary each component is drawn in: the innermost of those holding it (a node
    sits in one subgraph), the first in table order between unrelated ones."""
    depth = {b: _depth(b, parents) for b in order}
    homes: dict[str, str] = {}
    for key in keys:
        holding = [b for b, members in places.inside.items() if key in members and b in order]
        if holding:
            homes[key] = max(holding, key=lambda b: (depth[b], -order[b]))
    return homes


def _weak_crossing(row: Row, places: components.Places) -> bool:
    crosses = declared_crossings(row) or derived_crossings(row, places)
    weak = vocabulary.authentication(row.get("authentication")).meaning in (
        vocabulary.NONE,
        vocabulary.NETWORK,
    ) or (vocabulary.encryption(row.get("encryption")).meaning == vocabulary.NONE)
    return bool(crosses) and weak


def with_diagram(document: str, diagram: str) -> str:
    """The document with the diagram between the markers (added at the end if absent)."""
    block = f"{START}\n{diagram}{END}"
    if START in document and END in document.split(START, 1)[1]:
        before, rest = document.split(START, 1)
        after = rest.split(END, 1)[1]
        return before + block + after
    return document.rstrip("\n") + f"\n\n## Diagram\n\n{block}\n"
