"""Reporters: turn a Report into text for people, or JSON / SARIF 2.1.0 for machines."""

from __future__ import annotations

import dataclasses
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


def summary_line(report: Report) -> str:
    errors = len(report.blocking)
    warnings = len(report.findings) - errors
    files = len({f.path for f in report.findings})
    verdict = "FAILED" if errors else "passed"
    return (
        f"ztgate {report.gate}: {verdict}: {errors} error(s), {warnings} warning(s)"
        f" in {files} file(s); {report.scanned} {report.scanned_noun} scanned"
    )


def render_text(report: Report) -> str:
    report = masked(report)
    lines = [f"{f.location}: {f.rule.id} {f.message}" for f in report.findings]
    lines.append(summary_line(report))
    lines.extend(f"  note: {note}" for note in report.notes)
    return "\n".join(lines) + "\n"


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule.id,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "commit": finding.commit,
        "message": finding.message,
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


def render_sarif(report: Report) -> str:
    report = masked(report)
    import json

    rules = sorted({r.id: r for r in report.rules}.values(), key=lambda r: r.id)
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    results = []
    for finding in report.findings:
        result: dict[str, Any] = {
            "ruleId": finding.rule.id,
            "ruleIndex": rule_index[finding.rule.id],
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _sarif_uri(finding.path)},
                        "region": {
                            "startLine": max(finding.line, 1),
                            "startColumn": max(finding.column, 1),
                        },
                    }
                }
            ],
            "partialFingerprints": {"ztgateFingerprint/v1": finding.fingerprint},
        }
        properties = dict(finding.properties)
        if finding.commit:
            properties["commit"] = finding.commit
        if properties:
            result["properties"] = properties
        results.append(result)
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
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": results,
                **({"properties": dict(report.extra)} if report.extra else {}),
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


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
}


def emit(
    report: Report, output_format: str, output: str | None, stream: TextIO | None = None
) -> None:
    """Write the report in the chosen format to ``output`` (a file) or to the stream."""
    rendered = RENDERERS[output_format](report)
    if output:
        try:
            Path(output).write_text(rendered, encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot write report: {error.strerror}", where=output) from error
        if output_format != "text":
            # People still get the short verdict on the terminal.
            (stream or sys.stdout).write(summary_line(report) + "\n")
        return
    (stream or sys.stdout).write(rendered)
