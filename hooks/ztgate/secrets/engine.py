"""Scan one text for secrets: our detectors and detect-secrets' plugins, then the filters."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache, partial
from itertools import accumulate

from ztgate.secrets import ds_bridge, filters, prefilter
from ztgate.secrets.detectors import Detector, gapped_matches, shannon_entropy


@dataclass(frozen=True)
class Candidate:
    """A secret found in a text, before baseline and reporting."""

    detector_id: str
    secret_type: str
    secret: str
    line: int  # 1-based
    column: int  # 1-based
    source: str  # "ztgate" or "detect-secrets"
    specificity: int = 2  # CONTEXT_ONLY < NEUTRAL_FORMAT < VENDOR: which one a merge keeps
    # The other detectors' matches of the same secret, merged into this one
    # (``merge_overlapping``): reported once, still known under each of their identities.
    merged: tuple[Candidate, ...] = ()

    @property
    def end(self) -> int:
        return self.column + len(self.secret)


@dataclass(frozen=True)
class Dropped:
    """A candidate a named filter dropped (kept only with ``ScanOptions.explain``)."""

    candidate: Candidate
    drop: filters.Drop


@dataclass(frozen=True)
class TextScan:
    """What one text holds: the candidates reported, and those an inline comment allows
    (detect-secrets' `pragma: allowlist secret`, gitleaks' `gitleaks:allow`); with
    ``ScanOptions.explain``, also those a filter dropped."""

    candidates: list[Candidate]
    allowed: list[Candidate]
    dropped: list[Dropped] = field(default_factory=list)


@dataclass(frozen=True)
class ScanOptions:
    detectors: Sequence[Detector]
    disabled: frozenset[str] = frozenset()
    use_detect_secrets: bool = True
    base64_limit: float = 4.5
    hex_limit: float = 3.0
    # Keep what the filters drop (`ztgate secrets --explain`); also asks detect-secrets about
    # the values its prefilter would skip because a filter drops them anyway.
    explain: bool = False

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

    @cached_property
    def enabled(self) -> frozenset[int]:
        """Positions of the detectors not disabled (each gated by a keyword)."""
        return frozenset(p for positions in self.detectors_by_keyword.values() for p in positions)

    @cached_property
    def plan(self) -> prefilter.Plan:
        limits = (self.base64_limit, self.hex_limit) if self.use_detect_secrets else None
        return _plan(tuple(self.detectors), self.enabled, self.keywords, limits)

    @cached_property
    def database(self) -> prefilter.Database | None:
        """The compiled prefilter (cached on disk); None: the pure-Python path."""
        return prefilter.cached_database(self.plan)

    def warm_up(self) -> None:
        """Load the prefilter now, before forking workers: they share it. Patterns are left
        to compile where first needed: a worker needs a few dozen of the 350 (the prefilter
        leaves the rest out), and compiling all of them here cost more than both workers'."""
        if prefilter.mode() != "python" and self.database is not None:
            _PURE_LEFT[0] = 0

    def sighting(self, text: str, lowered: str) -> prefilter.Sighting:
        """What one pass sees in ``text``: by Hyperscan where it can, else the automaton. A
        run starts on the automaton (``prefilter.PURE_FIRST``): a hook's few files are done
        before the database would have loaded."""
        mode = prefilter.mode()
        seen = None
        if mode == "auto" and _PURE_LEFT[0] > 0:
            _PURE_LEFT[0] -= len(text)
        elif mode != "python" and self.database is not None:
            seen = self.database.sighting(text, lowered)
        return seen if seen is not None else prefilter.python_sighting(lowered, self.keywords)


# What this process still scans on the automaton before it turns to Hyperscan.
_PURE_LEFT = [prefilter.PURE_FIRST]


@lru_cache(maxsize=4)
def _plan(
    detectors: tuple[Detector, ...],
    enabled: frozenset[int],
    words: frozenset[str],
    limits: tuple[float, float] | None,
) -> prefilter.Plan:
    """What the one-pass prefilter looks for: every keyword, every enabled detector's
    pattern (a gapped one by its head), detect-secrets' shapes and the values its entropy
    plugins could weigh above their ``limits`` (none without detect-secrets)."""
    entries = [prefilter.keyword_entry(k) for k in sorted(words)]
    for position in sorted(enabled):
        detector = detectors[position]
        regex = detector.gap[0] if detector.gap else detector.regex
        entries.append(prefilter.Entry(prefilter.DETECTOR, position, regex, detector.flags))
    if limits is not None:
        for name, regex, flags in ds_bridge.prefilter_shapes():
            entries.append(prefilter.Entry(prefilter.SHAPE, name, regex, flags))
        for name, regex, flags in ds_bridge.value_shapes(*limits):
            entries.append(prefilter.Entry(prefilter.VALUE, name, regex, flags))
    return prefilter.Plan((*entries, prefilter.ODD_ENTRY))


class _Lines:
    """Offset -> line number, and line texts, computed only once a file has a candidate."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._lines: list[str] | None = None
        self._separators: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            # Each line's start: the lengths of the lines before it, plus their newlines.
            self._starts = list(accumulate(map((1).__add__, map(len, self.lines)), initial=0))
        return self._starts

    def number_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def column_of(self, offset: int) -> int:
        return offset - self.starts[self.number_of(offset) - 1] + 1

    def crosses_document(self, start: int, end: int) -> bool:
        """Whether a YAML document separator (a `---` line) lies inside [start, end)."""
        if self._separators is None:
            self._separators = [m.start() for m in filters.YAML_SEPARATOR.finditer(self.text)]
        at = bisect.bisect_right(self._separators, start)
        return at < len(self._separators) and self._separators[at] < end

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


def _reject_reason(
    detector: Detector,
    secret: str,
    lines: Sequence[str],
    number: int,
    column: int,
    crosses_documents: Callable[[], bool],
) -> filters.Drop | None:
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    if detector.min_entropy and shannon_entropy(secret) < detector.min_entropy:
        return filters.Drop("min-entropy", "low entropy")
    reason = _common_reason(secret, line) or filters.url_drop(secret, line, column)
    if reason:
        return reason
    if crosses_documents():
        return filters.Drop("yaml-documents", "match spans two YAML documents")
    if not detector.by_context:
        return reason
    generic = detector.category == "generic"
    reason = filters.by_context_reason(secret, line, column, generic=generic)
    if reason:
        return reason
    if generic:
        around = filters.surrounding_token(line, column, secret)
        reason = filters.context_drop(secret, around, lines, number, column)
        if reason:
            return reason
    # A detector whose value must look random (the generic key) demands more evidence.
    return filters.not_a_generic_secret(secret) if detector.random_value else None


# detect-secrets plugins that judge by context (a key name, entropy) rather than a format.
DS_CONTEXT_PLUGINS = frozenset(
    {"KeywordDetector", "Base64HighEntropyString", "HexHighEntropyString"}
)
# detect-secrets' format plugins that name no vendor (ours: the "generic" category).
_DS_NEUTRAL_FORMATS = frozenset({"BasicAuthDetector", "JwtTokenDetector"})
CONTEXT_ONLY, NEUTRAL_FORMAT, VENDOR = 0, 1, 2


def specificity_of(detector: Detector) -> int:
    """How much one of our detectors says about what it found: a vendor's format over a
    vendor-neutral format (a JWT, a password in a URL) over a key name alone."""
    if detector.context_only:
        return CONTEXT_ONLY
    return NEUTRAL_FORMAT if detector.category == "generic" else VENDOR


def specificity(plugin: str) -> int:
    """The same for a detect-secrets plugin, by its name."""
    if plugin in DS_CONTEXT_PLUGINS:
        return CONTEXT_ONLY
    return NEUTRAL_FORMAT if plugin in _DS_NEUTRAL_FORMATS else VENDOR


def context_only_ids(detectors: Sequence[Detector]) -> frozenset[str]:
    """The detectors, ours and detect-secrets' plugins, that only say "this looks secret"."""
    return DS_CONTEXT_PLUGINS | {d.id for d in detectors if d.context_only}


_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/=]{40,}")


def ds_reject_reason(
    ds: ds_bridge.DsSecret, lines: Sequence[str], filename: str = ""
) -> filters.Drop | None:
    """Why our filters drop a detect-secrets finding (``lines``: the file's lines), or None."""
    line = lines[ds.line - 1] if 0 < ds.line <= len(lines) else ""
    token = filters.surrounding_token(line, ds.column, ds.secret)
    reason = (
        _common_reason(ds.secret, line)
        or (_common_reason(token, line) if token != ds.secret else None)
        or filters.url_drop(ds.secret, line, ds.column)
        or filters.vendor_token_invalid(filters.word_at(line, ds.column))
    )
    if reason:
        return reason
    if ds.plugin in DS_CONTEXT_PLUGINS:
        return (
            filters.by_context_reason(ds.secret, line, ds.column, generic=True)
            or filters.context_drop(ds.secret, token, lines, ds.line, ds.column)
            or (filters.keyword_value_drop(ds.secret) if ds.plugin == "KeywordDetector" else None)
            or (
                filters.named(
                    "commit-id", filters.commit_id_in_policy(ds.secret, lines, ds.line, ds.column)
                )
                if filters.is_structured_policy_file(filename)
                else None
            )
        )
    if ds.plugin == "PrivateKeyDetector":
        if ds.secret.startswith("BEGIN") and not line[: max(ds.column - 1, 0)].endswith("-----"):
            # `-{5}BEGIN PRIVATE KEY-{5}` in a pattern, `BEGIN PRIVATE KEY` in prose.
            return filters.Drop("key-header-only", "not a PEM header")
        # A header with no key material after it is documentation, not a key.
        body = "\n".join(lines[ds.line - 1 : ds.line + 200]).split("-----END", 1)[0]
        if _KEY_MATERIAL.search(body):
            return None
        return filters.Drop("key-header-only", "private key header without a key")
    return (
        filters.named("embedded-in-word", filters.embedded_in_word(line, ds.column, ds.secret))
        or filters.named("sequential", filters.sequential_run(token))
        or filters.named("repeating", filters.repeating(token))
    )


def _matches(
    detector: Detector,
    text: str,
    found: prefilter.KeywordIndex,
) -> list[re.Match[str]]:
    if detector.gap is not None:
        head = detector.parts[0]
        starts = (
            _starts(detector, found)
            if detector.anchored
            else [m.start() for m in head.finditer(text)]
        )
        return gapped_matches(detector, text, starts)
    if not detector.anchored:
        if detector.keyword_line:
            return _on_keyword_lines(detector, text, found)
        return list(detector.pattern.finditer(text))
    starts = _starts(detector, found)
    # Every match holds one of ``needs``: none starts after the last of them.
    last = max((text.rfind(c) for c in detector.needs), default=len(text))
    del starts[bisect.bisect_right(starts, last) :]
    if starts and len(starts) * _DENSE > len(text):
        # Keywords everywhere (`pwd=pwd=...`): one pass of `re` costs less than a call at each.
        # The pattern starts with its keyword, so its matches start only where one does.
        return list(detector.pattern.finditer(text, starts[0]))
    return _at_keywords(detector, text, starts)


def _starts(detector: Detector, found: prefilter.KeywordIndex) -> list[int]:
    """Where the detector's keywords start, ascending (one keyword's list is so already)."""
    present = [starts for keyword in detector.keywords if (starts := found.get(keyword, ()))]
    if len(present) == 1:
        return list(present[0])
    return sorted({start for starts in present for start in starts})


# A keyword every this many characters or closer: the anchored pattern runs over the text.
_DENSE = 32


def _at_keywords(detector: Detector, text: str, starts: list[int]) -> list[re.Match[str]]:
    """An anchored detector's matches, tried at each keyword start (ascending)."""
    # Like finditer, matches do not overlap: a keyword inside a match already found (the
    # next `xoxb-` of `xoxb-...xoxb-...` on one line) starts no new one, which would rescan the
    # rest of the line at every occurrence.
    matches = []
    end = 0
    for start in starts:
        if start < end:
            continue
        match = detector.pattern.match(text, start)
        if match:
            matches.append(match)
            end = match.end()
    return matches


def _on_keyword_lines(
    detector: Detector, text: str, found: prefilter.KeywordIndex
) -> list[re.Match[str]]:
    """The matches of a ``keyword_line`` detector: each line holding a keyword searched alone
    (a match never leaves its line, so these are the matches of the whole text)."""
    return [
        match
        for line_start, line_end in ds_bridge.line_spans(text, _starts(detector, found))
        for match in detector.pattern.finditer(text, line_start, line_end)
    ]


def lower_same_length(text: str) -> str:
    """Lowercase with every offset kept: a few characters (`İ`) grow when lowercased."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # `İ` (U+0130) is the one character that grows (to `i` and a combining dot): kept as is.
    lowered = _GROWS.join(part.lower() for part in text.split(_GROWS))
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_GROWS = "\u0130"


def scan_text(text: str, filename: str, options: ScanOptions) -> list[Candidate]:
    """Every secret in ``text`` that no inline comment allows (see ``scan_text_allowing``)."""
    return scan_text_allowing(text, filename, options).candidates


def scan_text_allowing(text: str, filename: str, options: ScanOptions) -> TextScan:
    """Every secret in ``text``, ours first, then detect-secrets', each secret on a line once
    (``merge_overlapping``), split into those reported and those an inline comment allows.
    ``filename`` decides detect-secrets' file-type rules and the pragma comment syntax."""
    lowered = lower_same_length(text)
    seen = options.sighting(text, lowered)
    where = _Lines(text)
    found: dict[tuple[int, str, str], Candidate] = {}
    dropped: list[Dropped] = []
    for candidate, drop in _ours(text, filename, seen, where, options):
        if drop is None:
            found.setdefault((candidate.line, candidate.secret, candidate.secret_type), candidate)
        elif options.explain:
            dropped.append(Dropped(candidate, drop))
    if options.use_detect_secrets:
        for candidate, drop in _detect_secrets(text, lowered, filename, seen, where, options):
            if drop is None:
                found.setdefault(
                    (candidate.line, candidate.secret, candidate.secret_type), candidate
                )
            elif options.explain:
                dropped.append(Dropped(candidate, drop))
    return _split_allowed(merge_overlapping(list(found.values())), where, filename, dropped)


_Judged = tuple[Candidate, "filters.Drop | None"]


def _ours(
    text: str, filename: str, seen: prefilter.Sighting, where: _Lines, options: ScanOptions
) -> Iterator[_Judged]:
    """Our detectors' candidates, each with the filter that drops it (None: kept); a secret a
    detector found once on a line is judged once."""
    policy_file = filters.is_structured_policy_file(filename)
    gated = options.detectors_by_keyword
    wanted = sorted({p for keyword in seen.keywords for p in gated.get(keyword, ())})
    judged: set[tuple[int, str, str]] = set()
    for position in wanted:
        if not seen.may_match(position):
            continue
        detector = options.detectors[position]
        for match in _matches(detector, text, seen.keywords):
            secret = match.group("secret")
            if not secret:
                continue
            offset = match.start("secret")
            number = where.number_of(offset)
            if (number, secret, detector.secret_type) in judged:
                continue
            judged.add((number, secret, detector.secret_type))
            yield _judge_ours(detector, match, secret, number, where, policy_file)


def _judge_ours(
    detector: Detector,
    match: re.Match[str],
    secret: str,
    number: int,
    where: _Lines,
    policy_file: bool,
) -> _Judged:
    column = where.column_of(match.start("secret"))
    rank = specificity_of(detector)
    drop = _reject_reason(
        detector,
        secret,
        where.lines,
        number,
        column,
        partial(where.crosses_document, *match.span()),
    )
    if drop is None and policy_file and rank == CONTEXT_ONLY:
        drop = filters.named(
            "commit-id", filters.commit_id_in_policy(secret, where.lines, number, column)
        )
    candidate = Candidate(detector.id, detector.secret_type, secret, number, column, "ztgate", rank)
    return candidate, drop


def _detect_secrets(
    text: str,
    lowered: str,
    filename: str,
    seen: prefilter.Sighting,
    where: _Lines,
    options: ScanOptions,
) -> Iterator[_Judged]:
    """detect-secrets' findings on the lines its prefilters mark, each with our filter's
    verdict (None: kept)."""
    unquoted = ds_bridge.wants_unquoted_values(filename)
    plugins_by_line = ds_bridge.candidate_lines(
        filename,
        text,
        lowered,
        seen,
        where.number_of,
        unquoted,
        options.base64_limit,
        options.hex_limit,
        keep_all=options.explain,
    )
    if not plugins_by_line:
        return
    for ds in ds_bridge.analyze_lines(
        filename, where.lines, plugins_by_line, options.base64_limit, options.hex_limit, unquoted
    ):
        if ds.plugin in options.disabled or ds.secret_type in options.disabled:
            continue
        candidate = Candidate(
            ds.plugin,
            ds.secret_type,
            ds.secret,
            ds.line,
            ds.column,
            "detect-secrets",
            specificity(ds.plugin),
        )
        yield candidate, ds_reject_reason(ds, where.lines, filename)


def _split_allowed(
    merged: list[Candidate], where: _Lines, filename: str, dropped: list[Dropped]
) -> TextScan:
    """Those reported, and those on a line an inline comment allows (judged once per line, not
    per candidate: a long line may hold thousands of them)."""
    allowlisted: dict[int, bool] = {}
    for number in {c.line for c in merged}:
        line = where.line(number)
        allowlisted[number] = ALLOW_COMMENT in line or ds_bridge.is_allowlisted(
            filename, line.rstrip(), where.line(number - 1)
        )
    return TextScan(
        [c for c in merged if not allowlisted[c.line]],
        [c for c in merged if allowlisted[c.line]],
        dropped,
    )


# gitleaks' inline allow comment: anywhere on the line, in any comment syntax (or none).
ALLOW_COMMENT = "gitleaks:allow"

# Above this many candidates on one line, only overlapping spans merge: the containment test
# compares every pair, and a long line can hold thousands of candidates.
_CONTAINMENT_LIMIT = 64


def _preference(candidate: Candidate) -> tuple[int, int, int]:
    return (candidate.specificity, len(candidate.secret), candidate.source == "ztgate")


def merge_overlapping(candidates: list[Candidate]) -> list[Candidate]:
    """One secret, one candidate: on each line, candidates whose spans intersect or whose
    secret contains the other's are one secret found by several detectors (a vendor's, a
    keyword's, detect-secrets' prefix-only match), kept as the most specific of them (a
    vendor's format, then a vendor-neutral format, then a key name or entropy; on ties the
    longer match, then ours), which records the others in ``merged``."""
    by_line: dict[int, list[Candidate]] = {}
    for candidate in candidates:
        by_line.setdefault(candidate.line, []).append(candidate)
    kept: list[Candidate] = []
    for line_candidates in by_line.values():
        if len(line_candidates) == 1:
            kept.extend(line_candidates)
            continue
        for group in _groups(line_candidates):
            best = max(group, key=_preference)
            others = tuple(m for c in group if c is not best for m in (c, *c.merged))
            kept.append(replace(best, merged=best.merged + others))
    return kept


def _groups(candidates: list[Candidate]) -> list[list[Candidate]]:
    """The candidates of one line, grouped: spans that intersect (a sweep by start column),
    then groups whose secrets contain one another."""
    groups: list[list[Candidate]] = []
    reach = 0
    for candidate in sorted(candidates, key=lambda c: (c.column, -len(c.secret))):
        if groups and candidate.column < reach:
            groups[-1].append(candidate)
            reach = max(reach, _reach(candidate))
        else:
            groups.append([candidate])
            reach = _reach(candidate)
    if len(groups) < 2 or len(candidates) > _CONTAINMENT_LIMIT:
        return groups
    joined: list[list[Candidate]] = []
    for group in groups:
        for into in joined:
            if any(_contains(a.secret, b.secret) for a in group for b in into):
                into.extend(group)
                break
        else:
            joined.append(group)
    return joined


def _reach(candidate: Candidate) -> int:
    """Where a candidate's span ends. detect-secrets reports a private key by its header
    (`BEGIN RSA PRIVATE KEY`) and we by the key after it: the header stands for the rest of
    its line, so the two are one finding."""
    if candidate.detector_id == "PrivateKeyDetector":
        return 1 << 30
    return candidate.end


def _contains(one: str, other: str) -> bool:
    return one in other or other in one
