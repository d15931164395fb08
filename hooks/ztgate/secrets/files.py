"""Reading content to scan (binary, wide encodings, huge files, symlinks) in bounded pieces,
and files that are secrets by name."""

from __future__ import annotations

import codecs
import itertools
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, BinaryIO

_BINARY_SNIFF = 8192

# Files whose presence in a repo is a leak whatever they hold: name pattern -> what it is.
# `.pem`/`.key` count only when they hold a private key (certificates are public).
SECRET_FILE_NAMES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), what)
    for pattern, what in (
        (
            r"^\.env$|^\.env\.(?!(?:example|sample|template|dist|defaults?|schema)$)[\w.\-]+$",
            "dotenv file",
        ),
        (r"^id_(?:rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk)$", "SSH private key"),
        (r"\.(?:p12|pfx)$", "PKCS#12 keystore"),
        (r"\.(?:jks|keystore|bks)$", "Java keystore"),
        (r"\.kdbx?$", "KeePass database"),
        (r"\.ppk$", "PuTTY private key"),
        (r"^secring\.(?:gpg|kbx)$", "GnuPG secret keyring"),
        (r"^\.?(?:pgpass|netrc|_netrc|git-credentials)$", "credential store"),
        (r"^\.?htpasswd$", "password file"),
        (r"^credentials$", "cloud credentials file"),
        (
            r"^(?:application_default_credentials|client_secrets?|service[_\-]?account.*)\.json$",
            "cloud credentials file",
        ),
        (r"^terraform\.tfstate(?:\.backup)?$", "Terraform state (holds secrets in clear)"),
        (r"^\.?s3cfg$|^\.boto$|^\.dockercfg$", "cloud credentials file"),
    )
)
# Any of them: most names match none, and one search says so.
_ANY_SECRET_FILE_NAME = re.compile(
    "|".join(f"(?:{p.pattern})" for p, _ in SECRET_FILE_NAMES), re.IGNORECASE
)
_CLOUD_CREDENTIAL_DIRS = {".aws", ".azure", ".config/gcloud", ".docker", ".kube", ".oci"}
_PRIVATE_KEY_MARK = re.compile(rb"-----BEGIN[ A-Z0-9_\-]{0,100}PRIVATE KEY")
_KEY_EXTENSIONS = (".pem", ".key", ".der", ".crt")


# Content is read and scanned this many characters at a time at most (the policy's
# `max_file_size`); consecutive pieces overlap so a secret across a boundary is whole in one.
_READ_BLOCK = 64 * 1024
_MAX_OVERLAP = 8 * 1024  # a 4096-bit RSA key in PEM is about 3.3 KB
_MIN_STRING = 8  # like `strings -n 8`


class Unreadable(Exception):
    """Content that exists but could not be read; the gate reports it as a finding."""


@dataclass(frozen=True)
class Piece:
    """A stretch of a file's text and where it sits in the file, so a candidate's line and
    column in ``text`` map back to the file's."""

    text: str
    first_line: int = 1  # the file's line that the text's first line is
    first_column: int = 0  # how far into that line the text starts (a cut inside a long line)

    cut_after: bool = False  # the text ends inside a line that the next piece goes on with

    def place(self, line: int, column: int) -> tuple[int, int]:
        if line == 1:
            return self.first_line, self.first_column + column
        return self.first_line + line - 1, column

    def at_a_cut(self, line: int, column: int, length: int) -> bool:
        """Whether a match touches a cut inside a line: it may be part of a longer token,
        which the overlapping neighbour piece holds whole."""
        if self.first_column and line == 1 and column == 1:
            return True
        if not self.cut_after or line != self.text.count("\n") + 1:
            return False
        return self.text.rfind("\n") + column + length >= len(self.text)


@dataclass(frozen=True)
class Opened:
    """A working-tree file opened for scanning, or why there is nothing to scan.

    ``skipped`` (a note) is for what holds no content of its own: a deleted file, a symlink
    (whose target path is scanned as ``target``), a directory. ``unreadable`` blocks."""

    blocks: Iterator[bytes] | None = None
    skipped: str | None = None
    unreadable: str | None = None
    target: str | None = None


def open_binary(path: str) -> BinaryIO:
    return open(path, "rb")  # noqa: SIM115 - closed by the generator that reads it


def _file_blocks(handle: BinaryIO, path: str) -> Iterator[bytes]:
    with handle:
        while True:
            try:
                block = handle.read(_READ_BLOCK)
            except OSError as error:
                raise Unreadable(f"unreadable ({error.strerror})") from error
            if not block:
                return
            yield block


def open_for_scan(path: str) -> Opened:
    """Open a working-tree file: symlinks are not followed, nothing is skipped for its size
    or content (binary and wide encodings are scanned too)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return Opened(skipped="deleted")
    except OSError as error:
        return Opened(unreadable=f"unreadable ({error.strerror})")
    if stat.S_ISLNK(info.st_mode):
        try:
            target = os.readlink(path)
        except OSError as error:
            return Opened(unreadable=f"unreadable symlink ({error.strerror})")
        return Opened(skipped="symlink (not followed)", target=target)
    if stat.S_ISDIR(info.st_mode):  # a submodule: another repository, scanned there
        return Opened(skipped="directory")
    if not stat.S_ISREG(info.st_mode):
        return Opened(unreadable="not a regular file")
    try:
        handle = open_binary(path)
    except OSError as error:
        return Opened(unreadable=f"unreadable ({error.strerror})")
    return Opened(blocks=_file_blocks(handle, path))


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff(head: bytes) -> tuple[str, int]:
    """The encoding to read content with (`binary` for none) and the length of its BOM."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    sample = head[:_BINARY_SNIFF]
    if b"\0" not in sample:
        return "utf-8", 0
    # UTF-16 without a BOM: text in the Latin range has a NUL as every other byte.
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 4:
        if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.05 * len(even):
            return "utf-16-le", 0
        if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.05 * len(odd):
            return "utf-16-be", 0
    return "binary", 0


# One group: ``split`` gives the text between runs and the runs, alternately.
_RUN = re.compile(rb"((?:[\x20-\x7e\t]\x00){%d,}|[\x20-\x7e\t]{%d,})" % (_MIN_STRING, _MIN_STRING))
_ASCII_RUN = re.compile(rb"([\x20-\x7e\t]{%d,})" % _MIN_STRING)
# What every UTF-16LE run of _MIN_STRING characters holds: NUL, then a character and a NUL,
# _MIN_STRING - 1 times. Starting on a literal, it is found fast; without it, no wide run.
_WIDE_HINT = re.compile(rb"\x00(?:[\x20-\x7e\t]\x00){%d}" % (_MIN_STRING - 1))
# Every byte but the newline becomes a space: lines and columns stay where they were.
_BLANK = bytes(10 if b == 10 else 32 for b in range(256))


def printable_strings(text: str, wide: bool = True) -> str:
    """What `strings -n 8` shows of raw bytes (held one per character, as Latin-1), in place:
    runs of printable ASCII and, with ``wide``, of UTF-16LE ASCII; the rest blanked."""
    raw = text.encode("latin-1")
    wide = wide and _WIDE_HINT.search(raw) is not None
    parts = (_RUN if wide else _ASCII_RUN).split(raw)  # between, run, between, run, ...
    parts[0::2] = [between.translate(_BLANK) for between in parts[0::2]]
    if wide:
        parts[1::2] = [_narrowed(run) for run in parts[1::2]]
    return b"".join(parts).decode("ascii")


def _narrowed(run: bytes) -> bytes:
    """A UTF-16LE run as its characters, then spaces (it keeps its length); others as they are."""
    if len(run) > 1 and run[1] == 0:
        return run[0::2] + b" " * (len(run) // 2)
    return run


class _Chunker:
    """Cuts a stream of text into overlapping pieces of at most ``size`` characters, at line
    ends where it can."""

    def __init__(
        self, size: int, view: Callable[[str], str] | None = None, awake: bool = True
    ) -> None:
        self.size = max(size, 64)
        self.overlap = min(_MAX_OVERLAP, self.size // 4)
        self.view = view
        self.awake = awake  # asleep, it only counts lines until there is something to see
        self.parts: list[str] = []  # text not yet cut, joined only when a piece is due
        self.held = 0
        self.line, self.column = 1, 0  # where the held text starts in the file

    def _advance(self, consumed: str) -> None:
        self._moved(len(consumed), consumed.count("\n"), consumed.rfind("\n"))

    def skip_raw(self, data: bytes) -> None:
        """Asleep on Latin-1 content: count its lines without decoding it (a byte is a
        character, so the count is the same)."""
        self._moved(len(data), data.count(b"\n"), data.rfind(b"\n"))

    def _moved(self, length: int, newlines: int, last_newline: int) -> None:
        if newlines:
            self.line += newlines
            self.column = length - last_newline - 1
        else:
            self.column += length

    def _piece(self, text: str, cut_after: bool = False) -> Piece:
        return Piece(self.view(text) if self.view else text, self.line, self.column, cut_after)

    def feed(self, text: str) -> Iterator[Piece]:
        if not self.awake:
            self._advance(text)
            return
        self.parts.append(text)
        self.held += len(text)
        if self.held <= self.size:
            return
        buffer = "".join(self.parts)
        size, overlap = self.size, self.overlap
        while len(buffer) > size:
            end = buffer.rfind("\n", size - overlap, size) + 1
            if end:
                # The next piece starts at the first line that begins inside the overlap.
                start = buffer.find("\n", end - overlap, end - 1) + 1 or end
            else:  # a line longer than the overlap: cut inside it
                end, start = size, size - overlap
            yield self._piece(buffer[:end], cut_after=buffer[end - 1] != "\n")
            self._advance(buffer[:start])
            buffer = buffer[start:]
        self.parts, self.held = [buffer], len(buffer)

    def finish(self) -> Iterator[Piece]:
        buffer = "".join(self.parts)
        if buffer:
            yield self._piece(buffer)
        self.parts, self.held = [], 0


def pieces(blocks: Iterable[bytes], size: int) -> Iterator[Piece]:
    """The text to scan in raw content, piece by piece, memory bounded by ``size``.

    UTF-8 (invalid bytes replaced), UTF-16/32 with a BOM and evident UTF-16 are decoded;
    binary content is scanned as its printable strings. Decoded wide text is also scanned as
    its ASCII strings: a false BOM must not turn ASCII into ideographs nobody looks at; and
    UTF-8 text is also scanned as printable strings from the first block with a NUL on
    (UTF-16 after a text head).
    """
    stream = iter(blocks)
    head = b""
    for block in stream:
        head += block
        if len(head) >= _BINARY_SNIFF:
            break
    encoding, bom = sniff(head)
    readers: list[tuple[Any, _Chunker]] = []
    if encoding == "binary":
        readers.append(
            (codecs.getincrementaldecoder("latin-1")(), _Chunker(size, printable_strings))
        )
    else:
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        readers.append((decoder, _Chunker(size)))
        strings = _Chunker(size, printable_strings, awake=False)
        if encoding != "utf-8":
            strings = _Chunker(size, lambda text: printable_strings(text, wide=False))
        readers.append((codecs.getincrementaldecoder("latin-1")(), strings))
    first = True
    for block in itertools.chain([head], stream):
        for decoder, chunker in readers:
            data = block[bom:] if first and chunker is readers[0][1] else block
            if not chunker.awake:
                if b"\0" not in data:  # the strings reader (Latin-1, stateless) only counts
                    chunker.skip_raw(data)
                    continue
                chunker.awake = True
            yield from chunker.feed(decoder.decode(data))
        first = False
    for decoder, chunker in readers:
        yield from chunker.feed(decoder.decode(b"", final=True))
        yield from chunker.finish()


def secret_file_kind(path: str, head: bytes | None) -> str | None:
    """What makes this path a secret file, or None. ``head`` is the start of its content."""
    name = path.replace("\\", "/").rstrip("/").rpartition("/")[2]
    kind = _secret_file_name_kind(path, name) if _ANY_SECRET_FILE_NAME.search(name) else None
    if kind:
        return kind
    if (
        name.lower().endswith(_KEY_EXTENSIONS)
        and head is not None
        and _PRIVATE_KEY_MARK.search(head)
    ):
        return "private key file"
    return None


def _secret_file_name_kind(path: str, name: str) -> str | None:
    posix = PurePosixPath(path.replace("\\", "/"))
    for pattern, what in SECRET_FILE_NAMES:
        if pattern.search(name):
            if what == "cloud credentials file" and name == "credentials":
                parent = str(posix.parent)
                if not any(parent.endswith(d) for d in _CLOUD_CREDENTIAL_DIRS):
                    continue
            return what
    return None
