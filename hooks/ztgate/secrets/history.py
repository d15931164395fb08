"""The lines that outgoing commits add, read from one streaming `git log -p`."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ztgate.errors import UserError
from ztgate.gitio import (
    STABLE_CONFIG,
    begin_step,
    end_step,
    git_environment,
    run_git,
    unquote_c_path,
)
from ztgate.secrets.files import Unreadable

_COMMIT_MARK = b"\x00ztgate-commit "
_HUNK = re.compile(rb"^@@+ (?:-\d+(?:,\d+)? )+\+(\d+)(?:,\d+)? @@")
_BINARY = re.compile(r"^Binary files (.+) and (.+) differ$")
_INDEX = re.compile(rb"^index [0-9a-f]+(?:,[0-9a-f]+)*\.\.([0-9a-f]+)")
# Content whose lines a text diff cannot show faithfully: read the blob itself.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_READ_BLOCK = 64 * 1024
# git's stderr when it leaves a commit's diff out (e.g. "Skipping remerge-diff for octopus ...").
_SKIPPED = ("skipping", "warning: skipping")
# A line of a PEM body (base64, 64 to a line): added without its BEGIN line (a key's body
# pasted between a header and footer already there), the whole file is read, so the
# private-key detector sees the key whole.
_PEM_BODY = re.compile(rb"^[A-Za-z0-9+/]{60,76}={0,2}\r?$")

# Whatever .gitattributes a pushed commit brings (`-diff`, `binary`, `diff=driver`) and
# whatever diff drivers the configuration holds, git must show every added line: `--text`
# makes git treat every file as text (it overrides `-diff`, `binary` and
# `diff.<driver>.binary`), `--no-textconv` ignores `diff.<driver>.textconv`, and
# `--no-ext-diff` ignores `diff.<driver>.command` and `diff.external`. git 2.39 has no
# `--attr-source` to ignore the tree's attributes altogether; should a "Binary files differ"
# still appear, the blob is read instead.
DIFF_OPTIONS = ("--text", "--no-textconv", "--no-ext-diff", "--full-index")


@dataclass
class AddedFile:
    """What one commit adds to one path: the added lines (line number -> text), or, when
    lines cannot show it, the blob to scan whole, or why it cannot be read."""

    commit: str
    path: str
    lines: dict[int, str] = field(default_factory=dict)
    blob: str | None = None
    unreadable: str | None = None
    new_blob: str | None = None  # the `index` header's new side
    size: int = 0  # bytes of added lines held
    pem_header: bool = False  # an added line opens a PEM block

    def read_blob_instead(self) -> None:
        self.lines.clear()
        if self.new_blob is None:
            self.unreadable = "git showed no content and no blob id"
        else:
            self.blob = self.new_blob


def _strip_side(path: str) -> str | None:
    # git ends a path that holds a space with a TAB in `---`/`+++` headers.
    path = unquote_c_path(path[:-1] if path.endswith("\t") else path)
    if path == "/dev/null":
        return None
    return path[2:] if path.startswith(("a/", "b/")) else path


@dataclass
class _StreamingGit:
    """A git whose output is read as it comes (so no timeout bounds it); its stderr goes to a
    file: a pipe nobody reads could fill up and stall git."""

    process: subprocess.Popen[bytes]
    errors: IO[bytes]

    @classmethod
    def start(cls, repo_root: Path, args: Sequence[str], stdin: int | None = None) -> _StreamingGit:
        errors = tempfile.TemporaryFile()
        begin_step(f"reading git {args[0]}")
        process = subprocess.Popen(
            ["git", *STABLE_CONFIG, *args],
            cwd=repo_root,
            env=git_environment(),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        return cls(process, errors)

    def finish(self) -> str | None:
        """Wait for git; None when it succeeded, else the last line it complained."""
        if self.process.stdout is not None:
            self.process.stdout.close()
        try:
            # Read to the end, git is exiting; cut short (the run's time limit, an error), a
            # git still working would make this wait forever.
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        finally:
            end_step()
        self.errors.seek(0)
        text = self.errors.read().decode("utf-8", "replace").strip()
        self.errors.close()
        skipped = [line for line in text.splitlines() if line.lower().startswith(_SKIPPED)]
        if code == 0 and not skipped:
            return None
        if skipped:  # git showed no diff for something asked: a silent hole, so it blocks
            return skipped[0]
        return text.splitlines()[-1] if text else f"exit {code}"


def blob_blocks(repo_root: Path, blob: str) -> Iterator[bytes]:
    """A blob's content, block by block; a blob git cannot read raises files.Unreadable."""
    git = _StreamingGit.start(repo_root, ["cat-file", "blob", blob])
    process = git.process
    if process.stdout is None:  # pragma: no cover - PIPE was asked for
        raise RuntimeError("git cat-file started without a pipe")
    try:
        while block := process.stdout.read(_READ_BLOCK):
            yield block
    finally:
        failure = git.finish()
    if failure is not None:
        raise Unreadable(f"git object {blob[:12]} unreadable ({failure})")


def octopus_merges(repo_root: Path, commits: Sequence[str]) -> set[str]:
    """The merges of three or more parents among ``commits`` (git has no remerge diff for
    them)."""
    if not commits:
        return set()
    listing = run_git(
        repo_root,
        ["log", "--no-walk=unsorted", "--stdin", "--format=%H %P"],
        stdin="".join(f"{sha}\n" for sha in commits).encode(),
    ).stdout.decode("utf-8", "replace")
    return {fields[0] for fields in map(str.split, listing.splitlines()) if len(fields) > 3}


def added_lines(
    repo_root: Path, commits: Sequence[str], max_bytes: int = 5 << 20
) -> Iterator[AddedFile]:
    """What each of ``commits`` adds (see ``_added_lines``); an octopus merge, which git
    cannot remerge, is read against its first parent: everything it brings counts."""
    octopus = octopus_merges(repo_root, commits)
    ordinary = [sha for sha in commits if sha not in octopus]
    if ordinary:
        yield from _added_lines(repo_root, ordinary, max_bytes, "remerge")
    if octopus:
        yield from _added_lines(
            repo_root, [sha for sha in commits if sha in octopus], max_bytes, "first-parent"
        )


def _start_log(repo_root: Path, commits: Sequence[str], merges: str) -> _StreamingGit:
    command = [
        "log",
        "-p",
        "-U0",
        "--no-color",
        *DIFF_OPTIONS,
        "--no-renames",
        f"--diff-merges={merges}",
        "--format=format:%x00ztgate-commit %H",
        "--no-walk=unsorted",
        "--stdin",
    ]
    # The commits go in on stdin: exactly these (--no-walk), however many, none read as an option.
    git = _StreamingGit.start(repo_root, command, stdin=subprocess.PIPE)
    if git.process.stdin is None:  # pragma: no cover - PIPE was asked for
        raise RuntimeError("git log started without pipes")
    git.process.stdin.write("".join(f"{sha}\n" for sha in commits).encode())
    git.process.stdin.close()
    return git


@dataclass
class _Patch:
    """Where `git log -p` output stands: the commit and file being read, the next line's number."""

    max_bytes: int
    current: AddedFile | None = None
    commit: str = ""
    new_blob: str | None = None
    line_number: int = 0
    in_header: bool = False  # between `diff ...` and the first `@@`: `+++ ` is a path there

    def overflowed(self) -> None:
        current = self.current
        if current is not None and current.blob is None and not current.unreadable:
            current.read_blob_instead()

    def added(self, content: bytes, partial: bool) -> None:
        """An added line (without its `+`); ``partial`` when it was too long to read whole."""
        current = self.current
        if current is None:
            return
        if current.blob is None and not current.unreadable:
            current.size += len(content) + 1
            if content.startswith(b"-----BEGIN"):
                current.pem_header = True
            if (
                partial
                or b"\0" in content
                or current.size > self.max_bytes
                or (self.line_number == 1 and content.startswith(_WIDE_BOMS))
                or (not current.pem_header and _PEM_BODY.match(content))
            ):
                current.read_blob_instead()
            else:
                current.lines[self.line_number] = content.decode("utf-8", "replace")
        self.line_number += 1

    def structure(self, raw: bytes) -> AddedFile | None:
        """Any other line: a commit mark, a file's header, a hunk. Returns a file now complete."""
        done = None
        if raw.startswith(_COMMIT_MARK):
            done, self.current, self.in_header = self.current, None, False
            self.commit = raw[len(_COMMIT_MARK) :].decode()
        elif raw.startswith(b"diff "):
            done, self.current, self.in_header, self.new_blob = self.current, None, True, None
        elif raw.startswith(b"@@"):
            self.in_header = False
            hunk = _HUNK.match(raw)
            self.line_number = int(hunk.group(1)) if hunk else 0
        elif self.in_header:
            done = self._header(raw)
        return done

    def _header(self, raw: bytes) -> AddedFile | None:
        if raw.startswith(b"index "):
            index = _INDEX.match(raw)
            self.new_blob = index.group(1).decode() if index else None
        elif raw.startswith(b"+++ "):
            path = _strip_side(raw[4:].decode("utf-8", "replace"))
            self.current = AddedFile(self.commit, path, new_blob=self.new_blob) if path else None
        elif raw.startswith(b"Binary files "):
            binary = _BINARY.match(raw.decode("utf-8", "replace"))
            path = _strip_side(binary.group(2)) if binary else None
            if path is not None:
                hidden = AddedFile(self.commit, path, new_blob=self.new_blob)
                hidden.read_blob_instead()
                return hidden
        return None


def _added_lines(
    repo_root: Path, commits: Sequence[str], max_bytes: int, merges: str
) -> Iterator[AddedFile]:
    """Yield, commit by commit and file by file, what each of ``commits`` (full shas) adds.

    Merges are shown as remerge diffs: only what the merge itself introduces (a secret slipped
    into a conflict resolution) and not what its parents already brought. A file whose added
    lines hold a NUL, start with a UTF-16/32 BOM or pass ``max_bytes`` is yielded with its
    blob to read instead, so memory stays bounded by ``max_bytes``.
    """
    git = _start_log(repo_root, commits, merges)
    stdout = git.process.stdout
    if stdout is None:  # pragma: no cover - PIPE was asked for
        raise RuntimeError("git log started without pipes")
    patch = _Patch(max_bytes)
    partial = False  # the last read ended inside a line too long to hold
    # Headers (long paths) must come whole whatever the policy's size.
    longest = max(max_bytes, 1 << 16) + 2
    try:
        while raw := stdout.readline(longest):
            continued, partial = partial, not raw.endswith(b"\n")
            if continued:  # the rest of a line too long to hold: the blob is read instead
                patch.overflowed()
                continue
            raw = raw[:-1] if raw.endswith(b"\n") else raw
            if raw[:1] == b"+" and not patch.in_header:  # most lines: kept inline, for speed
                patch.added(raw[1:], partial)
            elif (done := patch.structure(raw)) is not None:
                yield done
        if patch.current is not None:
            yield patch.current
    finally:
        failure = git.finish()
    if failure is not None:
        raise UserError(f"git log failed while reading the commits to scan: {failure}")
