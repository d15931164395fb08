"""Our own detectors: each credential kind is data (id, type, keywords, pattern), not code."""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _parser

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
# The same tail and assignment with every blank run possessive (taken whole, never given back
# one character at a time): a run of blanks after a key name otherwise costs dozens of
# backtracking steps per blank. Each run is followed by something that cannot start with a
# blank (a type word, an operator, `>`) or by `_OPEN` and a value that cannot (see `keyed`):
# characters given back could only be taken again by `_OPEN`, reaching value starts already
# tried, so the first match found, and its groups, are the same. (Possessive repeats need
# Python 3.11; 3.10 keeps the slower template.) What follows the rest of the key name starts
# with a quote, bracket, blank or operator, never a word character or `-`: the two lookaheads
# only reject early (the first where 41 name characters follow the keyword: `fb_fb_fb_...`).
_KEY_TAIL_FAST = (
    r"(?![\w\-]{41})[\w.\-]{0,40}?(?![\w\-])"
    r"[ \t'\"\]\)]{0,3}(?:[ \t]++(?:string|String|str|const|final)\b)?"
)
_ASSIGN_FAST = r"(?:[ \t]*+(?:=>|[:.?+!]{0,3}=|::|:|\|\||,)[ \t]*+|[ \t]*+>\s*+|[ \t]++)"


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
    # (head, n, tail, lead) when ``regex`` is head + ``line_gap(n)`` + tail and the tail starts
    # with ``lead`` (no group, no lookaround): matched in parts (see ``gapped_matches``), the
    # same matches without rescanning the gap at each occurrence.
    gap: tuple[str, int, str, str] | None = None
    # Characters one of which every match holds (`;` ending a connection string): no match
    # starts after the last of them in a text.
    needs: str = ""
    # What the detector was written from, and what the test suite runs: `examples` must be
    # found, `negatives` (near misses: wrong length, charset, prefix, placeholders) must not.
    # Templates as tests/fakes.fill expands them (`{a36}` = 36 random base62 characters).
    docs: str = ""
    examples: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    severity: str = "error"  # the default; the policy may change it per detector
    # Only a key name or the surroundings say the match is a secret, not which one: it ranks
    # below every format, a vendor's or a neutral one (`engine.specificity_of`), and yields to
    # them when they find the same secret.
    context_only: bool = False
    # The value must also look random on its own: not a path, version, resource name or UUID,
    # letters and digits mixed (``filters.not_a_generic_secret``).
    random_value: bool = False
    # Every match lies on one line, and that line holds one of ``keywords`` (a `^...$`
    # pattern whose key name ends in one): only the lines holding a keyword are searched.
    keyword_line: bool = False

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled on first use: most detectors never run in a given commit."""
        return re.compile(self.regex, self.flags)

    @cached_property
    def parts(self) -> tuple[re.Pattern[str], int, re.Pattern[str], re.Pattern[str], int]:
        """Compiled head, gap length, tail, lead and the lead's longest match."""
        head, most, tail, lead = self.gap or ("", 0, "", "")
        lead_pattern = re.compile(lead, self.flags)
        longest = int(_parser.parse(lead, self.flags).getwidth()[1])
        return (
            re.compile(head, self.flags),
            most,
            re.compile(tail, self.flags),
            lead_pattern,
            longest,
        )


@dataclass(frozen=True)
class About:
    """What a catalog entry says of its detector beyond the pattern (see ``Detector``)."""

    docs: str = ""
    examples: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    severity: str = "error"
    context_only: bool = False
    random_value: bool = False


def _about(about: About | None) -> dict[str, Any]:
    if about is None:
        return {}
    return {
        "docs": about.docs,
        "examples": about.examples,
        "negatives": about.negatives,
        "severity": about.severity,
        "context_only": about.context_only,
        "random_value": about.random_value,
    }


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
    gap: tuple[str, int, str] | None = None,
    needs: str = "",
    keyword_line: bool = False,
    about: About | None = None,
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
    split = None
    if (
        gap is not None
    ):  # body = head + line_gap(n) + tail, tail = lead + ..., `gap` = (head, n, lead)
        head, most, lead = gap
        if not body.startswith(head + line_gap(most) + lead):
            raise ValueError(f"{id}: the body does not start with its head, gap and lead")
        split = (left + head, most, body[len(head + line_gap(most)) :] + right, lead)
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
        split,
        needs,
        **_about(about),
        keyword_line=keyword_line,
    )


def line_gap(most: int) -> str:
    """Up to ``most`` characters of a line (a `\\`-newline continues it), as few as can be."""
    return rf"(?:[^\n]|\\\r?\n){{0,{most}}}?"


def gapped_matches(detector: Detector, text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """The matches of a ``gap`` detector starting at ``starts`` (ascending; each where its head
    may match), not overlapping, as ``detector.pattern.match`` at each would find them.

    The pattern is head, a lazy gap, then a tail: it tries the tail at each position of the gap
    where the tail's lead matches, in turn, and keeps the first that matches. A tail's outcome at a
    position does not depend on the occurrence, so positions where it failed for one
    occurrence are not tried again for the next (`curl curl curl ...` costs one pass, not 400
    characters per `curl`). A line ending in a `\\`-newline (where the gap may go on to the
    next line) is left to the whole pattern.
    """
    head, most, tail, lead, longest = detector.parts
    matches: list[re.Match[str]] = []
    end = 0
    failed_from = failed_to = -1  # the tail fails at every position in [failed_from, failed_to)
    line_end = -1
    for start in starts:
        if start < end:
            continue
        opened = head.match(text, start)
        if not opened:
            continue
        gap_start = opened.end()
        if gap_start > line_end:  # on a later line (starts ascend): once per line, not per start
            line_end = text.find("\n", gap_start)
            if line_end < 0:
                line_end = len(text)
        if line_end < len(text) and "\\" in text[max(gap_start, line_end - 2) : line_end]:
            whole = detector.pattern.match(text, start)
            if whole:
                matches.append(whole)
                end = whole.end()
            continue
        last = min(gap_start + most, line_end)  # the gap's last position
        position = gap_start
        if failed_from <= gap_start <= failed_to:
            position = max(gap_start, failed_to)
        found = None
        while position <= last:
            # Where the tail's lead matches (it starts by `last`, so it ends by `last + longest`).
            candidate = lead.search(text, position, last + longest)
            if not candidate or candidate.start() > last:
                break
            found = tail.match(text, candidate.start())
            if found:
                break
            position = candidate.start() + 1
        if found:
            matches.append(found)
            end = found.end()
        else:
            if failed_from <= gap_start <= failed_to:
                failed_to = max(failed_to, last + 1)
            else:
                failed_from, failed_to = gap_start, last + 1
    return matches


def keyed(
    id: str,
    secret_type: str,
    category: str,
    names: str,
    value: str,
    keywords: tuple[str, ...],
    *,
    min_entropy: float = 0.0,
    about: About | None = None,
) -> Detector:
    """A value that is only a secret because of the key it is assigned to (``snyk_token = ...``).

    ``names`` is a regex alternation of the key names (matched case-insensitively); every
    alternative must start with one of ``keywords``.
    """
    fast = sys.version_info >= (3, 11) and not _may_start_with_space(value)
    tail, assign = (_KEY_TAIL_FAST, _ASSIGN_FAST) if fast else (_KEY_TAIL, _ASSIGN)
    regex = f"{_NAME_START}(?i:{names}){tail}{assign}{_OPEN}(?P<secret>{value}){_VALUE_END}"
    return Detector(
        id, secret_type, category, keywords, regex, True, min_entropy, True, **_about(about)
    )


def _may_start_with_space(value: str) -> bool:
    """Whether a match of ``value`` may start with whitespace (True when unsure)."""
    return _may_start_with(_parser.parse(value))


def _may_start_with(tree: Any) -> bool:
    for op, arg in tree:
        if op is _c.LITERAL:
            return chr(arg).isspace()
        if op is _c.IN:
            return _class_may_be_space(arg)
        if op is _c.SUBPATTERN or op is _c.MAX_REPEAT or op is _c.MIN_REPEAT:
            sub = arg[-1]
            if _may_start_with(sub):
                return True
            if (op is _c.SUBPATTERN and sub.getwidth()[0]) or (op is not _c.SUBPATTERN and arg[0]):
                return False
            continue  # may match nothing: what follows may start the match
        if op is _c.BRANCH:
            if any(_may_start_with(alt) for alt in arg[1]):
                return True
            if all(alt.getwidth()[0] for alt in arg[1]):
                return False
            continue
        return True  # anything else (a lookaround, `.`, a category): unsure
    return True  # may match nothing


def _class_may_be_space(items: Any) -> bool:
    for op, arg in items:
        if op is _c.LITERAL:
            if chr(arg).isspace():
                return True
        elif op is _c.RANGE:
            low, high = arg
            if high - low > 0x3000 or any(chr(c).isspace() for c in range(low, high + 1)):
                return True
        elif op is _c.CATEGORY:
            if arg not in (_c.CATEGORY_DIGIT, _c.CATEGORY_WORD, _c.CATEGORY_NOT_SPACE):
                return True
        else:  # a negated class
            return True
    return False


def _starts_with_literal(body: str, keyword: str) -> bool:
    stripped = body.removeprefix("(?P<secret>")
    return stripped.lower().startswith(re.escape(keyword).lower()) or stripped.lower().startswith(
        keyword
    )
