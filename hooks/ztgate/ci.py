"""`ztgate ci`: in CI, run every gate a laptop should have run, configured as the hooks are."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ztgate import gitio, runner, trusted
from ztgate.errors import UserError
from ztgate.registry import BY_ID, HOOKS
from ztgate.revisions import ci_range
from ztgate.trusted import Trusted

# Hook id -> (gate module, the arguments of its CI form), from the one registry of hooks.
CI_FORMS: dict[str, tuple[str, tuple[str, ...]]] = {
    hook.id: (hook.module, hook.ci_args) for hook in HOOKS
}
NEEDS_RANGE = {hook.id for hook in HOOKS if hook.needs_range}


def enabled_hooks(source: Trusted) -> list[tuple[str, list[str]]]:
    """The ztgate hooks `.pre-commit-config.yaml` enables, with their `args`, in its order;
    every gate when the repo has no pre-commit config. Read at the trusted side (the target
    branch in CI), so a change cannot switch off the gates that judge it."""
    name = ".pre-commit-config.yaml"
    text = source.read_text(name)
    if text is None:
        return [(hook_id, []) for hook_id in CI_FORMS]
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        document = YAML(typ="safe").load(text)
    except YAMLError as error:
        raise UserError(f"malformed YAML: {error}", where=source.where(name)) from error
    if not isinstance(document, dict):
        raise UserError("not a pre-commit config (a mapping with `repos`)", where=name)
    hooks: list[tuple[str, list[str]]] = []
    for repo in document.get("repos") or []:
        for hook in repo.get("hooks") or [] if isinstance(repo, dict) else []:
            hook_id = str(hook.get("id", "")) if isinstance(hook, dict) else ""
            if hook_id in CI_FORMS and all(h != hook_id for h, _ in hooks):
                hooks.append((hook_id, [str(a) for a in hook.get("args") or []]))
    return hooks


SKIPPED = -1  # a gate that has nothing to judge here (the PR gate on a push event)


def _is_change_request(environ: dict[str, str]) -> bool:
    """A pull request or merge request, or no known CI at all (a local run: the PR gate then
    says itself what it lacks)."""
    from ztgate.providers import provider_for

    provider = provider_for(environ)
    return provider is None or provider.is_change_request(environ)


def _trusted(root: Path, spec: str | None) -> Trusted:
    """The target's tip from the CI's environment, else the --range's base; in CI with
    neither, an error: the work tree is the change itself."""
    found = trusted.for_ci(root, dict(os.environ)) if trusted.in_ci() else None
    if found is not None:
        return found
    if spec:
        return trusted.for_range(root, spec)
    if trusted.in_ci():
        raise trusted.no_trusted_side()
    return Trusted.work_tree(root)


def _write_gitlab_report(target: Path, parts: list[Path], failed: bool) -> None:
    """One GitLab report from the secrets runs' parts; an empty one when none ran, so the
    job's `artifacts: reports: secret_detection` always finds its file. A secrets run that
    could not finish makes the scan's status `failure`: its empty list proves nothing."""
    from ztgate.finding import Report
    from ztgate.report import merge_gitlab, render_gitlab, write_report

    written = [part for part in parts if part.exists()]
    documents = [part.read_text(encoding="utf-8") for part in written]
    documents = documents or [render_gitlab(Report("secrets", (), ()))]
    write_report(str(target), merge_gitlab(documents, failed))
    for part in written:
        part.unlink()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate ci",
        description="Run, in CI, the ztgate gates the repo's .pre-commit-config.yaml enables: "
        "secrets over the change and all files, the threat model, signed commits over the "
        "change, and the PR description. Exit 1 if any gate fails, 2 if any cannot run.",
    )
    parser.add_argument("--range", metavar="BASE..HEAD", help="default: from the CI environment")
    parser.add_argument("--sarif-dir", metavar="DIR", help="also write each gate's SARIF there")
    parser.add_argument(
        "--gitlab-report",
        metavar="FILE",
        help="also write the secrets gates' findings as GitLab's secret-detection report "
        "(gl-secret-detection-report.json)",
    )
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    return runner.guarded(lambda: _run(args), args.debug)


def _run(args: argparse.Namespace) -> int:
    root = gitio.find_root()
    spec = args.range or ci_range(dict(os.environ), root)
    source = _trusted(root, spec)
    print(f"ztgate ci: gates and policy from {source.label}", flush=True)
    hooks = enabled_hooks(source)
    if not hooks:
        raise UserError(
            f".pre-commit-config.yaml at {source.label} enables no ztgate hook, so nothing "
            "would be checked",
            fix="add ztgate's hooks (`ztgate init`), or remove this CI job",
        )
    gitlab_parts: list[Path] = []
    results = [
        (hook_id, _run_hook(hook_id, hook_args, spec, args, gitlab_parts))
        for hook_id, hook_args in hooks
    ]
    if args.gitlab_report:
        secrets_hooks = {h for h in CI_FORMS if BY_ID[h].command == "secrets"}
        failed = any(code == runner.EXIT_ERROR for h, code in results if h in secrets_hooks)
        _write_gitlab_report(Path(args.gitlab_report), gitlab_parts, failed)
    if spec and any(hook_id == "ztgate-threat-model" for hook_id, _ in hooks):
        from ztgate.threat_model import diff

        print(f"\n== threat-model diff {spec} (a report for the reviewer, not a gate)", flush=True)
        diff.main([spec])
    return _summary(results)


def _run_hook(
    hook_id: str,
    hook_args: list[str],
    spec: str | None,
    args: argparse.Namespace,
    gitlab_parts: list[Path],
) -> int:
    """Run one enabled hook's gate in its CI form; its exit code (or SKIPPED)."""
    module_name, form = CI_FORMS[hook_id]
    if hook_id == "ztgate-pr" and not _is_change_request(dict(os.environ)):
        print(f"\n== {hook_id}: not a pull or merge request event: no description to check")
        return SKIPPED
    if hook_id in NEEDS_RANGE and not spec:
        print(
            f"ztgate ci: {hook_id}: no change range in this environment; pass --range",
            file=sys.stderr,
        )
        return runner.EXIT_ERROR
    gate_args = [a.replace("{range}", spec or "") for a in form] + hook_args
    gate_args += _report_arguments(hook_id, args, gitlab_parts)
    command = BY_ID[hook_id].command
    print(f"\n== {hook_id}: ztgate {command} {' '.join(gate_args)}", flush=True)
    gate_main: Callable[[Sequence[str]], int] = importlib.import_module(module_name).main
    return gate_main(gate_args)


def _report_arguments(
    hook_id: str, args: argparse.Namespace, gitlab_parts: list[Path]
) -> list[str]:
    """SARIF per hook, and the secrets gates' parts of the one GitLab report."""
    extra: list[str] = []
    if args.sarif_dir:
        Path(args.sarif_dir).mkdir(parents=True, exist_ok=True)
        extra += ["--format", "sarif", "--output", str(Path(args.sarif_dir) / f"{hook_id}.sarif")]
    if args.gitlab_report and BY_ID[hook_id].command == "secrets":
        # Files and commits are scanned by two runs; their reports become one file.
        part = Path(f"{args.gitlab_report}.{hook_id}.part")
        part.unlink(missing_ok=True)
        gitlab_parts.append(part)
        extra += ["--gitlab-report", str(part)]
    return extra


def _summary(results: list[tuple[str, int]]) -> int:
    """One line per gate, and the run's exit code: an error wins, then findings."""
    verdicts = {0: "passed", 1: "FAILED", 2: "ERROR", SKIPPED: "skipped (no pull request)"}
    width = max((len(h) for h, _ in results), default=4)
    print(f"\n{'gate':<{width}}  result")
    for hook_id, code in results:
        print(f"{hook_id:<{width}}  {verdicts.get(code, 'ERROR')}")
    codes = {code for _, code in results if code != SKIPPED}
    if runner.EXIT_ERROR in codes:
        return runner.EXIT_ERROR
    return runner.EXIT_FINDINGS if runner.EXIT_FINDINGS in codes else runner.EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
