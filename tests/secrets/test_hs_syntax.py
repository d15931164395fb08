"""The bytes Hyperscan reads for a text: one per character, a stand-in for every non-ASCII one,
and no stand-in where case folding could make an ASCII letter of a character."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ztgate.secrets import hs_syntax


def _every_non_ascii_character() -> str:
    return "".join(map(chr, range(0x80, 0x110000)))


def test_the_characters_sent_to_the_pure_path_are_every_one_case_folding_makes_ascii() -> None:
    """Checked against every code point: Python's caseless matching of each ASCII letter, and
    `lower()` (what the keyword pass reads)."""
    everything = _every_non_ascii_character()
    folding = set()
    for letter in string.ascii_lowercase:
        folding.update(m.group() for m in re.finditer(letter, everything, re.IGNORECASE))
    folding.update(c for c in everything if any(ord(part) < 0x80 for part in c.lower()))
    assert folding == set(hs_syntax.FOLDS_TO_ASCII)


@pytest.mark.parametrize("character", list(hs_syntax.FOLDS_TO_ASCII))
def test_a_text_holding_a_folding_character_has_no_bytes(character: str) -> None:
    assert hs_syntax.text_bytes(f"pass{character}word = 'x'") is None


@pytest.mark.parametrize(
    "text",
    [
        "plain ASCII, tabs\tand\r\nline ends\x00",
        "caf\u00e9 \u00ff\u0100",
        "\u5bc6\u7801 = '\u79d8\u5bc6' \u2028\u3000",
        "emoji \U0001f600 and a lone surrogate \udc80 end",
        "\u0080\u009f\u00a0",
    ],
)
def test_one_byte_per_character_ascii_as_itself_the_rest_the_stand_in(text: str) -> None:
    data = hs_syntax.text_bytes(text)
    assert data is not None
    assert len(data) == len(text)
    for character, byte in zip(text, data, strict=True):
        assert byte == (ord(character) if character.isascii() else 0xFF)


def test_the_stand_in_is_no_ascii_character() -> None:
    """ASCII text never holds it: what a pattern's stand-in alternatives add cannot change
    what Hyperscan sees in ASCII text."""
    assert hs_syntax.STANDIN == "\\xff"
    assert all(0xFF not in (hs_syntax.text_bytes(chr(c)) or b"") for c in range(0x80))


def test_keywords_are_exact_literals() -> None:
    assert hs_syntax.keyword_expression("api_key") == r"api\x5fkey"
    assert hs_syntax.keyword_expression("contrase\u00f1a") == r"contrase\xffa"


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(
            ["a", "\n", "\x00", "\x7f", "\x80", "\u00e9", "\u00ff", "\u0100", "\u4e2d",
             "\uffff", "\U0001f600", "\U0010ffff", "\udc80", "\ud800"]
        ),
        max_size=40,
    ),
    chunk=st.sampled_from([1, 3, 7, 1 << 20]),
)  # fmt: skip
def test_the_stand_in_bytes_are_the_same_piece_by_piece(text: str, chunk: int) -> None:
    """Converted in chunks (cut anywhere): the same bytes as one character at a time."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(hs_syntax, "_CHUNK", chunk)
        data = hs_syntax.standin_bytes(text)
    assert data == bytes(ord(c) if c.isascii() else 0xFF for c in text)


@pytest.mark.parametrize(
    ("regex", "text"),
    [
        (r"ab{,}c", "ac"),  # `{,}` is Python's `*`, a literal to Hyperscan
        (r"a[^\v]b", "a\nb"),  # Python's `\v` is the vertical tab; Hyperscan's, every line end
        (r"(?#[)a\w+b", "a\u00e9b"),  # a `[` in a comment opens no class
        (r"(?#\))a\w+b", "a\u00e9b"),  # to Python, `\)` does not end a comment
        (r"(?i)x[a\-\u0130]", "xi"),  # an escaped `-` joins no range: `\u0130` is an `i`
        (r"(?i)x[a-c-\u0130]", "xi"),  # a `-` after a range joins none either
        ("x\x00|y", "y"),  # a raw NUL ended the pattern Hyperscan read (a C string)
        ("[\x00]|y", "y"),
    ],
)
def test_python_syntax_hyperscan_reads_otherwise_is_rewritten(regex: str, text: str) -> None:
    """Misses found by tests/secrets/test_standin_fuzz.py: each of these patterns matched the
    text in Python while its Hyperscan form did not (and was not refused)."""
    assert re.search(regex, text)
    assert reported_or_refused(regex, re.MULTILINE, text)


def reported_or_refused(regex: str, flags: int, text: str) -> bool:
    """Whether a database of ``regex`` alone, as a detector's, reports it on ``text`` as
    Hyperscan reads it, or refuses it (then it always may match)."""
    from ztgate.secrets import prefilter

    data = hs_syntax.text_bytes(text)
    assert data is not None
    entry = prefilter.Entry(prefilter.DETECTOR, 0, regex, flags)
    compiled, refused = prefilter._compile_plan(prefilter.Plan((entry, prefilter.ODD_ENTRY)))
    if refused == (0,):
        return True
    hits: list[tuple[int, int]] = []
    compiled.scan(data, match_event_handler=prefilter._record, context=hits)
    return bool(hits)


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"ab{,}c", r"ab{0,}c"),
        (r"ab{2,}?c", r"ab{2,}?c"),
        (r"a[^\v]\vb", r"a[^\x0b]\x0bb"),
        (r"(?#[ a comment)a\w", r"a[\w\xff]"),
        (r"(?#\)still[)a", r"a"),
        (r"[(?#x)]", r"[(?#x)]"),  # in a class, members
        (r"[a\-\u0100]", r"[a\-\xff]"),
        (r"[a-c-\u0100]", r"[a-c-\xff]"),
        (r"[a\-\u0130]", r"[a\-\u0130]"),  # a member that folds to `i`: refused
        (r"[a-c-\u0130]", r"[a-c-\u0130]"),
        (r"[--\u0130]", r"[--\xff]"),  # a range from `-`: `i` is in it already
        (r"[]-\u0130]", r"[]-\xff]"),  # from `]`: `i` is in the range already
        (r"[j-\u0130]", r"[j-\u0130]"),  # from `j`: `i` is not, and `\u0130` is one: refused
        ("a\x00|b\n\x7f[\x00-\x1f]", r"a\x00|b\x0a\x7f[\x00-\x1f]"),  # raw controls escaped
    ],
)
def test_python_syntax_rewrites(regex: str, expected: str) -> None:
    assert hs_syntax.hs_expression(regex) == expected


@pytest.mark.parametrize(("regex", "text"), [(r"a\B\w", "a\u00e9"), ("\u00e9\\b", "\u00e9 ")])
def test_a_boundary_is_dropped_from_an_exact_pattern_too(regex: str, text: str) -> None:
    """Beside the stand-in Hyperscan cannot tell a letter from a blank, whether or not the
    pattern is a prefilter: an exact one (a value shape) that kept `\\b` missed these."""
    import hyperscan

    assert re.search(regex, text)
    expression = hs_syntax.hs_expression(regex, exact=True)
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[expression.encode()], ids=[0], elements=1, flags=[0])
    hits: list[int] = []
    data = hs_syntax.text_bytes(text)
    assert data is not None
    database.scan(data, match_event_handler=lambda *found: hits.append(found[2]))
    assert hits
