"""The shortcuts that keep worst-case lines fast find exactly what the plain patterns find.

Random lines built from each detector's own pieces (key names, blanks, operators, quotes,
values, line continuations) are matched both ways at every keyword occurrence.
"""

from __future__ import annotations

import dataclasses
import random
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ztgate.secrets import detectors, ds_bridge, engine, keywords, prefilter
from ztgate.secrets.catalog import ALL_DETECTORS

from tests.fakes import fill

_PIECES = [
    " ",
    "\t",
    "   ",
    "\n",
    "\r\n",
    "\\\n",
    '"',
    "'",
    "`",
    "=",
    ":",
    ".",
    "?",
    "+",
    "!",
    "|",
    ",",
    ">",
    ")",
    "]",
    "_",
    "-",
    " string",
    " const ",
    ":=",
    "=>",
    "::",
    ";",
    "\u00a0",
    "-u",
    "--user",
    "-H",
    "--header",
    "x-api-key",
    "Bearer ",
    "user:pa55word",
    "a" * 45,
    "curl -u admin:" + "hunter2x ",
    "curl -H 'X-Api-Key: abcdef123456' ",
    " --user=bob:" + "pa55word",
]  # fmt: skip  (credential-shaped pieces split so ztgate's own gate passes on this file)


def _line(rng: random.Random, detector: detectors.Detector) -> str:
    parts = []
    for _ in range(rng.randint(1, 16)):
        roll = rng.random()
        if roll < 0.3:
            keyword = rng.choice(detector.keywords)
            parts.append(rng.choice([keyword, keyword.upper(), keyword.title()]))
        elif roll < 0.65:
            parts.append(rng.choice(_PIECES) * rng.choice([1, 1, 2, 5]))
        else:
            alphabet = rng.choice(["0123456789abcdef", "abcXYZ0123456789", "aB3+/=_-."])
            parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 70))))
    return "".join(parts)


def _plain(detector: detectors.Detector, pattern: re.Pattern[str], text: str) -> list[object]:
    found = keywords.occurrences(engine.lower_same_length(text), frozenset(detector.keywords))
    results: list[object] = []
    end = 0
    for start in sorted({s for k in detector.keywords for s in found.get(k, ())}):
        if start < end:
            continue
        match = pattern.match(text, start)
        if match:
            results.append((match.span("secret"), match.end()))
            end = match.end()
    return results


def _engine(detector: detectors.Detector, text: str) -> list[object]:
    found = keywords.occurrences(engine.lower_same_length(text), frozenset(detector.keywords))
    return [(m.span("secret"), m.end()) for m in engine._matches(detector, text, found)]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="possessive repeats need Python 3.11")
def test_keyed_fast_template_matches_the_plain_one() -> None:
    rng = random.Random(1)
    keyed = [d for d in ALL_DETECTORS if detectors._ASSIGN_FAST in d.regex]
    assert len(keyed) > 100
    for detector in keyed:
        plain = re.compile(
            detector.regex.replace(detectors._KEY_TAIL_FAST, detectors._KEY_TAIL).replace(
                detectors._ASSIGN_FAST, detectors._ASSIGN
            ),
            detector.flags,
        )
        for _ in range(40):
            text = _line(rng, detector)
            assert _engine(detector, text) == _plain(detector, plain, text), (detector.id, text)


def test_gapped_and_needs_shortcuts_match_the_whole_pattern() -> None:
    rng = random.Random(2)
    chosen = [d for d in ALL_DETECTORS if d.gap or d.needs]
    assert {d.id for d in chosen} >= {"curl-user-password", "curl-auth-header"}
    for detector in chosen:
        plain = dataclasses.replace(detector, gap=None, needs="")
        for _ in range(1500):
            text = _line(rng, detector)
            assert _engine(detector, text) == _plain(plain, plain.pattern, text), (
                detector.id,
                text,
            )


@pytest.mark.parametrize(
    "text",
    [
        "curl x\ncurl -u admin:" + "hunter2x",
        "curl curl curl -u a:bcdefg curl -u b:cdefgh",
        "curl -H \"X\" \\\n  -H 'X-Api-Key: abcdef123456'",
        "curl -u a \\\r\n :secret1",
        "curl " + "a" * 390 + " -u x:yyyyyy",
        "curl " + "a" * 500 + " -u x:yyyyyy",
        ("curl " + "a " * 150) * 3 + "-u x:yyyyyy",
        "curl\t-u\t" + "\t" * 40 + "curl -u x:yyyyyy",
    ],
)
def test_gapped_shortcut_on_lines_that_stress_it(text: str) -> None:
    for detector in (d for d in ALL_DETECTORS if d.gap):
        plain = dataclasses.replace(detector, gap=None)
        assert _engine(detector, text) == _plain(plain, plain.pattern, text), detector.id


def test_a_value_that_may_start_with_a_blank_keeps_the_plain_template() -> None:
    assert detectors._may_start_with_space(r"\s?x")
    assert detectors._may_start_with_space(r"(?:a|)b")
    assert not detectors._may_start_with_space(r"(?:sk_)?[a-f0-9]{32}")
    slow = detectors.keyed("x", "X", "c", "foo", r"[ a-z]{8}", ("foo",))
    assert detectors._ASSIGN in slow.regex


# ---- detect-secrets' line filters are asked only where they could hold ----

_LINE_PIECES = st.sampled_from(
    ["x", "key", " ", "\t", "=", "==", ":=", "!=", ":", "(", ")", "[", "]", "'", '"', ".", "-",
     "f", "get_secret()", "a['k']", "pragma", "PRAGMA", "# pragma: allowlist secret",
     "// pragma: allowlist nextline secret", "pragma:whitelist secret", "/* ", " */", "<!--",
     "-->", "'", "--", "\u00e9", "\u00a0"]
)  # fmt: skip
_LINES = st.lists(_LINE_PIECES, max_size=12).map("".join)


@settings(max_examples=600, deadline=None)
@given(line=_LINES)
def test_an_indirect_reference_needs_what_the_precheck_asks_for(line: str) -> None:
    from detect_secrets.filters import heuristic

    if heuristic.is_indirect_reference(line):
        assert ds_bridge._may_be_indirect(line)


@settings(max_examples=600, deadline=None)
@given(previous=_LINES, line=_LINES, filename=st.sampled_from(["a.py", "b.yaml", "c.go"]))
def test_an_allowlisted_line_names_pragma_on_it_or_the_line_before(
    previous: str, line: str, filename: str
) -> None:
    from detect_secrets.filters.allowlist import is_line_allowlisted
    from detect_secrets.util.code_snippet import get_code_snippet

    context = get_code_snippet(lines=[previous, line], line_number=2)
    if is_line_allowlisted(filename=filename, line=line, context=context):
        assert "pragma" in line or "pragma" in previous


def test_the_prechecks_have_teeth() -> None:
    """A pragma still allows its line, an indirect reference is still skipped, and a line
    that is neither is still reported."""
    from detect_secrets.filters import heuristic

    assert heuristic.is_indirect_reference("secret = get_secret()")
    assert ds_bridge._may_be_indirect("secret = get_secret()")
    assert not ds_bridge._may_be_indirect("secret = 'get_secret'")
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    value = "".join(random.Random(7).sample(alphabet, 40))  # 40 distinct: entropy log2(40)
    plain = f"blob = '{value}'\n"
    for line, reported in (
        (plain, True),
        (f"blob = '{value}'  # pragma: allowlist secret\n", False),
        (f"# pragma: allowlist nextline secret\n{plain}", False),
        (f"blob = f('{value}')\n", False),
    ):
        found = list(
            ds_bridge.analyze_lines(
                "a.py",
                line.split("\n"),
                {line.count("\n"): {"Base64HighEntropyString"}},
                4.5,
                3.0,
                False,
            )
        )
        assert bool(found) == reported, line[:12]


_RULE_PIECES = st.sampled_from(
    ["password", "db_pass", "secret", "contrase\u00f1a", "api", "key", "x", "_", "9", "\u00e9",
     " ", "\t", "=", "==", "===", "!==", ":", ":=", "=>", ".assign(", "'", '"', "`", ";", "]",
     "@", "a.b", "\n"]
)  # fmt: skip


def test_the_keyword_rules_premise_every_keyword_is_word_characters() -> None:
    assert all(re.fullmatch(r"\w+", word) for word in ds_bridge._DENYLIST_WORDS)


@settings(max_examples=800, deadline=None)
@given(line=st.lists(_RULE_PIECES, max_size=14).map("".join))
def test_the_one_pass_form_of_a_keyword_rule_matches_wherever_the_rule_does(line: str) -> None:
    for rule in (ds_bridge._KEYWORD_QUOTED.pattern, ds_bridge._KEYWORD_BARE.pattern):
        if re.search(rule, line, re.IGNORECASE | re.MULTILINE):
            assert re.search(ds_bridge._one_pass_form(rule), line, re.IGNORECASE | re.MULTILINE)


# ---- a detector searched only on the lines holding its keywords finds what a whole search does

_KEYWORD_LINE = [d for d in ALL_DETECTORS if d.keyword_line]
_AROUND = (
    "",
    "# a comment with password in it\n",
    "name: app\n",
    "DB_PASSWORD=\n",
    "\ufeff",
    "x\r\n",
    "password policy: see https://example.com/a?b=c\n",
)


def _whole_and_by_lines(
    detector: detectors.Detector, text: str
) -> tuple[list[tuple[int, int]], ...]:
    lowered = engine.lower_same_length(text)
    found = keywords.occurrences(lowered, frozenset(detector.keywords))
    by_lines = [m.span() for m in engine._matches(detector, text, found)]
    whole = [m.span() for m in detector.pattern.finditer(text)] if found else []
    return whole, by_lines


def test_some_detector_is_searched_by_keyword_lines() -> None:
    assert _KEYWORD_LINE


@pytest.mark.parametrize("detector", _KEYWORD_LINE, ids=lambda d: d.id)
def test_keyword_lines_find_every_match_of_the_examples(detector: detectors.Detector) -> None:
    rng = random.Random(detector.id)
    for template in (*detector.examples, *detector.negatives):
        for _ in range(3):
            before, after = rng.choice(_AROUND), rng.choice(_AROUND)
            text = f"{before}{fill(template)}\n{after}"
            whole, by_lines = _whole_and_by_lines(detector, text)
            assert whole == by_lines, repr(template)
    assert any(_whole_and_by_lines(detector, fill(t) + "\n")[0] for t in detector.examples)


_ASSIGNMENT_PIECES = st.sampled_from(
    ["DB_", "password", "PASSWD", "pwd", "secret", "passphrase", "s", "1", "export ", "set ",
     " ", "\t", "=", ":", "Xk9#mQ2p", "abc", "${X}", " # note", "\r", "\n", "\u00e9", "'"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(text=st.lists(_ASSIGNMENT_PIECES, max_size=16).map("".join))
def test_keyword_lines_find_every_match_of_generated_text(text: str) -> None:
    for detector in _KEYWORD_LINE:
        whole, by_lines = _whole_and_by_lines(detector, text)
        assert whole == by_lines


# ---- an anchored detector run over the text (keywords everywhere) finds what it finds at them

_ANCHORED = [d for d in ALL_DETECTORS if d.anchored and d.gap is None]


def _dense_texts(detector: detectors.Detector, rng: random.Random) -> list[str]:
    texts = []
    for template in (*detector.examples, *detector.negatives):
        example = fill(template)
        for keyword in detector.keywords:
            for glue in ("", " ", "=", "\n", keyword.upper()):
                crowd = (keyword + glue) * rng.randrange(1, 40)
                texts.append(f"{crowd}{example}{glue}{crowd}\n{example}")
    return texts


@pytest.mark.parametrize("detector", _ANCHORED, ids=lambda d: d.id)
def test_an_anchored_detector_over_the_text_finds_what_it_finds_at_its_keywords(
    detector: detectors.Detector,
) -> None:
    rng = random.Random(detector.id)
    for text in _dense_texts(detector, rng):
        lowered = engine.lower_same_length(text)
        found = keywords.occurrences(lowered, frozenset(detector.keywords))
        starts = sorted({s for k in detector.keywords for s in found.get(k, ())})
        at_keywords = [m.span() for m in engine._at_keywords(detector, text, starts)]
        over = [m.span() for m in detector.pattern.finditer(text, starts[0])] if starts else []
        assert over == at_keywords
        assert [m.span() for m in engine._matches(detector, text, found)] == at_keywords


def test_dense_keywords_take_the_pass_over_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    detector = next(d for d in _ANCHORED if "pwd" in d.keywords or "passw" in d.keywords)
    keyword = "pwd" if "pwd" in detector.keywords else "passw"
    text = (keyword + "=") * 5000 + ";"  # a `;` for a detector that needs one
    found = keywords.occurrences(text, frozenset(detector.keywords))
    monkeypatch.setattr(engine, "_at_keywords", lambda *a: pytest.fail("called at each keyword"))
    engine._matches(detector, text, found)


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(alphabet="abx-=\n", max_size=60),
    keyword=st.sampled_from(["a", "ab", "aa", "aba", "abab", "x-", "-=", "bab", "xx"]),
)
def test_keyword_offsets_are_every_start_overlapping_ones_too(text: str, keyword: str) -> None:
    every = [at for at in range(len(text)) if text.startswith(keyword, at)]
    assert prefilter._offsets(text, keyword) == every


def test_a_detectors_keyword_starts_are_ascending_and_once_each() -> None:
    detector = next(d for d in ALL_DETECTORS if len(d.keywords) > 1)
    first, second = detector.keywords[:2]
    found = {first: [3, 9], second: [1, 3, 12]}
    assert engine._starts(detector, found) == [1, 3, 9, 12]
    assert engine._starts(detector, {first: [5, 7]}) == [5, 7]
