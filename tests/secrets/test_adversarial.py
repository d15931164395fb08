"""Nothing hangs: every worst-case line an attacker can commit scans in linear time.

Each case times the real scan at n and 4n characters: linear code takes ~4x as long, the
quadratic (or cubic) patterns these cases were found on took 16x (64x) and seconds.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ztgate.secrets import ds_bridge, filters
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.engine import ScanOptions, scan_text

from tests import fakes
from tests.worst_case import LINEAR, growth_ratio, scale

EVERYTHING = ScanOptions(detectors=ALL_DETECTORS)


def _github_tokens(size: int) -> str:
    # Many detect-secrets findings on one line: each is filtered with the line around it.
    token = fakes.github_style("gh" + "p_")
    return scale(token + " ", size)


# (what, unit repeated to the size, or a callable building the line; file name; size)
CASES: list[tuple[str, str | Callable[[int], str], str, int]] = [
    # The reported attacks.
    ("jdbc URL scheme repeated", "jdbc:mysql://", "app.properties", 1500),
    ("postgres URL with user repeated", "postgres://a:", "app.env", 1500),
    ("Authorization: Bearer repeated", "Authorization: Bearer ", "client.py", 4000),
    # One per pattern family fixed with them.
    ("AWS keyword repeated", "aws", "config.py", 4000),
    ("detect-secrets keyword in one long word", "secret", "config.py", 4000),
    ("YAML list dashes", "-", "values.yaml", 4000),
    ("Slack prefix repeated (anchored overlap)", "xoxb-00000000-", "chat.txt", 4000),
    ("jdbc: repeated", "jdbc:", "db.txt", 4000),
    ("connection-string pwd= repeated", "pwd=", "db.txt", 4000),
    ("private-key header repeated", "-----BEGIN " + "PRIVATE" + " KEY-----", "k.txt", 4000),
    ("password key then blanks", lambda n: "passwd>" + "\t" * (n - 7), "a.xml", 4000),
    ("tokens on one line (detect-secrets filters)", _github_tokens, "tokens.txt", 8000),
]


@pytest.mark.parametrize(
    ("unit", "filename", "size"),
    [pytest.param(unit, name, size, id=what) for what, unit, name, size in CASES],
)
def test_scan_time_grows_linearly(
    unit: str | Callable[[int], str], filename: str, size: int
) -> None:
    line_of = unit if callable(unit) else (lambda n: scale(unit, n))
    ratio = growth_ratio(lambda text: scan_text(text, filename, EVERYTHING), line_of, size)
    assert ratio < LINEAR, f"8x the input took {ratio:.1f}x the time"


@pytest.mark.parametrize(
    "text",
    [
        "https://user:" + "pass" + "@host/x",
        "://a:b@",
        "://a:b:c@",
        "://a@b:c@",
        "http://u:p w@h",
        "://(x):y@",
        "://a:{b}@",
        "://a:b$@",
        "://" * 20 + "a:b@",
    ],
)
def test_basic_auth_prefilter_marks_what_the_plugin_finds(text: str) -> None:
    # Prefilters must be supersets of detect-secrets' patterns; this one now equals it.
    import re

    from detect_secrets.plugins.basic_auth import BasicAuthDetector

    (plugin_pattern,) = BasicAuthDetector.denylist
    shape = ds_bridge.PREFILTERS["BasicAuthDetector"].shape
    assert shape is not None
    assert bool(re.search(shape, text)) == bool(plugin_pattern.search(text))


@pytest.mark.parametrize(
    ("line", "column", "name"),
    [
        ('DB_PASSWORD = "x"', 16, "DB_PASSWORD"),
        ("a.b-c := x", 9, "a.b-c"),
        ("9key: x", 7, "key"),
        ("x = y", 5, "x"),
        ("'token']  =>  'v", 16, "token"),
        ("no assignment x", 15, None),
        ("key = = x", 9, None),
        ("", 1, None),
    ],
)
def test_key_name_before(line: str, column: int, name: str | None) -> None:
    assert filters.key_name_before(line, column) == name


@pytest.mark.parametrize(
    ("line", "column", "token"),
    [
        ("a (abc/def) b", 6, "abc/def"),
        ("abc", 1, "abc"),
        ("abc", 3, "abc"),
        ("a b", 2, "secret"),
        ("abc", 9, "secret"),
    ],
)
def test_surrounding_token(line: str, column: int, token: str) -> None:
    assert filters.surrounding_token(line, column, "secret") == token
