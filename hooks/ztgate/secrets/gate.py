"""`ztgate secrets`: block credentials in staged files, in the repo, and in outgoing commits."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ztgate import gitio, runner, trusted
from ztgate.errors import UserError
from ztgate.finding import Finding, Report, Rule, Severity, fingerprint, sorted_findings
from ztgate.policy import Policy
from ztgate.progress import Progress
from ztgate.report import emit, render_gitlab, write_report
from ztgate.revisions import commits_in, push_endpoints, push_revisions, range_revisions
from ztgate.secrets import filters, gitleaks
from ztgate.secrets.baseline import (
    Baseline,
    BaselineEntry,
    parse_baseline,
    still_found_by_detect_secrets,
    updated_document,
    write_baseline,
)
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.engine import context_only_ids
from ztgate.secrets.scan import (
    SECRET_FILE,
    DroppedHit,
    Hit,
    ScanResult,
    Unscanned,
    scan_files,
    scan_history,
)
from ztgate.trusted import Trusted

CREDENTIAL = Rule(
    "ZT101",
    "Credential in file",
    "remove it and rotate it; for a false positive add `# pragma: allowlist secret` or run "
    "`ztgate secrets --update-baseline` and stage the baseline (`git add .secrets.baseline`)",
)
SECRET_FILE_RULE = Rule(
    "ZT102",
    "Secret file in the repository",
    "`git rm --cached <file>`, add it to .gitignore and rotate what it holds",
)
OUTGOING = Rule(
    "ZT103",
    "Credential in an outgoing commit",
    "rewrite the commit that adds it (`git rebase -i <base>`), rotate the credential, push again",
)
UNSCANNED = Rule(
    "ZT104",
    "File could not be scanned",
    "make it readable (permissions, missing git objects: fetch them) and run again; to accept "
    "it, set `ZT104: warning` in the policy's `secrets.severity`",
    # Not a credential found, one that could not be looked for: ranked below a leak.
    security_severity="5.0",
)
RULES = (CREDENTIAL, SECRET_FILE_RULE, OUTGOING, UNSCANNED)

# Each detector's default severity is its record's (a Google API key warns: Google documents
# browser keys as public by design); the policy may change it per detector.
_DEFAULT_SEVERITY = {d.id: d.severity for d in ALL_DETECTORS}
_CONTEXT_ONLY = context_only_ids(ALL_DETECTORS)


def _rule_of(hit: Hit) -> Rule:
    return SECRET_FILE_RULE if hit.kind == SECRET_FILE else OUTGOING if hit.commit else CREDENTIAL


def _finding(hit: Hit) -> Finding:
    rule = _rule_of(hit)
    if hit.kind == SECRET_FILE:
        message = f"{hit.masked} committed: files like this hold credentials"
    else:
        message = f"{hit.secret_type} {hit.masked} [hashed_secret {hit.hashed_secret}]"
        if hit.commit:
            message += f" added by commit {hit.commit[:12]}"
        if hit.allowed_inline:
            message += " (allowed by an inline comment the change adds: review it)"
        if hit.lowered:
            message += f" ({hit.lowered}: shown, not blocking)"
    identity = f"{hit.path}\0{hit.hashed_secret}\0{hit.secret_type}"
    return Finding(
        rule=rule,
        path=hit.path,
        line=hit.line,
        column=hit.column,
        message=message,
        fingerprint=fingerprint(identity),
        severity=Severity(hit.severity),
        commit=hit.commit,
        properties={
            "secret_type": hit.secret_type,
            "hashed_secret": hit.hashed_secret,
            "masked_secret": hit.masked,
            "detector": hit.detector_id,
            **({"lowered": hit.lowered} if hit.lowered else {}),
        },
    )


def most_specific(hits: list[Hit]) -> list[Hit]:
    """One secret at one place, found by several detectors, is reported once: under its
    vendor-specific kinds when it has any, else under every generic kind. The engine already
    merged overlapping matches on a line (``engine.merge_overlapping``); this joins what is
    left, the same secret seen by two pieces of a large file. A dropped hit's identities go
    to the kept one's ``merged``, so the baseline still accepts it under them."""
    from dataclasses import replace
    from itertools import groupby

    def place(hit: Hit) -> tuple[str, str, int, str]:
        return (hit.commit or "", hit.path, hit.line, hit.hashed_secret)

    kept: list[Hit] = []
    for _, group in groupby(sorted(hits, key=place), key=place):
        same = list(group)
        specific = [h for h in same if h.detector_id not in _CONTEXT_ONLY] or same
        dropped = tuple(
            pair
            for h in same
            if h not in specific
            for pair in ((h.hashed_secret, h.secret_type), *h.merged)
        )
        kept.extend(replace(h, merged=h.merged + dropped) if dropped else h for h in specific)
    return kept


def without_ignored(
    hits: list[Hit], entries: frozenset[gitleaks.Fingerprint]
) -> tuple[list[Hit], int]:
    """The credential hits no `.gitleaksignore` entry covers, and how many it covers."""
    kept = [
        h
        for h in hits
        if h.kind == SECRET_FILE or not gitleaks.ignores(entries, h.path, h.line, h.commit)
    ]
    return kept, len(hits) - len(kept)


def gitleaks_ignore_from(source: Trusted) -> frozenset[gitleaks.Fingerprint]:
    """The `.gitleaksignore` in force at ``source``: a policy file, read at the trusted side
    like the baseline, so a change cannot ignore its own findings."""
    text = source.read_text(gitleaks.IGNORE_FILE)
    return gitleaks.parse_ignore(text) if text is not None else frozenset()


def fixture_reason(hit: Hit) -> str | None:
    """Test data is full of keys made for the tests: in a test fixture path a finding whose
    format names no vendor (a key name, entropy, a private key, a password in a URL) warns
    instead of blocking. It is still shown; a vendor's token there still blocks."""
    if hit.kind == SECRET_FILE:
        return None
    return filters.fixture_path(hit.path) if filters.lowered_in_fixtures(hit.detector_id) else None


def with_severity(hits: list[Hit], policy: Policy) -> list[Hit]:
    """Each hit at the severity the policy gives its detector; `off` drops it."""
    from dataclasses import replace

    leveled = []
    for hit in hits:
        default = _DEFAULT_SEVERITY.get(hit.detector_id, "error")
        lowered = fixture_reason(hit) if default == "error" else None
        if lowered:
            default = "warning"
        level = policy.secrets.severity_of(hit.detector_id, hit.secret_type, default)
        if lowered and level == "warning":
            hit = replace(hit, lowered=lowered)
        if level == "error" and hit.allowed_inline:
            level = "warning"  # allowed by the change's own comment: visible, not blocking
        if level != "off":
            leveled.append(replace(hit, severity=level))
    return leveled


def unscanned_findings(unreadable: list[Unscanned], policy: Policy) -> list[Finding]:
    """Content that could not be read blocks like a secret would (ZT104), at the severity
    the policy gives the rule id; `off` drops it."""
    level = policy.secrets.severity_of(UNSCANNED.id, UNSCANNED.title, UNSCANNED.severity.value)
    if level == "off":
        return []
    findings = []
    for item in unreadable:
        message = f"{UNSCANNED.title}: {item.reason}"
        if item.commit:
            message += f" in commit {item.commit[:12]}"
        identity = f"{item.commit or ''}\0{item.path}\0{item.reason}"
        findings.append(
            Finding(
                rule=UNSCANNED,
                path=item.path,
                line=1,
                column=1,
                message=message,
                fingerprint=fingerprint(identity),
                severity=Severity(level),
                commit=item.commit,
                properties={"reason": item.reason},
            )
        )
    return findings


def _notes(result: ScanResult, baselined: int) -> tuple[str, ...]:
    """What the summary adds; each rule's fix is the reporter's, printed once per rule."""
    notes = []
    for reason, paths in sorted(result.skipped.items()):
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        notes.append(f"skipped {len(paths)} file(s), {reason}: {shown}")
    if baselined:
        notes.append(f"{baselined} known secret(s) in the baseline not reported")
    return tuple(notes)


def _allowed_notes(result: ScanResult, ignored: int, source: Trusted) -> tuple[str, ...]:
    """What inline comments and `.gitleaksignore` let through: counted, never silent."""
    notes = []
    if result.allowed_inline:
        notes.append(f"{result.allowed_inline} finding(s) allowed by inline comments")
    if ignored:
        where = source.where(gitleaks.IGNORE_FILE)
        notes.append(f"{ignored} finding(s) ignored by {where}")
    return tuple(notes)


def trusted_side(args: argparse.Namespace, root: Path) -> Trusted:
    """Where the policy and baseline come from: for commits being judged (--range, --push),
    the base of the range or what the remote already has; for files, the work tree on a
    laptop and the target branch's tip in CI."""
    if args.base and (args.range or args.push or args.update_baseline):
        raise UserError("--base goes with file scans; a range or a push has its own base")
    if args.range:
        return trusted.for_range(root, args.range)
    if args.push:
        remote = args.remote or os.environ.get("PRE_COMMIT_REMOTE_NAME") or None
        endpoints = push_endpoints(root, remote)
        if endpoints is None:
            return Trusted.nothing(root)
        return trusted.for_push(root, endpoints[0], endpoints[1], remote)
    if args.update_baseline:
        return Trusted.work_tree(root)
    return trusted.for_gate(root, args.base)  # in CI: the target branch's tip


def baseline_from(source: Trusted, policy: Policy, explicit: str | None) -> Baseline | None:
    """The baseline in force at ``source``; an explicitly named one must exist."""
    name = explicit or policy.secrets.baseline
    text = source.read_text(name)
    if text is None:
        if explicit:
            raise UserError(
                f"baseline file not found in {source.label}",
                where=source.where(name),
                fix="create it with `ztgate secrets --update-baseline --baseline FILE`",
            )
        return None
    return parse_baseline(text, source.where(name))


def scan_commits(
    root: Path, commits: list[str], policy: Policy, explain: bool = False
) -> ScanResult:
    """The lines ``commits`` add, scanned with the policy trusted before them."""
    result = ScanResult()
    if commits:
        with Progress("ztgate secrets", len(commits), "commit(s)") as progress:
            result = scan_history(root, commits, policy.secrets, progress, explain)
    result.commits.update(commits)
    return result


def run(args: argparse.Namespace, policy: Policy, root: Path) -> tuple[ScanResult, str]:
    """Scan what the arguments ask for; returns the result and what was scanned (a noun)."""
    explain = bool(getattr(args, "explain", False))
    if args.push or args.range:
        commits = _commits_asked(args, root)
        scanned = scan_commits(root, commits, policy, explain)
        return scanned, f"changed file(s) in {len(commits)} commit(s)"
    baseline_path = policy.secrets.baseline
    filenames = _files_asked(args, root)
    paths = [p for p in filenames if os.path.normpath(p) != os.path.normpath(baseline_path)]
    with Progress("ztgate secrets", len(paths), "file(s)") as progress:
        return scan_files(paths, policy.secrets, root, progress, explain), "file(s)"


def _commits_asked(args: argparse.Namespace, root: Path) -> list[str]:
    """The commits `--range` or `--push` names, oldest first."""
    if args.range:
        revisions: list[str] | None = range_revisions(root, args.range)
    else:
        revisions = push_revisions(root, args.remote)
    return commits_in(root, revisions) if revisions else []


def _files_asked(args: argparse.Namespace, root: Path) -> list[str]:
    """Every tracked file (`--all-files`, `--update-baseline`), else the names given, each of
    which must exist or be a tracked file deleted in the work tree."""
    filenames: list[str] = args.filenames
    if args.all_files or args.update_baseline:
        return gitio.tracked_files(root)
    if not filenames:
        raise UserError(
            "no files to scan",
            fix="pass file names, or `--all-files` for every tracked file, or `--push`/"
            "`--range BASE..HEAD` for commits",
        )
    # A tracked file deleted in the work tree has nothing to scan; a name git does not
    # know is a mistake (a typo scans nothing and would pass).
    missing = [name for name in filenames if not os.path.lexists(root / name)]
    if missing:
        tracked = set(gitio.tracked_files(root))
        missing = [name for name in missing if os.path.normpath(name) not in tracked]
    if missing:
        shown = ", ".join(missing[:3]) + (
            f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        )
        raise UserError(
            f"no such file: {shown}",
            fix="name files that exist (paths from the repository's top)",
        )
    return filenames


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate secrets",
        description="Find credentials in files (default: the given names), in every tracked "
        "file (--all-files), or in the lines outgoing commits add (--push, --range).",
    )
    parser.add_argument("filenames", nargs="*", help="files to scan (pre-commit passes them)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--all-files", action="store_true", help="scan every tracked file")
    mode.add_argument(
        "--push",
        action="store_true",
        help="scan the commits a push sends (reads pre-commit's PRE_COMMIT_* variables)",
    )
    mode.add_argument("--range", metavar="BASE..HEAD", help="scan the commits in a range")
    mode.add_argument(
        "--update-baseline",
        action="store_true",
        help="write the baseline with every secret now in tracked files",
    )
    mode.add_argument(
        "--list-detectors",
        action="store_true",
        help="list every detector (id, type, category, severity, keywords, docs; with "
        "--format json also its examples) and exit",
    )
    parser.add_argument("--remote", help="with --push: the remote pushed to")
    parser.add_argument("--baseline", metavar="FILE", help="baseline file (default from policy)")
    parser.add_argument(
        "--base",
        metavar="COMMIT",
        help="read the policy and baseline at this commit (default: the range's base, what "
        "the remote has, in CI the target branch's tip; else the work tree)",
    )
    parser.add_argument(
        "--gitlab-report",
        metavar="FILE",
        help="also write GitLab's secret-detection report (gl-secret-detection-report.json)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also list every candidate a filter dropped: path:line, detector, masked value, "
        "the filter's name and why (to report a credential a filter should not have dropped)",
    )
    runner.add_report_arguments(parser)
    args = parser.parse_args(argv)
    if args.list_detectors:
        if args.filenames:
            parser.error("--list-detectors takes no file names")
        return runner.guarded(lambda: list_detectors(args.format, args.output), args.debug)
    return runner.guarded(lambda: _main(args), args.debug)


def list_detectors(output_format: str, output: str | None) -> int:
    """`--list-detectors`: our detectors' records, then the detect-secrets plugins we run."""
    from ztgate.secrets import ds_bridge, listing

    render = listing.RENDERERS.get(output_format)
    if render is None:
        raise UserError(
            f"--list-detectors prints text or json, not {output_format}",
            fix="use `--format text` or `--format json`",
        )
    plugins = listing.detect_secrets_plugins(ds_bridge.plugin_names())
    rendered = render(listing.listing(ALL_DETECTORS, plugins))
    if output:
        write_report(output, rendered)
    else:
        sys.stdout.write(rendered)
    return runner.EXIT_CLEAN


def _main(args: argparse.Namespace) -> int:
    started = time.time()
    root = gitio.find_root()
    source = trusted_side(args, root)
    policy = _policy_from(source, args)
    baseline = baseline_from(source, policy, args.baseline if not args.update_baseline else None)
    result, noun = run(args, policy, root)
    if args.update_baseline:
        return _update_baseline(root, policy.secrets.baseline, baseline, result)
    report = _report(args, policy, source, baseline, result, noun, started)
    _deliver(args, report, result)
    return report.exit_code


def _policy_from(source: Trusted, args: argparse.Namespace) -> Policy:
    """The policy in force at ``source``, with the baseline `--baseline` names if any."""
    policy = source.policy(args.policy)
    if not args.baseline:
        return policy
    from dataclasses import replace

    return replace(policy, secrets=replace(policy.secrets, baseline=args.baseline))


def _update_baseline(
    root: Path, baseline_display: str, baseline: Baseline | None, result: ScanResult
) -> int:
    """`--update-baseline`: write every secret now in tracked files, say what changed."""
    # Also the identities merged into a hit: detect-secrets' own hook still reports them.
    current = [
        BaselineEntry(path, hashed, kind, h.line)
        for h in result.hits
        for path, hashed, kind in h.identities
    ]
    kept = still_found_by_detect_secrets(root, baseline) if baseline else set()
    document = updated_document(baseline, current, kept)
    if document is None:
        print(f"{baseline_display}: unchanged ({len(current)} secret(s), none new or gone)")
        return runner.EXIT_CLEAN
    write_baseline(root / baseline_display, document)
    before = baseline.identities if baseline else frozenset()
    after = {e.identity for e in current} | kept
    print(
        f"{baseline_display}: written: {len(after - before)} added, "
        f"{len(before - after)} removed, {len(after)} in all; stage it with "
        f"`git add -- {baseline_display}` so the next commit carries it"
    )
    return runner.EXIT_CLEAN


def _report(
    args: argparse.Namespace,
    policy: Policy,
    source: Trusted,
    baseline: Baseline | None,
    result: ScanResult,
    noun: str,
    started: float,
) -> Report:
    """The hits left once the baseline and `.gitleaksignore` (both at ``source``) had their
    say, each at the policy's severity, with the unscanned content and the summary notes."""
    known = baseline.identities if baseline else frozenset()
    found = most_specific(result.hits)
    in_baseline = [h for h in found if known.intersection(h.identities)]
    found, ignored = without_ignored(
        [h for h in found if not known.intersection(h.identities)], gitleaks_ignore_from(source)
    )
    reported = with_severity(found, policy)
    return Report(
        gate="secrets",
        rules=RULES,
        findings=sorted_findings(
            [*(_finding(h) for h in reported), *unscanned_findings(result.unreadable, policy)]
        ),
        scanned=result.scanned,
        scanned_noun=noun,
        notes=_notes(result, len(in_baseline)) + _allowed_notes(result, ignored, source),
        # Files and commits are two analyses for code scanning: each keeps its own alerts.
        category="secrets-history" if args.range or args.push else "secrets",
        started=started,
    )


def _deliver(args: argparse.Namespace, report: Report, result: ScanResult) -> None:
    """The report where the arguments send it (and GitLab's), then `--explain`'s list."""
    if args.gitlab_report:
        write_report(args.gitlab_report, render_gitlab(report))
    emit(report, args.format, args.output)
    if args.explain:
        explain_dropped(result.dropped, to_stderr=args.format != "text" or bool(args.output))


def explain_dropped(dropped: list[DroppedHit], *, to_stderr: bool) -> None:
    """`--explain`: each dropped candidate, masked, with the filter that dropped it."""
    from ztgate.masking import mask_secrets

    out = sys.stderr if to_stderr else sys.stdout
    print(f"explain: {len(dropped)} candidate(s) dropped by filters", file=out)
    for gone in sorted(dropped, key=lambda d: (d.commit or "", d.path, d.line, d.column)):
        where = f"{gone.path}:{gone.line}"
        if gone.commit:
            where += f" (commit {gone.commit[:12]})"
        # The reason may quote a key name from the file: masked like any quoted input.
        line = f"  {where}: {gone.detector_id} {gone.masked} dropped by `{gone.filter}`"
        print(mask_secrets(f"{line} ({gone.reason})"), file=out)


if __name__ == "__main__":
    sys.exit(main())
