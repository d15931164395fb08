"""`ztgate pr`: in CI, the pull request's description fills the template's security sections."""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ztgate import gitio, runner, trusted
from ztgate.errors import UserError
from ztgate.finding import Report, placed, sorted_findings
from ztgate.masking import mask_secrets
from ztgate.policy import Policy
from ztgate.pr.check import RULES, Expectations, ModelView, Touched, check, skip_reason
from ztgate.pr.source import PullRequest, from_environment
from ztgate.report import emit
from ztgate.trusted import Trusted

if TYPE_CHECKING:
    from ztgate.threat_model.components import Places
    from ztgate.threat_model.model import ThreatModel

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


def _models(source: Trusted, patterns: Sequence[str]) -> list[ThreatModel]:
    """The threat-model documents of one side (base or head), parsed. One that cannot be read
    (binary, not UTF-8) names no boundary or component: the gate then asks for more, never less.
    """
    from ztgate.threat_model.parse import parse

    found = []
    for path in source.files_matching(tuple(patterns)):
        data = source.read_bytes(path)
        if data is None or b"\0" in data[:8192]:
            continue
        try:
            found.append(parse(data.decode("utf-8"), path))
        except UnicodeDecodeError:
            continue
    return found


def _boundary_names(models: Sequence[ThreatModel]) -> tuple[dict[str, str], dict[str, str]]:
    """(id or name lowercased -> id as written, id as written -> name)."""
    from ztgate.threat_model.model import BOUNDARIES

    lookup: dict[str, str] = {}
    names: dict[str, str] = {}
    for model in models:
        for row in model.rows(BOUNDARIES):
            identifier = row.get("id") or row.get("boundary")
            if not identifier:
                continue
            names.setdefault(identifier, row.get("boundary"))
            for name in (row.get("id"), row.get("boundary")):
                if name:
                    lookup.setdefault(name.lower(), identifier)
    return lookup, names


def _where_in_policy(source: Trusted, policy: Policy, glob: str) -> str:
    """`<sha12>:.ztgate.yaml:7`: the policy line that maps ``glob``, when it can be found."""
    where = policy.source or ".ztgate.yaml"
    path = where.split(":", 1)[1] if source.kind == trusted.COMMIT else where
    text = source.read_text(path) or ""
    line = next((n for n, raw in enumerate(text.split("\n"), 1) if glob in raw), 0)
    return f"{where}:{line}" if line else where


@dataclass(frozen=True)
class _Home:
    """Where one document of the model puts a component: its name as written there, and the
    boundaries that hold it (ids as written; a boundary without an id by its name)."""

    name: str
    boundaries: frozenset[str]


@dataclass
class _Changed:
    """A component the diff changes, as it is gathered over the `pr.components` globs."""

    name: str
    boundaries: set[str] = field(default_factory=set)
    paths: dict[str, None] = field(default_factory=dict)  # in order, without repeats


def _required_names(model: ThreatModel) -> dict[str, str]:
    """A boundary's id lowercased -> how a description names it: its id as written, or its
    name when it has no id (a boundary without an id is named, and required, by its name)."""
    from ztgate.threat_model.model import BOUNDARIES

    return {
        row.get("id").lower(): row.get("id") or row.get("boundary")
        for row in model.rows(BOUNDARIES)
    }


def _homes(name: str, placed: Sequence[tuple[Places, dict[str, str]]]) -> list[_Home]:
    """Where each document that knows the component ``name`` puts it."""
    homes = []
    for where, required in placed:
        key = where.key(name)
        if key is None:
            continue
        boundaries = frozenset(
            required[b] for b, members in where.inside.items() if key in members and required.get(b)
        )
        homes.append(_Home(where.written[key], boundaries))
    return homes


def _unknown_component(
    source: Trusted,
    policy: Policy,
    glob: str,
    name: str,
    models: Sequence[ThreatModel],
    placed: Sequence[Places],
) -> UserError:
    """The policy's error for a `pr.components` name no document of the model knows, with
    the closest name the model does know."""
    from ztgate.threat_model.model import COMPONENTS

    known = sorted(
        {n for where in placed for n in where.written.values()}
        | {row.get("id") for m in models for row in m.rows(COMPONENTS) if row.get("id")}
    )
    documents = ", ".join(model.path for model in models) or "no readable document"
    return UserError(
        f"pr.components maps `{mask_secrets(glob)}` to `{mask_secrets(name)}`, which "
        f"is not a component of the threat model at {source.label} ({documents})"
        + _did_you_mean(name, known),
        where=_where_in_policy(source, policy, glob),
        fix="name a component of the model (a Components table name or id, or a name "
        "in a boundary's Inside/Outside column); a pull request fixing this is judged "
        f"by this same policy, so it needs the `{policy.pr.skip_label}` label",
    )


def _did_you_mean(name: str, known: Sequence[str]) -> str:
    """`; did you mean `Payments worker`?`, the known name closest to ``name`` in any case."""
    close = difflib.get_close_matches(name.lower(), [k.lower() for k in known], n=1)
    hint = next((k for k in known if close and k.lower() == close[0]), None)
    return f"; did you mean `{hint}`?" if hint else ""


def _touched(
    source: Trusted, policy: Policy, models: Sequence[ThreatModel], changed: Sequence[str]
) -> tuple[Touched, ...]:
    """The components the diff changes, each with the boundaries the base's model puts it in.
    A `pr.components` name the model does not know is the policy's error (exit 2): without
    it the gate cannot say which boundaries a change must name."""
    from ztgate.threat_model.components import places

    placed = [(places(model), _required_names(model)) for model in models]
    found: dict[str, _Changed] = {}  # by the component's name, lowercased
    for glob, name in policy.pr.components:
        homes = _homes(name, placed)
        if not homes:
            raise _unknown_component(source, policy, glob, name, models, [w for w, _ in placed])
        paths = [path for path in changed if fnmatch.fnmatch(path, glob)]
        if not paths:
            continue
        entry = found.setdefault(homes[0].name.lower(), _Changed(homes[0].name))
        for home in homes:
            entry.boundaries.update(home.boundaries)
        entry.paths.update(dict.fromkeys(paths))
    return tuple(
        Touched(entry.name, tuple(sorted(entry.boundaries)), tuple(sorted(entry.paths)))
        for entry in found.values()
    )


def _diff(root: Path, pull: PullRequest, base: str | None) -> tuple[str, list[str]] | None:
    """(head sha, paths the pull request changes), or None when the diff is not here. With
    --body-file and --base, the change is --base...HEAD."""
    base_name, head_name = pull.base_sha, pull.head_sha
    if not (base_name or head_name) and base:
        base_name, head_name = base, "HEAD"
    if not (base_name and head_name):
        return None
    base_sha = gitio.resolve_commit(root, base_name)
    head_sha = gitio.resolve_commit(root, head_name)
    if base_sha is None or head_sha is None:
        return None
    process = gitio.run_git(
        root,
        ["diff", "--name-only", "--no-renames", "-z", f"{base_sha}...{head_sha}", "--"],
        check=False,
    )
    if process.returncode != 0:
        return None  # no merge base here: a shallow clone
    names = process.stdout.decode("utf-8", "replace").split("\0")
    return head_sha, [name for name in names if name]


def model_view(
    root: Path, source: Trusted, policy: Policy, diff: tuple[str, list[str]] | None
) -> ModelView:
    """The threat model as the base has it, and what the diff does to it and its components.

    The boundaries a changed component must name come from the base: a pull request that
    moves the component, drops it or drops the boundary in its own head is still judged by
    what was trusted before it. The head adds names only: a pull request that adds a
    boundary to the model (and links that change) may name it.
    """
    patterns = policy.threat_model.files
    models = _models(source, patterns)
    lookup, names = _boundary_names(models)
    if diff is None:
        documents = source.files_matching(patterns)
        return ModelView(lookup, names, (), tuple(documents), None)
    head_sha, changed = diff
    head = Trusted.at(root, head_sha)
    documents = source.files_matching_with(head, patterns)
    changed_set = set(changed)
    model_changed = tuple(d for d in documents if d in changed_set)
    if model_changed:
        head_lookup, head_names = _boundary_names(_models(head, patterns))
        lookup = {**head_lookup, **lookup}
        names = {**head_names, **names}
    touched = _touched(source, policy, models, changed)
    return ModelView(lookup, names, touched, tuple(documents), model_changed)


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
        help="read the policy, template and threat model at this commit (default in CI: the "
        "target branch); with --body-file, the change is COMMIT...HEAD",
    )
    runner.add_report_arguments(parser)
    args = parser.parse_args(argv)
    return runner.guarded(lambda: _main(args), args.debug)


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
        diff = _diff(root, pull, args.base)
        if diff is None and policy.pr.components:
            raise UserError(
                "the pull request's diff is not available (no base/head commit, or they or their "
                "merge base are not in this clone), so the changed components (pr.components) "
                "cannot be checked",
                fix="check out with `fetch-depth: 0` (actions/checkout), or fetch the base "
                "commit before running `ztgate pr` (with --body-file: pass --base)",
            )
        problems = check(
            pull.body,
            _template(source, policy),
            model_view(root, source, policy, diff),
            Expectations.from_policy(policy),
        )
    # The description's path (a file, stdin, the CI event) is not where the finding lives.
    findings = placed(
        problems, pull.source, RULES, levels=dict(policy.pr.severity), path_in_fingerprint=False
    )
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
