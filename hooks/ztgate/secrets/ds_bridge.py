"""detect-secrets' own plugins and filters, run only on the lines that could concern them.

detect-secrets runs every plugin on every line through dependency injection, and importing it
costs about 0.08 s (0.2 s with the `requests` it pulls in, which `offline` keeps out). We scan
whole files with cheap prefilters first:
each of its plugins has a prefilter here that matches wherever the plugin could match (a
superset: a line it skips, the plugin would not flag). Only when a prefilter hits do we import
detect-secrets and run its real plugins and filters on those lines, so we report what it
reports. tests/test_properties.py checks that superset on generated text, `bench/secrets.py`
on a real tree.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ztgate.lazyre import LazyPattern
from ztgate.secrets import filters, offline
from ztgate.secrets.detectors import shannon_entropy
from ztgate.secrets.prefilter import Sighting


# One prefilter per detect-secrets plugin: the lowercase keywords that gate it (none: always
# tried), and the shape that marks candidate lines, run on the lowercased text (so no
# case-insensitive regex, which Python cannot search fast) or on long tokens only.
@dataclass(frozen=True)
class Prefilter:
    keywords: tuple[str, ...]
    shape: str | None  # None: the keyword occurrences themselves mark the lines
    on_lowered: bool = False
    long_tokens_only: bool = False  # the plugin's secret is 24+ characters long


# detect-secrets' KeywordDetector fires only after one of these words (its DENYLIST).
_DENYLIST_WORDS = tuple(
    f"{stem}{joint}{tail}"
    for stem, tails in (
        ("api", ("key",)),
        ("auth", ("key",)),
        ("service", ("key",)),
        ("account", ("key",)),
        ("db", ("key", "pass")),
        ("database", ("key", "pass")),
        ("priv", ("key",)),
        ("private", ("key",)),
        ("client", ("key",)),
        ("key", ("pass",)),
    )
    for tail in tails
    for joint in ("", "_")
) + ("password", "passwd", "pwd", "secret", "contraseña", "contrasena")

PREFILTERS: dict[str, Prefilter] = {
    "ArtifactoryDetector": Prefilter((), r"AKC[a-zA-Z0-9]{10}|AP[\dABCDEF][a-zA-Z0-9]{8}"),
    "AWSKeyDetector": Prefilter(
        ("a3t", "abia", "acca", "akia", "asia", "aws"),
        r"(?:a3t[a-z0-9]|abia|acca|akia|asia)[0-9a-z]{16}"
        r"|aws.{0,20}?(?:key|pwd|pw|pass|token).{0,20}?['\"][0-9a-z/+]{40}['\"]",
        on_lowered=True,
    ),
    "AzureStorageKeyDetector": Prefilter(("accountkey=",), None),
    # The plugin's own shape: neither part holds a reserved URL character, so a `:` ends the
    # user and the search is linear (`[^{}\s]+:[^{}\s]+@` was cubic on `://` repeated).
    "BasicAuthDetector": Prefilter(
        ("://",), r"://[^:/?#\[\]@!$&'()*+,;=\s]+:[^:/?#\[\]@!$&'()*+,;=\s]+@"
    ),
    "CloudantDetector": Prefilter(
        ("cloudant", "key", "pw", "pass", "token"),
        r"cl(?:oudant|ou)?[-_]?(?:api)?(?:key|pwd|pw|pass|token)|cloudant",
        on_lowered=True,
    ),
    # Shapes start on a literal (fast to search for) and look behind for the rest: each is
    # still a superset of the plugin's own pattern.
    "DiscordBotTokenDetector": Prefilter((), r"\.(?<=[\w\-]{23}\.)[\w\-]{6}\.[\w\-]{27}"),
    "GitHubTokenDetector": Prefilter(("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), None),
    "GitLabTokenDetector": Prefilter(
        (
            "glpat-",
            "gldt-",
            "glft-",
            "glsoat-",
            "glrt-",
            "glcbt-",
            "glimt-",
            "glptt-",
            "glagent-",
            "gloas-",
            "gr1348941",
        ),
        None,
    ),
    "IbmCloudIamDetector": Prefilter(("key", "pwd", "pass", "token"), None, long_tokens_only=True),
    "IbmCosHmacDetector": Prefilter(("key",), None, long_tokens_only=True),
    "IPPublicDetector": Prefilter((), r"\.(?<=\d\.)\d{1,3}\.\d{1,3}\.\d"),
    "JwtTokenDetector": Prefilter(("eyj",), None),
    "KeywordDetector": Prefilter(_DENYLIST_WORDS, None),  # refined by _keyword_could_match
    "MailchimpDetector": Prefilter(("-us",), r"-us\d"),
    "NpmDetector": Prefilter(("_authtoken",), None),
    "OpenAIDetector": Prefilter(("t3blbkfj",), None),
    "PrivateKeyDetector": Prefilter(("private key", "putty-user-key-file"), None),
    "PypiTokenDetector": Prefilter(("pypi-age",), None),
    "SendGridDetector": Prefilter(("sg.",), r"SG\."),
    "SlackDetector": Prefilter(
        ("xox", "hooks.slack.com"), r"xox[abposr]-|hooks\.slack\.com", on_lowered=True
    ),
    "SoftlayerDetector": Prefilter(
        ("softlayer", "key", "pwd", "pass", "token"), None, long_tokens_only=True
    ),
    "SquareOAuthDetector": Prefilter(("sq0csp-",), None),
    "StripeDetector": Prefilter(("k_live_",), None),
    "TelegramBotTokenDetector": Prefilter((), r":(?<=\d{8}:)[\w\-]{35}"),
    "TwilioKeyDetector": Prefilter((), r"(?:AC|SK)[a-z0-9]{32}"),
}
ALL_PREFILTER_KEYWORDS = frozenset(k for p in PREFILTERS.values() for k in p.keywords)
_UNGATED = tuple(name for name, p in PREFILTERS.items() if not p.keywords)  # a shape alone
_PLUGINS_BY_KEYWORD: dict[str, tuple[str, ...]] = {
    keyword: tuple(name for name, p in PREFILTERS.items() if keyword in p.keywords)
    for keyword in ALL_PREFILTER_KEYWORDS
}

# What the keyword plugin needs besides the word, by file type. In Go, YAML, INI, config,
# properties and TOML files the value may be bare; everywhere else it must be quoted after an
# operator, or be a quoted value compared with the keyword, or end a statement with `;`.
_BARE_VALUE_EXTENSIONS = frozenset(
    {
        ".go",
        ".yaml",
        ".yml",
        ".eyaml",
        ".cnf",
        ".conf",
        ".cfg",
        ".cf",
        ".ini",
        ".properties",
        ".toml",
    }
)
_KW = "(?:" + "|".join(re.escape(w) for w in sorted(_DENYLIST_WORDS, key=len, reverse=True)) + ")"
# `_KW\w*` retried the rest of a word at each keyword inside it (quadratic on `secretsecret...`):
# start at the word's beginning instead, and look ahead for the keyword within it.
_KW_WORD = r"(?<!\w)(?=\w*?" + _KW + r")\w+"
_KEYWORD_QUOTED = LazyPattern(
    _KW_WORD + r"[\]'\"]{0,2}\s*(?::|={1,3}|!==?|=>|\.assign\()\s*@?['\"`]"
    r"|" + _KW + r"\S{0,50}?\s*['\"`][^'\"`]*['\"`];"
    r"|['\"`][^'\"`]*['\"`]\s*[!=]{2,3}\s*\w*" + _KW
)
_KEYWORD_BARE = LazyPattern(
    _KW_WORD + r"[\]'\"]{0,2}\s*(?::=|:|={1,3}|!==?)"
    r"|['\"`][^'\"`]*['\"`]\s*[!=]{2,3}\s*\w*" + _KW
)
_QUOTE_CHAR = LazyPattern(r"['\"`]")
# A run of 24+ token characters: every plugin marked long_tokens_only needs one on the line.
_LONG_TOKEN_LENGTH = 24
_LONG_TOKEN = LazyPattern(rf"(?<![\w\-])[\w\-]{{{_LONG_TOKEN_LENGTH},}}")
ENTROPY_PLUGINS = ("Base64HighEntropyString", "HexHighEntropyString")

_QUOTED = LazyPattern(r"(['\"])([A-Za-z0-9+/=_\\\-]{9,})\1")
# Values detect-secrets' YAML and INI transformers quote before scanning: `key: value`. The
# indent may hold list dashes; it ends on a blank so that it cannot trade dashes with the key.
_UNQUOTED_VALUE = LazyPattern(
    r"^(?:[ \t\-]*[ \t])?[\w.\-\"'\[\]]+[ \t]*[:=][ \t]*([A-Za-z0-9+/=_\\\-]{9,})[ \t]*$",
    re.MULTILINE,
)
_HEX = LazyPattern(r"^[0-9a-fA-F]+$")
# Extensions detect-secrets parses as source code; every other file may go through its YAML or
# INI transformers, which turn unquoted values into quoted ones.
_CODE_EXTENSIONS = frozenset(
    {
        ".cls",
        ".go",
        ".java",
        ".js",
        ".m",
        ".php",
        ".py",
        ".pyi",
        ".swift",
        ".tf",
        ".cs",
        ".c",
        ".cpp",
    }
)

_SHAPES = {name: LazyPattern(p.shape, re.MULTILINE) for name, p in PREFILTERS.items() if p.shape}


# What else the one-pass prefilter looks for, by name: the keyword plugin's two rules (on the
# lowercased line: caseless), and for each `long_tokens_only` plugin, its keyword on a line
# with the long token it needs (`<plugin>+long-token`).
KEYWORD_RULE_QUOTED, KEYWORD_RULE_BARE, LONG_TOKEN = "keyword-quoted", "keyword-bare", "long-token"


def prefilter_shapes() -> list[tuple[str, str, int]]:
    """(name, pattern, flags) of every shape, as the one-pass prefilter compiles them: a
    shape run on the lowercased text is caseless there. A text where one is not seen holds
    no line it would mark."""
    caseless = re.MULTILINE | re.IGNORECASE
    return [
        *(
            (name, pattern.pattern, caseless if PREFILTERS[name].on_lowered else re.MULTILINE)
            for name, pattern in _SHAPES.items()
        ),
        (KEYWORD_RULE_QUOTED, _one_pass_form(_KEYWORD_QUOTED.pattern), caseless),
        (KEYWORD_RULE_BARE, _one_pass_form(_KEYWORD_BARE.pattern), caseless),
        *(
            (f"{name}+{LONG_TOKEN}", _keyword_by_long_token(p.keywords), caseless)
            for name, p in PREFILTERS.items()
            if p.long_tokens_only
        ),
    ]


def _one_pass_form(rule: str) -> str:
    """A keyword rule as the one-pass prefilter reads it: the word holding a keyword written
    out (`\\w*KEYWORD\\w*`) rather than looked ahead for, which Hyperscan would drop (and
    then see the rule in every `x = "`). The same matches: every keyword is made of word
    characters, and what follows the word starts with a character that is not one, so the
    word runs past the keyword."""
    if _KW_WORD not in rule:
        raise AssertionError("the keyword rule changed: update _one_pass_form")
    return rule.replace(_KW_WORD, r"\w*" + _KW + r"\w*")


def _keyword_by_long_token(words: tuple[str, ...], length: int = _LONG_TOKEN_LENGTH) -> str:
    """One of ``words`` on a line with a run of ``length`` token characters: before the run,
    after it, or inside it (a keyword of token characters inside a run is part of it).

    Inside: the run holds ``before`` characters, the word, then ``after``, with ``before +
    after`` at least ``length`` less the word's. Written as one alternative per ``_STEP``
    characters of ``before`` (each asking for the fewest ``after`` that any ``before`` of its
    step could need), not one per character: a little wider (a line the exact rule would not
    mark is then searched in Python, which decides), and a third of the cost to Hyperscan
    where a keyword stands every few characters."""
    keyword = "(?:" + "|".join(re.escape(w) for w in words) + ")"
    run = _run_of(length)
    inside = [
        f"{_run_of(before)}{re.escape(w)}{_run_of(max(0, rest - before - _STEP + 1))}"
        for w in words
        if re.fullmatch(r"[\w\-]+", w) and (rest := length - len(w)) >= 0
        for before in range(0, rest + 1, _STEP)
    ]
    return "|".join([f"{keyword}[^\\n]*{run}", f"{run}[^\\n]*{keyword}", *inside])


_STEP = 6


def _run_of(count: int) -> str:
    return f"[\\w\\-]{{{count}}}" if count else ""


# The values the entropy plugins weigh, as Hyperscan matches them exactly: every match ends on
# its line (no part matches a newline), so each is found again by the `re` pattern on that line.
_VALUE_PATTERNS = {"quoted": _QUOTED, "unquoted": _UNQUOTED_VALUE}
_VALUE_CLASS = r"[A-Za-z0-9+/=_\\\-]"


def value_shapes(b64_limit: float, hex_limit: float) -> list[tuple[str, str, int]]:
    """(name, Hyperscan pattern, flags) of the values the entropy plugins could weigh above
    their limits: a value's Shannon entropy is at most log2 of its length, so one above
    ``limit`` is longer than 2**limit characters (hex values against ``hex_limit``, the rest
    against ``b64_limit``): only those lines are searched again."""
    hex_value = f"[0-9a-fA-F]{{{_longer_than(hex_limit)},}}"
    value = f"(?:{hex_value}|{_VALUE_CLASS}{{{_longer_than(b64_limit)},}})"
    quoted = f"'{value}'|\"{value}\""
    # An unquoted value's line is found by how it ends (the operator, the value, the line's
    # end): every match of the whole pattern ends where one of this end does, and the key
    # before it, from the line's start, costs Hyperscan a third of its pass.
    tail = f"[:=][ \\t]*({_VALUE_CLASS}{{9,}})[ \\t]*$"
    if not _UNQUOTED_VALUE.pattern.endswith(tail):
        raise AssertionError("the unquoted value shape changed: update value_shapes")
    unquoted = tail.replace(f"({_VALUE_CLASS}{{9,}})", f"({value})")
    return [("quoted", quoted, 0), ("unquoted", unquoted, _UNQUOTED_VALUE.flags)]


def _longer_than(limit: float) -> int:
    """The fewest characters (at least 9, as the value patterns ask) whose entropy can pass."""
    return max(9, int(2**limit) + 1)


@dataclass(frozen=True)
class DsSecret:
    secret_type: str
    plugin: str
    secret: str
    line: int  # 1-based
    column: int  # 1-based, of the secret in the line (1 when not found verbatim)


def candidate_lines(
    filename: str,
    text: str,
    lowered: str,
    seen: Sighting,
    line_of: Callable[[int], int],
    unquoted_values: bool,
    b64_limit: float,
    hex_limit: float,
    *,
    keep_all: bool = False,
) -> dict[int, set[str]]:
    """Line (1-based) -> the detect-secrets plugins that could report a secret on it.

    ``seen`` says which keywords ``lowered`` holds (and where), which shapes and values could
    be there. With ``keep_all``, values our filters would drop anyway are asked about too, so
    that ``--explain`` can show them with the filter that drops them.
    """
    lines: dict[int, set[str]] = {}
    texts = _LineTexts(text, seen, line_of)
    gated = {name for keyword in seen.keywords for name in _PLUGINS_BY_KEYWORD.get(keyword, ())}
    gated.update(name for name in _UNGATED if seen.may_shape(name))
    for name in gated:
        for number in _marked(name, filename, text, lowered, seen, texts):
            lines.setdefault(number, set()).add(name)
    for number in _entropy_lines(
        text, seen, unquoted_values, b64_limit, hex_limit, keep_all, line_of
    ):
        lines.setdefault(number, set()).update(ENTROPY_PLUGINS)
    return lines


def _marked(
    name: str, filename: str, text: str, lowered: str, seen: Sighting, texts: _LineTexts
) -> set[int]:
    """The lines where one (gated) plugin could report a secret."""
    prefilter = PREFILTERS[name]
    if prefilter.long_tokens_only and not seen.may_shape(f"{name}+{LONG_TOKEN}"):
        return set()  # no line holds both a keyword and a long token
    if name == "KeywordDetector" and not seen.may_shape(_keyword_rule(filename)):
        return set()  # the plugin's own rule for this file type matches nowhere
    if name in _SHAPES:
        if not seen.may_shape(name):
            return set()
        searched = lowered if prefilter.on_lowered else text
        return _shape_lines(_SHAPES[name], searched, text, texts.line_of)
    marked = set().union(*(texts.holding(keyword) for keyword in prefilter.keywords))
    if name == "KeywordDetector" and marked:
        return _keyword_rule_lines(marked, texts, filename)
    if prefilter.long_tokens_only:
        return {n for n in marked if texts.has_long_token(n)}
    return marked


class _LineTexts:
    """A text's lines by number (1-based), split only when first asked for, and what the
    plugins ask about them, found once: they share keywords (`key`, `pass`, `token`) and the
    long-token check."""

    def __init__(self, text: str, seen: Sighting, line_of: Callable[[int], int]) -> None:
        self._text = text
        self._seen = seen
        self.line_of = line_of
        self._lines: list[str] | None = None
        self._holding: dict[str, set[int]] = {}
        self._long: dict[int, bool] = {}

    def __getitem__(self, number: int) -> str:
        if self._lines is None:
            self._lines = self._text.split("\n")
        return self._lines[number - 1]

    def holding(self, keyword: str) -> set[int]:
        """The lines holding ``keyword`` (one the pass saw in the lowercased text)."""
        found = self._holding.get(keyword)
        if found is None:
            starts = self._seen.keywords.get(keyword, [])
            found = self._holding[keyword] = _lines_holding(self._text, starts, self.line_of)
        return found

    def has_long_token(self, number: int) -> bool:
        found = self._long.get(number)
        if found is None:
            found = self._long[number] = _LONG_TOKEN.search(self[number]) is not None
        return found


def _shape_lines(
    shape: LazyPattern, searched: str, text: str, line_of: Callable[[int], int]
) -> set[int]:
    """The lines a shape's matches touch (a match may span lines), each line searched once."""
    marked: set[int] = set()
    covered = -1  # offsets before this lie on lines marked already (or before them)
    for match in shape.finditer(searched):
        last = max(match.end() - 1, match.start())
        if last < covered:
            continue
        marked.update(range(line_of(match.start()), line_of(last) + 1))
        covered = text.find("\n", last)
        if covered < 0:
            covered = len(text)
    return marked


def _keyword_rule(filename: str) -> str:
    """Which of the keyword plugin's rules applies to this file: bare values or quoted."""
    return (
        KEYWORD_RULE_BARE if _extension(filename) in _BARE_VALUE_EXTENSIONS else KEYWORD_RULE_QUOTED
    )


def _keyword_rule_lines(marked: set[int], texts: _LineTexts, filename: str) -> set[int]:
    """The lines where the keyword plugin's own rule for this file type could match."""
    if _keyword_rule(filename) == KEYWORD_RULE_BARE:
        return {n for n in marked if _KEYWORD_BARE.search(texts[n].lower())}
    # Every alternative of the quoted rule needs a quote: a line without one cannot match.
    return {
        n
        for n in marked
        if _QUOTE_CHAR.search(texts[n]) and _KEYWORD_QUOTED.search(texts[n].lower())
    }


def _entropy_lines(
    text: str,
    seen: Sighting,
    unquoted_values: bool,
    b64_limit: float,
    hex_limit: float,
    keep_all: bool,
    line_of: Callable[[int], int],
) -> Iterator[int]:
    """The lines of values the entropy plugins would weigh above their limits."""
    values = [(m.group(2), m.start()) for m in _value_matches(text, seen, "quoted")]
    if unquoted_values:
        values += [(m.group(1), m.start(1)) for m in _value_matches(text, seen, "unquoted")]
    for value, offset in values:
        if _above_limit(value, b64_limit, hex_limit) and (keep_all or not _dropped_anyway(value)):
            yield line_of(offset)


def _value_matches(text: str, seen: Sighting, name: str) -> Iterator[re.Match[str]]:
    """The matches of a value shape: over the whole text, or (where the prefilter says where
    they end) on those lines only; a match never spans lines, so they are the same."""
    pattern = _VALUE_PATTERNS[name]
    ends = seen.values.get(name) if seen.values is not None else None
    if ends is None:
        yield from pattern.finditer(text)
        return
    for line_start, line_end in line_spans(text, (max(end - 1, 0) for end in sorted(ends))):
        yield from pattern.finditer(text, line_start, line_end)


def line_spans(text: str, positions: Iterable[int]) -> Iterator[tuple[int, int]]:
    """(start, end) of each line holding one of ``positions`` (ascending), once per line; the
    end is where its newline (or the text) is."""
    line_end = -1
    for at in positions:
        if at < line_end:
            continue  # on a line given already
        line_start = text.rfind("\n", 0, at) + 1
        line_end = text.find("\n", at)
        if line_end < 0:
            line_end = len(text)
        yield line_start, line_end


def _lines_holding(text: str, starts: Sequence[int], line_of: Callable[[int], int]) -> set[int]:
    """The lines (1-based) of ``starts`` (ascending offsets): one look-up per line, however many
    of them a line holds."""
    lines: set[int] = set()
    index = 0
    while index < len(starts):
        start = starts[index]
        lines.add(line_of(start))
        end = text.find("\n", start)
        if end < 0:
            break
        index = bisect.bisect_right(starts, end, index + 1)
    return lines


def _dropped_anyway(value: str) -> bool:
    """Our filters would reject this value whatever detect-secrets said: no need to ask it."""
    return bool(  # the cheap check that drops most (`1234567890abcdef`) first
        filters.sequential_run(value)
        or filters.repeating(value)
        or filters.filler(value)
        or filters.wordy(value)
        or filters.common_reason(value, "")
    )


def _extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > filename.rfind("/") else ""


def _above_limit(value: str, b64_limit: float, hex_limit: float) -> bool:
    limit = hex_limit if _HEX.match(value) else b64_limit
    # Shannon entropy is at most log2 of the number of distinct characters (so of the length):
    # skip what cannot pass, with a margin far above the sum's rounding.
    return (
        len(value) > 2**limit
        and math.log2(len(set(value))) >= limit - 1e-9
        and shannon_entropy(value) > limit
    )


def wants_unquoted_values(filename: str) -> bool:
    return _extension(filename) not in _CODE_EXTENSIONS


@lru_cache(maxsize=4)
def _plugins(b64_limit: float, hex_limit: float) -> tuple[Any, ...]:
    offline.import_detect_secrets()
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    plugins = []
    plugin_class: Any
    for plugin_class in get_mapping_from_secret_type_to_class().values():
        name = plugin_class.__name__
        if name == "Base64HighEntropyString":
            plugins.append(plugin_class(limit=b64_limit))
        elif name == "HexHighEntropyString":
            plugins.append(plugin_class(limit=hex_limit))
        else:
            plugins.append(plugin_class())
    return tuple(plugins)


def warm_up(b64_limit: float, hex_limit: float) -> None:
    """Import detect-secrets and build its plugins now (before forking workers)."""
    _plugins(b64_limit, hex_limit)  # imports detect-secrets' filters too (offline)


def plugin_names() -> tuple[str, ...]:
    return tuple(PREFILTERS) + ENTROPY_PLUGINS


def analyze_lines(
    filename: str,
    lines: list[str],
    plugins_by_line: dict[int, set[str]],
    b64_limit: float,
    hex_limit: float,
    unquoted_values: bool,
) -> Iterator[DsSecret]:
    """Run detect-secrets' plugins and default filters on the given lines of one file."""
    offline.import_detect_secrets()
    from detect_secrets.filters import heuristic
    from detect_secrets.filters.allowlist import is_line_allowlisted
    from detect_secrets.util.code_snippet import get_code_snippet

    plugins = _plugins(b64_limit, hex_limit)
    if heuristic.is_lock_file(filename) or heuristic.is_swagger_file(filename):
        return
    for number, wanted in sorted(plugins_by_line.items()):
        line = lines[number - 1].rstrip()
        previous = lines[number - 2] if number > 1 else ""
        # Every allowlist pattern of detect-secrets' needs `pragma` (case and all) on the line
        # or, for `allowlist nextline`, on the one before: only then is it asked.
        if ("pragma" in line or "pragma" in previous) and is_line_allowlisted(
            filename=filename, line=line, context=get_code_snippet(lines=lines, line_number=number)
        ):
            continue
        found = [
            (plugin, secret)
            for plugin in plugins
            if type(plugin).__name__ in wanted
            for secret in sorted(_plugin_secrets(plugin, filename, line, unquoted_values))
        ]
        # detect-secrets skips the whole line first; asked only when there is something to
        # skip, as its regex is slow on long lines (same outcome).
        if not found or (_may_be_indirect(line) and heuristic.is_indirect_reference(line)):
            continue
        for plugin, secret in found:
            if not _filtered_by_detect_secrets(heuristic, secret, line, plugin):
                column = value_column(line, secret)
                yield DsSecret(plugin.secret_type, type(plugin).__name__, secret, number, column)


def _may_be_indirect(line: str) -> bool:
    """Whether detect-secrets' indirect-reference pattern (`x = f(...)`, `x = a['k']`) could
    match: it needs an assignment or comparison sign, then an opening and a closing bracket."""
    return (
        ("=" in line or ":" in line or "!" in line)
        and ("(" in line or "[" in line)
        and (")" in line or "]" in line)
    )


_QUOTES = frozenset("'\"`")


def value_column(line: str, secret: str) -> int:
    """The 1-based column of ``secret`` as a value: its first occurrence after an `=` or `:`
    (and blanks or a quote), else after a quote, else its first occurrence
    (`password1_field_name="password1"` holds it first in the key); 1 when it is not on the
    line verbatim."""
    first = at = line.find(secret)
    quoted = -1
    tries = 0
    while at > 0 and tries < 16:  # a few occurrences: a long line may hold thousands
        if line[max(0, at - 8) : at].rstrip(" \t'\"`").endswith(("=", ":")):
            return at + 1
        if quoted < 0 and line[at - 1] in _QUOTES:
            quoted = at
        at = line.find(secret, at + 1)
        tries += 1
    if quoted >= 0:
        return quoted + 1
    return first + 1 if first >= 0 else 1


def _plugin_secrets(plugin: Any, filename: str, line: str, unquoted_values: bool) -> set[str]:
    found = {s.secret_value for s in plugin.analyze_line(filename=filename, line=line)}
    if unquoted_values and type(plugin).__name__ in ENTROPY_PLUGINS:
        # What the YAML/INI transformers would have handed the plugin: the value, quoted.
        value = _UNQUOTED_VALUE.match(line)
        if value:
            quoted = f'"{value.group(1)}"'
            found |= {s.secret_value for s in plugin.analyze_line(filename=filename, line=quoted)}
    return {s for s in found if s}


def _filtered_by_detect_secrets(heuristic: Any, secret: str, line: str, plugin: Any) -> bool:
    return bool(
        heuristic.is_sequential_string(secret)
        or heuristic.is_potential_uuid(secret)
        or heuristic.is_likely_id_string(secret, line, plugin)
        or heuristic.is_templated_secret(secret)
        or heuristic.is_prefixed_with_dollar_sign(secret)
        or heuristic.is_not_alphanumeric_string(secret)
    )


def is_allowlisted(filename: str, line: str, previous_line: str) -> bool:
    """detect-secrets' `pragma: allowlist secret` (and `allowlist nextline secret`)."""
    if "pragma" not in line and "pragma" not in previous_line:
        return False
    offline.import_detect_secrets()
    from detect_secrets.filters.allowlist import is_line_allowlisted
    from detect_secrets.util.code_snippet import get_code_snippet

    lines = [previous_line, line]
    return bool(
        is_line_allowlisted(
            filename=filename, line=line, context=get_code_snippet(lines=lines, line_number=2)
        )
    )
