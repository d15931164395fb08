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


def _with_threats(text: str, threats: list[str]) -> str:
    return label(text) + (f"<br/>{label(', '.join(threats))}" if threats else "")


def mermaid(model: ThreatModel) -> str:
    """The flowchart; edges that cross a boundary (declared or by where their ends live)
    without authentication or encryption, or authenticated by network location, are red."""
    places = components.places(model)
    known = set(places.written) | set(places.ids) | set(places.inside)
    for kind in (FLOWS, ENTRY_POINTS):
        known |= {row.get("id").lower() for row in model.rows(kind) if row.get("id")}
    threats = _threats_by_target(model, known)
    flows = [row for row in model.rows(FLOWS) if row.get("from") and row.get("to")]
    # Without a Components table only the flows' ends are components (not "none" or "the
    # internet" from an Outside cell).
    ends = stride.flow_endpoints(model, places)
    keys: list[str] = [key for key in places.written if places.stated or key in ends]
    written = dict(places.written)
    for row in flows:
        for name in (row.get("from"), row.get("to")):
            key = places.key(name) or name.strip().lower()
            if key not in written:
                written[key] = name.strip()
                keys.append(key)
    ids = node_ids("n_", keys)
    boundaries = [row for row in model.rows(BOUNDARIES) if row.get("id")]
    boundary_ids = node_ids("b_", [row.get("id").lower() for row in boundaries])
    order = {row.get("id").lower(): index for index, row in enumerate(boundaries)}
    parents = nesting(places, order)
    home = _homes(keys, places, order, parents)
    component_ids = {
        row.get("name").strip().lower(): row.get("id").lower()
        for row in model.rows(COMPONENTS)
        if row.get("name") and row.get("id")
    }

    def node(key: str) -> str:
        start, end = SHAPES.get(places.kinds.get(key, ""), _PLAIN)
        targeted = threats.get(key, []) + threats.get(component_ids.get(key, "\0"), [])
        return f"{ids[key]}{start}{_with_threats(written[key], targeted)}{end}"

    lines = ["```mermaid", "flowchart LR"]

    children: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    for index, row in enumerate(boundaries):
        identifier = row.get("id").lower()
        if identifier in first:
            continue  # a duplicate id is ZT205's
        first[identifier] = index
        children.setdefault(parents.get(identifier, ""), []).append(identifier)
    # Depth first, without recursion: nesting may be as deep as the document likes.
    stack: list[tuple[str, int, bool]] = [(b, 1, True) for b in reversed(children.get("", []))]
    while stack:
        identifier, depth, opening = stack.pop()
        indent = "  " * depth
        if not opening:
            lines.append(f"{indent}end")
            continue
        row = boundaries[first[identifier]]
        title = f"{row.get('id')}: {row.get('boundary')}"
        lines.append(
            f'{indent}subgraph {boundary_ids[identifier]}["'
            f'{_with_threats(title, threats.get(identifier, []))}"]'
        )
        lines.extend(f"{indent}  {node(key)}" for key in keys if home.get(key) == identifier)
        stack.append((identifier, depth, False))
        stack.extend((child, depth + 1, True) for child in reversed(children.get(identifier, [])))
    for key in keys:
        if key not in home:
            lines.append(f"  {node(key)}")
    red: list[int] = []
    edges = 0
    for row in flows:
        source = places.key(row.get("from")) or row.get("from").strip().lower()
        target = places.key(row.get("to")) or row.get("to").strip().lower()
        text = f"{row.get('id')}: {row.get('data')}"
        if row.get("protocol"):
            text += f" ({row.get('protocol')})"
        lines.append(
            f'  {ids[source]} -->|"{_with_threats(text, threats.get(row.get("id").lower(), []))}"| '
            f"{ids[target]}"
        )
        if _weak_crossing(row, places):
            red.append(edges)
        edges += 1
    # One node per entry point id (a duplicate id is ZT205's).
    entry_rows: list[Row] = []
    seen_entries: set[str] = set()
    for row in model.rows(ENTRY_POINTS):
        if row.get("id") and row.get("id").lower() not in seen_entries:
            seen_entries.add(row.get("id").lower())
            entry_rows.append(row)
    entry_ids = node_ids("ep_", [row.get("id").lower() for row in entry_rows])
    for row in entry_rows:
        identifier = entry_ids[row.get("id").lower()]
        text = f"{row.get('id')}: {row.get('entry point')}"
        start, end = _ENTRY
        lines.append(f"  {identifier}{start}{label(text)}{end}")
        exposing = [key for key in stride.exposing(row, places) if key in ids]
        targeted = threats.get(row.get("id").lower(), [])
        for component in exposing:
            edge_label = f'|"{label(", ".join(targeted))}"|' if targeted else ""
            lines.append(f"  {identifier} -.->{edge_label} {ids[component]}")
            edges += 1
        if targeted and not exposing:
            lines[-1] = f"  {identifier}{start}{_with_threats(text, targeted)}{end}"
    if entry_rows:
        lines.append(f"  classDef entry {ENTRY_STYLE}")
        listed = ",".join(dict.fromkeys(entry_ids[row.get("id").lower()] for row in entry_rows))
        lines.append(f"  class {listed} entry")
    for index in red:
        lines.append(f"  linkStyle {index} {RED}")
    lines.append("```")
    return "\n".join(lines) + "\n"


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
