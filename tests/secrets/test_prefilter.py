"""The one-pass prefilter: Hyperscan and the pure-Python path find the same secrets.

Hyperscan only decides which detectors and shapes run; these tests hold that it never leaves
out one that would have found something, on every detector's documented examples, on generated
text, and on text it must hand back to the pure-Python path (non-ASCII, odd blanks).
"""

from __future__ import annotations

import json
import os
import random
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ztgate.masking import mask_secrets
from ztgate.secrets import ds_bridge, engine, hs_syntax, prefilter
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.detectors import token
from ztgate.secrets.engine import ScanOptions, scan_text_allowing

from tests.fakes import fill
from tests.secrets.test_hs_syntax import reported_or_refused

pytest.importorskip("hyperscan")

OPTIONS = ScanOptions(detectors=ALL_DETECTORS, explain=True)


def _both(text: str, filename: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """The scan of ``text`` through Hyperscan, and through the automaton."""
    monkeypatch.setenv("ZTGATE_PREFILTER", "hyperscan")
    fast = scan_text_allowing(text, filename, OPTIONS)
    monkeypatch.setenv("ZTGATE_PREFILTER", "python")
    pure = scan_text_allowing(text, filename, OPTIONS)
    return fast, pure


def test_every_built_in_pattern_compiles() -> None:
    """No built-in detector or shape falls back to "always may match" (which would also make
    the first compile try each of ~800 patterns alone)."""
    compiled, refused = prefilter._compile_plan(OPTIONS.plan)
    assert refused == ()
    assert compiled is not None
    kinds = {e.kind for e in OPTIONS.plan.entries}
    assert kinds == {
        prefilter.KEYWORD,
        prefilter.DETECTOR,
        prefilter.SHAPE,
        prefilter.VALUE,
        prefilter.ODD,
    }


def test_the_database_reads_ascii_text_and_leaves_out_detectors_that_cannot_match() -> None:
    database = OPTIONS.database
    assert database is not None
    text = "token = 'not a credential at all'\n"
    seen = database.sighting(text, text.lower())
    assert seen is not None and seen.detectors is not None
    assert "token" in seen.keywords
    assert len(seen.detectors) < len(ALL_DETECTORS) // 4  # it did prune


@pytest.mark.parametrize(
    "text",
    [
        "pa\u017fsword = 'Secret-9x'\n",  # the long s: an `s` to caseless `re`
        "\u212aey = 'x'\n",  # the Kelvin sign: `k` to caseless `re` and to lower()
        "\u0130d = 1\n",  # dotted capital I
        "p\u0131n = 2\n",  # dotless i
        "key\x1c= 'x'\n",  # a blank to Python's \s, not to Hyperscan's
        "a\x0bb\n",
    ],
)
def test_text_hyperscan_and_python_could_read_differently_takes_the_pure_path(text: str) -> None:
    database = OPTIONS.database
    assert database is not None
    assert database.sighting(text, engine.lower_same_length(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "password = 'caf\u00e9-Secret-9x'\n",  # Latin-1
        "\u5bc6\u7801 = '\u79d8\u5bc6'\n",  # CJK
        "token\u00a0=\u2028'x'\u3000\n",  # Unicode blanks
        "emoji \U0001f600 and a lone surrogate \udc80\n",  # beyond U+FFFF; surrogateescape
        "contrase\u00f1a: 'x'\n",  # a non-ASCII keyword of detect-secrets'
    ],
)
def test_non_ascii_text_is_read_by_hyperscan(text: str) -> None:
    """One byte per character: the offsets are the characters', and a non-ASCII keyword is
    seen where it is (and only there: the stand-in is checked again)."""
    database = OPTIONS.database
    assert database is not None
    lowered = engine.lower_same_length(text)
    seen = database.sighting(text, lowered)
    assert seen is not None
    assert set(seen.keywords) == set(prefilter.python_sighting(lowered, OPTIONS.keywords).keywords)


def test_a_non_ascii_keyword_is_not_taken_from_another_character_in_its_place() -> None:
    database = OPTIONS.database
    assert database is not None
    text = "contrase\u00fca: 'x'\n"  # u-umlaut where the keyword has n-tilde
    seen = database.sighting(text, text.lower())
    assert seen is not None and "contrase\u00f1a" not in seen.keywords


def test_every_detector_example_is_found_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    differ = []
    for detector in ALL_DETECTORS:
        for template in (*detector.examples, *detector.negatives):
            for _ in range(2):
                text = f"# config\n{fill(template)}\n"
                fast, pure = _both(text, "settings.py", monkeypatch)
                if fast != pure:
                    differ.append(detector.id)
    assert differ == []


def test_the_comparison_has_teeth(monkeypatch: pytest.MonkeyPatch) -> None:
    """A database that wrongly leaves a detector out changes the result: the comparison above
    would see it."""
    example = next(d for d in ALL_DETECTORS if d.id == "github-pat")
    text = fill(example.examples[0]) + "\n"
    database = OPTIONS.database
    assert database is not None
    real = database.sighting

    def blind(text: str, lowered: str) -> prefilter.Sighting | None:
        seen = real(text, lowered)
        assert seen is not None
        return prefilter.Sighting(seen.keywords, frozenset(), seen.shapes, seen.values)

    monkeypatch.setattr(database, "sighting", blind)
    fast, pure = _both(text, "settings.py", monkeypatch)
    assert fast != pure


_PIECES = st.sampled_from(
    [
        *sorted({k for d in ALL_DETECTORS for k in d.keywords})[::7],
        " = ",
        ": ",
        "'",
        '"',
        "\n",
        "\t",
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "https://user:pw@host/",
        "password",
        "api_key",
        "\u00e9",
        "\u00a0",
        "\u0663",
        "\u4e2d",
        "\u2026",
        "\u212a",
        "contrase\u00f1a",
        "\x1c",
        "kind: Secret\ndata:\n  x: ",
    ]
)
_FILLED = st.sampled_from([t for d in ALL_DETECTORS[::5] for t in d.examples[:1]]).map(fill)
_TEXT = st.lists(st.one_of(_PIECES, _FILLED, st.text(max_size=12)), max_size=25).map("".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, filename=st.sampled_from(["app.py", "config.yaml", "notes.md", ".env"]))
def test_generated_text_is_scanned_the_same_both_ways(text: str, filename: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, pure = _both(text, filename, monkeypatch)
    assert fast == pure


# ---- differential fuzzing: bench/prefilter_fuzz.py runs the same for longer ----

# Scan options the fuzzer draws from: each is one database (compiled once, cached on disk).
OPTION_SETS = (
    OPTIONS,
    ScanOptions(detectors=ALL_DETECTORS),
    ScanOptions(detectors=ALL_DETECTORS, use_detect_secrets=False),
    ScanOptions(detectors=ALL_DETECTORS, base64_limit=3.0, hex_limit=2.0, explain=True),
    ScanOptions(
        detectors=ALL_DETECTORS,
        base64_limit=5.0,
        hex_limit=3.5,
        disabled=frozenset(d.id for d in ALL_DETECTORS[::3]) | {"KeywordDetector"},
    ),
)

_KEYS = (
    "password",
    "PASSWORD",
    "api_key",
    "ApiKey",
    "db_pass",
    "secret",
    "client_key",
    "token",
    "auth",
    "aws_secret_access_key",
    "x",
    "private_key",
    "key",
    "softlayer_api",
)
_CONTEXTS = (
    "{v}",
    "{k} = {v}",
    '{k} = "{v}"',
    "{k} = '{v}'",
    "{k}: {v}",
    "  - {k}: {v}   ",
    '"{k}": "{v}",',
    "export {k}={v}",
    "{k}:={v}",
    "{k} == '{v}';",
    "'{v}' === {k}",
    "<{k}>{v}</{k}>",
    "https://{k}:{v}@example.com/",
    "# {k} {v}",
    "{k}={v}\r",
    "{v}{v}",
    "{k}\t=\t`{v}`",
    "{k}.assign('{v}')",
    '{k}=>"{v}"',
)
_JUNK = (
    " ",
    "\t",
    "\r",
    "\r\n",
    "\n",
    "\f",
    "\x00",
    "\x0b",
    "\x1d",
    "\u00e9",
    "\u00f1",
    "\u00a0",
    "\u2028",
    "\u3000",
    "\u0663",
    "\u4e2d",
    "\u2026",
    "\u017f",
    "\U0001f600",
    "=",
    ":",
    "'",
    '"',
    "`",
    "-",
    "_",
    ".",
    "/",
    "+",
    "\\",
    "$",
    "#",
    "@",
    "[",
    "]",
    "{",
    "}",
    ";",
    ",",
)
_FILENAMES = (
    "app.py",
    "config.yaml",
    "notes.md",
    ".env",
    "main.go",
    "x.properties",
    "settings.ini",
    "a.js",
    "Dockerfile",
    "data.json",
    "k.tf",
    "README",
)
_TEMPLATES = tuple(t for d in ALL_DETECTORS for t in (*d.examples, *d.negatives))
_PREFILTER_WORDS = tuple(sorted(OPTIONS.keywords))
_LIMITS = tuple(sorted({limit for o in OPTION_SETS for limit in (o.base64_limit, o.hex_limit)}))


def _random_run(rng: random.Random, length: int, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def _value(rng: random.Random) -> str:
    """A value: a detector's example or near miss (mutated), or one at a length limit."""
    choice = rng.random()
    if choice < 0.55:
        value = fill(rng.choice(_TEMPLATES), structured=rng.random() < 0.8)
    elif choice < 0.7:  # entropy values around their limits (2**limit + 1 characters)
        limit = rng.choice(_LIMITS)
        length = int(2**limit) + rng.choice((0, 1, 1, 2))
        alphabet = rng.choice((string.hexdigits[:16], string.hexdigits, _B64, _B64 + "_-\\="))
        if length <= len(alphabet) and rng.random() < 0.7:  # all distinct: the most entropy
            value = "".join(rng.sample(alphabet, length))
        else:
            value = _random_run(rng, length, alphabet)
    elif choice < 0.85:  # long tokens at their limit, a keyword inside or not
        length = rng.choice((23, 24, 25))
        value = _random_run(rng, length, string.ascii_letters + string.digits + "_-")
        if rng.random() < 0.5:
            word = rng.choice(("key", "pwd", "pass", "token", "softlayer", "KEY"))
            at = rng.randrange(len(value))
            value = value[:at] + word + value[at + len(word) :]
    else:
        value = rng.choice(_PREFILTER_WORDS) + _random_run(rng, rng.randrange(40), _B64 + "-_.")
    return _mutated(rng, value) if rng.random() < 0.4 else value


_B64 = string.ascii_letters + string.digits + "+/"


def _mutated(rng: random.Random, value: str) -> str:
    for _ in range(rng.randrange(1, 4)):
        if not value:
            return value
        at = rng.randrange(len(value))
        kind = rng.randrange(7)
        if kind == 0:
            value = value.swapcase() if rng.random() < 0.3 else value.upper()
        elif kind == 1:
            value = value[:at] + value[at + 1 :]
        elif kind == 2:
            value = value[:at] + rng.choice(_JUNK) + value[at:]
        elif kind == 3:
            value = value[:at]
        elif kind == 4:
            value = value[:at] + value[at].swapcase() + value[at + 1 :]
        elif kind == 5:
            value = value + value[at:]
        else:
            value = value[:at] + rng.choice(string.ascii_letters + string.digits) + value[at:]
    return value


def generated_text(rng: random.Random) -> tuple[str, str]:
    """A text of a few lines built around detectors' examples, and a file name."""
    lines = []
    for _ in range(rng.randrange(1, 6)):
        line = rng.choice(_CONTEXTS).format(k=rng.choice(_KEYS), v=_value(rng))
        if rng.random() < 0.1:
            line = " " * rng.randrange(3000) + line
        if rng.random() < 0.1:
            line = rng.choice(_JUNK) + line
        lines.append(line)
    newline = rng.choice(("\n", "\n", "\n", "\r\n", "\r", "\n\n"))
    text = newline.join(lines)
    if rng.random() < 0.7:
        text += newline
    return text, rng.choice(_FILENAMES)


def problems(text: str, filename: str, options: ScanOptions) -> list[str]:
    """What the Hyperscan sighting of ``text`` leaves out that the pure-Python code would find,
    and whether the scans differ: empty when both paths agree."""
    found: list[str] = []
    lowered = engine.lower_same_length(text)
    database = options.database
    assert database is not None
    seen = database.sighting(text, lowered)
    if seen is None:
        if hs_syntax.text_bytes(text) is not None and not re.search(prefilter.ODD_BLANKS, text):
            found.append("a text Hyperscan can read took the pure path")
    else:
        found.extend(_unsound(text, lowered, filename, seen, options))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("ZTGATE_PREFILTER", "hyperscan")
        fast = scan_text_allowing(text, filename, options)
        monkeypatch.setenv("ZTGATE_PREFILTER", "python")
        pure = scan_text_allowing(text, filename, options)
    if fast != pure:
        found.append(f"scans differ: {_summary(fast)} (hyperscan) != {_summary(pure)} (python)")
    return found


def _summary(scan: engine.TextScan) -> str:
    return str(
        sorted(
            (c.detector_id, c.line, c.column, len(c.secret))
            for c in (*scan.candidates, *scan.allowed, *(d.candidate for d in scan.dropped))
        )
    )


def _unsound(
    text: str, lowered: str, filename: str, seen: prefilter.Sighting, options: ScanOptions
) -> list[str]:
    found = []
    pure = prefilter.python_sighting(lowered, options.keywords).keywords
    if set(seen.keywords) != set(pure):
        found.append(f"keywords {sorted(set(pure) ^ set(seen.keywords))}")
    for keyword in pure:
        if list(seen.keywords.get(keyword)) != list(pure.get(keyword)):
            found.append(f"offsets of {keyword!r}")
    gated = options.detectors_by_keyword
    for position in sorted({p for k in pure for p in gated.get(k, ())}):
        detector = options.detectors[position]
        if not seen.may_match(position) and engine._matches(detector, text, pure):
            found.append(f"detector {detector.id} left out")
    if not options.use_detect_secrets:
        return found
    for name, shape in ds_bridge._SHAPES.items():
        on = lowered if ds_bridge.PREFILTERS[name].on_lowered else text
        if not seen.may_shape(name) and shape.search(on):
            found.append(f"shape {name} left out")
    lines = text.split("\n")
    rules = (
        (ds_bridge.KEYWORD_RULE_QUOTED, ds_bridge._KEYWORD_QUOTED),
        (ds_bridge.KEYWORD_RULE_BARE, ds_bridge._KEYWORD_BARE),
    )
    for name, rule in rules:
        if not seen.may_shape(name) and any(rule.search(line.lower()) for line in lines):
            found.append(f"{name} left out")
    for name, wanted in ds_bridge.PREFILTERS.items():
        if not wanted.long_tokens_only or seen.may_shape(f"{name}+{ds_bridge.LONG_TOKEN}"):
            continue
        if any(
            ds_bridge._LONG_TOKEN.search(line) and any(k in line.lower() for k in wanted.keywords)
            for line in lines
        ):
            found.append(f"{name}+long-token left out")
    everywhere = prefilter.Sighting(pure)
    limits = (options.base64_limit, options.hex_limit)
    for name in ("quoted", "unquoted"):
        if not _weighed(text, everywhere, name, limits) <= _weighed(text, seen, name, limits):
            found.append(f"{name} values left out")
    return found


def _weighed(
    text: str, seen: prefilter.Sighting, name: str, limits: tuple[float, float]
) -> set[tuple[int, int]]:
    """The values of one shape the entropy plugins would weigh, where ``seen`` lets them."""
    group = 2 if name == "quoted" else 1
    return {
        m.span(group)
        for m in ds_bridge._value_matches(text, seen, name)
        if ds_bridge._above_limit(m.group(group), *limits)
    }


_FUZZ_SEEDS = range(4)


@pytest.mark.parametrize("seed", _FUZZ_SEEDS)
def test_generated_texts_agree_both_ways(seed: int) -> None:
    """The differential fuzzer, seeded and bounded (bench/prefilter_fuzz.py runs it long)."""
    rng = random.Random(f"prefilter-{seed}")
    failures = []
    for _ in range(60):
        text, filename = generated_text(rng)
        options = rng.choice(OPTION_SETS)
        found = problems(text, filename, options)
        if found:
            failures.append((mask_secrets(repr(text))[:300], filename, found))
    assert failures == []


def _distinct(alphabet: str, length: int) -> str:
    """``length`` different characters of ``alphabet``: the most entropy that length holds."""
    return "".join(random.Random(length).sample(alphabet, length))


_EDGES = {
    "empty": "",
    "a newline alone": "\n",
    "NUL bytes": "\x00" * 8 + "password = '{a20}'\x00",
    "CR line ends": "password: x\rapi_key = '{a30}'\r",
    "CRLF YAML": "a:\r\n  password: {a30}\r\n",
    "a bare value ending the text": "aws_secret_access_key={b40}",
    "form feeds": "\fkey = '{a30}'\f",
    "a keyword split by a newline": "pass\nword = '{a20}'\n",
    "a long token of exactly 24 beside a keyword": "key {w24}\n",
    "a keyword inside a run of exactly 24": "{w10}token{w9}\n",
    "a long line before the secret": " " * 5000 + "token = '{a40}'\n",
    "an upper-case keyword": "PASSWORD = '{a20}'\nAPI_KEY: {a30}\n",
}


@pytest.mark.parametrize("name", sorted(_EDGES))
@pytest.mark.parametrize("filename", ["app.py", "config.yaml"])
def test_edge_texts_agree_both_ways(name: str, filename: str) -> None:
    text = fill(_EDGES[name])
    assert problems(text, filename, OPTIONS) == []


@pytest.mark.parametrize("limits", [(4.5, 3.0), (3.0, 2.0), (5.0, 3.5)])
@pytest.mark.parametrize("extra", [0, 1])
@pytest.mark.parametrize("quoted", [True, False])
def test_entropy_values_at_their_length_limit_agree_both_ways(
    limits: tuple[float, float], extra: int, quoted: bool
) -> None:
    """A value just long enough (or one more) to pass its limit, at every limit of the option
    sets: the value shapes' lengths are computed from the limits."""
    options = next(
        o for o in OPTION_SETS if (o.base64_limit, o.hex_limit) == limits and o.use_detect_secrets
    )
    base64_value = _distinct(_B64, int(2 ** limits[0]) + extra)
    hex_value = _distinct("0123456789abcdef", min(16, int(2 ** limits[1]) + extra))
    lines = [f"b = '{base64_value}'\n", f"h = '{hex_value}'\n"]
    if not quoted:
        lines = [line.replace("'", "") for line in lines]
    text = "".join(lines)
    assert problems(text, "config.yaml", options) == []


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"^a\u00a0b", r"^a\xffb"),  # non-ASCII: a byte ASCII text never holds
        (r"[\u0041-\u2000]", r"[\x41-\xff]"),
        (r"a^b$c$", r"abc$"),  # embedded anchors dropped, the last `$` kept
        (r"x{0,400}?y{2,8}", r"x{0,}?y{2,8}"),  # wide repeats open-ended, narrow ones kept
        (r"[]{0,400}^]", r"[]{0,400}^]"),  # inside a class nothing is rewritten
        (r"[^]^]x", r"[^]^]x"),
        (r"\^\{0,99\}\\u", r"\^\{0,99\}\\u"),  # escapes copied as they are
        (r"(?i)\u017fk", r"(?i)\u017fk"),  # the long s is an `s` to caseless `re`: refused
        (r"a{,3}b", r"a{0,3}b"),  # `{,3}` is a literal to Hyperscan
        (r"[[:alpha:]]", r"[\[:alpha:]]"),  # a `[` in a class is a member, not a POSIX class
        (r"[\u0100-\u0101]", r"[\xff-\xff]"),  # a range holding no letter `re` folds to ASCII
        (r"[\u0100-\u0200]", r"[\u0100-\u0200]"),  # holds `\u0130` (an `i`): refused
        (r"[\x70-\u0131]", r"[\x70-\u0131]"),  # `\u0131` is an `i`, below the range
        (r"[\x41-\u0131]", r"[\x41-\xff]"),  # ... there, `i` is in the range already
        # Where Python could match a non-ASCII character, the stand-in byte matches too:
        (r"\w+\s\d", r"[\w\xff]+[\s\xff][\d\xff]"),  # letters, blanks, digits of any script
        (r"[\w.-]{20}", r"(?:[\w.-]|\xff){20}"),
        (r"[^\W_]", r"(?:[^\W_]|\xff)"),  # a negated class that leaves letters out
        (r"[^\u2028\n]", r"(?:[^\xff\n]|\xff)"),  # ... or a non-ASCII character
        (r"[^\n]", r"[^\n]"),  # the stand-in is outside this one already
        (r"[A-Za-z0-9]{40}", r"[A-Za-z0-9]{40}"),  # Python's [A-Z] holds no other letter
        ("contrase\u00f1a", r"contrase\xffa"),  # written as is, not escaped
        (r"\bkey\B", r"key"),  # beside a stand-in, a boundary cannot be told: dropped
        (r"[\b]", r"[\b]"),  # a backspace in a class
        (r"\101\351", r"\x41\xff"),  # octal escapes
    ],
)
def test_python_patterns_become_wider_hyperscan_ones(regex: str, expected: str) -> None:
    assert hs_syntax.hs_expression(regex) == expected


@pytest.mark.parametrize(
    ("regex", "flags", "text"),
    [
        (r"a{,3}b", 0, "aab"),  # Python's `{0,3}`
        (r"x[[:alpha:]]", 0, "x:]"),  # a class of `[:alph`, then `]`, to Python
        (r"x[\u0100-\u0200]", re.IGNORECASE, "xI"),  # `\u0130` is a caseless `i`
        (r"x[\x70-\u0200]", re.IGNORECASE, "xs"),  # `\u017f`, the long s
        (r"(?i:x[\u0132-\u017f])", 0, "xS"),
        (r"x[\u2000-\uffff]", re.IGNORECASE, "xk"),  # the Kelvin sign
        (r"a b  # a comment", re.VERBOSE, "ab"),  # blanks and comments are no part of it
        (r"(?x) a b", 0, "ab"),
        # non-ASCII text, read through the stand-in byte
        (r"a\wb", 0, "a\u00e9b"),
        (r"a\w{3}b", 0, "a\u4e2d\u6587\u5b57b"),
        (r"a\sb", 0, "a\u00a0b"),
        (r"a\s+b", 0, "a\u2028\u3000b"),
        (r"a\db", 0, "a\u0663b"),
        (r"a[\w.-]+b", 0, "a.\u00e9-b"),
        (r"a[^x]b", 0, "a\u00e9b"),
        (r"a[^\u00e9]b", 0, "a\u00fcb"),
        (r"a[^\W]b", 0, "a\u00e9b"),
        (r"a[^\x80-\xff]b", 0, "a\u0100b"),
        (r"a[\u00e0-\u00ff]b", 0, "a\u00f6b"),
        (r"a.b", 0, "a\U0001f600b"),
        (r"\u00e9\b", 0, "\u00e9 "),
        (r"x\b", 0, "x\u2026"),
        (r"a\B\u00e9", 0, "a\u00e9"),
        (r"\bkey", 0, "\u00e9 key"),
        ("(?i)contrase\u00f1a", 0, "CONTRASE\u00d1A"),
        (r"\351t\351", 0, "\u00e9t\u00e9"),
        (r"[^\s]{4}", 0, "\u00e9\u00e9\u00e9\u00e9"),
    ],
)
@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")
def test_the_hyperscan_form_matches_wherever_python_does(regex: str, flags: int, text: str) -> None:
    """Python's meaning of each construct, where Hyperscan's differs: the database must report
    the detector (or leave it out as refused, then it always may match)."""
    assert re.search(regex, text, flags)
    assert reported_or_refused(regex, flags | re.MULTILINE, text)


def test_a_detector_written_with_a_python_only_repeat_is_found_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`{,12}` is Python's `{0,12}` but a literal to Hyperscan: left as it was, the database
    never reported the detector, and the secret was found only on the pure-Python path."""
    monkeypatch.setenv("ZTGATE_CACHE_DIR", str(tmp_path))
    brace = token(
        "brace", "Brace", "test", r"brc_(?P<secret>[0-9a-f]{,12}z)", ("brc_",), by_context=False
    )
    options = ScanOptions(detectors=(*ALL_DETECTORS[:3], brace), use_detect_secrets=False)
    text = "x = 'brc_8f3a91c2d7z'\n"
    monkeypatch.setenv("ZTGATE_PREFILTER", "hyperscan")
    fast = scan_text_allowing(text, "a.py", options).candidates
    monkeypatch.setenv("ZTGATE_PREFILTER", "python")
    pure = scan_text_allowing(text, "a.py", options).candidates
    assert [c.secret for c in fast] == [c.secret for c in pure] == ["8f3a91c2d7z"]


def test_the_database_is_cached_on_disk_and_a_damaged_cache_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZTGATE_CACHE_DIR", str(tmp_path / "cache"))
    plan = ScanOptions(detectors=ALL_DETECTORS[:20], use_detect_secrets=False).plan
    first = prefilter.database(plan)
    (cached,) = (tmp_path / "cache").iterdir()
    assert cached.name == f"{plan.key()}.hsdb"
    assert os.stat(tmp_path / "cache").st_mode & 0o077 == 0  # owner only
    header = json.loads(cached.read_bytes().partition(b"\n")[0])
    assert header["format"] == prefilter.FORMAT and header["refused"] == []

    text = "xoxb-not-a-real-one and ghp_ and AKIA\n"
    expected = first.sighting(text, text.lower())
    assert prefilter.database(plan).sighting(text, text.lower()) == _same(expected)

    cached.write_bytes(cached.read_bytes()[:-100])  # truncated: its checksum fails
    again = prefilter.database(plan)
    assert again.sighting(text, text.lower()) == _same(expected)
    assert prefilter._load(cached) is not None  # rewritten whole


def _same(seen: prefilter.Sighting | None) -> object:
    class Same:
        def __eq__(self, other: object) -> bool:
            assert isinstance(other, prefilter.Sighting) and seen is not None
            return (
                set(other.keywords) == set(seen.keywords)
                and other.detectors == seen.detectors
                and other.shapes == seen.shapes
            )

    return Same()


def test_an_unwritable_cache_costs_only_the_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("ZTGATE_CACHE_DIR", str(blocker / "cache"))
    plan = ScanOptions(detectors=ALL_DETECTORS[:5], use_detect_secrets=False).plan
    text = "ghp_x\n"
    assert prefilter.database(plan).sighting(text, text) is not None


def test_a_pattern_hyperscan_refuses_always_may_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A policy's own detector that Hyperscan cannot compile (an ASCII-only group) is left
    out of the database and run on every text holding its keyword: still found."""
    monkeypatch.setenv("ZTGATE_CACHE_DIR", str(tmp_path))
    odd = token(
        "odd", "Odd", "test", r"(?a:oddtok_)(?P<secret>[0-9]{6})", ("oddtok_",), by_context=False
    )
    options = ScanOptions(detectors=(*ALL_DETECTORS[:3], odd), use_detect_secrets=False)
    database = prefilter.database(options.plan)
    header = json.loads(next(tmp_path.iterdir()).read_bytes().partition(b"\n")[0])
    assert len(header["refused"]) == 1
    text = "x = 'oddtok_804917'\n"
    seen = database.sighting(text, text)
    assert seen is not None and seen.may_match(3)
    monkeypatch.setenv("ZTGATE_PREFILTER", "hyperscan")
    (found,) = scan_text_allowing(text, "a.py", options).candidates
    assert found.secret == "804917"


def test_a_hook_sized_run_never_loads_hyperscan(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The first megabyte goes through the automaton: a few files, no database, no compile."""
    import subprocess
    import sys

    repo.write("a.py", "x = 1\n" * 100)
    script = (
        "import sys\n"
        "from ztgate.cli import main\n"
        "code = main(['secrets', 'a.py'])\n"
        "assert 'hyperscan' not in sys.modules, 'loaded'\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=repo.path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_a_big_scan_switches_to_hyperscan_with_the_same_report(repo) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    line = "value = 'abcdefghijklmnopqrstuvwxyz0123'  # api_key password secret\n"
    for n in range(12):
        repo.write(f"big{n}.py", line * 2000)
    repo.write("leak.py", "token = '" + fill("ghp_{a36}") + "'\n")
    repo.commit("files")

    def report(mode: str) -> str:
        env = dict(os.environ, ZTGATE_PREFILTER=mode)
        done = subprocess.run(
            [sys.executable, "-m", "ztgate", "secrets", "--all-files", "--format", "json"],
            cwd=repo.path,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 1, done.stderr
        return re.sub(r'"(started|duration)[^,}]*', "", done.stdout)

    assert report("auto") == report("python") == report("hyperscan")


@pytest.mark.parametrize(
    "line",
    [
        "apikey = {run}",  # the keyword before the long token
        "{run} # the token",  # after it
        "x = {head}token{tail}",  # inside it: part of the run
    ],
)
def test_a_keyword_beside_a_long_token_is_seen_wherever_it_stands(
    line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The IBM and SoftLayer plugins need a keyword and a long token on one line; the one-pass
    prefilter must see the pair in every arrangement, or those plugins would be skipped."""
    run, head, tail = fill("{a30}"), fill("{a11}"), fill("{a11}")
    text = line.format(run=run, head=head, tail=tail) + "\n"
    database = OPTIONS.database
    assert database is not None
    seen = database.sighting(text, text.lower())
    assert seen is not None and seen.may_shape("IbmCloudIamDetector+long-token")
    fast, pure = _both(text, "config.py", monkeypatch)
    assert fast == pure


def test_no_long_token_beside_a_keyword_skips_those_plugins() -> None:
    text = "key = short\n" + "x" * 30 + "\n"  # both, but on different lines
    database = OPTIONS.database
    assert database is not None
    seen = database.sighting(text, text.lower())
    assert seen is not None and not seen.may_shape("IbmCloudIamDetector+long-token")


def test_a_cached_database_of_other_patterns_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache file with a valid header and checksum but another plan's database (stale, or
    swapped in) would see nothing: the keyword check catches it and the plan is rebuilt."""
    monkeypatch.setenv("ZTGATE_CACHE_DIR", str(tmp_path))
    plan = ScanOptions(detectors=ALL_DETECTORS[:10], use_detect_secrets=False).plan
    other = ScanOptions(detectors=ALL_DETECTORS[200:201], use_detect_secrets=False).plan
    prefilter.database(other)
    (swapped,) = tmp_path.iterdir()
    target = tmp_path / f"{plan.key()}.hsdb"
    swapped.rename(target)
    assert prefilter._load(target) is not None  # the header and checksum hold
    keyword = next(e for e in plan.entries if e.kind == prefilter.KEYWORD)
    text = f"x = {keyword.name}\n"
    seen = prefilter.database(plan).sighting(text, text.lower())
    assert seen is not None and keyword.name in seen.keywords


def test_hyperscan_failing_at_run_time_hands_the_text_to_the_pure_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A processor Hyperscan does not support, or a scan error: the same secrets are found
    through the automaton, never none."""
    import hyperscan

    monkeypatch.setenv("ZTGATE_CACHE_DIR", str(tmp_path))
    text = "token = '" + fill("ghp_{a36}") + "'\n"
    database = ScanOptions(detectors=ALL_DETECTORS, use_detect_secrets=False).database
    assert database is not None

    class Broken:
        def scan(self, *args: object, **kwargs: object) -> None:
            raise hyperscan.error("scratch lost")

    monkeypatch.setattr(database, "compiled", Broken())
    assert database.sighting(text, text.lower()) is None

    def unsupported(plan: prefilter.Plan) -> prefilter.Database:
        raise hyperscan.ArchitectureError("no SSSE3")

    monkeypatch.setattr(prefilter, "database", unsupported)
    prefilter.cached_database.cache_clear()
    options = ScanOptions(detectors=ALL_DETECTORS, use_detect_secrets=False)
    assert options.database is None
    monkeypatch.setenv("ZTGATE_PREFILTER", "hyperscan")
    (found,) = scan_text_allowing(text, "a.py", options).candidates
    assert found.detector_id == "github-pat"
    prefilter.cached_database.cache_clear()


def test_the_cache_keeps_only_the_most_recent_databases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZTGATE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(prefilter, "KEPT", 2)
    for n in range(4):
        options = ScanOptions(detectors=ALL_DETECTORS[n : n + 1], use_detect_secrets=False)
        prefilter.database(options.plan)
        os.utime(next(tmp_path.glob(f"{options.plan.key()}.hsdb")), (n, n + 1000))
    kept = {p.name for p in tmp_path.glob("*.hsdb")}
    assert len(kept) == 2
    assert f"{options.plan.key()}.hsdb" in kept  # the newest stays
