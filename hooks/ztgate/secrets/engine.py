"""Scan one text for secrets: our detectors and detect-secrets' plugins, then the filters."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ztgate.secrets import ds_bridge, filters, keywords
from ztgate.secrets.detectors import Detector, gapped_matches, shannon_entropy

_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class Candidate:
    """A secret found in a text, before baseline and reporting."""

    detector_id: str
    secret_type: str
    secret: str
    line: int  # 1-based
    column: int  # 1-based
    source: str  # "ztgate" or "detect-secrets"


@dataclass(frozen=True)
class ScanOptions:
    detectors: Sequence[Detector]
    disabled: frozenset[str] = frozenset()
    use_detect_secrets: bool = True
    base64_limit: float = 4.5
    hex_limit: float = 3.0

    @cached_property
    def detectors_by_keyword(self) -> dict[str, tuple[int, ...]]:
        """Keyword -> positions (in ``detectors``) of the detectors it gates."""
        index: dict[str, list[int]] = {}
        for position, detector in enumerate(self.detectors):
            if detector.id in self.disabled or detector.secret_type in self.disabled:
                continue
            for keyword in detector.keywords:
                index.setdefault(keyword, []).append(position)
        return {keyword: tuple(positions) for keyword, positions in index.items()}

    @cached_property
    def keywords(self) -> frozenset[str]:
        """Every keyword the detectors and detect-secrets' prefilters are gated on."""
        ours = frozenset(self.detectors_by_keyword)  # enabled detectors only
        return ours | (ds_bridge.ALL_PREFILTER_KEYWORDS if self.use_detect_secrets else frozenset())


class _Lines:
    """Offset -> line number, and line texts, computed only once a file has a candidate."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._lines: list[str] | None = None

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        return self._starts

    def number_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def column_of(self, offset: int) -> int:
        return offset - self.starts[self.number_of(offset) - 1] + 1

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""


# The same (value, line) is often judged twice: a token that we and detect-secrets both report,
# or the token around detect-secrets' finding; on a long line each costs a pass over it.
_common_reason = lru_cache(maxsize=8)(filters.common_reason)


def _reject_reason(detector: Detector, secret: str, line: str, column: int) -> str | None:
    if detector.min_entropy and shannon_entropy(secret) < detector.min_entropy:
        return "low entropy"
    reason = _common_reason(secret, line)
    if reason or not detector.by_context:
        return reason
    reason = filters.by_context_reason(secret, line, column, generic=detector.category == "generic")
    if reason or detector.id != "generic-api-key":
        return reason
    return filters.not_a_generic_secret(secret)


# detect-secrets plugins that judge by context (a key name, entropy) rather than a format.
DS_CONTEXT_PLUGINS = frozenset(
    {"KeywordDetector", "Base64HighEntropyString", "HexHighEntropyString"}
)
_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/=]{40,}")


def ds_reject_reason(ds: ds_bridge.DsSecret, lines: Sequence[str]) -> str | None:
    """Why our filters drop a detect-secrets finding (``lines``: the file's lines), or None."""
    line = lines[ds.line - 1] if 0 < ds.line <= len(lines) else ""
    token = filters.surrounding_token(line, ds.column, ds.secret)
    reason = _common_reason(ds.secret, line) or (
        _common_reason(token, line) if token != ds.secret else None
    )
    if reason:
        return reason
    if ds.plugin in DS_CONTEXT_PLUGINS:
        return filters.by_context_reason(ds.secret, line, ds.column, generic=True)
    if ds.plugin == "PrivateKeyDetector":
        # A header with no key material after it is documentation, not a key.
        body = "\n".join(lines[ds.line - 1 : ds.line + 200]).split("-----END", 1)[0]
        return None if _KEY_MATERIAL.search(body) else "private key header without a key"
    return (
        filters.embedded_in_word(line, ds.column, ds.secret)
        or filters.sequential_run(token)
        or filters.repeating(token)
    )


def _matches(detector: Detector, text: str, found: dict[str, list[int]]) -> list[re.Match[str]]:
    if detector.gap is not None:
        head = detector.parts[0]
        starts = (
            sorted({s for keyword in detector.keywords for s in found.get(keyword, ())})
            if detector.anchored
            else [m.start() for m in head.finditer(text)]
        )
        return gapped_matches(detector, text, starts)
    if not detector.anchored:
        return list(detector.pattern.finditer(text))
    # Like finditer, matches do not overlap: a keyword inside a match already found (the
    # next `xoxb-` of `xoxb-...xoxb-...` on one line) starts no new one, which would rescan the
    # rest of the line at every occurrence.
    matches = []
    end = 0
    last = max((text.rfind(c) for c in detector.needs), default=len(text))
    for start in sorted({s for keyword in detector.keywords for s in found.get(keyword, ())}):
        if start > last:
            break
        if start < end:
            continue
        match = detector.pattern.match(text, start)
        if match:
            matches.append(match)
            end = match.end()
    return matches


def lower_same_length(text: str) -> str:
    """Lowercase with every offset kept: a few characters (`İ`) grow when lowercased."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def scan_text(text: str, filename: str, options: ScanOptions) -> list[Candidate]:
    """Every secret in ``text``, ours first, then detect-secrets', each (line, secret, type)
    once. ``filename`` decides detect-secrets' file-type rules and the pragma comment syntax."""
    lowered = lower_same_length(text)
    found_keywords = keywords.occurrences(lowered, options.keywords)
    where = _Lines(text)
    found: dict[tuple[int, str, str], Candidate] = {}

    gated = options.detectors_by_keyword
    wanted = sorted({p for keyword in found_keywords for p in gated.get(keyword, ())})
    for detector in (options.detectors[p] for p in wanted):
        for match in _matches(detector, text, found_keywords):
            secret = match.group("secret")
            if not secret:
                continue
            offset = match.start("secret")
            number = where.number_of(offset)
            key = (number, secret, detector.secret_type)
            if key in found:  # found already: its filters need not run again
                continue
            column = where.column_of(offset)
            if _reject_reason(detector, secret, where.line(number), column):
                continue
            found[key] = Candidate(
                detector.id, detector.secret_type, secret, number, column, "ztgate"
            )

    if options.use_detect_secrets:
        unquoted = ds_bridge.wants_unquoted_values(filename)
        plugins_by_line = ds_bridge.candidate_lines(
            filename,
            text,
            lowered,
            found_keywords,
            where.number_of,
            unquoted,
            options.base64_limit,
            options.hex_limit,
        )
        if plugins_by_line:
            for ds in ds_bridge.analyze_lines(
                filename,
                where.lines,
                plugins_by_line,
                options.base64_limit,
                options.hex_limit,
                unquoted,
            ):
                if ds.plugin in options.disabled or ds.secret_type in options.disabled:
                    continue
                if ds_reject_reason(ds, where.lines):
                    continue
                key = (ds.line, ds.secret, ds.secret_type)
                if key not in found:
                    found[key] = Candidate(
                        ds.plugin, ds.secret_type, ds.secret, ds.line, ds.column, "detect-secrets"
                    )

    # Once per line, not per candidate: a long line may hold thousands of them.
    allowlisted: dict[int, bool] = {}
    for number in {c.line for c in found.values()}:
        allowlisted[number] = ds_bridge.is_allowlisted(
            filename, where.line(number).rstrip(), where.line(number - 1)
        )
    return [c for c in found.values() if not allowlisted[c.line]]
