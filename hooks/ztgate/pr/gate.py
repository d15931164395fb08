"""`ztgate pr`: in CI, the pull request's description fills the template's security sections."""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ztgate import cli, gitio, trusted
from ztgate.errors import UserError
from ztgate.finding import Finding, Report, Severity, sorted_findings
from ztgate.policy import Policy
from ztgate.pr.check import RULES, check, skip_reason
from ztgate.pr.source import PullRequest, from_environment
from ztgate.report import emit
from ztgate.trusted import Trusted

TEMPLATE_PLACES = (
    ".github/PULL_REQUEST_TEMPLATE.md",
    ".github/pull_request_template.md",
    "docs/PULL_REQUEST_TEMPLATE.md",
    ".gitlab/merge_request_templates/Default.md",
)


def _template(source: Trusted, policy: Policy) -> str:
    """The template in force at the trusted side (the base in CI): a pull request cannot trim
    the template it is judged by."""
    for candidate in (policy.pr.template, *TEMPLATE_PLACES):
        text = source.read_text(candidate)
        if text is not None:
            return text
    from ztgate.shipped import template_text

    return template_text("PULL_REQUEST_TEMPLATE.md")


def _boundaries(root: Path, policy: Policy) -> set[str]:
    from ztgate.threat_model.gate import documents, read_document
    from ztgate.threat_model.model import BOUNDARIES
    from ztgate.threat_model.parse import parse

    names: set[str] = set()
    for path in documents(root, policy.threat_model, ()):
        text, _ = read_document(root / path)
        if text is not None:
            for row in parse(text, path).rows(BOUNDARIES):
                names.update(n.lower() for n in (row.get("id"), row.get("boundary")) if n)
    return names


def _changed(root: Path, pull: PullRequest) -> list[str] | None:
    if not (pull.base_sha and pull.head_sha):
        return None
    base = gitio.resolve_commit(root, pull.base_sha)
    head = gitio.resolve_commit(root, pull.head_sha)
    if base is None or head is None:
        return None
    process = gitio.run_git(
        root, ["diff", "--name-only", "-z", f"{base}...{head}", "--"], check=False
    )
    if process.returncode != 0:
        return None  # no merge base here: a shallow clone
    return [name for name in process.stdout.decode("utf-8", "replace").split("\0") if name]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate pr",
        description="Check the pull request's description against the PR template and the "
        "threat model. Reads GITHUB_EVENT_PATH (GitHub Actions), CI_MERGE_REQUEST_DESCRIPTION "
        "(GitLab CI) or --body-file.",
    )
    parser.add_argument("--body-file", metavar="FILE", help="the description (- for stdin)")
    parser.add_argument(
        "--base",
        metavar="COMMIT",
        help="read the policy and template at this commit (default in CI: the target branch)",
    )
    cli.add_report_arguments(parser)
    args = parser.parse_args(argv)
    return cli.guarded(lambda: _main(args), args.debug)


def _main(args: argparse.Namespace) -> int:
    root = gitio.find_root()
    source = trusted.for_gate(root, args.base)
    policy = source.policy(args.policy)
    pull = from_environment(os.environ, args.body_file)
    notes: list[str] = []
    problems = []
    if pull.author_is_bot or pull.author in policy.pr.exempt_authors:
        notes.append(f"skipped: {pull.author} is exempt (bot)")
    elif policy.pr.skip_label in pull.labels:
        # Only the label skips: the author writes the body, but on GitHub only people with
        # triage rights set labels. The body's `ztgate-skip:` line is the reason, if any.
        reason = skip_reason(pull.body)
        notes.append(
            f"skipped by the `{policy.pr.skip_label}` label (set by someone with triage rights "
            "on GitHub, the Reporter role on GitLab); "
            + (
                f"reason: {reason}"
                if reason
                else "no reason was recorded (write `ztgate-skip: <reason>` in the description)"
            )
        )
    else:
        changed = _changed(root, pull)
        globs = dict(policy.pr.components)
        if changed is None and globs:
            raise UserError(
                "the pull request's diff is not available (no base/head commit, or they or their "
                "merge base are not in this clone), so the changed components (pr.components) "
                "cannot be checked",
                fix="check out with `fetch-depth: 0` (actions/checkout), or fetch the base "
                "commit before running `ztgate pr`",
            )
        touched = sorted(
            {path for path in changed or () for pattern in globs if fnmatch.fnmatch(path, pattern)}
        )
        model_files = set(policy.threat_model.files)
        model_changed = any(
            fnmatch.fnmatch(path, pattern) for path in changed or () for pattern in model_files
        )
        problems = check(
            pull.body,
            _template(source, policy),
            _boundaries(root, policy),
            {c.lower() for c in policy.threat_model.data_classes},
            touched,
            model_changed,
            policy.pr.min_reason_length,
            policy.pr.required_sections,
            policy.pr.required_checkboxes,
        )
    findings = [
        Finding(
            rule=RULES[p.rule],
            path=pull.source,
            line=p.line,
            column=1,
            message=p.message,
            fingerprint=hashlib.sha256(f"{p.rule}\0{p.message}".encode()).hexdigest()[:32],
            severity=Severity.ERROR,
        )
        for p in problems
    ]
    report = Report(
        gate="pr",
        rules=tuple(RULES.values()),
        findings=sorted_findings(findings),
        scanned=1,
        scanned_noun="description(s)",
        notes=tuple(notes),
    )
    emit(report, args.format, args.output)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
