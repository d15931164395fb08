"""Which commits a push or a range holds: shared by every gate that judges commits."""

from __future__ import annotations

import os
from pathlib import Path

from ztgate import gitio
from ztgate.errors import UserError


def push_revisions(root: Path, remote: str | None) -> list[str] | None:
    """What a push sends, from pre-commit's variables or, without them, what no remote has."""
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF") or ""
    to_ref = os.environ.get("PRE_COMMIT_TO_REF") or ""
    remote = remote or os.environ.get("PRE_COMMIT_REMOTE_NAME") or None
    tip_name = to_ref or os.environ.get("PRE_COMMIT_LOCAL_BRANCH") or "HEAD"
    if gitio.ZERO_SHA.match(tip_name):
        return []  # deleting a branch sends no commits
    tip = gitio.resolve_commit(root, tip_name)
    if tip is None:
        if not to_ref and gitio.resolve_commit(root, "HEAD") is None:
            return None  # an empty repository: nothing to push
        raise UserError(
            f"cannot resolve the pushed commit `{tip_name}`",
            fix="fetch it or push from a complete clone",
        )
    if from_ref and not gitio.ZERO_SHA.match(from_ref):
        base = gitio.resolve_commit(root, from_ref)
        if base is None:
            raise UserError(
                f"the push's base commit {from_ref[:12]} is not in this clone",
                fix="fetch it (`git fetch --unshallow`) and push again",
            )
        return [tip, f"^{base}"]
    return [tip, "--not", f"--remotes={remote}" if remote else "--remotes"]


def commit_in_clone(root: Path, name: str) -> str:
    sha = gitio.resolve_commit(root, name)
    if sha is None:
        raise UserError(
            f"`{name}` is not a commit in this clone",
            fix="fetch full history (`git fetch --unshallow`, or `fetch-depth: 0` in CI)",
        )
    return sha


def range_revisions(root: Path, spec: str) -> list[str]:
    symmetric = "..." in spec
    base_name, _, head_name = spec.partition("..." if symmetric else "..")
    if not base_name or not head_name:
        raise UserError(f"--range needs BASE..HEAD, got `{spec}`")
    base, head = commit_in_clone(root, base_name), commit_in_clone(root, head_name)
    if symmetric:
        base = (
            gitio.run_git(root, ["merge-base", "--end-of-options", base, head])
            .stdout.decode()
            .strip()
        )
    return [head, f"^{base}"]


def commits_in(root: Path, revisions: list[str]) -> list[str]:
    commits = gitio.rev_list(root, revisions)
    boundaries = gitio.shallow_boundaries(root)
    if boundaries.intersection(commits):
        raise UserError(
            "this clone is shallow and the commits to scan reach its boundary, so some would be "
            "missed",
            fix="fetch full history: `git fetch --unshallow` (CI: `fetch-depth: 0`)",
        )
    return commits
