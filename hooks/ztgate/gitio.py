"""Git access shared by the gates: the repository (GitPython) and safe subprocess helpers.

Heavy imports (GitPython, subprocess) happen inside the functions that need them: a
pre-commit hook on a few files must start in well under a quarter of a second.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ztgate.errors import UserError

if TYPE_CHECKING:
    import subprocess

    import git

ZERO_SHA = re.compile(r"^0{40}(?:0{24})?$")

# Settings that make git's output stable whatever the developer configured.
STABLE_CONFIG = (
    "-c",
    "core.quotePath=false",
    "-c",
    "color.ui=never",
    "-c",
    "log.showSignature=false",
    "-c",
    "diff.noprefix=false",
    "-c",
    "diff.mnemonicPrefix=false",
    "-c",
    "diff.relative=false",
)


def open_repo(start: Path | None = None) -> git.Repo:
    import git

    try:
        return git.Repo(start or Path.cwd(), search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as error:
        raise UserError(
            "not inside a git repository",
            where=str(start or Path.cwd()),
            fix="run it from a repository's work tree",
        ) from error


def run_git(
    repo_root: Path, args: Sequence[str], *, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """Run git with an argument list (never a shell) and stable output settings."""
    import subprocess

    process = subprocess.run(
        ["git", *STABLE_CONFIG, *args],
        cwd=repo_root,
        capture_output=True,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
    )
    if check and process.returncode != 0:
        message = process.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(f"git {args[0]} failed: {message[-1] if message else process.returncode}")
    return process


def resolve_commit(repo_root: Path, revision: str) -> str | None:
    """The full sha of ``revision`` as a commit, or None if this clone does not have it."""
    process = run_git(
        repo_root,
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        check=False,
    )
    return process.stdout.decode().strip() or None if process.returncode == 0 else None


def tracked_files(repo: git.Repo) -> list[str]:
    """Every tracked path, split on NUL so names with newlines survive."""
    output: str = repo.git.ls_files("-z")
    return [name for name in output.split("\0") if name]


def shallow_boundaries(repo_root: Path) -> frozenset[str]:
    path = run_git(repo_root, ["rev-parse", "--git-path", "shallow"]).stdout.decode().strip()
    shallow = Path(path) if os.path.isabs(path) else repo_root / path
    if not shallow.exists():
        return frozenset()
    return frozenset(shallow.read_text().split())


def unquote_c_path(raw: str) -> str:
    """Undo git's C-style quoting of a path (`"a\\tb\\303\\251"`)."""
    if not (len(raw) >= 2 and raw[0] == raw[-1] == '"'):
        return raw
    body = raw[1:-1]
    out = bytearray()
    simple = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following in simple:
                out.append(simple[following])
                index += 2
                continue
            if following in "01234567":
                out.append(int(body[index + 1 : index + 4], 8))
                index += 4
                continue
        out.extend(char.encode("utf-8"))
        index += 1
    return out.decode("utf-8", errors="replace")


def find_root(start: Path | None = None) -> Path:
    """The work tree's top directory, found without starting git (hooks run often)."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return here


def rev_list(repo_root: Path, arguments: Sequence[str]) -> list[str]:
    output = run_git(repo_root, ["rev-list", *arguments]).stdout.decode()
    return output.split()
