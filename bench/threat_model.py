"""Time to lint a 2,000-line threat model (goal: under 0.2 s), median of several runs.

    python bench/threat_model.py [--lines 2000] [--runs 9]

The document is the README's worked example with its threats table grown to --lines lines.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))

from ztgate.threat_model.parse import parse  # noqa: E402
from ztgate.threat_model.rules import Settings, run_checks  # noqa: E402


def document(lines: int) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"### Worked example.*?````markdown\n(.*?)````", readme, re.S)
    if match is None:
        raise SystemExit("README.md has no worked example")
    example = match.group(1)
    extra = max(lines - example.count("\n"), 0)
    rows = "".join(
        f"| T{i} | threat {i} | Tampering | F1 | M1 | mitigated |\n"
        for i in range(100, 100 + extra)
    )
    return example.replace("| T5 | Enumerating", rows + "| T5 | Enumerating")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    text = document(args.lines)
    run_checks(parse(text, "THREAT_MODEL.md"), Settings())  # warm up imports and caches
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        problems = run_checks(parse(text, "THREAT_MODEL.md"), Settings())
        times.append(time.perf_counter() - start)
    print(
        f"{text.count(chr(10))} lines, {len(problems)} finding(s): median "
        f"{statistics.median(times):.3f} s, best {min(times):.3f} s (goal < 0.2 s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
