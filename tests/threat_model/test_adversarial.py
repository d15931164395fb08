"""Nothing hangs: the threat-model parser's patterns take linear time on worst-case lines.

Each case times a pattern at n and 4n characters: ~4x when linear; the patterns these
cases were found on took 16x (quadratic) to 60x (a metadata key in a long indent: 2 s at 500
blanks, 94 s at 2,000).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from ztgate.threat_model import gaps, parse, rules, vocabulary

from tests.worst_case import LINEAR, growth_ratio

CASES: list[tuple[str, re.Pattern[str], Callable[[int], str], int]] = [
    ("metadata line, blanks before the key", parse._METADATA_LINE, lambda n: " " * n + "x", 100),
    (
        "metadata line, blanks inside the value",
        parse._METADATA_LINE,
        lambda n: "Owner: a" + " " * n + "b",
        1000,
    ),
    ("gaps words, one long word", gaps._WORDS, lambda n: "a1" * n + " ", 1000),
    ("nothing, a word then blanks", vocabulary._NOTHING, lambda n: "none" + " " * n + "x", 1000),
    ("nothing, dashes then a word", vocabulary._NOTHING, lambda n: "-" * n + "x", 1000),
    ("path characters, no end", rules._PATH_CHARS, lambda n: "a/" * n + " ", 1000),
]
WORDS: list[tuple[str, Callable[[str], object], Callable[[int], str], int]] = [
    ("credentials in a long cell", vocabulary.authentication, lambda n: "token " * n, 300),
    ("network words, no credential", vocabulary.authentication, lambda n: "same " * n, 300),
    ("encryption in a long cell", vocabulary.encryption, lambda n: "tls 1." * n, 300),
    ("deprecated versions in a long cell", vocabulary.deprecated_only, lambda n: "ssl v" * n, 300),
    ("version numbers in a long cell", vocabulary.deprecated_only, lambda n: "tls 1.0 1." * n, 300),
    ("families of a long control", vocabulary.families_of, lambda n: "rate-" * n, 300),
]


@pytest.mark.parametrize(
    ("read", "cell_of", "size"),
    [pytest.param(read, cell_of, size, id=what) for what, read, cell_of, size in WORDS],
)
def test_vocabulary_reads_in_linear_time(
    read: Callable[[str], object], cell_of: Callable[[int], str], size: int
) -> None:
    ratio = growth_ratio(read, cell_of, size)
    assert ratio < LINEAR, f"8x the input took {ratio:.1f}x the time"


@pytest.mark.parametrize(
    ("pattern", "line_of", "size"),
    [pytest.param(pattern, line_of, size, id=what) for what, pattern, line_of, size in CASES],
)
def test_match_time_grows_linearly(
    pattern: re.Pattern[str], line_of: Callable[[int], str], size: int
) -> None:
    ratio = growth_ratio(pattern.match, line_of, size)
    assert ratio < LINEAR, f"8x the input took {ratio:.1f}x the time"


def test_parse_time_grows_linearly() -> None:
    def document(n: int) -> str:
        return "# Threat model\n\nOwner: team" + " " * n + "x\n\n## Threats\n\n- Threat" + " " * n

    ratio = growth_ratio(lambda text: parse.parse(text, "THREAT_MODEL.md"), document, 3000)
    assert ratio < LINEAR, f"8x the input took {ratio:.1f}x the time"
