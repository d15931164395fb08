"""Detection quality of the secrets gate: recall and blocking false-positive rate on labeled
corpora, noise and planted-credential recall on real trees, beside gitleaks when it is found.

Usage:
  python bench/secrets_quality.py [CORPUS.jsonl ...] [--tree DIR ...] [--plant N]
                                  [--gitleaks PATH] [--misses]

Corpus rows: {"id", "text", "is_secret", "rule", "ambiguous"}; each example is written to its
own file and scanned through the gate's file scanner, as a commit would be. Recall = secrets
with a blocking finding / secrets; blocking false-positive rate = clean look-alikes with a
blocking finding / clean look-alikes ("clean" excludes rows marked ambiguous).

A tree (`--tree DIR`, e.g. an unpacked sdist or npm tarball) is scanned whole: its noise is the
number of blocking findings (the tree is assumed to hold no live credential). Then N fake
credentials of varied kinds (vendors' documented formats, random bodies, valid checksums) are
planted at random lines of random text files, and the planted-credential recall is the share
of them found on their own lines (blocking, and at any severity).

gitleaks (`gitleaks` on PATH, or `--gitleaks PATH`) runs on the same files with its default
rules (`gitleaks dir`); every gitleaks finding blocks.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "hooks"))
sys.path.insert(0, str(REPO))

from ztgate.gitio import run_tool  # noqa: E402
from ztgate.policy import Policy, SecretsPolicy  # noqa: E402
from ztgate.secrets.gate import most_specific, with_severity  # noqa: E402
from ztgate.secrets.scan import Hit, mask, scan_files  # noqa: E402

from tests import fakes  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "secrets-dev.jsonl"
POLICY = Policy(secrets=SecretsPolicy(secret_files=False))
GITLEAKS_TIMEOUT = 1800.0


# --- gitleaks -------------------------------------------------------------------------------


def find_gitleaks(explicit: str | None) -> str | None:
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise SystemExit(f"--gitleaks {explicit}: not an executable file")
        return explicit
    return shutil.which("gitleaks")


def gitleaks_findings(gitleaks: str, directory: Path) -> list[tuple[str, int]]:
    """(path relative to ``directory``, first line) of each gitleaks finding in a directory."""
    with tempfile.TemporaryDirectory() as out:
        report = Path(out) / "report.json"
        done = run_tool(
            [
                gitleaks,
                "dir",
                "--no-banner",
                "--log-level",
                "error",
                "--exit-code",
                "0",
                "--report-format",
                "json",
                "--report-path",
                str(report),
                str(directory),
            ],
            what="gitleaks",
            timeout=GITLEAKS_TIMEOUT,
        )
        if done.returncode != 0 or not report.exists():
            message = done.stderr.decode("utf-8", "replace").strip()[:200]
            raise SystemExit(f"gitleaks failed ({done.returncode}): {message}")
        findings = json.loads(report.read_text(encoding="utf-8") or "[]")
    root = str(directory.resolve())
    places = []
    for finding in findings:
        path = os.path.relpath(os.path.realpath(finding["File"]), root)
        places.append((path, int(finding.get("StartLine") or 1)))
    return places


# --- ztgate ---------------------------------------------------------------------------------


def ztgate_hits(paths: list[str], root: Path) -> list[Hit]:
    """Every finding with its severity, as the gate would report it."""
    return with_severity(most_specific(scan_files(paths, POLICY.secrets, root).hits), POLICY)


def text_files(root: Path) -> list[str]:
    """Regular files under ``root`` (relative paths), symlinks and VCS folders left out."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in {".git", ".hg", ".svn"})
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(str(path.relative_to(root)))
    return found


# --- labeled corpora ------------------------------------------------------------------------


@dataclass
class CorpusScore:
    secrets: int = 0
    found: int = 0
    clean: int = 0
    flagged: int = 0
    warned: int = 0
    gitleaks_found: int | None = None
    gitleaks_flagged: int | None = None


def score_corpus(path: Path, name: str, gitleaks: str | None, misses: bool) -> CorpusScore:
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    score = CorpusScore()
    found_by_rule: Counter[str] = Counter()
    total_by_rule: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as workdir:
        root = Path(workdir)
        for index, row in enumerate(rows):
            folder = root / f"row{index:05d}"
            folder.mkdir()
            (folder / name).write_text(row["text"], encoding="utf-8")
        # One example per folder, scanned alone, as the earlier one-file-at-a-time bench did.
        hits_by_row: dict[int, list[Hit]] = {}
        for index in range(len(rows)):
            hits_by_row[index] = ztgate_hits([f"row{index:05d}/{name}"], root)
        leaked_rows = (
            {int(place.split("/", 1)[0][3:]) for place, _ in gitleaks_findings(gitleaks, root)}
            if gitleaks
            else set()
        )
    gl_found = gl_flagged = 0
    for index, row in enumerate(rows):
        all_hits = hits_by_row[index]
        hits = [h for h in all_hits if h.severity == "error"]
        if row["is_secret"]:
            score.secrets += 1
            total_by_rule[row["rule"]] += 1
            gl_found += index in leaked_rows
            if hits:
                score.found += 1
                found_by_rule[row["rule"]] += 1
            elif misses:
                print(f"MISS {row['rule']:<40} {row['id']} {mask(row['text'].strip())}")
        elif not row.get("ambiguous"):
            score.clean += 1
            gl_flagged += index in leaked_rows
            score.warned += bool(all_hits) and not hits
            if hits:
                score.flagged += 1
                if misses:
                    kinds = ", ".join(sorted({h.secret_type for h in hits}))
                    print(f"FP   {row['rule']:<40} {row['id']} flagged as {kinds} {hits[0].masked}")
    if gitleaks:
        score.gitleaks_found, score.gitleaks_flagged = gl_found, gl_flagged
    weakest = sorted(total_by_rule, key=lambda r: found_by_rule[r] / total_by_rule[r])[:6]
    print(
        f"{path.name}: weakest kinds: "
        + ", ".join(f"{r} {found_by_rule[r]}/{total_by_rule[r]}" for r in weakest)
    )
    return score


# --- real trees -----------------------------------------------------------------------------

# Credentials planted in real files: vendors' documented formats with random bodies (valid
# checksums where the vendor has one), as a careless commit would add them.
PLANTS: tuple[tuple[str, str], ...] = (
    ("aws", "aws_access_key_id = AKIA{U16}\naws_secret_access_key = {b40}"),
    ("github", "GITHUB_TOKEN={github}"),
    ("gitlab", 'gitlab_token = "glpat-{u20}"'),
    ("slack", "SLACK_BOT_TOKEN=xoxb-{d12}-{d13}-{a24}"),
    ("stripe", 'stripe.api_key = "sk_live_{a24}"'),
    ("npm", "//registry.npmjs.org/:_authToken={npm}"),
    ("sendgrid", 'SENDGRID_API_KEY = "SG.{u22}.{u43}"'),
    ("openai", 'OPENAI_API_KEY="sk-proj-{u48}T3BlbkFJ{u48}"'),
    ("postgres-url", "DATABASE_URL=postgres://app:{a18}@db.internal:5432/app"),
    ("private-key", "-----BEGIN RSA PRIVATE KEY-----\n{pem}\n-----END RSA PRIVATE KEY-----"),
    ("password", 'db_password = "{a16}"'),
    ("api-key", 'api_key: "{a32}"'),
)


def plant_text(template: str) -> str:
    text = template.replace("{github}", fakes.github_style("ghp_")).replace(
        "{npm}", fakes.github_style("npm_")
    )
    text = text.replace("{pem}", "\n".join(fakes.fill("{b64}") for _ in range(12)))
    return fakes.fill(text)


def _readable_lines(path: Path) -> list[str] | None:
    try:
        if path.stat().st_size > 512 * 1024:
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.split("\n")
    return lines if len(lines) >= 2 and "\0" not in text else None


@dataclass
class TreeScore:
    files: int
    noise: int
    warned: int
    planted: int
    found_blocking: int
    found_any: int
    missed: list[str]
    gitleaks_noise: int | None = None
    gitleaks_found: int | None = None


def score_tree(tree: Path, count: int, seed: int, gitleaks: str | None) -> TreeScore:
    paths = text_files(tree)
    hits = ztgate_hits(paths, tree)
    noise = sum(h.severity == "error" for h in hits)
    gl_noise = len(gitleaks_findings(gitleaks, tree)) if gitleaks else None

    rng = random.Random(seed)  # noqa: S311 - where to plant, reproducibly: no secret
    fakes.seed(str(seed))
    candidates = [p for p in paths if not p.endswith((".json", ".ipynb", ".svg", ".min.js"))]
    rng.shuffle(candidates)
    planted: dict[str, list[tuple[int, int, str]]] = {}  # path -> (first, last line, kind)
    with tempfile.TemporaryDirectory() as workdir:
        root = Path(workdir)
        placed = 0
        for path in candidates:
            if placed == count:
                break
            lines = _readable_lines(tree / path)
            if lines is None or path in planted:
                continue
            kind, template = PLANTS[placed % len(PLANTS)]
            secret_lines = plant_text(template).split("\n")
            at = rng.randrange(0, len(lines))
            lines[at:at] = secret_lines
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(lines), encoding="utf-8")
            planted[path] = [(at + 1, at + len(secret_lines), kind)]
            placed += 1
        planted_hits = ztgate_hits(sorted(planted), root)
        gl_places = gitleaks_findings(gitleaks, root) if gitleaks else []

    def found_in(path: str, first: int, last: int, places: list[tuple[str, int]]) -> bool:
        return any(p == path and first <= line <= last for p, line in places)

    blocking = [(h.path, h.line) for h in planted_hits if h.severity == "error"]
    anything = [(h.path, h.line) for h in planted_hits]
    found_blocking = found_any = gl_found = 0
    missed = []
    for path, spans in planted.items():
        for first, last, kind in spans:
            found_blocking += found_in(path, first, last, blocking)
            found_any += found_in(path, first, last, anything)
            gl_found += found_in(path, first, last, gl_places)
            if not found_in(path, first, last, blocking):
                missed.append(f"{kind} in {path}:{first}")
    return TreeScore(
        files=len(paths),
        noise=noise,
        warned=len(hits) - noise,
        planted=sum(len(s) for s in planted.values()),
        found_blocking=found_blocking,
        found_any=found_any,
        missed=missed,
        gitleaks_noise=gl_noise,
        gitleaks_found=gl_found if gitleaks else None,
    )


# --- report ---------------------------------------------------------------------------------


def _ratio(part: int | None, whole: int) -> str:
    if part is None:
        return "-"
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "corpora", nargs="*", help=f"labeled JSONL files (default {DEFAULT_CORPUS})"
    )
    parser.add_argument("--tree", action="append", default=[], help="a real tree (repeatable)")
    parser.add_argument("--plant", type=int, default=100, help="credentials planted per tree")
    parser.add_argument("--seed", type=int, default=1, help="seed of the planting")
    parser.add_argument("--gitleaks", help="gitleaks binary (default: `gitleaks` on PATH)")
    parser.add_argument("--misses", action="store_true", help="list misses and FPs (masked)")
    parser.add_argument("--name", default="example.txt", help="file name of corpus examples")
    args = parser.parse_args()
    gitleaks = find_gitleaks(args.gitleaks)
    if gitleaks:
        version = run_tool([gitleaks, "version"], what="gitleaks version", timeout=60)
        print(f"gitleaks: {gitleaks} {version.stdout.decode('utf-8', 'replace').strip()}")
    else:
        print("gitleaks: not found (put it on PATH or pass --gitleaks PATH): ztgate alone")

    corpora = [Path(c) for c in args.corpora] or ([DEFAULT_CORPUS] if not args.tree else [])
    if corpora:
        print()
        print("| corpus | ztgate recall | ztgate blocking FPR | gitleaks recall | gitleaks FPR |")
        print("| --- | --- | --- | --- | --- |")
        rows = []
        for corpus in corpora:
            score = score_corpus(corpus, args.name, gitleaks, args.misses)
            rows.append(
                f"| {corpus.name} | {_ratio(score.found, score.secrets)} | "
                f"{_ratio(score.flagged, score.clean)} | "
                f"{_ratio(score.gitleaks_found, score.secrets)} | "
                f"{_ratio(score.gitleaks_flagged, score.clean)} |"
            )
            rows.append(
                f"|   (clean look-alikes shown as warnings, not blocking: "
                f"{score.warned}/{score.clean}) | | | | |"
            )
        print("\n".join(rows))
    if args.tree:
        print()
        print(
            "| tree | files | ztgate blocking (warnings) | gitleaks findings | "
            "ztgate planted found: blocking / any | gitleaks planted found |"
        )
        print("| --- | --- | --- | --- | --- | --- |")
        misses = []
        for tree in args.tree:
            where = Path(tree)
            if not where.is_dir():
                raise SystemExit(f"--tree {tree}: not a directory")
            score = score_tree(where, args.plant, args.seed, gitleaks)
            gl_noise = "-" if score.gitleaks_noise is None else str(score.gitleaks_noise)
            print(
                f"| {where.name} | {score.files} | {score.noise} ({score.warned}) | {gl_noise} | "
                f"{_ratio(score.found_blocking, score.planted)} / "
                f"{_ratio(score.found_any, score.planted)} | "
                f"{_ratio(score.gitleaks_found, score.planted)} |"
            )
            misses += [f"{where.name}: {m}" for m in score.missed]
        if args.misses:
            for miss in misses:
                print(f"PLANTED, NOT BLOCKED: {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
