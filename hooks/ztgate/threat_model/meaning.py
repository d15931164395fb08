"""What a parsed threat model says, as plain data: boundaries, components, flows and their
protection, threats, controls, acceptances. What `export` writes and `diff` compares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ztgate.errors import UserError
from ztgate.threat_model import components, vocabulary
from ztgate.threat_model.model import (
    ACCEPTED,
    BOUNDARIES,
    CLASSIFICATION,
    COMPONENTS,
    ENTRY_POINTS,
    FLOWS,
    MITIGATIONS,
    THREATS,
    ThreatModel,
)
from ztgate.threat_model.parse import is_placeholder
from ztgate.threat_model.rules import (
    NONE_CELL,
    Settings,
    class_of,
    control_families,
    data_items,
    declared_crossings,
    derived_crossings,
    evidence_items,
    ids_in,
    mitigations_by_threat,
    normalize_stride,
    parse_date,
    really_mitigated,
    tables_well_formed,
)

_STRIDE_SPLIT = re.compile(r"[,/;]")


@dataclass(frozen=True)
class Boundary:
    id: str
    name: str
    inside: tuple[str, ...]  # component names as the row writes them
    outside: tuple[str, ...]


@dataclass(frozen=True)
class Component:
    name: str
    kind: str  # actor, process, store, external; "" when the Components table gives none
    kind_stated: bool  # False: inferred from the name and the boundaries (no Components table)
    boundaries: tuple[str, ...]  # ids of the boundaries it is inside (nested: several)
    id: str = ""  # its Components-table id, when it has one


@dataclass(frozen=True)
class DataClass:
    name: str
    level: str  # the class, lowercased, through the policy's class_map
    sensitive: bool  # the level is one of the policy's sensitive classes


@dataclass(frozen=True)
class Protection:
    """An Authentication or Encryption cell and what the vocabulary reads in it."""

    text: str
    meaning: str  # vocabulary.NONE, NETWORK, CREDENTIAL, ENCRYPTED or UNKNOWN
    words: tuple[str, ...] = ()  # the words that decided it, lowercased


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    data: tuple[str, ...]
    classes: tuple[str, ...]  # the levels of its classified data, sorted
    protocol: str
    authentication: Protection
    encryption: Protection
    declared_crossings: tuple[str, ...]  # boundary ids its Crosses boundary cell names
    derived_crossings: tuple[str, ...] | None  # by where its ends live; None: an end unknown

    @property
    def crossings(self) -> tuple[str, ...]:
        """Every boundary it crosses, declared or derived (what the zero-trust rules use)."""
        return tuple(sorted({*self.declared_crossings, *(self.derived_crossings or ())}))


@dataclass(frozen=True)
class EntryPoint:
    id: str
    name: str
    exposed_to: str
    data: tuple[str, ...]
    classes: tuple[str, ...]


@dataclass(frozen=True)
class Threat:
    id: str
    title: str
    stride: tuple[str, ...]  # the STRIDE categories it names that ztgate knows, normalized
    targets: tuple[str, ...]
    status: str  # as written, lowercased
    effective_status: str  # "open" when marked mitigated with no implemented control
    controls: tuple[str, ...]  # linked control ids, from either side of the link


@dataclass(frozen=True)
class Control:
    id: str
    name: str
    threats: tuple[str, ...]  # threat ids it answers, from either side of the link
    status: str  # implemented, planned (as written, lowercased)
    references: tuple[str, ...]  # evidence: URLs and tickets
    paths: tuple[str, ...]  # evidence: repository paths (file, file#anchor)
    families: tuple[str, ...]


@dataclass(frozen=True)
class AcceptedRisk:
    threats: tuple[str, ...]
    reason: str
    owner: str
    expires: date | None  # None: no valid date (ZT213 reports it)


@dataclass(frozen=True)
class Meaning:
    """One document's model, each list in the document's order."""

    path: str
    system: str = ""
    owner: str = ""
    last_reviewed: date | None = None
    boundaries: tuple[Boundary, ...] = ()
    components: tuple[Component, ...] = ()
    data_classes: tuple[DataClass, ...] = ()
    flows: tuple[Flow, ...] = ()
    entry_points: tuple[EntryPoint, ...] = ()
    threats: tuple[Threat, ...] = ()
    controls: tuple[Control, ...] = ()
    accepted_risks: tuple[AcceptedRisk, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)


def malformed(model: ThreatModel) -> str | None:
    """Why the document's structure cannot be read as a model (`line: reason`), or None.

    Structure only: unparseable front matter, a table without its key columns, no section at
    all. What the rows say (statuses, references...) is the linter's to judge."""
    if not any(section.kind for section in model.sections):
        return f"{model.title_line}: no threat-model section (Trust boundaries, Data flows...)"
    for line, message in model.problems:
        return f"{line}: {message}"
    table_lines = {table.line for section in model.sections for table in section.tables}
    for problem in tables_well_formed(model, Settings()):
        if problem.line in table_lines:
            return f"{problem.line}: {problem.message}"
    return None


def meaning_of(model: ThreatModel, settings: Settings | None = None) -> Meaning:
    """The model's meaning; raises UserError when its structure is malformed (fail closed:
    a half-read model would compare as if rows had been removed)."""
    problem = malformed(model)
    if problem:
        raise UserError(
            problem.partition(": ")[2],
            where=f"{model.path}:{problem.partition(':')[0]}",
            fix="`ztgate threat-model` lists every problem",
        )
    settings = settings or Settings()
    written = _boundary_ids(model)
    levels = {
        row.get("data").lower(): class_of(row.get("class"), settings)
        for row in model.rows(CLASSIFICATION)
        if row.get("data") and not is_placeholder(row.get("data"))
    }
    return Meaning(
        path=model.path,
        system=_text(model.metadata.get("system", "")),
        owner=_text(model.metadata.get("owner", "")),
        last_reviewed=parse_date(model.metadata.get("last_reviewed", "")),
        boundaries=_boundaries(model),
        components=_components(model, written),
        data_classes=tuple(
            DataClass(
                row.get("data"),
                levels[row.get("data").lower()],
                levels[row.get("data").lower()] in settings.sensitive_classes,
            )
            for row in model.rows(CLASSIFICATION)
            if row.get("data") and not is_placeholder(row.get("data"))
        ),
        flows=_flows(model, levels, written),
        entry_points=tuple(
            EntryPoint(
                row.get("id"),
                row.get("entry point"),
                row.get("exposed to"),
                _items(row.get("data")),
                _levels_of(row.get("data"), levels),
            )
            for row in model.rows(ENTRY_POINTS)
            if row.get("id")
        ),
        threats=_threats(model),
        controls=_controls(model),
        accepted_risks=tuple(
            AcceptedRisk(
                tuple(ids_in(row.get("threat"))),
                row.get("reason"),
                row.get("owner"),
                parse_date(row.get("expires")),
            )
            for row in model.rows(ACCEPTED)
            if ids_in(row.get("threat"))
        ),
        notes=tuple(note for note in (components.inferred_note(model),) if note),
    )


def _text(value: str) -> str:
    return "" if is_placeholder(value) else value.strip()


def _names(cell: str) -> tuple[str, ...]:
    return tuple(name for name in components.names_in(cell) if not NONE_CELL.match(name))


def _boundaries(model: ThreatModel) -> tuple[Boundary, ...]:
    return tuple(
        Boundary(
            row.get("id"),
            row.get("boundary"),
            _names(row.get("inside")),
            _names(row.get("outside")),
        )
        for row in model.rows(BOUNDARIES)
        if row.get("id")
    )


def _boundary_ids(model: ThreatModel) -> dict[str, str]:
    """Lowercased boundary id -> the id as the boundaries table writes it."""
    return {row.get("id").lower(): row.get("id") for row in model.rows(BOUNDARIES) if row.get("id")}


def _written_ids(ids: set[str], written: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted(written.get(boundary, boundary.upper()) for boundary in ids))


def _components(model: ThreatModel, written: dict[str, str]) -> tuple[Component, ...]:
    places = components.places(model)
    ids = {
        row.get("name").lower(): row.get("id") for row in model.rows(COMPONENTS) if row.get("id")
    }
    return tuple(
        Component(
            name=name,
            kind=places.kinds.get(key, ""),
            kind_stated=places.stated,
            boundaries=_written_ids(
                {boundary for boundary, members in places.inside.items() if key in members},
                written,
            ),
            id=ids.get(key, ""),
        )
        for key, name in places.written.items()
    )


def _levels_of(cell: str, levels: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted({levels[item.lower()] for item in _items(cell) if item.lower() in levels}))


def _reading(text: str, read: vocabulary.Reading) -> Protection:
    if is_placeholder(text):  # `<how the caller is authenticated, e.g. mTLS>` states nothing
        return Protection(text, vocabulary.UNKNOWN)
    return Protection(text, read.meaning, tuple(word.lower() for word in read.words))


def _items(cell: str) -> tuple[str, ...]:
    """The data items a cell names; a template's `<data item>` names none."""
    return tuple(item for item in data_items(cell) if not is_placeholder(item))


def _flows(model: ThreatModel, levels: dict[str, str], written: dict[str, str]) -> tuple[Flow, ...]:
    places = components.places(model)
    flows = []
    for row in model.rows(FLOWS):
        if not row.get("id"):
            continue
        derived = derived_crossings(row, places)
        flows.append(
            Flow(
                id=row.get("id"),
                source=row.get("from"),
                target=row.get("to"),
                data=_items(row.get("data")),
                classes=_levels_of(row.get("data"), levels),
                protocol=row.get("protocol"),
                authentication=_reading(
                    row.get("authentication"), vocabulary.authentication(row.get("authentication"))
                ),
                encryption=_reading(
                    row.get("encryption"), vocabulary.encryption(row.get("encryption"))
                ),
                declared_crossings=_written_ids(declared_crossings(row), written),
                derived_crossings=None if derived is None else _written_ids(derived, written),
            )
        )
    return tuple(flows)


def _threats(model: ThreatModel) -> tuple[Threat, ...]:
    links = mitigations_by_threat(model)
    controls = {row.get("id").lower(): row.get("id") for row in model.rows(MITIGATIONS)}
    mitigated = really_mitigated(model)
    threats = []
    for row in model.rows(THREATS):
        identifier = row.get("id")
        if not identifier:
            continue
        status = row.get("status").strip().lower()
        categories = (normalize_stride(part) for part in _STRIDE_SPLIT.split(row.get("stride")))
        threats.append(
            Threat(
                id=identifier,
                title=row.get("threat"),
                stride=tuple(dict.fromkeys(c for c in categories if c)),
                targets=tuple(ids_in(row.get("target"))),
                status=status,
                effective_status="open"
                if status == "mitigated" and identifier.lower() not in mitigated
                else status,
                controls=tuple(
                    sorted(controls.get(m, m.upper()) for m in links.get(identifier.lower(), ()))
                ),
            )
        )
    return tuple(threats)


def _controls(model: ThreatModel) -> tuple[Control, ...]:
    threat_ids = {row.get("id").lower(): row.get("id") for row in model.rows(THREATS)}
    answers: dict[str, list[str]] = {}  # control id -> the threats it answers
    for threat, linked in mitigations_by_threat(model).items():
        for control in linked:
            answers.setdefault(control, []).append(threat_ids.get(threat, threat.upper()))
    found = []
    for row in model.rows(MITIGATIONS):
        identifier = row.get("id")
        if not identifier:
            continue
        references, paths = evidence_items(row)
        answered = sorted(answers.get(identifier.lower(), ()))
        found.append(
            Control(
                id=identifier,
                name=row.get("control"),
                threats=tuple(answered),
                status=row.get("status").strip().lower(),
                references=tuple(references),
                paths=tuple(paths),
                families=control_families(row),
            )
        )
    return tuple(found)
