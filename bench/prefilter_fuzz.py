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
shape's own pattern (hypothesis `from_regex`, ASCII only) and checks that the sighting keeps
the detector or shape wherever Python's `re` matches.

The bounded, seeded version runs in tests/secrets/test_prefilter.py. Prints each mismatch
(texts masked) and exits 1 when there was one.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

from ztgate.masking import mask_secrets  # noqa: E402

from tests.secrets.test_prefilter import (  # noqa: E402
    OPTION_SETS,
    generated_text,
    problems,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max", type=int, default=0, help="stop after this many texts")
    parser.add_argument("--from-regex", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    regex_failures = from_regex(args.from_regex) if args.from_regex else 0
    rng = random.Random(args.seed)  # noqa: S311 (reproducible, not secret)
    deadline = time.monotonic() + args.seconds
    count = failures = 0
    while time.monotonic() < deadline and (not args.max or count < args.max):
        text, filename = generated_text(rng)
        options = rng.choice(OPTION_SETS)
        found = problems(text, filename, options)
        count += 1
        if found:
            failures += 1
            print(f"--- {filename} {options.base64_limit}/{options.hex_limit}", flush=True)
            print(mask_secrets(repr(text))[:2000])
            for problem in found:
                print("   ", problem)
    print(f"{count} texts, {failures} with a mismatch")
    return 1 if failures or regex_failures else 0


def from_regex(examples: int) -> int:
    """Texts drawn from every pattern the database holds a prefilter of: the sighting must keep
    the detector or shape wherever Python's `re` finds a match. Returns how many failed."""
    import re

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from ztgate.secrets import ds_bridge, engine, prefilter

    from tests.secrets.test_prefilter import OPTIONS, _unsound

    ascii_text = st.characters(max_codepoint=127, exclude_characters="\x0b\x1c\x1d\x1e\x1f")
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
