"""Reporters: turn a Report into text for people, or JSON / SARIF 2.1.0 for machines."""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from ztgate import __version__
from ztgate.errors import UserError
from ztgate.finding import Finding, Report, Severity
from ztgate.masking import mask_secrets

FORMATS = ("text", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/ztgate/ztgate"


def masked(report: Report) -> Report:
    """The report with every text a gate may have quoted from its input (a message, a note, a
    property, the gate's extra results) passed through ``mask_secrets``: every gate and every
    format prints through here, so none can show a pasted token in clear."""
    return dataclasses.replace(
        report,
        findings=tuple(
            dataclasses.replace(
                finding,
                # The properties may hold whole what the message quotes cut short.
                message=mask_secrets(finding.message, tuple(finding.properties.values())),
                path=mask_secrets(finding.path) if finding.path else finding.path,
                properties={k: mask_secrets(v) for k, v in finding.properties.items()},
            )
            for finding in report.findings
        ),
        notes=tuple(mask_secrets(note) for note in report.notes),
        extra={key: _masked_value(value) for key, value in report.extra.items()},
    )


def _masked_value(value: object) -> object:
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, Mapping):
        return {_masked_value(key): _masked_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_masked_value(item) for item in value]
    return value


# What a terminal would act on rather than show: C0/C1 controls (ESC starts the sequences that
# move the cursor, clear lines, retitle the window; a newline would start a forged finding
# line) and the invisible or direction-changing format characters ("Trojan Source").
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on shown as its escape (`\\x1b`):
    a file name or a quoted line cannot rewrite, hide or forge what the developer reads."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def summary_line(report: Report) -> str:
    errors = len(report.blocking)
    warnings = len(report.findings) - errors
    files = len({f.path for f in report.findings if f.path is not None})
    commits = len({f.commit for f in report.findings if f.path is None})
    # A commit's finding (a signature) has no file: count the commits instead.
    places = [f"{files} file(s)"] if files or not commits else []
    places += [f"{commits} commit(s)"] if commits else []
    verdict = "FAILED" if errors else "passed"
    return (
        f"ztgate {report.gate}: {verdict}: {errors} error(s), {warnings} warning(s)"
        f" in {' and '.join(places)}; {report.scanned} {report.scanned_noun} scanned"
    )


def finding_line(finding: Finding) -> str:
    """`path:line:col: ZTnnn message` for an error (the contract tools parse), `warning: `
    before the message of a warning, the short sha instead of a place for a commit."""
    label = "warning: " if finding.severity is Severity.WARNING else ""
    return f"{finding.location}: {finding.rule.id} {label}{finding.message}"


def fix_lines(report: Report) -> list[str]:
    """One `fix (ZTnnn): ...` line per rule that has findings, written once for every gate."""
    rules = {f.rule.id: f.rule for f in report.findings}
    return [f"fix ({rule_id}): {rules[rule_id].fix}" for rule_id in sorted(rules)]


def render_text(report: Report) -> str:
    report = masked(report)
    limit = report.text_limit
    shown = report.findings if limit is None else report.findings[:limit]
    lines = [finding_line(f) for f in shown]
    if len(report.findings) > len(shown):
        lines.append(f"... and {len(report.findings) - len(shown)} more {report.limit_noun}")
    lines.extend(fix_lines(report))
    lines.append(summary_line(report))
    lines.extend(f"  note: {note}" for note in report.notes)
    return "\n".join(printable(line) for line in lines) + "\n"


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule.id,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line if finding.path is not None else None,
        "column": finding.column if finding.path is not None else None,
        "commit": finding.commit,
        "message": finding.message,
        "fix": finding.rule.fix,
        "fingerprint": finding.fingerprint,
        "properties": dict(finding.properties),
    }


def render_json(report: Report) -> str:
    report = masked(report)
    import json

    document = {
        "tool": "ztgate",
        "version": __version__,
        "gate": report.gate,
        "passed": report.exit_code == 0,
        "scanned": report.scanned,
        "notes": list(report.notes),
        "findings": [_finding_json(f) for f in report.findings],
        **report.extra,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.OFF: "none"}
# GitHub code scanning refuses a run with more results than this, and shows the 5,000 most
# severe ("SARIF results exceed limit", docs.github.com/en/code-security/code-scanning/
# troubleshooting-sarif-uploads/results-exceed-limit).
SARIF_MAX_RESULTS = 25_000


def _most_severe_first(finding: Finding) -> tuple[int, float]:
    return (finding.severity is not Severity.ERROR, -float(finding.rule.security_severity))


def sarif_kept(report: Report, limit: int | None = None) -> tuple[Finding, ...]:
    """The findings a SARIF run holds: all of them, or the ``limit`` most severe, in order."""
    limit = SARIF_MAX_RESULTS if limit is None else limit
    if len(report.findings) <= limit:
        return report.findings
    ranked = sorted(
        range(len(report.findings)), key=lambda i: _most_severe_first(report.findings[i])
    )
    return tuple(report.findings[i] for i in sorted(ranked[:limit]))


def sarif_cap_note(report: Report, limit: int | None = None) -> str | None:
    limit = SARIF_MAX_RESULTS if limit is None else limit
    if len(report.findings) <= limit:
        return None
    return (
        f"SARIF holds the {limit} most severe of {len(report.findings)} findings "
        "(GitHub's limit per run); the text and JSON formats list all of them"
    )


def _sarif_result(finding: Finding, rule_index: int, anchor: str) -> dict[str, Any]:
    properties = dict(finding.properties)
    if finding.commit:
        properties["commit"] = finding.commit
    message = finding.message
    if finding.path is None:
        # Code scanning needs a file: a commit's finding is shown on the policy that judged
        # it, and names its commit in the message and the properties.
        message = f"commit {(finding.commit or '')[:12]}: {message}"
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[finding.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _sarif_uri(finding.path or anchor)},
                    "region": {
                        "startLine": max(finding.line, 1) if finding.path else 1,
                        "startColumn": max(finding.column, 1) if finding.path else 1,
                    },
                }
            }
        ],
        "partialFingerprints": {"ztgateFingerprint/v1": finding.fingerprint},
    }
    if properties:
        result["properties"] = properties
    return result


def render_sarif(report: Report, limit: int | None = None) -> str:
    report = masked(report)
    import json

    rules = sorted({r.id: r for r in report.rules}.values(), key=lambda r: r.id)
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    kept = sarif_kept(report, limit)
    results = [_sarif_result(f, rule_index[f.rule.id], report.anchor) for f in kept]
    properties: dict[str, object] = dict(report.extra)
    if len(kept) < len(report.findings):
        properties["ztgate/truncated"] = {
            "results": len(report.findings),
            "kept": len(kept),
            "note": sarif_cap_note(report, limit),
        }
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ztgate",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [
                            {
                                "id": rule.id,
                                "name": _pascal(rule.title),
                                "shortDescription": {"text": rule.title},
                                "fullDescription": {"text": f"{rule.title}. Fix: {rule.fix}"},
                                "help": {"text": rule.fix},
                                "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
                                "properties": {
                                    "security-severity": rule.security_severity,
                                    "precision": rule.precision,
                                    "tags": list(rule.tags),
                                },
                            }
                            for rule in rules
                        ],
                    }
                },
                "automationDetails": {"id": report.automation_id},
                "results": results,
                **({"properties": properties} if properties else {}),
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# GitLab's security report for secret detection (`artifacts:reports:secret_detection`), so the
# merge-request widget shows the findings: gitlab-org/security-products/security-report-schemas,
# dist/secret-detection-report-format.json.
GITLAB_SCHEMA_VERSION = "15.2.1"
GITLAB_SCHEMA = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{GITLAB_SCHEMA_VERSION}/dist/secret-detection-report-format.json"
)
# GitLab's own analyzer writes this sha for a finding outside git history (a work-tree file).
GITLAB_NO_COMMIT = "0000000"


def gitlab_severity(finding: Finding) -> str:
    """GitLab's severity from the rule's security-severity (CVSS bands); a warning is Low."""
    if finding.severity is not Severity.ERROR:
        return "Low"
    score = float(finding.rule.security_severity)
    return "Critical" if score >= 9 else "High" if score >= 7 else "Medium" if score >= 4 else "Low"


def _gitlab_time(seconds: float) -> str:
    import datetime

    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _gitlab_id(finding: Finding) -> str:
    import uuid

    # Stable across pipelines, so GitLab follows one vulnerability from run to run.
    key = f"ztgate\0{finding.commit or ''}\0{finding.fingerprint}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


def _gitlab_vulnerability(finding: Finding) -> dict[str, Any]:
    secret_type = finding.properties.get("secret_type") or finding.rule.title
    identifiers = [
        {"type": "ztgate_rule_id", "name": f"ztgate {finding.rule.id}", "value": finding.rule.id}
    ]
    if finding.properties.get("detector"):
        detector = finding.properties["detector"]
        identifiers.append(
            {"type": "ztgate_detector", "name": f"ztgate {detector}", "value": detector}
        )
    location: dict[str, Any] = {
        "file": finding.path or "",
        "start_line": max(finding.line, 1),
        "end_line": max(finding.line, 1),
        "commit": {"sha": finding.commit or GITLAB_NO_COMMIT},
    }
    return {
        "id": _gitlab_id(finding),
        "name": f"{finding.rule.title}: {secret_type}"[:255],
        "description": finding.message,
        "severity": gitlab_severity(finding),
        "solution": finding.rule.fix,
        "identifiers": identifiers,
        "location": location,
    }


def render_gitlab(report: Report) -> str:
    """The report as GitLab's `gl-secret-detection-report.json`; the secret itself is never in
    it (the messages are masked, and no `raw_source_code_extract` is written)."""
    report = masked(report)
    import json
    import time

    finished = time.time()
    analyzer = {
        "id": "ztgate",
        "name": "ztgate",
        "url": INFORMATION_URI,
        "version": __version__,
        "vendor": {"name": "ztgate"},
    }
    document = {
        "version": GITLAB_SCHEMA_VERSION,
        "schema": GITLAB_SCHEMA,
        "vulnerabilities": [_gitlab_vulnerability(f) for f in report.findings],
        "scan": {
            "analyzer": analyzer,
            "scanner": analyzer,
            "type": "secret_detection",
            "start_time": _gitlab_time(report.started or finished),
            "end_time": _gitlab_time(finished),
            "status": "success",
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def merge_gitlab(documents: list[str], failed: bool = False) -> str:
    """Several runs' GitLab reports as one (`ztgate ci` scans files and commits): every
    vulnerability once, the earliest start and the latest end; `failure` if a run failed."""
    import json

    parsed = [json.loads(text) for text in documents]
    merged = parsed[0]
    seen: dict[str, dict[str, Any]] = {}
    for document in parsed:
        for vulnerability in document["vulnerabilities"]:
            seen.setdefault(vulnerability["id"], vulnerability)
    merged["vulnerabilities"] = list(seen.values())
    merged["scan"]["start_time"] = min(d["scan"]["start_time"] for d in parsed)
    merged["scan"]["end_time"] = max(d["scan"]["end_time"] for d in parsed)
    if failed:
        merged["scan"]["status"] = "failure"
    return json.dumps(merged, indent=2, ensure_ascii=False) + "\n"


def _sarif_uri(path: str) -> str:
    # SARIF wants a URI reference relative to the repo root; percent-encode what a URI forbids.
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/@:+,;=-._~")


def _pascal(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in title.replace("-", " ").split())


RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "gitlab": render_gitlab,
}


def write_report(output: str, rendered: str) -> None:
    try:
        Path(output).write_text(rendered, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write report: {error.strerror}", where=output) from error


def emit(
    report: Report, output_format: str, output: str | None, stream: TextIO | None = None
) -> None:
    """Write the report in the chosen format to ``output`` (a file) or to the stream."""
    rendered = RENDERERS[output_format](report)
    if output:
        write_report(output, rendered)
        if output_format != "text":
            # People still get the short verdict on the terminal, and what it left out.
            cap = sarif_cap_note(report) if output_format == "sarif" else None
            verdict = summary_line(report) + (f"\n  note: {cap}" if cap else "")
            (stream or sys.stdout).write(verdict + "\n")
        return
    (stream or sys.stdout).write(rendered)
