"""Git access shared by the gates: the repository (GitPython) and safe subprocess helpers.

Every git call of every gate goes through here (`run_git`, or `git_environment` for the two
streaming readers in `secrets.history`: `git log -p` and `git cat-file --batch`, read as they
come, bounded by the run's time limit), with one environment policy: no inherited
`GIT_DIR`/`GIT_INDEX_FILE`/`GIT_WORK_TREE` (hooks run with them set), no prompts, stable
output settings, and a timeout. GitPython finds the repository; the rest stays a subprocess
because GitPython cannot read SHA-256 repositories, and because the history scan streams one
`git log -p` per run of commits rather than building an object per commit.

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
    # A developer's log.showRoot=false would hide what root and orphan commits add.
    "-c",
    "log.showRoot=true",
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


# Seconds any one subprocess (git, gpg, ssh-keygen) may take before the gate gives up and
# blocks. Generous: a huge `git log -p` is streamed, not bounded by this. ZTGATE_TIMEOUT
# overrides it (and the whole-run limit in runner.guarded).
DEFAULT_TIMEOUT = 300.0

# Variables a hook inherits from the git that runs it (pre-commit strips them too): left in
# place they point our own git calls at another repository or index.
_GIT_ENV_DROP = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_EXTERNAL_DIFF",
    "GIT_DIFF_OPTS",
)


_STEP: list[str] = []  # what the run is doing now, for the message when it times out


def current_step() -> str:
    return _STEP[-1] if _STEP else ""


def begin_step(what: str) -> None:
    """Name what a long-running read does (`git log -p` streaming), for a timeout's message."""
    _STEP.append(what)


def end_step() -> None:
    if _STEP:
        _STEP.pop()


def timeout_seconds() -> float:
    """The per-subprocess limit: ZTGATE_TIMEOUT when set to a positive number, else default."""
    raw = os.environ.get("ZTGATE_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise UserError(f"ZTGATE_TIMEOUT must be a number of seconds, not `{raw[:20]}`") from None
    if not 0 < value < 1e7:
        raise UserError("ZTGATE_TIMEOUT must be a positive number of seconds")
    return value


def git_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every git call runs with: no inherited repository pointers, no prompts,
    stable messages."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_DROP}
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"})
    env.update(extra or {})
    return env


def run_tool(
    command: Sequence[str],
    *,
    what: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run a program (argument list, never a shell) under a timeout; expiry is a UserError
    naming the step, so the gate blocks (exit 2) and says what took too long."""
    import subprocess

    limit = timeout if timeout is not None else timeout_seconds()
    _STEP.append(f"running {what}")
    try:
        return subprocess.run(
            list(command),
            cwd=cwd,
            env=env,
            input=stdin,
            capture_output=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UserError(
            f"timed out after {limit:g} s: {what}",
            fix="the gate blocks; raise ZTGATE_TIMEOUT if the repository is that large",
        ) from None
    except FileNotFoundError:
        raise UserError(f"`{command[0]}` is not installed; needed for {what}") from None
    finally:
        _STEP.pop()


def pre_commit_command(purpose: str) -> list[str]:
    """How to start pre-commit: this interpreter's, else the one on PATH; missing is an error."""
    import importlib.util
    import shutil
    import sys

    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    found = shutil.which("pre-commit")
    if found:
        return [found]
    raise UserError(
        f"pre-commit is not installed; it is needed to {purpose}",
        fix="`pip install 'ztgate[init]'` (or `pip install pre-commit`)",
    )


def run_git(
    repo_root: Path,
    args: Sequence[str],
    *,
    check: bool = True,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run git with an argument list (never a shell), stable output settings and a timeout."""
    process = run_tool(
        ["git", *STABLE_CONFIG, *args],
        what=f"git {args[0]}",
        cwd=repo_root,
        env=git_environment(env),
        stdin=stdin,
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


def tracked_files(repo_root: Path) -> list[str]:
    """Every tracked path, split on NUL so names with newlines survive."""
    output = run_git(repo_root, ["ls-files", "-z"]).stdout.decode("utf-8", "replace")
    return [name for name in output.split("\0") if name]


def hooks_dir(repo_root: Path) -> Path:
    """Where git looks for this repository's hooks (core.hooksPath respected)."""
    raw = run_git(repo_root, ["rev-parse", "--git-path", "hooks"]).stdout.decode().strip()
    return Path(repo_root, raw)


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
