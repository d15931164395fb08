"""Non-ASCII text through the stand-in byte: the Hyperscan path still lets through everything
the pure-Python path would find.

Hyperscan reads every non-ASCII character as one byte, `\\xff` (``hs_syntax.text_bytes``), and
each pattern is rewritten to match it wherever Python's `re` could match a non-ASCII character
(``hs_syntax.hs_expression``). These tests put characters of every kind Python's `re` tells
apart (letters of several scripts, combining marks, digits of other scripts, Unicode blanks,
symbols, punctuation, emoji, lone surrogates, the characters case folding makes ASCII) at every
place around detectors' examples, and run each pattern construct against each of them.
bench/prefilter_fuzz.py `--standin` runs the same fuzzer for longer.
"""

from __future__ import annotations

import random
import re
import string
import warnings
from functools import lru_cache
from typing import Any

import pytest
from ztgate.masking import mask_secrets
from ztgate.secrets import engine, hs_syntax, prefilter
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.engine import ScanOptions

from tests.fakes import fill
from tests.secrets.test_prefilter import OPTION_SETS, _unsound, problems

pytest.importorskip("hyperscan")

# Characters by what Python's `re` makes of them (`\w`, `\s`, `\d`, case, none of those).
CHARACTERS: dict[str, str] = {
    "latin letters": "\u00e9\u00d1\u00df\u00f8\u00c6\u0153\u01c5",
    "other scripts": "\u03b1\u03a9\u0436\u042f\u4e2d\u6587\u0645\u05e9\u0915\u3042\uac00",
    "combining marks": "\u0301\u0308\u093f\u20dd",
    "digits of other scripts": "\u0663\u0967\uff11\U0001d7ce\u0e52",
    "other numbers": "\u00b2\u00bd\u2167\u2460",
    "unicode blanks": "\u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000",
    "format characters": "\u200b\u200d\ufeff\u00ad",
    "symbols": "\u20ac\u00a9\u2192\u2211\u00b5",
    "punctuation": "\u2026\u00ab\u00bb\u00bf\u2019\u2010\uff1d\uff1a",
    "emoji": "\U0001f600\U0001f511\u2764\ufe0f",
    "lone surrogates": "\udc80\udcff\ud800",
    "c1 controls": "\u0080\u009f",
    "private use": "\ue000\U0010fffd",
    "folding to ascii": hs_syntax.FOLDS_TO_ASCII,
    "odd ascii blanks": "\x0b\x1c\x1f",
}
EVERY_CHARACTER = "".join(CHARACTERS.values())


# ---- the scan, both ways, with characters injected around detectors' examples ----


_KEYS = ("password", "api_key", "token", "secret", "contrase\u00f1a", "client_key", "auth")
# `{k}` a key name, `{v}` a value; each place a character goes is marked by one of `_PLACES`.
_LINES = (
    "{k} = '{v}'",
    '{k}: "{v}"',
    "{k}={v}",
    "  {k}: {v}",
    "{v}",
    'config["{k}"] = "{v}";',
    "export {k}={v}",
)


def _inject(
    rng: random.Random, line: str, key: str, value: str, injected: list[tuple[str, str]]
) -> str:
    """``line`` filled with ``key`` and ``value``, each run of ``injected`` at its place."""
    for place, run in injected:
        if place == "inside the value" and value:
            at = rng.randrange(len(value) + 1)
            value = value[:at] + run + value[at:]
        elif place == "replacing a value character" and value:
            at = rng.randrange(len(value))
            value = value[:at] + run + value[at + 1 :]
        elif place == "inside the key":
            at = rng.randrange(len(key) + 1)
            key = key[:at] + run + key[at:]
        elif place in ("before the key", "after the key"):
            key = run + key if place == "before the key" else key + run
        elif place in ("before the value", "after the value"):
            value = run + value if place == "before the value" else value + run
    text = line.format(k=key, v=value)
    for place, run in injected:
        if place in ("line start", "line end"):
            text = run + text if place == "line start" else text + run
        elif place == "between key and value":
            operator = next((o for o in (" = ", ": ", "=") if o in text), None)
            if operator is not None:
                text = text.replace(operator, operator[:1] + run + operator[1:], 1)
    return text


_PLACES = (
    "line start",
    "before the key",
    "inside the key",
    "after the key",
    "between key and value",
    "before the value",
    "inside the value",
    "replacing a value character",
    "after the value",
    "line end",
)
_TEMPLATES = tuple(t for d in ALL_DETECTORS for t in (*d.examples, *d.negatives))
_FILENAMES = ("app.py", "config.yaml", ".env", "notes.md", "settings.ini")
_SURROGATES = re.compile("[\ud800-\udfff]")


def standin_problems(text: str, filename: str, options: ScanOptions) -> list[str]:
    """``problems`` of ``text``; for a text holding a lone surrogate, only what its sighting
    leaves out (no file is decoded into one, and detect-secrets' plugins cannot hash one)."""
    if not _SURROGATES.search(text):
        return problems(text, filename, options)
    database = options.database
    assert database is not None
    lowered = engine.lower_same_length(text)
    seen = database.sighting(text, lowered)
    return [] if seen is None else _unsound(text, lowered, filename, seen, options)


def _value(rng: random.Random) -> str:
    """A detector's example or near miss, or a value the entropy plugins would weigh."""
    if rng.random() < 0.75:
        return fill(rng.choice(_TEMPLATES), structured=rng.random() < 0.8)
    alphabet = rng.choice((string.hexdigits[:16], string.ascii_letters + string.digits + "+/"))
    return "".join(rng.choice(alphabet) for _ in range(rng.choice((9, 17, 24, 30, 40))))


def standin_text(rng: random.Random) -> tuple[str, str]:
    """A text of a few lines around detectors' examples, with runs of non-ASCII characters
    (of one kind per line) injected at places drawn from ``_PLACES``, and a file name."""
    lines = []
    for _ in range(rng.randrange(1, 4)):
        characters = CHARACTERS[rng.choice(sorted(CHARACTERS))]
        injected = [
            (rng.choice(_PLACES), "".join(rng.choices(characters, k=rng.choice((1, 1, 2, 3)))))
            for _ in range(rng.randrange(1, 4))
        ]
        lines.append(_inject(rng, rng.choice(_LINES), rng.choice(_KEYS), _value(rng), injected))
    newline = rng.choice(("\n", "\r\n", "\u2028\n"))
    return newline.join(lines) + rng.choice(("", "\n")), rng.choice(_FILENAMES)


@pytest.mark.parametrize("place", _PLACES)
@pytest.mark.parametrize("kind", sorted(CHARACTERS))
def test_each_kind_of_character_at_each_place_agrees_both_ways(kind: str, place: str) -> None:
    """Every kind of character at every place around a detector's example: the Hyperscan
    sighting lets through all the pure path finds, and both scans are the same."""
    rng = random.Random(f"standin-{kind}-{place}")
    failures = []
    for _ in range(3):
        characters = CHARACTERS[kind]
        run = "".join(rng.choice(characters) for _ in range(rng.choice((1, 2))))
        line, key, value = rng.choice(_LINES), rng.choice(_KEYS), _value(rng)
        text = _inject(rng, line, key, value, [(place, run)]) + "\n"
        options = rng.choice(OPTION_SETS)
        found = standin_problems(text, rng.choice(_FILENAMES), options)
        if found:
            failures.append((mask_secrets(repr(text))[:300], found))
    assert failures == []


@pytest.mark.parametrize("seed", range(3))
def test_generated_non_ascii_texts_agree_both_ways(seed: int) -> None:
    """The non-ASCII differential fuzzer, seeded and bounded."""
    rng = random.Random(f"standin-fuzz-{seed}")
    failures = []
    for _ in range(40):
        text, filename = standin_text(rng)
        found = standin_problems(text, filename, rng.choice(OPTION_SETS))
        if found:
            failures.append((mask_secrets(repr(text))[:300], filename, found))
    assert failures == []


# ---- each pattern construct against each kind of character ----

# Python's `re` constructs whose meaning on non-ASCII text differs from Hyperscan's on bytes:
# each is compiled as Hyperscan reads it, and must report every text Python's `re` matches.
CONSTRUCTS = (
    r"a\wb",
    r"a\w+b",
    r"a\w{2}b",
    r"a\sb",
    r"a\s*=\s*b",
    r"a\db",
    r"a\d{1,3}b",
    r"a\Wb",
    r"a\Sb",
    r"a\Db",
    r"a[\w]b",
    r"a[\s]b",
    r"a[\d]b",
    r"a[\w.\-]+b",
    r"a[^\W]b",
    r"a[^\S]b",
    r"a[^\D]b",
    r"a[^\W\d]b",
    r"a[^\W_]b",
    r"a[^\S\n]b",
    r"a[^\w\s]b",
    r"a[^a-z]b",
    r"(?i)a[^a-z]b",
    r"(?i)a[a-z]b",
    r"a[A-Za-z]b",
    r"(?i:a[^\s'\"]b)",
    r"a.b",
    r"(?s)a.b",
    r"a[^\n]b",
    r"a[^x]b",
    r"a[^\x00-\x7f]b",
    r"a[\x80-\U0010ffff]b",
    r"a[\u00e0-\u00ff]b",
    r"a[^\u00e9]b",
    r"a\u00e9b",
    r"a\xe9b",
    r"a\351b",
    r"a\N{LATIN SMALL LETTER E WITH ACUTE}b",
    "a[\u00e0-\u00ff]b",
    "a\\\u00e9b",
    "(?i)a\u00c9b",
    "a[^\u00e9]b",
    r"a\U0001f600b",
    r"a[\U0001f600-\U0001f64f]b",
    r"a(?:\w|\s)b",
    r"(?<!\w)a\W",
    r"a(?!\w)\W",
    r"(?<=\W)a",
    r"a(?=\s)",
    r"(?<![^\W])a",
    r"\ba\W",
    r"\W\b",
    r"\Ba",
    r"a\B\w",
    r"^\W",
    r"\W$",
    r"\A\W",
    r"\W\Z",
    r"a(.)\1b",
    r"a(?P<x>\w)(?P=x)b",
    r"a[\w\-]{2,40}b",
    r"a\S{0,50}?b",
    r"(?i)a\wb",
    r"a[^'\"`]*b",
    r"a\s+b",
    r"a[ \t]*b",
    r"a[[:alpha:]]b",
    r"a{,2}\Wb",
    r"a[^\v]b",
    r"a\vb",
    r"ab{,}\W",
    r"(?#[)a\w+b",
    r"(?#\))a\w+b",
    r"a[a\-\u0130]",
    r"a[b-c-\u0130]",
    r"a[\u0100-\u012f]b",
    r"a[\u0132-\u017e]b",
    r"a[\u0100-\u0130]b",
    r"(?i)a[j-\u0130]",
    r"(?i)a[t-\u017f]",
    r"(?i)a[l-\u212a]",
    r"(?i)a[\-\u0131]",
    r"(?i)a[\]-\u0131]",
    "a\x00|b",
    "[\x00-\x1f]|b",
)

# Where a character stands: alone, between the ends a construct names, doubled, on a line.
_PLACINGS = ("{c}", "a{c}b", "a{c}{c}b", "a{c}", "{c}b", "x\n{c}\n", "a {c} b", "A{c}B", "a{c}i")


# ASCII texts a construct's ASCII-only meaning decides (a `\\v`, a repeat, a caseless range).
_ASCII_TEXTS = ("ai", "aI", "as", "ak", "a\nb", "a\rb", "ab", "abb", "aa!", "a!")


def construct_misses(characters: str) -> list[tuple[str, str]]:
    """(construct, text) wherever Python's `re` matches a construct in a text of ``characters``
    (each at every placing, and the ASCII texts) and its Hyperscan form is not reported (nor
    refused: then it always may match). A text Hyperscan must not read (a character folding
    to ASCII, an odd blank) is skipped, as the sighting hands it to the pure path."""
    compiled, refused, patterns = _constructs()
    kept = [i for i in range(len(CONSTRUCTS) + 1) if i not in refused]
    texts = [p.format(c=c) for c in characters for p in _PLACINGS] + list(_ASCII_TEXTS)
    misses = []
    for text in texts:
        data = hs_syntax.text_bytes(text)
        if data is None:
            continue
        hits: list[tuple[int, int]] = []
        compiled.scan(data, match_event_handler=prefilter._record, context=hits)
        seen = {kept[i] for i, _ in hits}
        if len(CONSTRUCTS) in seen:  # an odd blank: the pure path reads this text
            continue
        misses.extend(
            (CONSTRUCTS[i], text)
            for i, pattern in enumerate(patterns)
            if i not in refused and i not in seen and pattern.search(text)
        )
    return misses


@lru_cache(maxsize=1)
def _constructs() -> tuple[Any, tuple[int, ...], list[re.Pattern[str]]]:
    """One database of every construct (and the odd-blank check), what it refused, and the
    constructs as Python compiles them."""
    entries = tuple(prefilter.Entry(prefilter.DETECTOR, i, r) for i, r in enumerate(CONSTRUCTS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # `[[` is a possible nested set
        patterns = [re.compile(r, re.MULTILINE) for r in CONSTRUCTS]
    compiled, refused = prefilter._compile_plan(prefilter.Plan((*entries, prefilter.ODD_ENTRY)))
    return compiled, refused, patterns


def test_the_hyperscan_form_of_each_construct_sees_every_character_python_matches() -> None:
    """Each construct, each kind of character at each placing: wherever Python's `re`
    matches, the database reports the construct."""
    assert construct_misses(EVERY_CHARACTER) == []


def test_few_constructs_are_refused() -> None:
    """A refused construct is checked by nothing above: only those Hyperscan cannot take (a
    named character) or that hold a character caseless `re` takes for an ASCII letter not
    already in the class stay out."""
    _, refused, _ = _constructs()
    assert [CONSTRUCTS[i] for i in refused] == [
        r"a[\x80-\U0010ffff]b",
        r"a\N{LATIN SMALL LETTER E WITH ACUTE}b",
        r"a[a\-\u0130]",
        r"a[b-c-\u0130]",
        r"a[\u0100-\u0130]b",
        r"(?i)a[j-\u0130]",
        r"(?i)a[t-\u017f]",
        r"(?i)a[l-\u212a]",
        r"(?i)a[\-\u0131]",
    ]


def test_the_construct_table_has_teeth() -> None:
    """A construct left as Python writes it (not rewritten) misses the stand-in: the check
    above would see it."""
    import hyperscan

    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[rb"a\wb"], ids=[0], elements=1, flags=[0])
    hits: list[tuple[int, int]] = []
    data = hs_syntax.text_bytes("a\u00e9b")
    assert data is not None and re.search(r"a\wb", "a\u00e9b")
    database.scan(data, match_event_handler=prefilter._record, context=hits)
    assert hits == []
