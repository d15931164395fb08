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
