"""One pass over a text says what could be in it: which keywords it holds, which detectors'
patterns and which of detect-secrets' prefilter shapes could match there.

With Hyperscan (pip `hyperscan`, on the platforms it has wheels for) one database holds every
keyword, a prefilter form of every detector's pattern and detect-secrets' shapes; a single scan
reports which of them occur at least once (one report per pattern, not per occurrence), and
where the values detect-secrets' entropy plugins could weigh end (their lines are searched
again). Python's `re` then runs only the detectors and shapes reported, where the pure-Python
path runs every detector whose keyword occurs. Both give the same candidates, because:

- a Hyperscan prefilter pattern matches wherever the pattern itself could (a superset: its
  approximations only ever widen it, as do ours in ``hs_expression``), so a detector it leaves
  out cannot match; every detector still also needs one of its keywords, exactly as without it;
- Hyperscan reads a text one byte per character, every non-ASCII character as one stand-in
  byte (``hs_syntax``): offsets stay the characters', and wherever Python could match a
  non-ASCII character the Hyperscan form matches the stand-in. Text Hyperscan and Python could
  still read differently takes the pure-Python path: a character case folding takes for an
  ASCII letter (the long s is an `s` to caseless `re`), or one of the few control characters
  Python's `\\s` counts as blanks and Hyperscan's does not.

tests/secrets/test_prefilter.py runs both paths side by side on every detector's examples and on
generated text (a seeded differential fuzzer; bench/prefilter_fuzz.py runs it for longer). The
database is compiled once per set of patterns and cached on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from ztgate.secrets import keywords as keyword_pass
from ztgate.secrets.hs_syntax import hs_expression, keyword_expression, standin_bytes, text_bytes

# Characters Python's `\s` matches in a str pattern and Hyperscan's does not: a text holding one
# takes the pure-Python path.
ODD_BLANKS = "[\\x0b\\x1c-\\x1f]"
FORMAT = "ztgate-prefilter-4"
_ENV_PATH = "ZTGATE_PREFILTER"  # "python": never use Hyperscan (and what the tests compare)


class KeywordIndex(Protocol):
    """Keyword -> its start offsets in the lowercased text (what the detectors anchor on)."""

    def __contains__(self, keyword: object) -> bool: ...

    def __iter__(self) -> Iterator[str]: ...

    def get(self, keyword: str, default: Sequence[int] = ()) -> Sequence[int]: ...


@dataclass(frozen=True)
class Sighting:
    """What one pass saw in a text. ``detectors`` (positions in the scan's detectors),
    ``shapes`` (detect-secrets plugin names) say what may match; ``values`` maps each of the
    entropy plugins' value shapes (``ds_bridge.value_shapes``) to where its matches end. None:
    everything may match, and values are searched for everywhere."""

    keywords: KeywordIndex
    detectors: frozenset[int] | None = None
    shapes: frozenset[str] | None = None
    values: Mapping[str, Sequence[int]] | None = None

    def may_match(self, position: int) -> bool:
        return self.detectors is None or position in self.detectors

    def may_shape(self, plugin: str) -> bool:
        return self.shapes is None or plugin in self.shapes


class LazyOccurrences:
    """The offsets of the keywords a pass saw, found only when a detector asks for them."""

    def __init__(
        self, lowered: str, present: frozenset[str], offsets: dict[str, list[int]] | None = None
    ) -> None:
        self._lowered = lowered
        self._present = present
        self._offsets = offsets if offsets is not None else {}

    def __contains__(self, keyword: object) -> bool:
        return keyword in self._present

    def __iter__(self) -> Iterator[str]:
        return iter(self._present)

    def get(self, keyword: str, default: Sequence[int] = ()) -> Sequence[int]:
        if keyword not in self._present:
            return default
        offsets = self._offsets.get(keyword)
        if offsets is None:
            offsets = self._offsets[keyword] = _offsets(self._lowered, keyword)
        return offsets


def _offsets(lowered: str, keyword: str) -> list[int]:
    """Every start of ``keyword`` in ``lowered``, overlapping ones too (as the automaton)."""
    if not _overlaps_itself(keyword):  # then `re` finds them all, in C
        return [match.start() for match in _literal(keyword).finditer(lowered)]
    found = []
    at = lowered.find(keyword)
    while at >= 0:
        found.append(at)
        at = lowered.find(keyword, at + 1)
    return found


@lru_cache(maxsize=1024)
def _overlaps_itself(keyword: str) -> bool:
    """Whether two occurrences can overlap (`aa` in `aaa`): a start of it is also an end."""
    return any(keyword[:size] == keyword[-size:] for size in range(1, len(keyword)))


@lru_cache(maxsize=1024)
def _literal(keyword: str) -> re.Pattern[str]:
    return re.compile(re.escape(keyword))


@dataclass(frozen=True)
class Expression:
    """One pattern of the database: Hyperscan syntax, and the `re` flags it came with."""

    text: str
    caseless: bool = False
    multiline: bool = True
    dotall: bool = False
    literal: bool = False  # a keyword: exact, caseless, no prefilter approximation
    exact: bool = False  # every match reported, as written (no prefilter approximation)


KEYWORD, DETECTOR, SHAPE, VALUE, ODD = "keyword", "detector", "shape", "value", "odd"


@dataclass(frozen=True)
class Entry:
    """One pattern of the database and what it stands for: a keyword (``name``), a detector
    (its position in the scan's detectors), a detect-secrets shape (the plugin's name), an
    entropy plugin's value shape, or the odd-blank check. ``source`` is the pattern as Python
    writes it (a keyword: the literal); it becomes Hyperscan's only when compiled."""

    kind: str
    name: str | int
    source: str
    flags: int = re.MULTILINE

    @property
    def every_match(self) -> bool:
        """A value shape is matched exactly and reports every match's end (the lines to
        weigh); everything else reports once, whether it occurs at all."""
        return self.kind == VALUE

    @property
    def expression(self) -> Expression:
        if self.kind == KEYWORD:
            return Expression(keyword_expression(self.source), caseless=True, literal=True)
        if self.kind == ODD:
            return Expression(self.source, multiline=False)
        return Expression(
            hs_expression(self.source, exact=self.every_match),
            caseless=bool(self.flags & re.IGNORECASE),
            multiline=bool(self.flags & re.MULTILINE),
            dotall=bool(self.flags & re.DOTALL),
            exact=self.every_match,
        )


@dataclass(frozen=True)
class Plan:
    """What a database holds, in id order."""

    entries: tuple[Entry, ...]

    def key(self) -> str:
        """The cache key: every pattern and flag as written, the Hyperscan version and our
        format (which names the translation to Hyperscan's syntax)."""
        import hyperscan

        version = str(getattr(hyperscan, "__version__", ""))
        described = [
            FORMAT,
            version,
            *(f"{e.kind}\1{e.name}\1{e.source}\1{e.flags}" for e in self.entries),
        ]
        return hashlib.sha256("\0".join(described).encode("utf-8", "surrogatepass")).hexdigest()

    def without(self, dropped: Container[int]) -> Plan:
        return Plan(tuple(e for i, e in enumerate(self.entries) if i not in dropped))


def keyword_entry(keyword: str) -> Entry:
    """A keyword as an exact caseless literal (a non-ASCII one is checked again in Python)."""
    return Entry(KEYWORD, keyword, keyword)


ODD_ENTRY = Entry(ODD, "odd", ODD_BLANKS, 0)


# ---- the database: compiled once per plan, cached on disk ----


def cache_dir() -> Path:
    """Where compiled databases are kept: `$ZTGATE_CACHE_DIR`, else the user's cache directory.
    It has the trust of the user's own files, as pre-commit's cache that holds ztgate itself."""
    explicit = os.environ.get("ZTGATE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ztgate"


# A run scans this much through the pure-Python path before it loads the database: a hook's
# handful of files is done before Hyperscan would have paid for its start (same results).
PURE_FIRST = 1 << 20


def mode() -> str:
    """`ZTGATE_PREFILTER`: "python" never uses Hyperscan, "hyperscan" uses it from the first
    byte; unset, a run switches to it after ``PURE_FIRST`` characters, when it is installed."""
    chosen = os.environ.get(_ENV_PATH, "").lower()
    return chosen if chosen in ("python", "hyperscan") else "auto"


def available() -> bool:
    """Whether Hyperscan is installed (wheels exist for Linux and Windows on x86-64 and for
    macOS on arm64; elsewhere the pure-Python path does the same work)."""
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def _flags(hs: Any, expression: Expression) -> int:
    if expression.exact:
        flags = 0
    elif expression.literal:
        flags = int(hs.HS_FLAG_SINGLEMATCH)
    else:
        flags = hs.HS_FLAG_SINGLEMATCH | hs.HS_FLAG_PREFILTER | hs.HS_FLAG_ALLOWEMPTY
    if expression.caseless:
        flags |= hs.HS_FLAG_CASELESS
    if expression.multiline:
        flags |= hs.HS_FLAG_MULTILINE
    if expression.dotall:
        flags |= hs.HS_FLAG_DOTALL
    return flags


def _compile(expressions: Sequence[Expression]) -> Any:
    import hyperscan

    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[e.text.encode("ascii", "backslashreplace") for e in expressions],
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=[_flags(hyperscan, e) for e in expressions],
    )
    return database


def compiles(expression: Expression) -> bool:
    import hyperscan

    try:
        _compile([expression])
    except hyperscan.error:
        return False
    return True


# What Hyperscan is sure to refuse (escapes of characters beyond a byte, named characters, an
# ASCII-only group): left out without a compile. Too wide a net costs only speed.
# A verbose pattern (`(?x)`, re.VERBOSE) too: Hyperscan would take its blanks literally, and
# ``hs_expression`` would rewrite its comments.
_REFUSED = re.compile(r"\\[uUN]|\(\?[aiLmsux]*[ax]")


def _compile_plan(plan: Plan) -> tuple[Any, tuple[int, ...]]:
    """The database of ``plan``, and the entries left out because Hyperscan refuses them (each
    then always "may match"). Hyperscan names no culprit: only when the rest still fails is
    each tried alone (every built-in pattern compiles: a test holds that)."""
    import hyperscan

    expressions = [e.expression for e in plan.entries]
    refused = tuple(
        i
        for i, (entry, e) in enumerate(zip(plan.entries, expressions, strict=True))
        if _REFUSED.search(e.text) or entry.flags & re.VERBOSE
    )
    try:
        return _compile([e for i, e in enumerate(expressions) if i not in refused]), refused
    except hyperscan.error:
        refused = tuple(
            i
            for i, (entry, e) in enumerate(zip(plan.entries, expressions, strict=True))
            if entry.flags & re.VERBOSE or not compiles(e)
        )
        return _compile([e for i, e in enumerate(expressions) if i not in refused]), refused


def _load(path: Path) -> tuple[Any, tuple[int, ...]] | None:
    """The database cached at ``path`` and its left-out entries; None when missing or damaged
    (then compiled again)."""
    import hyperscan

    try:
        raw = path.read_bytes()
    except OSError:
        return None
    header, _, body = raw.partition(b"\n")
    try:
        meta = json.loads(header)
        if meta.get("format") != FORMAT or meta.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        refused = tuple(int(i) for i in meta.get("refused", ()))
        compiled = hyperscan.loadb(body, hyperscan.HS_MODE_BLOCK)
        compiled.scratch = hyperscan.Scratch(compiled)  # a loaded database comes without one
        return compiled, refused
    except (ValueError, TypeError, AttributeError, hyperscan.error):
        return None


def _store(path: Path, compiled: Any, refused: tuple[int, ...]) -> None:
    """Write atomically (a reader sees the old file or the new one), owner-only; a cache that
    cannot be written costs only the compile next time."""
    import tempfile

    import hyperscan

    body = hyperscan.dumpb(compiled)
    meta = {"format": FORMAT, "sha256": hashlib.sha256(body).hexdigest(), "refused": refused}
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(json.dumps(meta).encode("ascii") + b"\n" + body)
        os.replace(temporary, path)
        _prune(path.parent)
    except OSError:
        return


# Databases kept in the cache: one per set of patterns (a policy's `disable`, a ztgate version).
KEPT = 8


def _prune(directory: Path) -> None:
    """Remove all but the ``KEPT`` most recently written databases."""
    cached = sorted(directory.glob("*.hsdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in cached[KEPT:]:
        old.unlink(missing_ok=True)


class Database:
    """A compiled plan: ``sighting`` scans a text once."""

    def __init__(self, plan: Plan, compiled: Any) -> None:
        self.plan = plan
        self.compiled = compiled
        entries = plan.entries
        self._odd = entries.index(ODD_ENTRY) if ODD_ENTRY in entries else -1
        self._keywords = {i: str(e.name) for i, e in enumerate(entries) if e.kind == KEYWORD}
        self._wide_keywords = any(not k.isascii() for k in self._keywords.values())
        self._detectors = {i: int(e.name) for i, e in enumerate(entries) if e.kind == DETECTOR}
        self._shapes = {i: str(e.name) for i, e in enumerate(entries) if e.kind == SHAPE}
        self._values = {i: str(e.name) for i, e in enumerate(entries) if e.kind == VALUE}

    def sighting(self, text: str, lowered: str) -> Sighting | None:
        """What the database sees in ``text``; None when the text needs the pure-Python path."""
        data = text_bytes(text) if self._odd >= 0 else None
        hits: list[tuple[int, int]] = []
        if data is None or not _scanned(self.compiled, data, hits):
            return None
        values: dict[str, list[int]] = {name: [] for name in self._values.values()}
        seen = set()
        for i, end in hits:
            if i in self._values:
                values[self._values[i]].append(end)
            else:
                seen.add(i)
        if self._odd in seen:
            return None
        present = frozenset(self._keywords[i] for i in seen if i in self._keywords)
        if self._wide_keywords and not text.isascii():  # stood for by the stand-in: look again
            present = frozenset(k for k in present if k.isascii() or k in lowered)
        return Sighting(
            LazyOccurrences(lowered, present),
            frozenset(self._detectors[i] for i in seen if i in self._detectors),
            frozenset(self._shapes[i] for i in seen if i in self._shapes),
            values,
        )


def _scanned(compiled: Any, data: bytes, hits: list[tuple[int, int]]) -> bool:
    """Scan ``data``; False when Hyperscan fails (the text then takes the pure path)."""
    import hyperscan

    try:
        compiled.scan(data, match_event_handler=_record, context=hits)
    except hyperscan.error:
        return False
    return True


def _record(identifier: int, start: int, end: int, flags: int, hits: list[tuple[int, int]]) -> None:
    hits.append((identifier, end))


def database(plan: Plan) -> Database:
    """The compiled database of ``plan``, from the cache when it holds it. The patterns
    Hyperscan refuses are left out: their detectors and shapes then always may match."""
    path = cache_dir() / f"{plan.key()}.hsdb"
    loaded = _load(path)
    if loaded is not None and not _sees_every_keyword(plan, *loaded):
        loaded = None  # not the database of this plan, whatever its header says
    if loaded is None:
        loaded = _compile_plan(plan)
        _store(path, *loaded)
    compiled, refused = loaded
    return _Refusing(plan, compiled, refused) if refused else Database(plan, compiled)


def _sees_every_keyword(plan: Plan, compiled: Any, refused: tuple[int, ...]) -> bool:
    """A cached database must find each of the plan's keywords, at its own id, in a text of
    them all: one built for other patterns (a stale or swapped file) is compiled again."""
    kept = [e for i, e in enumerate(plan.entries) if i not in refused]
    words = {i for i, e in enumerate(kept) if e.kind == KEYWORD}
    canary = standin_bytes(" ".join(str(kept[i].name) for i in sorted(words)))
    hits: list[tuple[int, int]] = []
    return _scanned(compiled, canary, hits) and words <= {i for i, _ in hits}


class _Refusing(Database):
    """A database missing some entries: what they stand for is always reported as seen."""

    def __init__(self, plan: Plan, compiled: Any, refused: tuple[int, ...]) -> None:
        super().__init__(plan.without(refused), compiled)
        always = [plan.entries[i] for i in refused]
        # A refused keyword or odd-blank check: every text takes the pure path.
        self._pure = any(e.kind in (KEYWORD, ODD) for e in always)
        self._always_detectors = frozenset(int(e.name) for e in always if e.kind == DETECTOR)
        self._always_shapes = frozenset(str(e.name) for e in always if e.kind == SHAPE)
        self._no_values = any(e.kind == VALUE for e in always)

    def sighting(self, text: str, lowered: str) -> Sighting | None:
        seen = None if self._pure else super().sighting(text, lowered)
        if seen is None:
            return None
        return Sighting(
            seen.keywords,
            None if seen.detectors is None else seen.detectors | self._always_detectors,
            None if seen.shapes is None else seen.shapes | self._always_shapes,
            None if self._no_values else seen.values,
        )


# ---- the plan of one scan's options, and the pure-Python path ----


def python_sighting(lowered: str, words: frozenset[str]) -> Sighting:
    """What the keyword automaton sees: every detector with a keyword present may match."""
    offsets = keyword_pass.occurrences(lowered, words)
    return Sighting(LazyOccurrences(lowered, frozenset(offsets), offsets))


@lru_cache(maxsize=4)
def cached_database(plan: Plan) -> Database | None:
    """The database for ``plan`` once per process; None without Hyperscan, or when it cannot
    build one here (a processor it does not support): the pure-Python path finds the same."""
    if not available():
        return None
    import hyperscan

    try:
        return database(plan)
    except hyperscan.error:
        return None
