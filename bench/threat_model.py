"""Time to lint a 2,000-line threat model (goal: under 0.2 s), median of several runs.

    python bench/threat_model.py [--lines 2000] [--runs 9]

Two documents, both grown from the README's worked example to --lines lines:
* mixed: its sections repeated for more components, prose and tables as real models are;
* one table: a single threats table of ~2,000 rows, the worst case (markdown-it-py's table
  parsing alone then takes most of the budget).
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


def example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"### Worked example.*?````markdown\n(.*?)````", readme, re.S)
    if match is None:
        raise SystemExit("README.md has no worked example")
    return match.group(1)


def mixed(lines: int) -> str:
    text = example()
    sections = text.split("\n# ", 1)[1].split("\n", 1)[1]
    component = 0
    while text.count("\n") < lines:
        component += 1
        renamed = re.sub(r"\b(EP|TB|[TFM])(\d+)\b", rf"\g<1>{component}x\g<2>", sections)
        prose = "Deployment, owners and dependencies of this component. " * 3
        text += f"\n## Component {component}\n\n{prose}\n{renamed}"
    return text


def one_table(lines: int) -> str:
    text = example()
    extra = max(lines - text.count("\n"), 0)
    rows = "".join(
        f"| T{i} | threat {i} | Tampering | F1 | M1 | mitigated |\n"
        for i in range(100, 100 + extra)
    )
    return text.replace("| T5 | Enumerating", rows + "| T5 | Enumerating")


def measure(text: str, runs: int) -> tuple[float, float, int]:
    run_checks(parse(text, "THREAT_MODEL.md"), Settings())  # warm up imports and caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        problems = run_checks(parse(text, "THREAT_MODEL.md"), Settings())
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), len(problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    for name, text in (("mixed", mixed(args.lines)), ("one table", one_table(args.lines))):
        median, best, findings = measure(text, args.runs)
        print(
            f"{name:>9}: {text.count(chr(10))} lines, {findings} finding(s): median "
            f"{median:.3f} s, best {best:.3f} s (goal < 0.2 s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
