"""What a gate may trust: the policy and files in force at one commit, never the change's own.

A gate judging a range of commits (CI, a push) reads `.ztgate.yaml`, the baseline, the PR
template and the pre-commit config from the *trusted side*: the target branch's tip in CI, what
the remote already has before a push. A change to any of them takes effect once it is merged.
On a laptop's pre-commit run the trusted side is the work tree: it judges the user's own
machine, and CI judges again.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ztgate import gitio
from ztgate.errors import UserError
from ztgate.policy import POLICY_FILE, Policy, parse_policy

WORK_TREE, COMMIT, NOTHING = "work tree", "commit", "nothing"


@dataclass(frozen=True)
class Trusted:
    """A source of policy and files: the work tree, a commit, or nothing (built-in defaults)."""

    root: Path
    kind: str
    commit: str = ""  # the full sha when kind is COMMIT
    _listing: list[str] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def work_tree(cls, root: Path) -> Trusted:
        return cls(root, WORK_TREE)

    @classmethod
    def at(cls, root: Path, commit: str) -> Trusted:
        return cls(root, COMMIT, commit)

    @classmethod
    def nothing(cls, root: Path) -> Trusted:
        """No trusted side (a first push to an empty remote): built-in defaults only."""
        return cls(root, NOTHING)

    @property
    def label(self) -> str:
        if self.kind == COMMIT:
            return f"commit {self.commit[:12]}"
        return "built-in defaults" if self.kind == NOTHING else "the work tree"

    def where(self, path: str) -> str:
        """How messages name a file of this source: `path` or `<sha12>:path`."""
        return f"{self.commit[:12]}:{path}" if self.kind == COMMIT else path

    def read_bytes(self, path: str) -> bytes | None:
        """The file's content, or None when this source has no such file."""
        if self.kind == NOTHING:
            return None
        if self.kind == WORK_TREE:
            target = self.root / path
            if not target.is_file():
                return None
            try:
                return target.read_bytes()
            except OSError as error:
                raise UserError(f"cannot read: {error.strerror}", where=path) from error
        spec = f"{self.commit}:{path}".encode()
        process = gitio.run_git(self.root, ["cat-file", "--batch"], stdin=spec + b"\n")
        header, _, rest = process.stdout.partition(b"\n")
        fields = header.split()
        if len(fields) != 3 or fields[1] != b"blob":
            return None  # missing, or a tree / submodule of that name
        return rest[: int(fields[2])]

    def read_text(self, path: str) -> str | None:
        data = self.read_bytes(path)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UserError(
                f"not UTF-8 (byte {error.start})", where=self.where(path), fix="save it as UTF-8"
            ) from error

    def policy(self, explicit: str | None = None) -> Policy:
        """The policy in force here. ``explicit`` (--policy) names a file of this same source:
        a range is never judged by a file the change itself brings."""
        if self.kind == WORK_TREE:
            from ztgate.policy import load_policy

            return load_policy(self.root, explicit)
        name = explicit or POLICY_FILE
        text = self.read_text(name)
        if text is None:
            if explicit and self.kind == COMMIT:
                raise UserError("policy file not found", where=self.where(name))
            return Policy()
        return parse_policy(text, self.where(name))

    def files_matching(self, patterns: tuple[str, ...] | list[str]) -> list[str]:
        """Paths of this source matching any glob (in order of the patterns, no repeats)."""
        if self.kind == WORK_TREE:
            found: list[str] = []
            for pattern in patterns:
                for match in sorted(self.root.glob(pattern)):
                    relative = match.relative_to(self.root).as_posix()
                    if match.is_file() and relative not in found:
                        found.append(relative)
            return found
        names = self._tracked()
        ordered: list[str] = []
        for pattern in patterns:
            for name in names:
                if _glob_match(name, pattern) and name not in ordered:
                    ordered.append(name)
        return ordered

    def files_matching_with(
        self, other: Trusted, patterns: tuple[str, ...] | list[str]
    ) -> list[str]:
        """The files matching ``patterns`` here, then those only ``other`` has (a change's
        documents: the trusted side's, and the ones the change adds)."""
        found = self.files_matching(patterns)
        return found + [path for path in other.files_matching(patterns) if path not in found]

    def _tracked(self) -> list[str]:
        if self.kind == NOTHING:
            return []
        if not self._listing:
            output = gitio.run_git(
                self.root, ["ls-tree", "-r", "-z", "--name-only", "--full-tree", self.commit]
            ).stdout.decode("utf-8", "replace")
            self._listing.extend(name for name in sorted(output.split("\0")) if name)
        return self._listing


def _glob_match(path: str, pattern: str) -> bool:
    """pathlib's glob semantics on a path string: `*` stays within one directory."""
    parts, wanted = path.split("/"), pattern.split("/")
    if "**" in wanted:
        return fnmatch.fnmatchcase(path, pattern.replace("**/", "*"))
    return len(parts) == len(wanted) and all(
        fnmatch.fnmatchcase(p, w) for p, w in zip(parts, wanted, strict=True)
    )


def commit_or_error(root: Path, name: str, role: str) -> str:
    sha = gitio.resolve_commit(root, name)
    if sha is None:
        raise UserError(
            f"the {role} `{name[:40]}` is not a commit in this clone, so what it trusts cannot "
            "be read",
            fix="fetch it (`git fetch origin`; in CI `fetch-depth: 0`)",
        )
    return sha


def for_range(root: Path, spec: str) -> Trusted:
    """`BASE..HEAD` and `BASE...HEAD` alike: the policy at BASE itself (the target branch's
    tip), never the merge base, so a policy change merged since the branch point holds."""
    symmetric = "..." in spec
    base, _, _ = spec.partition("..." if symmetric else "..")
    if not base:
        raise UserError(f"--range needs BASE..HEAD, got `{spec}`")
    return Trusted.at(root, commit_or_error(root, base, "range's base"))


def for_push(root: Path, tip: str, remote_sha: str | None, remote: str | None) -> Trusted:
    """Before a push: the remote's own commit for this ref when it has one; for a new ref, the
    newest commit on the tip's first-parent line that the remote already has; else nothing."""
    if remote_sha and not gitio.ZERO_SHA.match(remote_sha):
        sha = gitio.resolve_commit(root, remote_sha)
        if sha is not None:
            return Trusted.at(root, sha)
        raise UserError(
            f"the remote's commit {remote_sha[:12]} is not in this clone",
            fix="`git fetch` and push again",
        )
    known = f"--remotes={remote}" if remote else "--remotes"
    pushed = gitio.rev_list(root, ["--first-parent", tip, "--not", known])
    oldest = pushed[-1] if pushed else tip
    if not pushed:
        return Trusted.at(root, tip)  # the remote has the tip already
    parent = gitio.run_git(root, ["rev-parse", "--verify", "--quiet", f"{oldest}^1"], check=False)
    sha = parent.stdout.decode().strip()
    if parent.returncode == 0 and sha and _remote_has(root, sha, known):
        return Trusted.at(root, sha)
    return Trusted.nothing(root)


def _remote_has(root: Path, sha: str, known: str) -> bool:
    return not gitio.rev_list(root, ["-1", sha, "--not", known])


def for_ci(root: Path, environ: Mapping[str, str]) -> Trusted | None:
    """The target branch's tip of the change CI checks, as the CI's provider names it; None
    when the environment names no change (the caller decides: --base, or an error)."""
    from ztgate.providers import provider_for

    provider = provider_for(environ)
    found = provider.target(environ, root) if provider is not None else None
    if found is None:
        return None
    return Trusted.at(root, commit_or_error(root, found.commit, found.what))


def for_gate(root: Path, base: str | None) -> Trusted:
    """For gates that judge the work tree's content (threat model, PR description): --base,
    else in CI the target branch's tip, else (a laptop) the work tree."""
    if base:
        return Trusted.at(root, commit_or_error(root, base, "--base"))
    if in_ci():
        found = for_ci(root, dict(os.environ))
        if found is None:
            raise no_trusted_side()
        return found
    return Trusted.work_tree(root)


def no_trusted_side() -> UserError:
    """In CI the work tree is the change itself: without a known target it cannot judge."""
    return UserError(
        "in CI, but the environment names no target branch to trust (not a pull request or "
        "merge request event, or one without its base), and the work tree is the change itself",
        fix="run `ztgate ci` on pull_request / merge_request events, or pass --base with a "
        "commit of the protected branch (e.g. --base origin/main)",
    )


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the work tree is a change under review (see providers.in_ci)."""
    from ztgate import providers

    return providers.in_ci(os.environ if environ is None else environ)
