"""Differential fuzzing of the one-pass prefilter: Hyperscan against the pure-Python path.

    python bench/prefilter_fuzz.py --seconds 600 --seed 1

Generates texts from every detector's documented examples and near misses (tests/fakes.py
`fill`), mutated and embedded in many contexts (quotes, key names, CRLF, odd blanks, NUL,
long lines, entropy values at their length limits, long tokens at 23/24/25 characters), and
checks two things on each, for several scan options (detect-secrets or not, other entropy
limits, disabled detectors, explain):

- soundness of the sighting: whatever the pure-Python code would find (a detector's match,
  a detect-secrets shape, a keyword rule, a keyword beside a long token, an entropy value
  above its limit) the Hyperscan sighting must let through;
- the end result: `engine.scan_text_allowing` is identical both ways.

With ``--from-regex N`` it also draws N texts from each detector's and each detect-secrets
shape's own pattern (hypothesis `from_regex`; ASCII only, or with ``--unicode`` any character
but those the sighting hands to the pure path) and checks that the sighting keeps the detector
or shape wherever Python's `re` matches.

With ``--standin`` the texts are the non-ASCII ones of tests/secrets/test_standin_fuzz.py
(characters of every kind at every place around detectors' examples), and each round also runs
every construct of its table against random characters of the whole Unicode range:

    python bench/prefilter_fuzz.py --standin --seconds 600 --seed 1

With ``--random-regexes N`` it draws N random patterns of the constructs ``hs_expression``
rewrites (shorthands, classes with ranges, escapes, non-ASCII members, anchors, lookarounds,
comments, Python-only repeats, caseless groups) and texts from each (any character): wherever
Python's `re` matches one Hyperscan may read, the pattern's database must report it.

The bounded, seeded version runs in tests/secrets/test_prefilter.py. Prints each mismatch
(texts masked) and exits 1 when there was one.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

from ztgate.masking import mask_secrets  # noqa: E402

from tests.secrets.test_prefilter import (  # noqa: E402
    OPTION_SETS,
    generated_text,
    problems,
)
from tests.secrets.test_standin_fuzz import (  # noqa: E402
    construct_misses,
    standin_problems,
    standin_text,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max", type=int, default=0, help="stop after this many texts")
    parser.add_argument("--from-regex", type=int, default=0, metavar="N")
    parser.add_argument("--unicode", action="store_true", help="--from-regex: any character")
    parser.add_argument("--standin", action="store_true", help="non-ASCII texts (stand-in)")
    parser.add_argument("--random-regexes", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    regex_failures = from_regex(args.from_regex, args.unicode) if args.from_regex else 0
    if args.random_regexes:
        regex_failures += random_regexes(args.random_regexes, args.seed)
    rng = random.Random(args.seed)  # noqa: S311 (reproducible, not secret)
    deadline = time.monotonic() + args.seconds
    count = failures = constructs = 0
    while time.monotonic() < deadline and (not args.max or count < args.max):
        if args.standin:
            text, filename = standin_text(rng)
            check = standin_problems
            if count % 20 == 0:
                constructs += 1
                failures += _construct_round(rng)
        else:
            text, filename = generated_text(rng)
            check = problems
        options = rng.choice(OPTION_SETS)
        found = check(text, filename, options)
        count += 1
        if found:
            failures += 1
            print(f"--- {filename} {options.base64_limit}/{options.hex_limit}", flush=True)
            print(mask_secrets(repr(text))[:2000])
            for problem in found:
                print("   ", problem)
    rounds = f", {constructs} construct rounds" if args.standin else ""
    print(f"{count} texts{rounds}, {failures} with a mismatch")
    return 1 if failures or regex_failures else 0


def _random_characters(rng: random.Random, count: int) -> str:
    """Characters of the whole range (surrogates too), half of them below U+3000."""
    return "".join(
        chr(rng.randrange(0x80, 0x3000 if rng.random() < 0.5 else 0x110000)) for _ in range(count)
    )


def _construct_round(rng: random.Random) -> int:
    """Every construct of the table against texts of random characters: 1 on a miss."""
    misses = construct_misses(_random_characters(rng, 40))
    for regex, text in misses[:20]:
        print(f"--- construct {regex!r} misses {ascii(text)}", flush=True)
    return 1 if misses else 0


# ---- random Python patterns: the rewrite itself, against texts Python's `re` matches ----

_LITERALS = "ab-_.:=' \"/#&%@!]{}^$,|*+?()\\"
# Non-ASCII characters a pattern may hold (the last two only escaped: a surrogate, an emoji);
# those case folding takes for ASCII letters get their pattern refused, so they come rarely.
_WIDE = "\u00e9\u00c9\u00df\u4e2d\u0663\u00a0\u2028\u0085\u00b5\u03a3\U0001f600\udc80"
_FOLDING = "\u0130\u0131\u017f\u212a"


def _wide(rng: random.Random) -> str:
    return rng.choice(_FOLDING if rng.random() < 0.05 else _WIDE)


def _random_member(rng: random.Random) -> str:
    """One member of a class, as a pattern writes it."""
    kind = rng.randrange(9)
    if kind == 0:
        return rng.choice(("\\w", "\\s", "\\d", "\\W", "\\S", "\\D"))
    if kind == 1:
        return _wide(rng)
    if kind == 2:
        return f"\\u{ord(_wide(rng)):04x}"
    if kind == 3:
        return rng.choice(("\\-", "\\]", "\\[", "\\\\", "\\v", "\\n", "\\t", "\\x41", "\\101"))
    if kind == 4:
        return rng.choice("-^[]:")
    return rng.choice(string.ascii_letters + string.digits + "_.'\" =")


def _random_class(rng: random.Random) -> str:
    members = []
    for _ in range(rng.randrange(1, 5)):
        member = _random_member(rng)
        if rng.random() < 0.3 and len(member) <= 6 and not member.startswith("\\" + "w"):
            member += "-" + _random_member(rng)
        members.append(member)
    body = "".join(members)
    return f"[{'^' if rng.random() < 0.35 else ''}{body}]"


def _random_atom(rng: random.Random, depth: int) -> str:
    kind = rng.randrange(15)
    if kind < 3:
        return rng.choice(string.ascii_lowercase[:6])
    if kind == 3:
        return rng.choice(("\\w", "\\s", "\\d", "\\W", "\\S", "\\D", ".", "\\v"))
    if kind == 4:
        return _wide(rng) if rng.random() < 0.5 else f"\\u{ord(_wide(rng)):04x}"
    if kind == 5:
        return "\\" + _wide(rng)
    if kind in (6, 7):
        return _random_class(rng)
    if kind == 8:
        return rng.choice(("\\b", "\\B", "^", "$", "\\A", "\\Z"))
    if kind == 9 and depth < 3:
        inner = _random_pattern(rng, depth + 1)
        return rng.choice(("(?:{})", "({})", "(?={})", "(?!{})", "(?<={})", "(?<!{})")).format(
            inner if "(?<" not in inner else "x"
        )
    if kind == 10:
        return "(?#" + rng.choice(("[", "\\)", "x", "{,}", "\u00e9")) + ")"
    if kind == 11 and depth < 3:
        scope = rng.choice(("(?i:", "(?-i:", "(?s:", "(?m:"))
        return scope + _random_pattern(rng, depth + 1) + ")"
    if kind == 12:
        return rng.choice(("\\1", "(?P=g)", "\\0", "\\012", "\\x7f", "\\U0001f600"))
    if kind == 13:
        return rng.choice("\x00\n\t\x7f")  # written as they are, not escaped
    return "\\" + rng.choice(_LITERALS)


def _random_pattern(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randrange(1, 5)):
        atom = _random_atom(rng, depth)
        if rng.random() < 0.35:
            atom += rng.choice(
                ("*", "+", "?", "{2}", "{,2}", "{1,3}", "{,}", "{2,}", "*?", "{0,40}")
            )
        parts.append(atom)
    pattern = "".join(parts)
    if rng.random() < 0.15:
        pattern += "|" + _random_pattern(rng, depth + 1)
    if depth == 0 and rng.random() < 0.2:
        pattern = rng.choice(("(?P<g>", "(")) + pattern + ")" + _random_pattern(rng, 1)
    if depth == 0 and rng.random() < 0.15:
        pattern = rng.choice(("(?i)", "(?s)", "(?m)", "(?is)")) + pattern
    return pattern


def random_regexes(count: int, seed: int) -> int:
    """``count`` random Python patterns of the constructs the rewrite handles, each against
    texts drawn from it (hypothesis, any character): wherever Python's `re` matches a text
    Hyperscan may read, the database reports the pattern (or refused it). Returns misses."""
    import warnings

    from ztgate.secrets import hs_syntax, prefilter

    rng = random.Random(seed)  # noqa: S311 (reproducible, not secret)
    misses = tried = 0
    for _ in range(count):
        regex = _random_pattern(rng)
        flags = rng.choice((0, re.IGNORECASE, re.DOTALL, re.IGNORECASE | re.DOTALL))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pattern = re.compile(regex, flags | re.MULTILINE)
        except (re.error, OverflowError, RecursionError):
            continue
        entry = prefilter.Entry(prefilter.DETECTOR, 0, regex, flags | re.MULTILINE)
        try:
            compiled, refused = prefilter._compile_plan(
                prefilter.Plan((entry, prefilter.ODD_ENTRY))
            )
        except Exception as error:  # noqa: BLE001 (a pattern Hyperscan fails on: report it)
            print(f"--- {regex!r}: {type(error).__name__}: {error}", flush=True)
            continue
        if refused:
            continue
        tried += 1
        missed = _missed_text(pattern, compiled)
        if missed is not None:
            misses += 1
            print(f"--- {regex!r} flags={flags} misses {ascii(missed)}", flush=True)
            print(f"    as {hs_syntax.hs_expression(regex)!r}")
    print(f"random patterns: {tried} compiled and tried, {misses} with a miss")
    return misses


def _missed_text(pattern: re.Pattern[str], compiled: Any) -> str | None:
    """A text drawn from ``pattern`` that Python's `re` matches, Hyperscan may read, and the
    database (``pattern`` at id 0, the odd-blank check at 1) does not report; else None."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from ztgate.secrets import hs_syntax, prefilter

    missed: list[str] = []
    alphabet = st.characters(codec=None, exclude_categories=())

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.from_regex(pattern, alphabet=alphabet), st.sampled_from(["", "x", "\n", "\u00e9"]))
    def run(text: str, around: str) -> None:
        text = around + text + around
        data = hs_syntax.text_bytes(text)
        if data is None or not pattern.search(text):
            return
        hits: list[tuple[int, int]] = []
        compiled.scan(data, match_event_handler=prefilter._record, context=hits)
        if not {i for i, _ in hits} & {0, 1}:  # 1: an odd blank, the pure path reads it
            missed.append(text)
            raise AssertionError(text)

    try:
        run()
    except Exception:  # noqa: BLE001, S110 (a miss is in `missed`; else hypothesis cannot draw)
        pass
    return missed[-1] if missed else None


def from_regex(examples: int, unicode: bool = False) -> int:
    """Texts drawn from every pattern the database holds a prefilter of: the sighting must keep
    the detector or shape wherever Python's `re` finds a match. Returns how many failed."""
    import re

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from ztgate.secrets import ds_bridge, engine, hs_syntax, prefilter

    from tests.secrets.test_prefilter import OPTIONS, _unsound

    odd = "\x0b\x1c\x1d\x1e\x1f" + hs_syntax.FOLDS_TO_ASCII  # read on the pure path
    ascii_text = st.characters(
        max_codepoint=None if unicode else 127,
        exclude_characters=odd,
        exclude_categories=() if unicode else None,
    )
    around = st.sampled_from(["", "\n", "x", " ", "\r\n", "'"])
    database = OPTIONS.database
    if database is None:
        raise SystemExit("hyperscan is not installed")
    failed = 0

    def check(
        pattern: re.Pattern[str], judge: Callable[[str, str, prefilter.Sighting], bool]
    ) -> None:
        nonlocal failed

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(st.from_regex(pattern, alphabet=ascii_text), around, around)
        def run(body: str, before: str, after: str) -> None:
            text = before + body + after
            lowered = engine.lower_same_length(text)
            seen = database.sighting(text, lowered)
            if seen is not None and not judge(text, lowered, seen):
                raise AssertionError(mask_secrets(repr(text)))

        try:
            run()
        except AssertionError as error:
            failed += 1
            print(f"--- {pattern.pattern[:80]!r}\n    {str(error)[:300]}", flush=True)
        except Exception as error:  # noqa: BLE001 (a pattern hypothesis cannot draw from)
            print(f"(skipped {pattern.pattern[:60]!r}: {type(error).__name__})")

    gated = OPTIONS.detectors_by_keyword
    for position, detector in enumerate(OPTIONS.detectors):

        def kept(text: str, lowered: str, seen: prefilter.Sighting, p: int = position) -> bool:
            words = prefilter.python_sighting(lowered, OPTIONS.keywords).keywords
            if p not in {q for k in words for q in gated.get(k, ())} or seen.may_match(p):
                return True
            return not engine._matches(OPTIONS.detectors[p], text, words)

        check(re.compile(detector.regex, detector.flags), kept)
    for name, regex, flags in ds_bridge.prefilter_shapes():

        def shaped(text: str, lowered: str, seen: prefilter.Sighting, n: str = name) -> bool:
            return not [p for p in _unsound(text, lowered, "a.py", seen, OPTIONS) if n in p]

        check(re.compile(regex, flags), shaped)
    print(f"from_regex: {failed} pattern(s) with a mismatch")
    return failed


if __name__ == "__main__":
    os.environ.setdefault("ZTGATE_CACHE_DIR", str(Path.home() / ".cache" / "ztgate"))
    raise SystemExit(main())
