"""Where each component lives: from the boundaries' Inside/Outside columns and the optional
Components table, so which boundaries a flow crosses is derived, not taken on trust."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ztgate.threat_model.model import BOUNDARIES, COMPONENTS, FLOWS, Row, ThreatModel
from ztgate.threat_model.parse import is_placeholder

KINDS = ("actor", "process", "store", "external")
# A component's name hints at its kind when no Components table states it.
_STORE = re.compile(
    r"\b(?:db|database|store|storage|bucket|s3|queue|cache|redis|postgres\w*|mysql|"
    r"dynamo\w*|table|disk|files?|repository|registry|index|vault|ledger|log)\b",
    re.I,
)
_ACTOR = re.compile(r"\b(?:user|customer|admin\w*|operator|author|developer|attacker)s?\b", re.I)


def names_in(cell: str) -> list[str]:
    """`API gateway, Payments DB` -> the names; a placeholder names nothing."""
    if is_placeholder(cell):
        return []
    return [part.strip() for part in re.split(r"[,;]", cell) if part.strip()]


@dataclass
class Places:
    """Components by lowercased name: how they are written, which boundaries hold them."""

    written: dict[str, str] = field(default_factory=dict)  # key -> name as first written
    inside: dict[str, set[str]] = field(default_factory=dict)  # boundary id -> component keys
    placed: set[str] = field(default_factory=set)  # named by a boundary or placed by the table
    kinds: dict[str, str] = field(default_factory=dict)  # key -> kind (stated or inferred)
    stated: bool = False  # the document has a Components table
    ids: dict[str, str] = field(default_factory=dict)  # component id -> key
    boundary_names: dict[str, str] = field(default_factory=dict)  # boundary name -> id
    parents: dict[str, str] = field(default_factory=dict)  # boundary id -> the one it is within
    # (line, rule, message) for a Within cell naming no boundary, or closing a cycle.
    nesting_problems: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, name: str) -> str:
        """The component's key; the first spelling of a name is how it is written."""
        key = name.lower()
        self.written.setdefault(key, name)
        return key

    def key(self, name: str) -> str | None:
        """The component a cell names (by name or component id), or None."""
        lowered = name.strip().lower()
        if lowered in self.ids:
            return self.ids[lowered]
        return lowered if lowered in self.written else None

    def crossed(self, source: str, target: str) -> set[str]:
        """The boundaries (ids, lowercased) with exactly one of the two endpoints inside."""
        return {
            boundary
            for boundary, members in self.inside.items()
            if (source in members) != (target in members)
        }


def places(model: ThreatModel) -> Places:
    found = Places(stated=bool(model.rows(COMPONENTS)))
    _index_boundaries(model, found)
    for row in model.rows(COMPONENTS):
        _place_stated(row, found)
    _place_boundary_members(model, found)
    _nest(model, found)
    if not found.stated:
        _add_flow_endpoints(model, found)
        _infer_kinds(found)
    return found


def _index_boundaries(model: ThreatModel, found: Places) -> None:
    """Every boundary, by id (with no member yet) and by name."""
    for boundary in model.rows(BOUNDARIES):
        identifier = boundary.get("id").lower()
        found.inside.setdefault(identifier, set())
        if boundary.get("boundary"):
            found.boundary_names[boundary.get("boundary").lower()] = identifier


def _place_stated(row: Row, found: Places) -> None:
    """A Components row: the component, its id, its stated kind and the boundaries it is in
    (several when they nest); an external one is placed outside every boundary."""
    if not row.get("name") or is_placeholder(row.get("name")):
        return
    key = found.add(row.get("name"))
    if row.get("id"):
        found.ids[row.get("id").lower()] = key
    kind = row.get("kind").lower()
    if kind in KINDS:
        found.kinds[key] = kind
        if kind == "external":
            found.placed.add(key)
    for where in names_in(row.get("boundary").lower()):
        boundary_id = found.boundary_names.get(where, where)
        if boundary_id in found.inside:
            found.inside[boundary_id].add(key)
            found.placed.add(key)


def _place_boundary_members(model: ThreatModel, found: Places) -> None:
    """The names in a boundary's Inside and Outside cells are placed; those inside are its
    members. Without a Components table a name there defines a component; with one, a name
    it lacks is left out (boundaries_are_facts reports it)."""
    for boundary in model.rows(BOUNDARIES):
        identifier = boundary.get("id").lower()
        for column in ("inside", "outside"):
            for name in names_in(boundary.get(column)):
                member = found.key(name)
                if member is None and not found.stated:
                    member = found.add(name)
                if member is None:
                    continue
                found.placed.add(member)
                if column == "inside":
                    found.inside[identifier].add(member)


def _add_flow_endpoints(model: ThreatModel, found: Places) -> None:
    """Without a Components table, a flow's endpoints are components too (placed or not)."""
    for row in model.rows(FLOWS):
        for column in ("from", "to"):
            name = row.get(column)
            if name and not is_placeholder(name) and found.key(name) is None:
                found.add(name)


def _nest(model: ThreatModel, found: Places) -> None:
    """A boundary's optional Within (or Parent) cell names the boundary it sits inside: its
    members are inside that one too, so crossings and the diagram follow the nesting."""
    for boundary in model.rows(BOUNDARIES):
        within = (boundary.get("within") or boundary.get("parent")).strip()
        if not within or is_placeholder(within) or within.lower() in ("-", "none", "n/a"):
            continue
        child, parent = boundary.get("id").lower(), within.lower()
        parent = found.boundary_names.get(parent, parent)
        if parent not in found.inside or parent == child:
            found.nesting_problems.append(
                (
                    boundary.line,
                    "ZT206",
                    f"boundary {boundary.get('id')} is within undefined boundary `{within}`",
                )
            )
            continue
        ancestor: str | None = parent
        while ancestor is not None and ancestor != child:
            ancestor = found.parents.get(ancestor)
        if ancestor == child:
            found.nesting_problems.append(
                (
                    boundary.line,
                    "ZT220",
                    f"boundary {boundary.get('id')} within `{within}` "
                    "makes a cycle: a boundary cannot be inside itself",
                )
            )
            continue
        found.parents[child] = parent
    for child in found.parents:
        ancestor = found.parents.get(child)
        while ancestor is not None:
            found.inside[ancestor] |= found.inside[child]
            ancestor = found.parents.get(ancestor)


def _infer_kinds(found: Places) -> None:
    inside_any = set().union(*found.inside.values()) if found.inside else set()
    for key, name in found.written.items():
        if key not in inside_any and key in found.placed:
            found.kinds[key] = "actor" if _ACTOR.search(name) else "external"
        elif _STORE.search(name):
            found.kinds[key] = "store"
        elif _ACTOR.search(name):
            found.kinds[key] = "actor"
        else:
            found.kinds[key] = "process"


def inferred_note(model: ThreatModel) -> str | None:
    """Without a Components table, what the gate inferred, so a reader can correct it."""
    if model.rows(COMPONENTS) or not model.rows(FLOWS):
        return None
    found = places(model)
    by_kind: dict[str, list[str]] = {}
    for key, kind in sorted(found.kinds.items()):
        by_kind.setdefault(kind, []).append(found.written[key])
    listed = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in sorted(by_kind.items()))
    members = "; ".join(
        f"{boundary.upper()}: {', '.join(sorted(found.written[k] for k in keys))}"
        for boundary, keys in sorted(found.inside.items())
        if keys
    )
    return (
        f"{model.path}: no Components table; inferred kinds ({listed}) and membership "
        f"({members or 'no boundary holds a component'}) from the boundaries and flows. "
        "State them in a `Components` table (id, name, kind, boundary) to correct this"
    )
