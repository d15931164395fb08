"""The threat-model rules: each is a Rule (id, title, fix, severity) and a check function."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from ztgate.finding import Problem, Rule, Severity
from ztgate.threat_model import components, vocabulary
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
    Row,
    ThreatModel,
)
from ztgate.threat_model.parse import REQUIRED_COLUMNS, is_placeholder

W = Severity.WARNING
RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "ZT201", "Required section missing", "add the section (see templates/THREAT_MODEL.md)"
        ),
        Rule("ZT202", "Section empty", "fill the section, or write why it does not apply"),
        Rule(
            "ZT203", "Metadata missing", "add system, owner and last_reviewed to the front matter"
        ),
        Rule(
            "ZT204", "Template placeholder left in", "replace TODO/TBD/<...> with the real content"
        ),
        Rule("ZT205", "Duplicate id", "give every row its own id"),
        Rule("ZT206", "Reference to an undefined id", "define the id, or fix the reference"),
        Rule(
            "ZT207", "Unknown data class", "use a class from the policy (threat_model.data_classes)"
        ),
        Rule("ZT208", "Data not classified", "add the data to the data classification table"),
        Rule(
            "ZT209",
            "Unknown STRIDE category",
            "use Spoofing, Tampering, Repudiation, Information "
            "disclosure, Denial of service or Elevation of privilege",
        ),
        Rule(
            "ZT210",
            "Threat neither mitigated nor accepted",
            "link a mitigation, or add an accepted-risk row with owner and expiry",
        ),
        Rule(
            "ZT211",
            "Planned mitigation without tracking link",
            "put the issue link (URL or KEY-123 / #123) in the evidence column",
        ),
        Rule("ZT212", "Accepted risk without owner", "name the person or team who owns the risk"),
        Rule(
            "ZT213",
            "Accepted risk expired",
            "review the risk and set a new expiry date (YYYY-MM-DD)",
        ),
        Rule(
            "ZT214",
            "Review date stale, in the future or invalid",
            "review the threat model and set last_reviewed to today (YYYY-MM-DD)",
        ),
        Rule(
            "ZT215",
            "Sensitive data crosses a boundary unprotected",
            "authenticate the flow and encrypt it in transit (e.g. mTLS, TLS 1.3 + OAuth2)",
        ),
        Rule(
            "ZT216",
            "Authentication trusts the network",
            "authenticate the caller itself (mTLS, signed tokens), not its network location",
        ),
        Rule(
            "ZT217", "Boundary-crossing flow with no threat", "add a threat that targets the flow"
        ),
        Rule("ZT218", "Entry point with no threat", "add a threat that targets the entry point"),
        Rule(
            "ZT219",
            "Invalid status",
            "threats: mitigated, accepted, transferred, not-applicable, "
            "open; mitigations: implemented, planned",
        ),
        Rule(
            "ZT220", "Malformed table", "give the table the template's columns and fill every cell"
        ),
        Rule("ZT221", "Unreadable document", "save the threat model as UTF-8 markdown"),
        Rule(
            "ZT222",
            "Threat open",
            "mitigate the threat, accept it with an owner, or mark it not-applicable",
            severity=W,
        ),
        Rule(
            "ZT223",
            "Threat marked mitigated with no implemented control",
            "implement a linked control (status implemented, with evidence), or set the threat "
            "to open",
        ),
        Rule(
            "ZT224",
            "Authentication or encryption not recognised",
            "name the mechanism that authenticates the caller (mTLS, OAuth2 token, API key...) "
            "or encrypts the flow (TLS 1.3, SSH...), or write none",
            severity=W,
        ),
        Rule(
            "ZT225",
            "Protocol contradicts encryption",
            "write the protocol as it runs (HTTPS, not HTTP, when TLS wraps it)",
            severity=W,
        ),
        Rule(
            "ZT226",
            "Sensitive data unprotected inside a boundary",
            "authenticate and encrypt the flow even inside the boundary (assume breach)",
            severity=W,
        ),
        Rule(
            "ZT227",
            "Declared boundary crossing contradicts where the components live",
            "list in Crosses boundary every boundary with exactly one endpoint inside it",
        ),
        Rule(
            "ZT228",
            "Component in no trust boundary",
            "name the component in a boundary's Inside or Outside column (or the Components table)",
        ),
        Rule(
            "ZT229",
            "Implemented control without evidence",
            "put an existing repository path (file or file#anchor), a URL or a ticket in the "
            "evidence column",
        ),
        Rule(
            "ZT230",
            "Controls do not answer the threat's STRIDE category",
            "link a control of a family that answers the category (spoofing: authentication; "
            "tampering: integrity; information disclosure: encryption, access control...)",
            severity=W,
        ),
        # ZT231-ZT237 are --gaps rules (threat_model/gaps.py).
        Rule(
            "ZT238",
            "STRIDE category not considered for an element",
            "add a threat for the element and category, or a not-applicable threat row saying "
            "why (`ztgate threat-model suggest FILE` drafts them)",
            severity=W,
        ),
        Rule(
            "ZT239",
            "Deprecated transport encryption",
            "require TLS 1.2 or later (RFC 8996 deprecates TLS 1.0 and 1.1, RFC 7568 SSL 3.0) "
            "and write the version the flow enforces",
        ),
    )
}


@dataclass(frozen=True)
class Settings:
    data_classes: tuple[str, ...] = ("public", "internal", "confidential", "restricted")
    sensitive_classes: tuple[str, ...] = ("confidential", "restricted")
    class_map: tuple[tuple[str, str], ...] = ()
    max_review_age_days: int = 180
    today: date = field(default_factory=date.today)
    # Class -> severity of an unprotected flow inside a boundary (error | warning | off).
    inside_boundary: tuple[tuple[str, str], ...] = (
        ("confidential", "warning"),
        ("restricted", "error"),
    )
    # Evidence paths (as written) that exist in the work tree; None: not known, not checked.
    existing_paths: frozenset[str] | None = None


REQUIRED_SECTIONS = (SCOPE, CLASSIFICATION, BOUNDARIES, FLOWS, ENTRY_POINTS, THREATS, MITIGATIONS)
STRIDE = {
    "s": "spoofing",
    "spoofing": "spoofing",
    "t": "tampering",
    "tampering": "tampering",
    "r": "repudiation",
    "repudiation": "repudiation",
    "i": "information disclosure",
    "information disclosure": "information disclosure",
    "d": "denial of service",
    "denial of service": "denial of service",
    "dos": "denial of service",
    "e": "elevation of privilege",
    "elevation of privilege": "elevation of privilege",
}
THREAT_STATUSES = ("mitigated", "accepted", "transferred", "not-applicable", "open")
MITIGATION_STATUSES = ("implemented", "planned")
NONE_CELL = re.compile(
    r"^(?:-|—|none|n/?a|no|false|plain|plaintext|clear ?text|unauthenticated)$", re.I
)
_TRACKING = re.compile(r"https?://|\b[A-Z][A-Z0-9]+-\d+\b|(?:^|\s)#\d+\b")
_SPLIT = re.compile(r"[,;/]|\s+and\s+|\s+")


def ids_in(text: str) -> list[str]:
    """`M1, M2` / `M1; M2` / `M1 and M2` -> [M1, M2]. A placeholder cell names nothing (ZT204
    reports it), so it is not also a dangling reference."""
    if is_placeholder(text):
        return []
    return [part.strip().strip(".") for part in _SPLIT.split(text) if part.strip().strip(".")]


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def class_of(raw: str, settings: Settings) -> str:
    name = raw.strip().lower()
    return dict(settings.class_map).get(name, name)


Check = Callable[[ThreatModel, Settings], Iterator[Problem]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    CHECKS.append(function)
    return function


@check
def sections_present(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    for kind in REQUIRED_SECTIONS:
        section = model.section(kind)
        if section is None:
            yield Problem("ZT201", model.title_line, f"no `{kind}` section")
        elif section.empty or section.only_comments:
            yield Problem("ZT202", section.line, f"section `{section.title}` is empty")
    if any(r.get("status").lower() == "accepted" for r in model.rows(THREATS)) and not model.rows(
        ACCEPTED
    ):
        yield Problem(
            "ZT201", model.title_line, "threats are accepted but there is no `accepted risks` table"
        )
    for line, message in model.problems:
        yield Problem("ZT220", line, message)


@check
def metadata(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    for key in ("system", "owner", "last_reviewed"):
        if not model.metadata.get(key, "").strip():
            yield Problem("ZT203", model.metadata_lines.get(key, 1), f"metadata `{key}` is missing")
    reviewed = model.metadata.get("last_reviewed", "").strip()
    if reviewed and not is_placeholder(reviewed):
        line = model.metadata_lines.get("last_reviewed", 1)
        when = parse_date(reviewed)
        if when is None:
            yield Problem("ZT214", line, f"last_reviewed `{reviewed}` is not a date (YYYY-MM-DD)")
        elif when > settings.today:
            yield Problem("ZT214", line, f"last_reviewed {when} is in the future")
        elif (settings.today - when).days > settings.max_review_age_days:
            yield Problem(
                "ZT214",
                line,
                f"last reviewed {(settings.today - when).days} days ago "
                f"(policy: at most {settings.max_review_age_days})",
            )


@check
def placeholders(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    for placeholder in model.placeholders:
        yield Problem("ZT204", placeholder.line, f"placeholder `{placeholder.text}` left in")


@check
def tables_well_formed(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    for section in model.sections:
        required = REQUIRED_COLUMNS.get(section.kind or "")
        if not required:
            continue
        for table in section.tables:
            missing = [c for c in required if c not in table.columns]
            if missing:
                yield Problem(
                    "ZT220",
                    table.line,
                    f"`{section.title}` table lacks column(s): " + ", ".join(missing),
                )
            for row in table.rows:
                # An empty Crosses boundary cell means none (checked against the facts).
                empty = [
                    c for c in required if c in table.columns and not row.get(c) and c != "crosses"
                ]
                if empty:
                    yield Problem("ZT220", row.line, "row leaves empty: " + ", ".join(empty))


@check
def unique_ids(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for kind in (BOUNDARIES, FLOWS, ENTRY_POINTS, THREATS, MITIGATIONS):
        for row in model.rows(kind):
            identifier = row.get("id")
            if not identifier:
                continue
            if identifier.lower() in seen:
                yield Problem(
                    "ZT205",
                    row.line,
                    f"id `{identifier}` already used on line {seen[identifier.lower()]}",
                )
            else:
                seen[identifier.lower()] = row.line


def _defined(model: ThreatModel, kind: str) -> set[str]:
    return {row.get("id").lower() for row in model.rows(kind) if row.get("id")}


def mitigations_by_threat(model: ThreatModel) -> dict[str, set[str]]:
    """Threat id -> mitigation ids, from either side of the link."""
    links: dict[str, set[str]] = {}
    for row in model.rows(THREATS):
        links.setdefault(row.get("id").lower(), set()).update(
            m.lower() for m in ids_in(row.get("mitigations")) if not NONE_CELL.match(m)
        )
    for row in model.rows(MITIGATIONS):
        for threat in ids_in(row.get("mitigates")):
            links.setdefault(threat.lower(), set()).add(row.get("id").lower())
    return links


def implemented_mitigations(model: ThreatModel) -> set[str]:
    return {
        row.get("id").lower()
        for row in model.rows(MITIGATIONS)
        if row.get("status").lower() == "implemented"
    }


def really_mitigated(model: ThreatModel) -> set[str]:
    """Threats marked mitigated that at least one implemented control answers."""
    links, implemented = mitigations_by_threat(model), implemented_mitigations(model)
    return {
        row.get("id").lower()
        for row in model.rows(THREATS)
        if row.get("status").lower() == "mitigated"
        and links.get(row.get("id").lower(), set()) & implemented
    }


def _undefined(
    rows: tuple[Row, ...], column: str, defined: set[str], describe: Callable[[Row, str], str]
) -> Iterator[Problem]:
    """ZT206 for every id named in ``column`` that ``defined`` lacks."""
    for row in rows:
        for name in ids_in(row.get(column)):
            if not NONE_CELL.match(name) and name.lower() not in defined:
                yield Problem("ZT206", row.line, describe(row, name))


@check
def references(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    boundaries = _defined(model, BOUNDARIES)
    threats = _defined(model, THREATS)
    components = {row.get(c).lower() for row in model.rows(FLOWS) for c in ("from", "to")}
    for row in model.rows(BOUNDARIES):
        components |= {row.get(c).lower() for c in ("boundary", "inside", "outside")}
    for row in model.rows(COMPONENTS):
        components |= {row.get(c).lower() for c in ("id", "name")}
    targets = boundaries | _defined(model, FLOWS) | _defined(model, ENTRY_POINTS) | components
    yield from _undefined(
        model.rows(FLOWS),
        "crosses",
        boundaries,
        lambda row, name: f"flow {row.get('id')} crosses undefined boundary `{name}`",
    )
    for row in model.rows(THREATS):
        # A target may be a component's name, spaces and all, as well as an id; a list of
        # them is comma separated.
        target = row.get("target")
        undefined = [
            n
            for part in re.split(r"[,;]", target)
            if part.strip().lower() not in targets
            for n in ids_in(part)
            if n.lower() not in targets
        ]
        if undefined and target.lower() not in targets:
            yield Problem(
                "ZT206", row.line, f"threat {row.get('id')} targets undefined `{undefined[0]}`"
            )
    yield from _undefined(
        model.rows(THREATS),
        "mitigations",
        _defined(model, MITIGATIONS),
        lambda row, name: f"threat {row.get('id')} names undefined mitigation `{name}`",
    )
    yield from _undefined(
        model.rows(MITIGATIONS),
        "mitigates",
        threats,
        lambda row, name: f"mitigation {row.get('id')} mitigates undefined threat `{name}`",
    )
    yield from _undefined(
        model.rows(ACCEPTED),
        "threat",
        threats,
        lambda row, name: f"accepted risk names undefined threat `{name}`",
    )


@check
def classification(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    classified = {row.get("data").lower(): row for row in model.rows(CLASSIFICATION)}
    for row in model.rows(CLASSIFICATION):
        if (
            row.get("class")
            and not is_placeholder(row.get("class"))
            and class_of(row.get("class"), settings) not in settings.data_classes
        ):
            yield Problem(
                "ZT207",
                row.line,
                f"data class `{row.get('class')}` is not one of "
                + ", ".join(settings.data_classes),
            )
    for kind in (FLOWS, ENTRY_POINTS):
        for row in model.rows(kind):
            for item in data_items(row.get("data")):
                if item.lower() not in classified and not is_placeholder(item):
                    yield Problem(
                        "ZT208", row.line, f"`{item}` is not in the data classification table"
                    )


def data_items(text: str) -> list[str]:
    return [
        item.strip()
        for item in re.split(r"[,;]", text)
        if item.strip() and not NONE_CELL.match(item.strip())
    ]


@check
def threats_well_formed(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    links = mitigations_by_threat(model)
    implemented = implemented_mitigations(model)
    accepted = {t.lower() for row in model.rows(ACCEPTED) for t in ids_in(row.get("threat"))}
    for row in model.rows(THREATS):
        category = row.get("stride")
        if (
            category
            and not is_placeholder(category)
            and any(normalize_stride(c) is None for c in re.split(r"[,/;]", category))
        ):
            yield Problem("ZT209", row.line, f"`{category}` is not a STRIDE category")
        status = row.get("status").lower()
        if status and status not in THREAT_STATUSES and not is_placeholder(status):
            yield Problem(
                "ZT219",
                row.line,
                f"threat status `{row.get('status')}` is not one of " + ", ".join(THREAT_STATUSES),
            )
        identifier = row.get("id").lower()
        if status in ("not-applicable", "transferred"):
            continue
        if not links.get(identifier) and identifier not in accepted:
            yield Problem(
                "ZT210", row.line, f"threat {row.get('id')} has no mitigation and no accepted risk"
            )
        elif status == "open":
            yield Problem("ZT222", row.line, f"threat {row.get('id')} is still open")
        elif status == "mitigated" and not links.get(identifier, set()) & implemented:
            yield Problem(
                "ZT223",
                row.line,
                f"threat {row.get('id')} is marked mitigated but none of its controls is "
                "implemented (planned is not mitigated)",
            )


def normalize_stride(text: str) -> str | None:
    return STRIDE.get(re.sub(r"\s+", " ", text.strip().lower()))


@check
def mitigations_tracked(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    for row in model.rows(MITIGATIONS):
        status = row.get("status").lower()
        if status and status not in MITIGATION_STATUSES and not is_placeholder(status):
            yield Problem(
                "ZT219",
                row.line,
                f"mitigation status `{row.get('status')}` is not implemented or planned",
            )
        if status == "planned" and not (
            row.links("evidence") or _TRACKING.search(row.get("evidence"))
        ):
            yield Problem(
                "ZT211", row.line, f"planned mitigation {row.get('id')} has no tracking link"
            )


_URL = re.compile(r"^https?://\S+$")
_TICKET = re.compile(r"^(?:[A-Z][A-Z0-9]+-\d+|#\d+)$")
_PATH_CHARS = re.compile(r"^[\w.@~+/-]+$")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")
_ANCHOR = re.compile(r"(?:#.*|:\d+(?:-\d+)?)$")  # file#anchor, file:12, file:12-30


def evidence_items(row: Row) -> tuple[list[str], list[str]]:
    """A control's evidence: (URLs and tickets, repository paths, `#anchor` kept)."""
    references: list[str] = []
    paths: list[str] = []
    for word in [*row.links("evidence"), *re.split(r"[\s,;]+", row.get("evidence"))]:
        word = word.strip("()[]<>'\"")
        if _URL.match(word) or _TICKET.match(word):
            references.append(word)
            continue
        path = _ANCHOR.sub("", word).removeprefix("./")
        if _PATH_CHARS.match(path) and ("/" in path or _EXTENSION.search(path)):
            anchor = word.partition("#")[2]
            paths.append(f"{path}#{anchor}" if anchor else path)
    return references, paths


def evidence_paths(model: ThreatModel) -> set[str]:
    """Every path the mitigations give as evidence: the gate looks them up in the work tree."""
    return {path for row in model.rows(MITIGATIONS) for path in evidence_items(row)[1]}


@check
def evidence(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    """An implemented control shows where it is: a path that exists, a URL or a ticket."""
    for row in model.rows(MITIGATIONS):
        if row.get("status").lower() != "implemented" or is_placeholder(row.get("evidence")):
            continue
        references, paths = evidence_items(row)
        if not references and not paths:
            yield Problem(
                "ZT229",
                row.line,
                f"implemented control {row.get('id')} gives `{row.get('evidence')}` as "
                "evidence: not a path, URL or ticket",
            )
            continue
        if settings.existing_paths is None:
            continue
        for path in paths:
            if path not in settings.existing_paths:
                yield Problem(
                    "ZT229",
                    row.line,
                    f"implemented control {row.get('id')}: evidence `{path}` does not exist "
                    "in the repository" + (" (file or heading)" if "#" in path else ""),
                )


def control_families(row: Row) -> tuple[str, ...]:
    """The families a control belongs to: its Family cell, else what its text names."""
    stated = [vocabulary.family_named(part) for part in re.split(r"[,;/]", row.get("family"))]
    named = tuple(family for family in stated if family)
    return named or vocabulary.families_of(row.get("control"))


@check
def controls_answer_threats(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    """A mitigated threat's implemented controls must include one of a family that answers its
    STRIDE category: a rate limit does not answer key theft."""
    controls = {row.get("id").lower(): row for row in model.rows(MITIGATIONS)}
    for row in model.rows(MITIGATIONS):
        for part in re.split(r"[,;/]", row.get("family")):
            if part.strip() and not is_placeholder(part) and not vocabulary.family_named(part):
                yield Problem(
                    "ZT220",
                    row.line,
                    f"control family `{part.strip()}` is not one of "
                    + ", ".join(vocabulary.FAMILIES),
                )
    links = mitigations_by_threat(model)
    implemented = implemented_mitigations(model)
    for row in model.rows(THREATS):
        if row.get("status").lower() != "mitigated":
            continue
        linked = sorted(links.get(row.get("id").lower(), set()) & implemented & set(controls))
        if not linked:
            continue  # ZT210 / ZT223 say so
        answered = {family for m in linked for family in control_families(controls[m])}
        categories = [normalize_stride(c) for c in re.split(r"[,/;]", row.get("stride"))]
        for category in categories:
            if category is None:
                continue  # ZT209
            wanted = vocabulary.ANSWERS[category]
            if not answered & set(wanted):
                given = ", ".join(
                    f"{controls[m].get('id')} ({', '.join(control_families(controls[m])) or '?'})"
                    for m in linked
                )
                yield Problem(
                    "ZT230",
                    row.line,
                    f"threat {row.get('id')} is {category}, but its controls {given} answer "
                    f"none of: {', '.join(wanted)} (state a control's family in a Family "
                    "column if ztgate misread it)",
                )


@check
def accepted_risks(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    for row in model.rows(ACCEPTED):
        if (
            not row.get("owner")
            or NONE_CELL.match(row.get("owner"))
            and not is_placeholder(row.get("owner"))
        ):
            yield Problem("ZT212", row.line, f"accepted risk for {row.get('threat')} has no owner")
        expires = row.get("expires")
        if is_placeholder(expires):
            continue
        when = parse_date(expires) if expires else None
        if when is None:
            yield Problem(
                "ZT213",
                row.line,
                f"accepted risk for {row.get('threat')} has no valid expiry date (`{expires}`)",
            )
        elif when < settings.today:
            yield Problem(
                "ZT213", row.line, f"accepted risk for {row.get('threat')} expired on {when}"
            )


def targeted_ids(model: ThreatModel) -> set[str]:
    """The ids (lowercased) that some threat targets."""
    return {t.lower() for row in model.rows(THREATS) for t in ids_in(row.get("target"))}


def declared_crossings(row: Row) -> set[str]:
    """The boundary ids (lowercased) a flow's Crosses boundary cell names."""
    return {b.lower() for b in ids_in(row.get("crosses")) if not NONE_CELL.match(b)}


def derived_crossings(row: Row, places: components.Places) -> set[str] | None:
    """The boundaries a flow crosses by where its endpoints live; None when one is unknown."""
    source, target = places.key(row.get("from")), places.key(row.get("to"))
    if source is None or target is None:
        return None
    return places.crossed(source, target)


def crossing_flows(model: ThreatModel) -> list[Row]:
    """Flows that cross a boundary, by their declaration or by where their endpoints live."""
    places = components.places(model)
    return [
        row
        for row in model.rows(FLOWS)
        if declared_crossings(row) or derived_crossings(row, places)
    ]


def _classes(row: Row, model: ThreatModel, settings: Settings) -> set[str]:
    classes = {
        r.get("data").lower(): class_of(r.get("class"), settings)
        for r in model.rows(CLASSIFICATION)
    }
    return {
        classes[item.lower()] for item in data_items(row.get("data")) if item.lower() in classes
    }


_LEVELS = {"off": 0, "warning": 1, "error": 2}


def _inside_level(classes: set[str], settings: Settings) -> str:
    """How much an unprotected flow inside a boundary weighs: the strictest of its classes
    (a sensitive class the policy does not list weighs a warning)."""
    levels = dict(settings.inside_boundary)
    weights = [levels[c] for c in classes if c in levels]
    weights += ["warning" for c in classes if c in settings.sensitive_classes and c not in levels]
    return max(weights, key=lambda level: _LEVELS.get(level, 0), default="off")


@dataclass(frozen=True)
class _Flow:
    """A flow as zero_trust weighs it: what it carries, which boundaries it crosses (declared
    or by where its endpoints live), and what its authentication and encryption cells mean."""

    row: Row
    classes: frozenset[str]
    crossed: frozenset[str]
    sensitive: bool  # carries a class the policy calls sensitive
    inside_level: str  # how much it weighs unprotected inside a boundary: error | warning | off
    auth: vocabulary.Reading
    enc: vocabulary.Reading

    @property
    def sensitive_crossing(self) -> bool:
        return bool(self.crossed) and self.sensitive


def _weighed_flow(
    row: Row, model: ThreatModel, settings: Settings, places: components.Places
) -> _Flow | None:
    """The flow, or None when nothing it carries needs protecting where it goes, or its
    protection cells are still placeholders (ZT204 says fill them in)."""
    classes = _classes(row, model, settings)
    crossed = declared_crossings(row) | (derived_crossings(row, places) or set())
    sensitive = bool(classes & set(settings.sensitive_classes))
    level = _inside_level(classes, settings)
    if not (crossed and sensitive) and level == "off":
        return None
    authentication, encryption = row.get("authentication"), row.get("encryption")
    if is_placeholder(authentication) or is_placeholder(encryption):
        return None
    return _Flow(
        row,
        frozenset(classes),
        frozenset(crossed),
        sensitive,
        level,
        vocabulary.authentication(authentication),
        vocabulary.encryption(encryption),
    )


def _mechanisms_known(flow: _Flow) -> Iterator[Problem]:
    """ZT239 for deprecated TLS/SSL only; ZT224 for a cell that names nothing ztgate knows."""
    row, name = flow.row, flow.row.get("id")
    old = vocabulary.deprecated_only(row.get("encryption"))
    if old:
        yield Problem(
            "ZT239",
            row.line,
            f"flow {name} carries {', '.join(sorted(flow.classes)) or 'its'} data over "
            f"{', '.join(old)}, deprecated versions an attacker on the path can break",
            severity=None if flow.sensitive else "warning",
        )
    if flow.auth.meaning == vocabulary.UNKNOWN:
        yield Problem(
            "ZT224",
            row.line,
            f"flow {name}: authentication `{row.get('authentication')}` names no mechanism "
            "ztgate knows: what authenticates the caller?",
        )
    if flow.enc.meaning == vocabulary.UNKNOWN:
        yield Problem(
            "ZT224",
            row.line,
            f"flow {name}: encryption `{row.get('encryption')}` names nothing ztgate knows: "
            "what encrypts the flow in transit?",
        )


def _crossing_protected(flow: _Flow) -> Iterator[Problem]:
    """Sensitive data across a boundary: authenticated (not by network location), encrypted."""
    row, name = flow.row, flow.row.get("id")
    missing = [
        what
        for what, reading in (("authentication", flow.auth), ("encryption in transit", flow.enc))
        if reading.meaning == vocabulary.NONE
    ]
    if missing:
        yield Problem(
            "ZT215",
            row.line,
            f"flow {name} carries sensitive data across {_listed(flow.crossed)} without "
            + " and ".join(missing),
        )
    if flow.auth.meaning == vocabulary.NETWORK:
        yield Problem(
            "ZT216",
            row.line,
            f"flow {name} authenticates by network location (`{row.get('authentication')}`: "
            f"{', '.join(flow.auth.words)} is where the caller is, not who it is)",
        )


def _inside_protected(flow: _Flow) -> Iterator[Problem]:
    """Assume breach: a flow the policy weighs inside a boundary is protected there too."""
    gaps = []
    if flow.auth.meaning == vocabulary.NONE:
        gaps.append("authentication")
    elif flow.auth.meaning == vocabulary.NETWORK:
        gaps.append(f"authentication (`{', '.join(flow.auth.words)}` is a network location)")
    if flow.enc.meaning == vocabulary.NONE:
        gaps.append("encryption")
    if gaps:
        yield Problem(
            "ZT226",
            flow.row.line,
            f"flow {flow.row.get('id')} carries {', '.join(sorted(flow.classes))} data "
            + ("across a boundary" if flow.crossed else "inside a boundary")
            + " without "
            + " and ".join(gaps),
            severity=flow.inside_level,
        )


@check
def zero_trust(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    """Every flow is judged by what its cells mean (the vocabulary), not by their spelling; a
    flow carrying a sensitive class must be protected inside boundaries too."""
    places = components.places(model)
    for row in model.rows(FLOWS):
        conflict = vocabulary.contradiction(row.get("protocol"), row.get("encryption"))
        if conflict:
            yield Problem("ZT225", row.line, f"flow {row.get('id')}: {conflict}")
        flow = _weighed_flow(row, model, settings, places)
        if flow is None:
            continue
        yield from _mechanisms_known(flow)
        if flow.sensitive_crossing:
            yield from _crossing_protected(flow)
        else:
            yield from _inside_protected(flow)


@check
def boundaries_are_facts(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    """Which boundaries a flow crosses follows from where its endpoints live."""
    places = components.places(model)
    known = sorted(places.written.values())
    defined_boundaries = _defined(model, BOUNDARIES)
    for line, rule, message in places.nesting_problems:  # a Within cell: undefined, a cycle
        yield Problem(rule, line, message)
    reported: set[str] = set()  # endpoint names (lowercased) already reported
    for row in model.rows(FLOWS):
        for column in ("from", "to"):
            yield from _endpoint_placed(row, row.get(column), places, known, reported)
        yield from _crossings_follow_places(row, places, defined_boundaries)
    if places.stated:
        yield from _boundary_members_defined(model, places, known)
        for row in model.rows(COMPONENTS):
            yield from _component_row(row, places, defined_boundaries)


def _endpoint_placed(
    row: Row, name: str, places: components.Places, known: list[str], reported: set[str]
) -> Iterator[Problem]:
    """A flow's endpoint is a known component that some boundary (or the table) places;
    each name is reported once."""
    if not name or is_placeholder(name) or name.lower() in reported:
        return
    key = places.key(name)
    if key is not None and key in places.placed:
        return
    reported.add(name.lower())
    # An unplaced name close to a placed one is a misspelling of it, not a new component.
    if key is None or _did_you_mean(name, sorted(places.written[k] for k in places.placed)):
        yield Problem("ZT206", row.line, _unknown_component(row, name, known))
    else:
        yield Problem(
            "ZT228", row.line, f"component `{name}` (flow {row.get('id')}) is in no trust boundary"
        )


def _crossings_follow_places(
    row: Row, places: components.Places, defined_boundaries: set[str]
) -> Iterator[Problem]:
    derived = derived_crossings(row, places)
    declared = declared_crossings(row)
    if derived is None or not declared <= defined_boundaries | derived:
        return  # an unknown endpoint or boundary is reported as such
    if derived != declared:
        yield Problem(
            "ZT227",
            row.line,
            f"flow {row.get('id')} from `{row.get('from')}` to `{row.get('to')}` crosses "
            f"{_listed(derived)} by where they live, but declares {_listed(declared)}",
        )


def _boundary_members_defined(
    model: ThreatModel, places: components.Places, known: list[str]
) -> Iterator[Problem]:
    """With a Components table, a boundary's Inside and Outside name only its components."""
    for boundary in model.rows(BOUNDARIES):
        for column in ("inside", "outside"):
            for name in components.names_in(boundary.get(column)):
                if places.key(name) is None:
                    yield Problem(
                        "ZT206",
                        boundary.line,
                        f"boundary {boundary.get('id')} names `{name}`, which the "
                        "Components table does not define" + _did_you_mean(name, known),
                    )


def _component_row(
    row: Row, places: components.Places, defined_boundaries: set[str]
) -> Iterator[Problem]:
    """A Components row: a kind ztgate knows, in boundaries the document defines."""
    kind = row.get("kind").lower()
    if kind and kind not in components.KINDS and not is_placeholder(kind):
        yield Problem(
            "ZT220",
            row.line,
            f"component kind `{row.get('kind')}` is not one of " + ", ".join(components.KINDS),
        )
    for where in components.names_in(row.get("boundary")):
        if (
            not NONE_CELL.match(where)
            and where.lower() not in defined_boundaries
            and where.lower() not in places.boundary_names
        ):
            yield Problem(
                "ZT206", row.line, f"component {row.get('id')} is in undefined boundary `{where}`"
            )


def _listed(boundaries: Iterable[str]) -> str:
    return ", ".join(sorted(b.upper() for b in boundaries)) or "none"


def _did_you_mean(name: str, known: list[str]) -> str:
    """`; did you mean `Card processor`?` for a near miss (difflib), else nothing."""
    import difflib

    written = {k.lower(): k for k in known if k.lower() != name.lower()}
    close = difflib.get_close_matches(name.lower(), list(written), n=1, cutoff=0.75)
    return f"; did you mean `{written[close[0]]}`?" if close else ""


def _unknown_component(row: Row, name: str, known: list[str]) -> str:
    return (
        f"flow {row.get('id')} names `{name}`, which no boundary or Components row defines"
        + _did_you_mean(name, known)
    )


@check
def coverage(model: ThreatModel, settings: Settings) -> Iterator[Problem]:
    targeted = targeted_ids(model)
    for row in crossing_flows(model):
        if row.get("id").lower() not in targeted:
            yield Problem(
                "ZT217",
                row.line,
                f"flow {row.get('id')} crosses a trust boundary but no threat targets it",
            )
    for row in model.rows(ENTRY_POINTS):
        if row.get("id").lower() not in targeted:
            yield Problem(
                "ZT218", row.line, f"entry point {row.get('id')} has no threat targeting it"
            )


def run_checks(model: ThreatModel, settings: Settings) -> list[Problem]:
    return [problem for function in CHECKS for problem in function(model, settings)]


def coverage_summary(model: ThreatModel, settings: Settings) -> dict[str, int]:
    mitigated = really_mitigated(model)
    # A threat marked mitigated whose controls are all planned is still open.
    statuses = [
        "open"
        if row.get("status").lower() == "mitigated" and row.get("id").lower() not in mitigated
        else row.get("status").lower()
        for row in model.rows(THREATS)
    ]
    targeted = targeted_ids(model)
    crossing = crossing_flows(model)
    return {
        "threats": len(statuses),
        "mitigated": statuses.count("mitigated"),
        "accepted": statuses.count("accepted"),
        "transferred": statuses.count("transferred"),
        "not_applicable": statuses.count("not-applicable"),
        "open": statuses.count("open"),
        "boundary_crossing_flows": len(crossing),
        "crossing_flows_covered": sum(1 for row in crossing if row.get("id").lower() in targeted),
        "entry_points": len(model.rows(ENTRY_POINTS)),
        "entry_points_covered": sum(
            1 for row in model.rows(ENTRY_POINTS) if row.get("id").lower() in targeted
        ),
    }
