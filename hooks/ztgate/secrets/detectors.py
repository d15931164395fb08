"""Our own detectors: each credential kind is data (id, type, keywords, pattern), not code."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

# The characters a secret can border on without being part of it.
# A dot before or a dotted extension after means a file or host name, not a token.
_LEFT = r"(?<![A-Za-z0-9_.])"
_RIGHT = r"(?![A-Za-z0-9_]|\.[A-Za-z0-9])"
# A key name starts a word: after a non-letter, or at a camelCase hump (`myOktaToken`).
_NAME_START = r"(?:(?<![A-Za-z0-9])|(?<=[a-z0-9])(?=[A-Z]))"

# What may stand between a key name and its value: the rest of the identifier, closing quotes
# or brackets, then an assignment (=, :, :=, =>, ||, ?=, a comma, or plain blanks).
_KEY_TAIL = r"[\w.\-]{0,40}?[ \t'\"\]\)]{0,3}(?:[ \t]+(?:string|String|str|const|final)\b)?"
# `=`, `:=`, `::=`, `.=`, `+=`, `=>`, `:`, `||`, `,`, or an XML element's `>` (value on the next
# line allowed there), or plain blanks.
_ASSIGN = r"(?:[ \t]*(?:=>|[:.?+!]{0,3}=|::|:|\|\||,)[ \t]*|[ \t]*>\s*|[ \t]+)"
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
    regex: str
    anchored: bool = False
    min_entropy: float = 0.0
    # True when only the context (a key name) makes the value a secret: such matches also
    # get the look-alike filters that a vendor's exact format does not need.
    by_context: bool = False
    flags: int = re.MULTILINE

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled on first use: most detectors never run in a given commit."""
        return re.compile(self.regex, self.flags)


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
    by_context: bool | None = None,
    anchored: bool | None = None,
) -> Detector:
    """A token recognisable by its own shape (usually a vendor prefix), wherever it stands.

    A body with its own ``secret`` group finds the secret by what surrounds it (a header, a
    URL, a manifest), so it counts as context-based unless ``by_context`` says otherwise.
    ``anchored`` (tried only where a keyword starts) is inferred for a body that starts with
    its keyword; say so for one that starts with an alternation of its keywords.
    """
    if by_context is None:
        by_context = "(?P<secret>" in body
    if "(?P<secret>" not in body:
        body = f"(?P<secret>{body})"
    regex = f"{left}{body}{right}"
    if anchored is None:
        anchored = (
            all(_starts_with_literal(body, k) for k in keywords) and not flags & re.IGNORECASE
        )
    return Detector(
        id,
        secret_type,
        category,
        keywords,
        regex,
        anchored,
        min_entropy,
        by_context,
        flags | re.MULTILINE,
    )


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
    regex = f"{_NAME_START}(?i:{names}){_KEY_TAIL}{_ASSIGN}{_OPEN}(?P<secret>{value}){_VALUE_END}"
    return Detector(id, secret_type, category, keywords, regex, True, min_entropy, True)


def _starts_with_literal(body: str, keyword: str) -> bool:
    stripped = body.removeprefix("(?P<secret>")
    return stripped.lower().startswith(re.escape(keyword).lower()) or stripped.lower().startswith(
        keyword
    )
