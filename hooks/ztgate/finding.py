"""The finding model every gate shares: rules are data, findings are small immutable records."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True)
class Rule:
    """A rule has a stable id, a title, a one-line fix and a default severity."""

    id: str
    title: str
    fix: str
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class Finding:
    """One problem at one place.

    ``fingerprint`` identifies the finding independently of its line, so SARIF consumers and
    baselines can follow it when code moves. ``properties`` carries gate-specific facts that the
    machine formats show (never a secret in clear).
    """

    rule: Rule
    path: str
    line: int
    column: int
    message: str
    fingerprint: str
    severity: Severity = Severity.ERROR
    commit: str | None = None
    properties: Mapping[str, str] = field(default_factory=dict)

    @property
    def location(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{self.commit[:12]}:{where}" if self.commit else where


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

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def exit_code(self) -> int:
        return 1 if self.blocking else 0


def sorted_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(
        sorted(findings, key=lambda f: (f.commit or "", f.path, f.line, f.column, f.rule.id))
    )
