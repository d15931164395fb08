"""A repository's first day: which commit adopts the signer policy, and what the receiving side
(the remote of a push, the target of a range) already has that the adoption may build on."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ztgate import gitio
from ztgate.errors import UserError
from ztgate.signatures.commits import CommitInfo

BUILD_ON = "the policy's first commit must build on history the remote already has"


@dataclass(frozen=True)
class Receiver:
    """What the side that receives the commits already accepted.

    ``history`` names it as rev-list arguments (the remote's sha for the ref, its
    remote-tracking refs; in CI the target's tip); ``is_empty`` asks, only when needed, whether
    the remote has no refs at all; ``base`` is the commit the judged ones build on, for a
    re-sign command that runs as printed.
    """

    history: tuple[str, ...] = ()
    is_empty: Callable[[], bool] = field(default=lambda: False, compare=False)
    base: str | None = None
    where: str = "the remote"

    def has(self, root: Path, sha: str) -> bool:
        """Whether ``sha`` is already in the receiver's history."""
        if not self.history:
            return False
        return not gitio.rev_list(root, ["-1", sha, "--not", *self.history])


def remote_is_empty(root: Path, remote: str | None) -> bool:
    """Whether ``remote`` has no branches and no tags; any doubt (no remote named, an
    unreachable one, a timeout) is "not empty", which exempts nothing."""
    if not remote or remote.startswith("-"):
        return False
    try:
        process = gitio.run_tool(
            ["git", *gitio.STABLE_CONFIG, "ls-remote", "--heads", "--tags", remote],
            what=f"git ls-remote {remote}",
            cwd=root,
            env=gitio.git_environment(),
        )
    except UserError:
        return False
    return process.returncode == 0 and not process.stdout.strip()


def push_receiver(root: Path, remote: str | None, remote_tips: Sequence[str]) -> Receiver:
    """The remote of a push: its tips for the pushed refs and its remote-tracking refs."""
    tracking = f"--remotes={remote}" if remote else "--remotes"
    return Receiver(
        history=(*remote_tips, tracking),
        is_empty=cache(lambda: not remote_tips and remote_is_empty(root, remote)),
        base=remote_tips[0] if len(remote_tips) == 1 else None,
    )


def range_receiver(target: str, base: str) -> Receiver:
    """The target of a range (CI): its tip; nothing is ever exempt as "empty"."""
    return Receiver(history=(target,), base=base, where=f"the target {target[:12]}")


def first_parent_adoptions(
    commits: Mapping[str, CommitInfo], adopting: set[str]
) -> dict[str, str | None]:
    """For each tip among ``commits``, the one commit of ``adopting`` on its first-parent line
    (None when there are none or several: "exactly one" is the rule)."""
    parents_of = {p for c in commits.values() for p in c.parents}
    found: dict[str, str | None] = {}
    for tip in (sha for sha in commits if sha not in parents_of):
        line: list[str] = []
        sha: str | None = tip
        while sha is not None and sha in commits:
            if sha in adopting:
                line.append(sha)
            parents = commits[sha].parents
            sha = parents[0] if parents else None
        found[tip] = line[0] if len(line) == 1 else None
    return found


def ancestors(commits: Mapping[str, CommitInfo], sha: str) -> set[str]:
    """Every commit of ``commits`` reachable from ``sha``'s parents."""
    seen: set[str] = set()
    stack = [p for p in commits[sha].parents if p in commits]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(p for p in commits[current].parents if p in commits)
    return seen
