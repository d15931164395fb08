"""Which commits a push or a range holds: shared by every gate that judges commits."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ztgate import gitio
from ztgate.errors import UserError


def push_endpoints(root: Path, remote: str | None) -> tuple[str, str | None] | None:
    """(pushed tip, the remote's commit for that ref or None) from pre-commit's variables or,
    without them, HEAD; None when nothing is pushed (a deletion, an empty repository)."""
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF") or ""
    to_ref = os.environ.get("PRE_COMMIT_TO_REF") or ""
    tip_name = to_ref or os.environ.get("PRE_COMMIT_LOCAL_BRANCH") or "HEAD"
    if gitio.ZERO_SHA.match(tip_name):
        return None  # deleting a branch sends no commits
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
        return tip, base
    return tip, None


def not_on_remote(root: Path, remote: str | None) -> list[str]:
    """rev-list arguments excluding what ``remote`` (every remote when None) already has.

    A name that is neither a configured remote nor a URL or path (`git push <url>`) is a
    mistake: with no tracking refs it would silently mean "the whole history"."""
    if remote and not any(mark in remote for mark in ("/", ":", "\\")):
        configured = gitio.run_git(root, ["remote"]).stdout.decode("utf-8", "replace").split()
        if remote not in configured:
            shown = ", ".join(configured) or "none"
            raise UserError(
                f"`{remote}` is not a remote of this repository (remotes: {shown})",
                fix="name one of them with --remote, or check `git remote -v`",
            )
    return ["--not", f"--remotes={remote}" if remote else "--remotes"]


def push_revisions(root: Path, remote: str | None) -> list[str] | None:
    """What a push sends, from pre-commit's variables or, without them, what no remote has."""
    remote = remote or os.environ.get("PRE_COMMIT_REMOTE_NAME") or None
    endpoints = push_endpoints(root, remote)
    if endpoints is None:
        tip_name = os.environ.get("PRE_COMMIT_TO_REF") or ""
        return [] if tip_name else None
    tip, base = endpoints
    if base is not None:
        return [tip, f"^{base}"]
    return [tip, *not_on_remote(root, remote)]


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


def all_unpushed_revisions(remote: str | None) -> list[str]:
    """Every local branch and tag, minus what the remote's tracking refs hold."""
    return ["--branches", "--tags", "--not", f"--remotes={remote}" if remote else "--remotes"]


@dataclass(frozen=True)
class PushUpdate:
    """One ref a push updates: its new tip, the remote's commit for it (None for a new ref),
    and the commits it sends."""

    local_ref: str
    tip: str
    remote_ref: str
    remote_sha: str | None
    commits: tuple[str, ...]
    line: str  # as git wrote it, for hooks chained after ztgate's


def pre_push_updates(root: Path, stdin_lines: list[str], remote: str | None) -> list[PushUpdate]:
    """Every ref git's pre-push protocol names: `<local ref> <local sha> <remote ref> <remote
    sha>` per line, all of them (pre-commit's own pre-push passes only the first to hooks).

    A zero local sha is a deletion (nothing to check); a zero remote sha a new branch, judged
    against everything the remote already has; annotated tags are peeled to their commit.
    """
    updates: list[PushUpdate] = []
    for line in stdin_lines:
        fields = line.split()
        if len(fields) != 4:
            if line.strip():
                raise UserError(f"unexpected pre-push input line: {line.strip()[:80]}")
            continue
        local_ref, local_sha, remote_ref, remote_sha = fields
        if gitio.ZERO_SHA.match(local_sha):
            continue
        tip = commit_in_clone(root, local_sha)
        remote_tip = (
            None if gitio.ZERO_SHA.match(remote_sha) else gitio.resolve_commit(root, remote_sha)
        )
        if remote_tip is None and not gitio.ZERO_SHA.match(remote_sha):
            raise UserError(
                f"the remote's commit {remote_sha[:12]} for {local_ref} is not in this clone",
                fix="`git fetch` and push again",
            )
        if remote_tip:
            revisions = [tip, f"^{remote_tip}"]
        else:
            revisions = [tip, *not_on_remote(root, remote)]
        commits = tuple(commits_in(root, revisions))
        updates.append(PushUpdate(local_ref, tip, remote_ref, remote_tip, commits, line.strip()))
    return updates


def ci_range(environ: Mapping[str, str], root: Path | None = None) -> str | None:
    """BASE..HEAD of the change a CI job checks, as its provider names it (see providers)."""
    from ztgate.providers import provider_for

    provider = provider_for(environ)
    return provider.change_range(environ, root) if provider is not None else None
