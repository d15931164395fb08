"""Our own detectors: each credential kind is data (id, type, keywords, pattern), not code."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

# The characters a secret can border on without being part of it.
_LEFT = r"(?<![A-Za-z0-9_])"
_RIGHT = r"(?![A-Za-z0-9_])"

# What may stand between a key name and its value: the rest of the identifier, closing quotes
# or brackets, then an assignment (=, :, :=, =>, ||, ?=, a comma, or plain blanks).
_KEY_TAIL = r"[\w.\-]{0,40}?[ \t'\"\]\)]{0,3}"
_ASSIGN = r"(?:[ \t]*(?:=>|:=|::|\?=|\|\||=|:|,)[ \t]*|[ \t]+)"
_OPEN = r"[ \t'\"`=]{0,5}"
_VALUE_END = r"(?=[\s'\"`;,)\]}<>\\|&]|$)"


@dataclass(frozen=True)
class Detector:
    """One credential kind.

    ``keywords`` are lowercase literals; the pattern runs only on text holding one of them,
    which is what keeps 150+ detectors fast. With ``anchored`` the pattern is tried only where a
    keyword starts (it must begin with one). The secret is the pattern's ``secret`` group.
    """

    id: str
    secret_type: str
    category: str
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]
    anchored: bool = False
    min_entropy: float = 0.0
    # True when only the context (a key name) makes the value a secret: such matches also
    # get the look-alike filters that a vendor's exact format does not need.
    by_context: bool = False


def shannon_entropy(data: str) -> float:
    if not data:
        return 0.0
    length = len(data)
    return -sum(n / length * math.log2(n / length) for n in Counter(data).values())


def token(
    id: str,
    secret_type: str,
    category: str,
    body: str,
    keywords: tuple[str, ...],
    *,
    min_entropy: float = 0.0,
    left: str = _LEFT,
    right: str = _RIGHT,
    flags: int = 0,
) -> Detector:
    """A token recognisable by its own shape (usually a vendor prefix), wherever it stands.

    A body with its own ``secret`` group finds the secret by what surrounds it (a header, a
    URL, a manifest), so it counts as context-based.
    """
    by_context = "(?P<secret>" in body
    if not by_context:
        body = f"(?P<secret>{body})"
    pattern = re.compile(f"{left}{body}{right}", flags | re.MULTILINE)
    anchored = all(_starts_with_literal(body, k) for k in keywords) and not flags & re.IGNORECASE
    return Detector(id, secret_type, category, keywords, pattern, anchored, min_entropy, by_context)


def keyed(
    id: str,
    secret_type: str,
    category: str,
    names: str,
    value: str,
    keywords: tuple[str, ...],
    *,
    min_entropy: float = 0.0,
) -> Detector:
    """A value that is only a secret because of the key it is assigned to (``snyk_token = ...``).

    ``names`` is a regex alternation of the key names (matched case-insensitively); every
    alternative must start with one of ``keywords``.
    """
    pattern = re.compile(
        f"(?i:{names}){_KEY_TAIL}{_ASSIGN}{_OPEN}(?P<secret>{value}){_VALUE_END}",
        re.MULTILINE,
    )
    return Detector(id, secret_type, category, keywords, pattern, True, min_entropy, True)


def _starts_with_literal(body: str, keyword: str) -> bool:
    stripped = body.removeprefix("(?P<secret>")
    return stripped.lower().startswith(re.escape(keyword).lower()) or stripped.lower().startswith(
        keyword
    )
