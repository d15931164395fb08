"""`ztgate threat-model`: lint the repo's threat model; `diagram`; `--gaps` for other formats."""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ztgate import gitio, runner, trusted
from ztgate.errors import UserError
from ztgate.finding import (
    Finding,
    Problem,
    Report,
    Rule,
    Severity,
    placed,
    sorted_findings,
)
from ztgate.policy import Policy
from ztgate.report import emit
from ztgate.threat_model import components, diagram, gaps, stride
from ztgate.threat_model.documents import documents, read_document, settings_from
from ztgate.threat_model.parse import parse
from ztgate.threat_model.rules import RULES, coverage_summary, evidence_paths, run_checks

GAP_RULES = {
    rule_id: Rule(
        rule_id,
        text.split(":")[0].capitalize(),
        text.split(":", 1)[-1].strip()
        if ":" in text
        else "write it in the ztgate format (templates/THREAT_MODEL.md)",
    )
    for rule_id, text in gaps.GAP_RULES.items()
}


def existing(root: Path, document: str, paths: set[str]) -> frozenset[str]:
    """The evidence paths that exist in the work tree (the revision being judged), from the
    repository root or the document's folder, and never outside the repository. A markdown
    file's `#anchor` must be one of its headings; `#L12` / `#L12-L30` lines it has."""
    top = root.resolve()
    found = set()
    for path in paths:
        name, _, anchor = path.partition("#")
        for base in (top, (top / document).parent):
            candidate = (base / name.lstrip("/")).resolve()
            if (
                candidate.is_relative_to(top)
                and candidate.exists()
                and (not anchor or _has_anchor(candidate, anchor))
            ):
                found.add(path)
                break
    return frozenset(found)


_LINES = re.compile(r"L(\d+)(?:-L(\d+))?")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
_HTML_ID = re.compile(r"""<a\s[^>]*?(?:name|id)=["']([^"']+)["']""", re.I)


def _has_anchor(path: Path, anchor: str) -> bool:
    """GitHub's anchors: a markdown heading's slug (or an `<a id>`), or a line range."""
    if not path.is_file():
        return False
    text, _ = read_document(path)
    if text is None:
        return False
    lines = _LINES.fullmatch(anchor)
    if lines:
        last = int(lines.group(2) or lines.group(1))
        return 1 <= int(lines.group(1)) <= last <= text.count("\n") + 1
    if path.suffix.lower() not in (".md", ".markdown"):
        return True  # no way to tell what anchors another format has
    slugs: set[str] = set(_HTML_ID.findall(text))
    for heading in _HEADING.findall(text):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        numbered, count = slug, 1
        while numbered in slugs:
            numbered, count = f"{slug}-{count}", count + 1
        slugs.add(numbered)
    return anchor.lower() in slugs or anchor in slugs


def lint(root: Path, policy: Policy, files: Sequence[str], use_gaps: bool) -> Report:
    settings = settings_from(policy.threat_model)
    levels = dict(policy.threat_model.severity)
    rules = {**RULES, **GAP_RULES}
    findings: list[Finding] = []
    coverage: dict[str, dict[str, int]] = {}
    inferences: list[str] = []
    paths = documents(root, policy.threat_model, files)
    if not paths:
        wanted = ", ".join(policy.threat_model.files)
        problem = Problem(
            "ZT201",
            1,
            f"no threat model found (policy files: {wanted}); start from templates/THREAT_MODEL.md",
        )
        findings.extend(placed([problem], policy.threat_model.files[0], rules, levels=levels))
    for path in paths:
        text, unreadable = read_document(root / path)
        if text is None:
            problems = [Problem("ZT221", 1, unreadable or "unreadable")]
        elif use_gaps:
            problems, coverage[path] = gaps.find_gaps(text, path)
        else:
            model = parse(text, path)
            judged = replace(settings, existing_paths=existing(root, path, evidence_paths(model)))
            # STRIDE per element (ZT238) runs beside the consistency rules: it is advice on
            # completeness, reported as warnings, with its own coverage figure.
            problems = [*run_checks(model, judged), *stride.element_checks(model)]
            coverage[path] = {**coverage_summary(model, judged), **stride.coverage_numbers(model)}
            inferred = components.inferred_note(model)
            if inferred:
                inferences.append(inferred)
        findings.extend(placed(problems, path, rules, levels=levels))
    notes = (
        *(_coverage_note(path, numbers, use_gaps) for path, numbers in coverage.items()),
        *inferences,
    )
    if not policy.threat_model.enforce:
        findings, notes = _as_draft(findings, notes)
    return Report(
        gate="threat-model --gaps" if use_gaps else "threat-model",
        rules=tuple(rules.values()),
        findings=sorted_findings(findings),
        scanned=len(paths),
        scanned_noun="document(s)",
        notes=notes,
        extra={"coverage": coverage},
    )


def _as_draft(
    findings: list[Finding], notes: tuple[str, ...]
) -> tuple[list[Finding], tuple[str, ...]]:
    """A draft model (threat_model.enforce: false) reports what is left to fill as warnings:
    visible on every run, blocking nothing until the team switches enforcement on."""
    left = sum(1 for f in findings if f.severity == Severity.ERROR)
    draft_note = (
        f"DRAFT: {left} finding(s) left to fill before this model can be enforced; they do "
        "not block while `threat_model.enforce: false` (set it to true in .ztgate.yaml)"
    )
    demoted = [replace(f, severity=Severity.WARNING) for f in findings]
    return demoted, (draft_note, *notes)


def _coverage_note(path: str, numbers: dict[str, int], use_gaps: bool) -> str:
    if use_gaps:
        return (
            f"{path}: {numbers['threats']} threat(s), {numbers['with_control']} with a "
            f"control; {numbers['acceptances']} acceptance(s)"
        )
    return (
        f"coverage {path}: {numbers['threats']} threat(s): {numbers['mitigated']} mitigated, "
        f"{numbers['accepted']} accepted, {numbers['transferred']} transferred, "
        f"{numbers['not_applicable']} not applicable, {numbers['open']} open; "
        f"{numbers['crossing_flows_covered']}/{numbers['boundary_crossing_flows']} "
        f"boundary-crossing flows and {numbers['entry_points_covered']}/"
        f"{numbers['entry_points']} entry points targeted by a threat"
        + (
            f"; STRIDE coverage {numbers['stride_covered']}/"
            f"{numbers['stride_element_categories']} element-categories"
            if "stride_element_categories" in numbers
            else ""
        )
    )


def diagram_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate threat-model diagram",
        description="Print a Mermaid flowchart of a threat model (GitHub renders it).",
    )
    parser.add_argument("file")
    parser.add_argument(
        "--write",
        action="store_true",
        help="put it into the document between ztgate:diagram markers",
    )
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)

    def run() -> int:
        path = Path(args.file)
        text, unreadable = read_document(path)
        if text is None:
            raise UserError(unreadable or "unreadable", where=args.file)
        chart = diagram.mermaid(parse(text, args.file))
        if not args.write:
            sys.stdout.write(chart)
            return 0
        updated = diagram.with_diagram(text, chart)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            print(f"{args.file}: diagram written")
        else:
            print(f"{args.file}: diagram already up to date")
        return 0

    return runner.guarded(run, args.debug)


# `ztgate threat-model NAME ...`: each subcommand is a module with its own `main(argv)`.
SUBCOMMANDS: dict[str, str] = {
    "diagram": "ztgate.threat_model.gate",  # diagram_main, below
    "suggest": "ztgate.threat_model.suggest",
    "diff": "ztgate.threat_model.diff",
    "export": "ztgate.threat_model.export",
    "convert": "ztgate.threat_model.convert",
}


def subcommand(name: str) -> Callable[[Sequence[str]], int]:
    if name == "diagram":
        return diagram_main
    main_of: Callable[[Sequence[str]], int] = importlib.import_module(SUBCOMMANDS[name]).main
    return main_of


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] and arguments[0] in SUBCOMMANDS:
        return subcommand(arguments[0])(arguments[1:])
    parser = argparse.ArgumentParser(
        prog="ztgate threat-model",
        description="Check that the threat model states boundaries, data classes, flows, attack "
        "surface, threats and controls, and that zero-trust rules hold. "
        "Subcommands: diagram FILE [--write], suggest FILE, diff BASE..HEAD, export FILE, "
        "convert THREAGILE.yaml.",
    )
    parser.add_argument("files", nargs="*", help="documents (default: the policy's files)")
    parser.add_argument(
        "--gaps",
        action="store_true",
        help="read a document in another convention and report what it lacks",
    )
    parser.add_argument(
        "--base",
        metavar="COMMIT",
        help="read the policy at this commit (default in CI: the target branch's tip)",
    )
    runner.add_report_arguments(parser)
    args = parser.parse_args(arguments)

    def run() -> int:
        root = gitio.find_root()
        # The documents are the change's own; what judges them (files, classes, severities)
        # is the policy trusted before it.
        policy = trusted.for_gate(root, args.base).policy(args.policy)
        report = lint(root, policy, args.files, args.gaps)
        emit(report, args.format, args.output)
        return report.exit_code

    return runner.guarded(run, args.debug)


if __name__ == "__main__":
    sys.exit(main())
