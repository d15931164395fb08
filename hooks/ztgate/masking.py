"""Mask what looks like a credential in text ztgate prints but did not write itself."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ztgate.secrets.engine import ScanOptions

# No cheaper test says "no credential here": the engine's own keywords (`sk`, `pw`, `ld`,
# `://`, `$6$`...) are in nearly every sentence, and a command line (`mysql -p...`) or an
# Oracle URL (`app/pw@host`) holds no word a shorter list could name. Every text of 8 or more
# characters goes through the engine (imported on first use; cached per text).
# This is display, not a gate: an allowlist pragma in the text must not keep a secret in clear.
_PRAGMA = re.compile(r"pragma", re.I)
_NEWLINE = re.compile("\n")
# detect-secrets reports a key block by its header line, which holds nothing secret.
_KEY_HEADER = re.compile(r"BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?")
# A key block cut short (a subject, a one-line name) has no END line for the engine to find.
_KEY_MATERIAL = re.compile(
    r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----\s*"
    r"(?P<secret>[A-Za-z0-9+/=]{8,}(?:\s+[A-Za-z0-9+/=]{8,})*)"
)
# A value assigned to a password-like name is masked even when the engine's filters think it
# is made of words: a filter that keeps a gate quiet must not print a password in clear.
_ASSIGNED = re.compile(
    r"(?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key)[\w-]{0,30}['\"]?[ \t]*[:=]+[ \t]*"
    r"['\"]?(?P<secret>[^'\"\s`…]{6,})",
    re.I,
)
# Detect-secrets reads files by name: a code file's name keeps it to quoted values, so public
# fingerprints and hashes in properties stay readable.
_AS_FILE = "ztgate-report.py"
# Below this, a second occurrence of a found secret is not searched for (detect-secrets reports
# a token's prefix, such as `ghp`, alongside the token).
_MIN_REPEATED = 8
# Texts longer than this are scanned in pieces that overlap by more than any token is long.
_CHUNK = 2048
_OVERLAP = 512


@lru_cache(maxsize=1)
def _options() -> ScanOptions:
    from ztgate.policy import SecretsPolicy
    from ztgate.secrets.scan import options_from

    return options_from(SecretsPolicy())


@lru_cache(maxsize=1024)
def mask_secrets(text: str, quoting: tuple[str, ...] = ()) -> str:
    """``text`` with every credential the secrets engine finds in it shown as ``mask(secret)``:
    at most its first 4 characters, then its length.

    ``quoting`` holds texts that ``text`` may quote cut short (a finding's properties hold the
    commit subject that its message cuts to 60 characters): any piece of more than 4 characters
    of a secret found there is masked in ``text`` too, since a cut token is no longer found.
    """
    spans = list(_spans(text))
    for whole in quoting:
        for begin, end in _spans(whole):
            spans.extend(_shared(text, whole[begin:end]))
    if not spans:
        return text
    from ztgate.secrets.scan import mask

    parts: list[str] = []
    position = 0
    for begin, end in _merged(spans):
        parts.append(text[position:begin])
        parts.append(mask(text[begin:end]))
        position = end
    parts.append(text[position:])
    return "".join(parts)


@lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where the credentials in ``text`` are (possibly overlapping); cached, as a report asks
    about a finding's properties once as quoted by its message and once each."""
    if len(text) < 8:
        return ()
    from ztgate.secrets.engine import scan_text

    probe = _PRAGMA.sub(lambda match: "x" * len(match.group(0)), text)
    spans: list[tuple[int, int]] = []
    for offset, chunk in _chunks(probe):
        starts = [0, *(match.end() for match in _NEWLINE.finditer(chunk))]
        for candidate in scan_text(chunk, _AS_FILE, _options()):
            secret = candidate.secret
            if _KEY_HEADER.fullmatch(secret):
                continue
            at = offset + starts[min(candidate.line, len(starts)) - 1] + candidate.column - 1
            placed = probe[at : at + len(secret)] == secret
            if placed:
                spans.append((at, at + len(secret)))
            if len(secret) >= _MIN_REPEATED or not placed:
                spans.extend(_occurrences(probe, secret))
    spans.extend(m.span("secret") for m in _KEY_MATERIAL.finditer(probe))
    spans.extend(m.span("secret") for m in _ASSIGNED.finditer(probe))
    return tuple(spans)


def _shared(text: str, secret: str, size: int = 5) -> list[tuple[int, int]]:
    """Every place where ``text`` shows ``size`` or more characters of ``secret`` in a row."""
    pieces = {secret[i : i + size] for i in range(len(secret) - size + 1)}
    return [(j, j + size) for j in range(len(text) - size + 1) if text[j : j + size] in pieces]


def _chunks(text: str) -> list[tuple[int, str]]:
    """Overlapping pieces of at most _CHUNK characters: some of the engine's patterns take time
    that grows with the square of a line's length, so no line it sees is long."""
    if len(text) <= _CHUNK:
        return [(0, text)]
    pieces = []
    start = 0
    while start + _OVERLAP < len(text):
        pieces.append((start, text[start : start + _CHUNK]))
        start += _CHUNK - _OVERLAP
    return pieces


def _occurrences(text: str, secret: str) -> list[tuple[int, int]]:
    found = []
    at = text.find(secret)
    while at >= 0:
        found.append((at, at + len(secret)))
        at = text.find(secret, at + 1)
    return found


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged
