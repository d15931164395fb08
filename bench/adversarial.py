"""Worst-case inputs against normal ones: no pattern may make a gate more than 10x slower.

    python bench/adversarial.py [--sizes 10000 1000000] [--pattern-sizes 10000 100000]
                                [--runs 3] [--only TEXT] [--no-fail]

Every row is a generated worst-case line (a pattern's literal prefix repeated, a prefix then a
long run of its body's class...; see tests/worst_case.py) at each size, timed as MB/s and set
against the same work on a normal input measured in the same run: Python sources of the
standard library concatenated to size for the secrets scanner, the README's worked example
grown for the threat-model parser, a filled-in PR template for the PR parser. Rows:
* scan: the real entry point `scan_text` (all detectors and detect-secrets) on the reported
  attacks and one line per pattern family;
* detector / prefilter: each catalog detector alone (as the engine runs it: at its keywords,
  with its filters) and each detect-secrets prefilter's shape, on that pattern's own worst
  line (picked at the smallest size);
* threat model: `ztgate.threat_model.parse.parse`; pr: `ztgate.pr.check.read` and `check`.
A row is FAIL when normal MB/s / worst MB/s > 10 (the acceptance), or when its growth from one
size to the next predicts more than a minute at the next (super-linear: not run, shown as
`>60s`); the exit code is 1 if any row fails, unless --no-fail. Per-pattern rows default to
smaller sizes (--pattern-sizes) to keep the run under two minutes. The machine is shared:
medians, and ratios from one run.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

from ztgate.pr.check import Expectations, ModelView, check, read  # noqa: E402
from ztgate.secrets import ds_bridge, engine, keywords  # noqa: E402
from ztgate.secrets.catalog import ALL_DETECTORS  # noqa: E402
from ztgate.threat_model.parse import parse  # noqa: E402

from tests.worst_case import scale, units  # noqa: E402

ACCEPTANCE = 10.0
STDLIB_FILES = ("email/message.py", "json/decoder.py", "http/cookies.py", "urllib/parse.py")
EVERYTHING = engine.ScanOptions(detectors=ALL_DETECTORS)

# The reported attacks, then one line per pattern family fixed with them.
SCAN_CASES: tuple[tuple[str, str, str], ...] = (
    ("jdbc:mysql:// repeated", "jdbc:mysql://", "app.properties"),
    ("postgres://a: repeated", "postgres://a:", "app.env"),
    ("Authorization: Bearer repeated", "Authorization: Bearer ", "client.py"),
    ("aws repeated", "aws", "config.py"),
    ("secret as one long word", "secret", "config.py"),
    ("YAML dashes", "-", "values.yaml"),
    ("xoxb-00000000- repeated", "xoxb-00000000-", "chat.txt"),
    ("pwd= repeated", "pwd=", "db.txt"),
    ("private-key header repeated", "-----BEGIN " + "PRIVATE" + " KEY-----", "key.txt"),
    ("passwd> then tabs", "passwd>\t", "a.xml"),
    # Non-ASCII text reaches Hyperscan one stand-in byte per character: a script change at
    # every other character must not cost a call each.
    ("ASCII and CJK alternating", "a\u4e2d", "notes.md"),
    ("a keyword beside CJK", "key=\u5bc6\u7801 ", "notes.md"),
)


def normal_source(size: int) -> str:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    text = "".join((stdlib / name).read_text(encoding="utf-8") for name in STDLIB_FILES)
    return (text * (size // len(text) + 1))[:size]


def normal_threat_model(size: int) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"### Worked example.*?````markdown\n(.*?)````", readme, re.S)
    text = match.group(1) if match else "# Threat model\n"
    return (text * (size // len(text) + 1))[:size]


def normal_pr(size: int) -> str:
    template = (ROOT / "templates" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    filled = re.sub(r"<!--.*?-->", "Done, see the linked issue.", template, flags=re.S)
    return (filled * (size // len(filled) + 1))[:size]


def pr_template() -> str:
    return (ROOT / "templates" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")


def median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mbps(size: int, seconds: float) -> float:
    return size / 1e6 / max(seconds, 1e-9)


def detector_work(detector: engine.Detector) -> Callable[[str], object]:
    options = engine.ScanOptions(detectors=(detector,), use_detect_secrets=False)
    return lambda text: engine.scan_text(text, "x.txt", options)


def prefilter_work(name: str) -> Callable[[str], object]:
    prefilter = ds_bridge.PREFILTERS[name]
    shape = re.compile(prefilter.shape or "|".join(map(re.escape, prefilter.keywords)), re.M)

    def work(text: str) -> object:
        lowered = engine.lower_same_length(text)
        found = keywords.occurrences(lowered, prefilter.keywords) if prefilter.keywords else {}
        if prefilter.keywords and not found:
            return []
        return list(shape.finditer(lowered if prefilter.on_lowered else text))

    return work


def worst_unit(
    work: Callable[[str], object], pattern: str, flags: int, extra: tuple[str, ...], size: int
) -> tuple[str, bool]:
    """The unit (and whether as a run) whose line of ``size`` takes ``work`` longest."""
    best = ("a", False, -1.0)
    for unit in [*units(pattern, flags), *extra]:
        for run in (False, True) if len(unit) > 1 else (False,):
            line = scale(unit, size, run=run)
            seconds = median_seconds(lambda line=line: work(line), 1)
            if seconds > best[2]:
                best = (unit, run, seconds)
    return best[0], best[1]


def measure_row(
    row: tuple[str, Callable[[str], object], Callable[[int], str], float],
    sizes: list[int],
    runs: int,
) -> int:
    """Print one row; 1 if it fails the acceptance."""
    name, work, line_of, normal_mbps = row
    work(line_of(1000))  # warm up: detect-secrets' import, lazy compilation
    cells, speeds = "", []
    previous: tuple[int, float] | None = None
    for size in sorted(sizes):
        if previous is not None and speeds:
            # Time predicted at this size from the growth so far (linear: size ratio).
            last_size, last_seconds = previous
            growth = last_seconds / max(_seconds_at(work, line_of(last_size // 4), 1), 1e-9)
            exponent = max(1.0, min(3.0, _log(growth) / _log(4)))
            if last_seconds * (size / last_size) ** exponent > 60:
                cells += f"{'>60s':>17}"
                speeds.append(0.0)
                continue
        line = line_of(size)
        seconds = _seconds_at(work, line, runs if size < 100_000 else 1)
        previous = (size, seconds)
        speeds.append(mbps(len(line), seconds))
        cells += f"{speeds[-1]:>17.2f}"
    worst = min(speeds)
    ratio = normal_mbps / worst if worst else float("inf")
    verdict = "ok" if ratio <= ACCEPTANCE else "FAIL"
    print(f"{name[:51]:<52}{cells}{normal_mbps:>13.2f}{ratio:>14.1f}  {verdict}", flush=True)
    return verdict == "FAIL"


def _seconds_at(work: Callable[[str], object], line: str, runs: int) -> float:
    return median_seconds(lambda: work(line), runs)


def _log(value: float) -> float:
    return math.log(max(value, 1e-9))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--pattern-sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even if a row fails")
    parser.add_argument("--only", default="", help="rows whose name contains this text")
    args = parser.parse_args(argv)
    biggest = max(args.sizes)

    def normal(work: Callable[[str], object], text_of: Callable[[int], str]) -> float:
        text = text_of(biggest)
        work(text)  # warm up imports and lazy compilation
        return mbps(len(text), median_seconds(lambda: work(text), args.runs))

    scan_normal = normal(lambda t: engine.scan_text(t, "module.py", EVERYTHING), normal_source)
    template = pr_template()
    pr_read_normal = normal(read, normal_pr)

    def pr_check(text: str) -> object:
        return check(text, template, ModelView(), Expectations(frozenset(), 10))

    pr_check_normal = normal(pr_check, normal_pr)
    tm_normal = normal(lambda t: parse(t, "THREAT_MODEL.md"), normal_threat_model)
    print(
        f"normal input, MB/s: scan_text {scan_normal:.2f}, threat-model parse {tm_normal:.2f}, "
        f"pr read {pr_read_normal:.2f}, pr check {pr_check_normal:.2f}"
    )

    Row = tuple[str, Callable[[str], object], Callable[[int], str], float]
    rows: list[Row] = []
    for what, unit, filename in SCAN_CASES:
        rows.append(
            (
                f"scan: {what}",
                lambda t, f=filename: engine.scan_text(t, f, EVERYTHING),
                lambda n, u=unit: scale(u, n, run=u.endswith("\t")),
                scan_normal,
            )
        )
    smallest = min(args.pattern_sizes)
    for detector in ALL_DETECTORS:
        name = f"detector: {detector.id}"
        if args.only not in name:
            continue
        work = detector_work(detector)
        unit, run = worst_unit(work, detector.regex, detector.flags, detector.keywords, smallest)
        rows.append((name, work, lambda n, u=unit, r=run: scale(u, n, run=r), scan_normal))
    for prefilter_name, prefilter in ds_bridge.PREFILTERS.items():
        name = f"prefilter: {prefilter_name}"
        if args.only not in name or not prefilter.shape:
            continue
        work = prefilter_work(prefilter_name)
        unit, run = worst_unit(work, prefilter.shape, 0, prefilter.keywords, smallest)
        rows.append((name, work, lambda n, u=unit, r=run: scale(u, n, run=r), scan_normal))
    for what, line_of in (
        ("metadata blanks in the value", lambda n: "Owner: a" + " " * n + "b\n"),
        ("metadata indent", lambda n: "-" + " " * n + "x: y\n"),
        ("threat label blanks", lambda n: "Threat" + " " * n + "x\n"),
        ("angle brackets", lambda n: scale("<a", n)),
    ):
        rows.append(
            (
                f"threat model: {what}",
                lambda t: parse("# Threat model\n\n" + t, "THREAT_MODEL.md"),
                line_of,
                tm_normal,
            )
        )
    for what, unit in (("<!-- repeated", "<!--"), ("- [ ] repeated", "- [ ] ")):
        rows.append((f"pr read: {what}", read, lambda n, u=unit: scale(u, n), pr_read_normal))
        rows.append((f"pr check: {what}", pr_check, lambda n, u=unit: scale(u, n), pr_check_normal))

    failed = 0
    for table_sizes, table in (
        (args.sizes, [r for r in rows if not r[0].startswith(("detector", "prefilter"))]),
        (args.pattern_sizes, [r for r in rows if r[0].startswith(("detector", "prefilter"))]),
    ):
        table = [row for row in table if args.only in row[0]]
        if not table:
            continue
        header = f"{'row':<52}" + "".join(f"{f'{size:,} B MB/s':>17}" for size in table_sizes)
        print(header + f"{'normal MB/s':>13}{'normal/worst':>14}  verdict")
        for row in table:
            failed += measure_row(row, table_sizes, args.runs)
    print(f"{failed} row(s) over {ACCEPTANCE:.0f}x slower than normal input")
    return 1 if failed and not args.no_fail else 0


if __name__ == "__main__":
    raise SystemExit(main())
