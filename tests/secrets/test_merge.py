"""One finding per secret: detectors that match the same secret on a line (spans that
intersect, a secret inside another) are merged into the most specific one."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from ztgate.secrets import gate
from ztgate.secrets.engine import Candidate, merge_overlapping

from tests.conftest import Repo
from tests.fakes import github_style, random_body


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = gate.main(list(argv))
    return code, capsys.readouterr().out


def github_token() -> str:
    return github_style("ghp_")


def postgres_url() -> str:
    return f"postgres://app:{random_body('a', 20)}@db.example.com:5432/app"


def findings(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    gate.main([*argv, "--format", "json"])
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)["findings"]
    return found


@pytest.mark.parametrize(
    ("name", "line", "secret_type"),
    [
        ("a.py", lambda: f'token = "{github_token()}"\n', "GitHub Token"),
        ("a.py", lambda: f"GITHUB_TOKEN={github_token()}\n", "GitHub Token"),
        ("deploy.sh", lambda: f"DATABASE_URL={postgres_url()}\n", "Password in URL"),
        ("a.py", lambda: f'db = "{postgres_url()}"\n', "Password in URL"),
    ],
    ids=["github-quoted", "github-env", "postgres-shell", "postgres-quoted"],
)
def test_one_secret_one_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str], name: str, line: object, secret_type: str
) -> None:
    assert callable(line)
    repo.write(name, line())
    found = findings(capsys, name)
    assert [f["properties"]["secret_type"] for f in found] == [secret_type]  # type: ignore[index]


def candidate(
    detector: str, secret: str, column: int, specificity: int, source: str = "ztgate"
) -> Candidate:
    return Candidate(detector, detector.title(), secret, 1, column, source, specificity)


@pytest.mark.parametrize(
    ("candidates", "kept"),
    [
        # detect-secrets' GitHub plugin matches only the prefix: same span start, shorter.
        (
            [candidate("ours", "ghp_abc123", 5, 2), candidate("ds", "ghp", 5, 2, "ds")],
            ["ours"],
        ),
        # A vendor's format beats a key name's, even when the key name's match is longer.
        (
            [candidate("generic", "vnd-1-2-x", 3, 0), candidate("vendor", "vnd-1-2", 3, 2)],
            ["vendor"],
        ),
        # Spans that only intersect.
        ([candidate("a", "abcdef", 1, 1), candidate("b", "defghij", 4, 1)], ["b"]),
        # On equal terms, the longer match.
        ([candidate("a", "abcdef", 1, 2), candidate("b", "abcdefgh", 1, 2)], ["b"]),
        # One secret inside the other, reported at different columns.
        ([candidate("a", "s3cr3tvalue", 20, 0), candidate("b", "s3cr3t", 1, 0)], ["a"]),
        # Two secrets on one line stay two.
        ([candidate("a", "first1", 1, 2), candidate("b", "second2", 10, 2)], ["a", "b"]),
    ],
    ids=["prefix", "vendor-over-generic", "intersect", "longer", "contained", "disjoint"],
)
def test_merge_overlapping(candidates: list[Candidate], kept: list[str]) -> None:
    merged = merge_overlapping(candidates)
    assert sorted(c.detector_id for c in merged) == kept
    for c in merged:  # every match is kept somewhere, reported or merged
        assert {m.detector_id for m in c.merged} | {c.detector_id} <= {
            x.detector_id for x in candidates
        }
    assert sum(1 + len(c.merged) for c in merged) == len(candidates)


def test_different_lines_are_never_merged() -> None:
    one = candidate("a", "samevalue1", 1, 2)
    other = Candidate("b", "B", "samevalue1", 2, 1, "ztgate", 2)
    assert len(merge_overlapping([one, other])) == 2


def detect_secrets(repo: Repo, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *argv], cwd=repo.path, capture_output=True, text=True
    )


def test_a_detect_secrets_baseline_accepts_the_merged_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("a.py", f'token = "{github_token()}"\n')
    repo.write("deploy.sh", f"DATABASE_URL={postgres_url()}\n")
    repo.commit("add")
    theirs = detect_secrets(repo, "detect_secrets", "scan", "--all-files")
    (repo.path / ".secrets.baseline").write_text(theirs.stdout)
    code, out = run(capsys, "--all-files")
    assert code == 0, out
    assert "2 known secret(s) in the baseline" in out


def test_our_baseline_still_passes_detect_secrets_hook(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("a.py", f'token = "{github_token()}"\n')
    repo.write("deploy.sh", f"DATABASE_URL={postgres_url()}\n")
    repo.commit("add")
    run(capsys, "--update-baseline")
    assert run(capsys, "--all-files")[0] == 0
    hook = detect_secrets(
        repo,
        "detect_secrets.pre_commit_hook",
        "--baseline",
        ".secrets.baseline",
        "a.py",
        "deploy.sh",
    )
    # 3: it rewrote the line numbers (its habit, see the README); 1 would be a secret it found.
    assert hook.returncode in (0, 3), hook.stdout + hook.stderr
    assert "Potential secrets" not in hook.stdout
