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

The bounded, seeded version runs in tests/secrets/test_prefilter.py. Prints each mismatch
(texts masked) and exits 1 when there was one.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
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
    args = parser.parse_args(argv)
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
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("ZTGATE_CACHE_DIR", str(Path.home() / ".cache" / "ztgate"))
    raise SystemExit(main())
