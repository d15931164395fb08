"""The lines that outgoing commits add, read from one streaming `git log -p`."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ztgate.errors import UserError
from ztgate.gitio import STABLE_CONFIG, unquote_c_path

_COMMIT_MARK = b"\x00ztgate-commit "
_HUNK = re.compile(rb"^@@+ (?:-\d+(?:,\d+)? )+\+(\d+)(?:,\d+)? @@")
_BINARY = re.compile(r"^Binary files (.+) and (.+) differ$")


@dataclass
class AddedFile:
    """The lines one commit adds to one path (line number -> text), and whether binary."""

    commit: str
    path: str
    lines: dict[int, str] = field(default_factory=dict)
    binary: bool = False


def _strip_side(path: str) -> str | None:
    # git ends a path that holds a space with a TAB in `---`/`+++` headers.
    path = unquote_c_path(path[:-1] if path.endswith("\t") else path)
    if path == "/dev/null":
        return None
    return path[2:] if path.startswith(("a/", "b/")) else path


def added_lines(repo_root: Path, commits: Sequence[str]) -> Iterator[AddedFile]:
    """Yield, commit by commit and file by file, what each of ``commits`` (full shas) adds.

    Merges are shown as remerge diffs: only what the merge itself introduces (a secret slipped
    into a conflict resolution) and not what its parents already brought.
    """
    command = [
        "git",
        *STABLE_CONFIG,
        "log",
        "-p",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "--diff-merges=remerge",
        "--format=format:%x00ztgate-commit %H",
        "--no-walk=unsorted",
        "--stdin",
    ]
    # stderr goes to a file: a pipe nobody reads could fill up and stall git.
    errors = tempfile.TemporaryFile()
    # The commits go in on stdin: exactly these (--no-walk), however many, none read as an option.
    process = subprocess.Popen(
        command, cwd=repo_root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors
    )
    if process.stdin is None or process.stdout is None:  # pragma: no cover - PIPE was asked for
        raise RuntimeError("git log started without pipes")
    process.stdin.write("".join(f"{sha}\n" for sha in commits).encode())
    process.stdin.close()
    current: AddedFile | None = None
    commit = ""
    line_number = 0
    in_header = False  # between `diff ...` and the first `@@`: `+++ ` is a path there
    try:
        for raw in process.stdout:
            raw = raw.rstrip(b"\n")
            if raw.startswith(_COMMIT_MARK):
                if current is not None:
                    yield current
                current, in_header = None, False
                commit = raw[len(_COMMIT_MARK) :].decode()
            elif raw.startswith(b"diff "):
                if current is not None:
                    yield current
                current, in_header = None, True
            elif raw.startswith(b"@@"):
                in_header = False
                hunk = _HUNK.match(raw)
                line_number = int(hunk.group(1)) if hunk else 0
            elif in_header:
                if raw.startswith(b"+++ "):
                    path = _strip_side(raw[4:].decode("utf-8", "replace"))
                    current = AddedFile(commit, path) if path is not None else None
                elif raw.startswith(b"Binary files "):
                    binary = _BINARY.match(raw.decode("utf-8", "replace"))
                    path = _strip_side(binary.group(2)) if binary else None
                    if path is not None:
                        yield AddedFile(commit, path, binary=True)
            elif raw.startswith(b"+") and current is not None:
                current.lines[line_number] = raw[1:].decode("utf-8", "replace")
                line_number += 1
        if current is not None:
            yield current
    finally:
        process.stdout.close()
        code = process.wait()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
        errors.close()
    if code != 0:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {code}"
        raise UserError(f"git log failed while reading the commits to scan: {last}")
