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
# A line of a PEM key's body: 60 to 76 base64 characters, padding, the line's end. Searched for
# from each newline (a literal: found fast), not tried at every offset as a `^` would be.
_PEM_BODY_LINE = rb"[A-Za-z0-9+/]{60,76}={0,2}\r?(?![^\n])"
_PEM_BODY_FIRST = re.compile(_PEM_BODY_LINE)
_PEM_BODY_NEXT = re.compile(rb"\n" + _PEM_BODY_LINE)
_BEGIN = b"-----BEGIN"
# Stands after a line cut at the longest length a line is held to (its rest is dropped).
_OVERLONG = b"\x00ztgate-overlong"

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


def _line_starting(content: bytes, prefix: bytes) -> int:
    """Where the first line of ``content`` that starts with ``prefix`` starts, or -1."""
    if content.startswith(prefix):
        return 0
    at = content.find(b"\n" + prefix)
    return at + 1 if at >= 0 else -1


def _line_batches(stream: IO[bytes], longest: int, block: int = 1 << 20) -> Iterator[list[bytes]]:
    """The stream's lines (without their newline), a block's worth at a time. A line longer
    than ``longest`` is cut there, followed by ``_OVERLONG``, and the rest of it skipped:
    memory stays bounded whatever a line's length."""
    pending = b""
    skipping = False  # inside the rest of an overlong line
    while chunk := stream.read(block):
        if skipping:
            newline = chunk.find(b"\n")
            if newline < 0:
                continue
            chunk, skipping = chunk[newline + 1 :], False
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop()
        if max(map(len, lines), default=0) > longest:
            lines = _cut_overlong(lines, longest)
        if len(pending) > longest:
            lines += [pending[:longest], _OVERLONG]
            pending, skipping = b"", True
        yield lines
    if pending:
        yield [pending]


def _cut_overlong(lines: list[bytes], longest: int) -> list[bytes]:
    cut: list[bytes] = []
    for line in lines:
        cut.extend((line[:longest], _OVERLONG) if len(line) > longest else (line,))
    return cut


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


_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


class BlobReader:
    """One `git cat-file --batch` for every blob a scan reads whole (binary, wide or too big
    for lines): a process per blob cost more than scanning it. Use as a context manager."""

    def __init__(self, repo_root: Path) -> None:
        self.repo_root = repo_root
        self._git: _StreamingGit | None = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._git is not None:
            if self._git.process.stdin is not None:
                self._git.process.stdin.close()
            self._git.finish()
            self._git = None

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if self._git is None:
            self._git = _StreamingGit.start(
                self.repo_root, ["cat-file", "--batch"], stdin=subprocess.PIPE
            )
        process = self._git.process
        if process.stdin is None or process.stdout is None:  # pragma: no cover - PIPE asked
            raise RuntimeError("git cat-file started without pipes")
        return process.stdin, process.stdout

    def blocks(self, blob: str) -> Iterator[bytes]:
        """A blob's content, block by block; one git cannot read raises files.Unreadable."""
        if not _OBJECT_ID.fullmatch(blob):  # ids only: never a name git would resolve
            raise Unreadable(f"git object {blob[:12]!r} unreadable (not an object id)")
        stdin, stdout = self._pipes()
        try:
            stdin.write(blob.encode("ascii") + b"\n")
            stdin.flush()
        except OSError as error:
            raise Unreadable(f"git object {blob[:12]} unreadable ({error})") from error
        fields = stdout.readline().split()
        if len(fields) != 3 or fields[1] != b"blob":
            reason = fields[1].decode("ascii", "replace") if len(fields) > 1 else "git stopped"
            raise Unreadable(f"git object {blob[:12]} unreadable ({reason})")
        left = int(fields[2])
        try:
            while left > 0:
                block = stdout.read(min(_READ_BLOCK, left))
                if not block:
                    raise Unreadable(f"git object {blob[:12]} unreadable (cut short)")
                left -= len(block)
                yield block
        finally:
            _drain(stdout, left)


def _drain(stdout: IO[bytes], left: int) -> None:
    """Skip what is left of an object the reader stopped reading, and its closing newline,
    so the next answer starts where it should."""
    while left > 0:
        block = stdout.read(min(_READ_BLOCK, left))
        if not block:
            return
        left -= len(block)
    stdout.read(1)


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


def pem_body_start(content: bytes) -> int:
    """Where the first line that looks like a PEM key's body starts in ``content``; -1: none."""
    if _PEM_BODY_FIRST.match(content):
        return 0
    found = _PEM_BODY_NEXT.search(content)
    return found.start() + 1 if found else -1


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

    def added(self, run: list[bytes]) -> None:
        """Consecutive added lines, each with its `+`: checked and decoded together, as if one
        by one (a key's body before any BEGIN line, a NUL, a wide BOM at line 1 or more than
        ``max_bytes`` in all make the file's blob the thing to read)."""
        current = self.current
        first = self.line_number
        self.line_number += len(run)
        if current is None or current.blob is not None or current.unreadable:
            return
        content = b"\n".join(run)[1:].replace(b"\n+", b"\n")
        current.size += len(content) + 1
        begin = -1 if current.pem_header else _line_starting(content, _BEGIN)
        body = -1 if current.pem_header else pem_body_start(content)
        if (
            b"\0" in content
            or current.size > self.max_bytes
            or (first == 1 and content.startswith(_WIDE_BOMS))
            or (body >= 0 and (begin < 0 or body < begin))
        ):
            current.read_blob_instead()
            return
        current.pem_header = current.pem_header or begin >= 0
        texts = content.decode("utf-8", "replace").split("\n")
        current.lines.update(zip(range(first, first + len(texts)), texts, strict=True))

    def structure(self, raw: bytes) -> AddedFile | None:
        """Any other line: a commit mark, a file's header, a hunk. Returns a file now complete."""
        done = None
        if raw is _OVERLONG:  # the rest of a line too long to hold: the blob is read instead
            self.overflowed()
        elif raw.startswith(_COMMIT_MARK):
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
    # Headers (long paths) must come whole whatever the policy's size.
    longest = max(max_bytes, 1 << 16) + 2
    try:
        for lines in _line_batches(stdout, longest):
            run: list[bytes] = []  # added lines in a row: most lines, taken together
            for raw in lines:
                head = raw[:1]
                if head == b"+" and not patch.in_header:
                    run.append(raw)
                    continue
                if run:
                    patch.added(run)
                    run = []
                if head == b"-" and not patch.in_header:
                    continue  # a removed line: nothing to read (`---` is a header's)
                if (done := patch.structure(raw)) is not None:
                    yield done
            if run:
                patch.added(run)
        if patch.current is not None:
            yield patch.current
    finally:
        failure = git.finish()
    if failure is not None:
        raise UserError(f"git log failed while reading the commits to scan: {failure}")
