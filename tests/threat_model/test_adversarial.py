"""Nothing hangs: the threat-model parser's patterns take linear time on worst-case lines.

Each case times a pattern at n and 4n characters: ~4x when linear; the patterns these
cases were found on took 16x (quadratic) to 60x (a metadata key in a long indent: 2 s at 500
blanks, 94 s at 2,000).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from ztgate.threat_model import gaps, parse

from tests.worst_case import growth_ratio

LINEAR = 8.0  # linear ~4, quadratic ~16

CASES: list[tuple[str, re.Pattern[str], Callable[[int], str], int]] = [
    ("metadata line, blanks before the key", parse._METADATA_LINE, lambda n: " " * n + "x", 100),
    (
        "metadata line, blanks inside the value",
        parse._METADATA_LINE,
        lambda n: "Owner: a" + " " * n + "b",
        1000,
    ),
    ("threat label, blanks after the word", gaps._THREAT_LABEL, lambda n: "threat" + " " * n, 1000),
    ("none, blanks then a word", gaps._NONE, lambda n: " " * n + "x", 1000),
]


@pytest.mark.parametrize(
    ("pattern", "line_of", "size"),
    [pytest.param(pattern, line_of, size, id=what) for what, pattern, line_of, size in CASES],
)
def test_match_time_grows_linearly(
    pattern: re.Pattern[str], line_of: Callable[[int], str], size: int
) -> None:
    ratio = growth_ratio(pattern.match, line_of, size)
    assert ratio < LINEAR, f"4x the input took {ratio:.1f}x the time"


def test_parse_time_grows_linearly() -> None:
    def document(n: int) -> str:
        return "# Threat model\n\nOwner: team" + " " * n + "x\n\n## Threats\n\n- Threat" + " " * n

    ratio = growth_ratio(lambda text: parse.parse(text, "THREAT_MODEL.md"), document, 3000)
    assert ratio < LINEAR, f"4x the input took {ratio:.1f}x the time"
