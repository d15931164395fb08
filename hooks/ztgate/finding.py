"""The finding model every gate shares: rules are data, findings are small immutable records."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


# What a rule family weighs for code scanning when the rule does not say: its
# `security-severity` (a CVSS-like score, as a string), its `precision` and its tags.
# A leaked credential is critical; a commit no allowed key signed lets anyone write the code;
# a gap in the threat model or the PR description is a process finding.
FAMILY_DEFAULTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "ZT1": ("9.0", "high", ("security", "secrets")),
    "ZT2": ("5.0", "very-high", ("security", "threat-model")),
    "ZT3": ("7.0", "very-high", ("security", "supply-chain", "signatures")),
    "ZT4": ("3.0", "very-high", ("security", "pull-request")),
}
_OTHER = ("5.0", "medium", ("security",))


@dataclass(frozen=True)
class Rule:
    """A rule has a stable id, a title, a one-line fix and a default severity, and what code
    scanning ranks it by (its family's values unless given)."""

    id: str
    title: str
    fix: str
    severity: Severity = Severity.ERROR
    security_severity: str = ""
    precision: str = ""
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        score, precision, tags = FAMILY_DEFAULTS.get(self.id[:3], _OTHER)
        # Frozen: fill the blanks once, here, so every rule carries all three.
        if not self.security_severity:
            object.__setattr__(self, "security_severity", score)
        if not self.precision:
            object.__setattr__(self, "precision", precision)
        if not self.tags:
            object.__setattr__(self, "tags", tags)


@dataclass(frozen=True)
class Finding:
    """One problem at one place: a file's line, or a commit (``path`` None).

    ``fingerprint`` identifies the finding independently of its line, so SARIF consumers and
    baselines can follow it when code moves. ``properties`` carries gate-specific facts that the
    machine formats show (never a secret in clear).
    """

    rule: Rule
    path: str | None
    line: int
    column: int
    message: str
    fingerprint: str
    severity: Severity = Severity.ERROR
    commit: str | None = None
    properties: Mapping[str, str] = field(default_factory=dict)

    @property
    def location(self) -> str:
        if self.path is None:
            return (self.commit or "")[:12] or "-"
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{self.commit[:12]}:{where}" if self.commit else where


@dataclass(frozen=True)
class Problem:
    """A rule broken at a line of the gate's input, before the gate places it in a file and
    makes it a Finding. Every gate's checks return these (the threat model's rules, the PR
    description's); ``severity`` overrides the rule's default, and the policy's word wins."""

    rule: str
    line: int
    message: str
    severity: str | None = None


@dataclass(frozen=True)
class Report:
    """What one gate run produced: its findings, and the notes that belong in the summary."""

    gate: str
    rules: tuple[Rule, ...]
    findings: tuple[Finding, ...]
    scanned: int = 0
    scanned_noun: str = "files"
    notes: tuple[str, ...] = ()
    # Gate-specific results for machines (the threat model's coverage), in JSON and SARIF.
    extra: Mapping[str, object] = field(default_factory=dict)
    # The code-scanning category (`ztgate/<category>/`); the gate's name when empty.
    category: str = ""
    # The file a SARIF result of a finding without a file (a commit) is shown on.
    anchor: str = ".ztgate.yaml"
    # At most this many findings listed in text, then how many more (`noun`); all by default.
    text_limit: int | None = None
    limit_noun: str = "finding(s)"
    # When the run started (seconds since the epoch), for formats that record it.
    started: float | None = None

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def exit_code(self) -> int:
        return 1 if self.blocking else 0

    @property
    def automation_id(self) -> str:
        """One code-scanning category per gate: GitHub refuses two runs with the same one."""
        name = self.category or self.gate.replace(" --", "-").replace(" ", "-")
        return f"ztgate/{name}/"


def fingerprint(*parts: str) -> str:
    """A finding's stable id, one recipe for every gate: the same parts (a path, a rule id, a
    commit, a message) give the same id in every run and every output format."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def leveled(findings: Iterable[Finding], levels: Mapping[str, str]) -> list[Finding]:
    """The policy's word on each rule (`severity: {ZT301: warning}`), one override for every
    gate: `off` drops the rule's findings, `warning` reports them without blocking, `error`
    blocks. The levels come from the policy trusted before the change, never its own."""
    kept = []
    for finding in findings:
        level = levels.get(finding.rule.id)
        if level == "off":
            continue
        kept.append(dataclasses.replace(finding, severity=Severity(level)) if level else finding)
    return kept


def placed(
    problems: Iterable[Problem],
    path: str,
    rules: Mapping[str, Rule],
    *,
    levels: Mapping[str, str],
    path_in_fingerprint: bool = True,
) -> list[Finding]:
    """The problems a gate's checks found in one input, as findings at ``path``: each rule
    looked up by its id, at its line (column 1), fingerprinted by one recipe (the path, the
    rule id and the message, never the line, so a finding is followed when lines move; the
    path left out when it is only where this run read the input, as a pull request's
    description from stdin or a CI event).

    The severity: the policy's level for the rule (``levels``, through `leveled`), else the
    problem's own, else the rule's default; `off` drops the finding."""
    found = [
        Finding(
            rule=rules[problem.rule],
            path=path,
            line=problem.line,
            column=1,
            message=problem.message,
            fingerprint=fingerprint(
                *((path,) if path_in_fingerprint else ()), problem.rule, problem.message
            ),
            severity=Severity(problem.severity or rules[problem.rule].severity.value),
        )
        for problem in problems
    ]
    return [f for f in leveled(found, levels) if f.severity is not Severity.OFF]


def sorted_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(
        sorted(findings, key=lambda f: (f.commit or "", f.path or "", f.line, f.column, f.rule.id))
    )
