"""For teams coming from gitleaks: `gitleaks:allow` comments and `.gitleaksignore`, the latter
a policy file read at the trusted side like the baseline."""

from __future__ import annotations

import pytest
from ztgate.secrets.gitleaks import Fingerprint, ignores, parse_ignore

from tests.conftest import Repo
from tests.fakes import aws_key_id
from tests.secrets.test_trust import branch_with_key, run

SHA = "ab" * 20


@pytest.mark.parametrize(
    ("text", "entries"),
    [
        ("a.py:generic-api-key:3\n", {Fingerprint("a.py", 3)}),
        (f"{SHA}:src/a.py:aws-access-token:12\n", {Fingerprint("src/a.py", 12, SHA)}),
        (f"{SHA.upper()}:src\\a.py:rule:1", {Fingerprint("src/a.py", 1, SHA)}),
        ("# a comment\n\n   \n  ./a.py:r:1  \n", {Fingerprint("a.py", 1)}),
        ("a.py:r:one\na.py:1\na:b:c:d:1\n:r:1\n", set()),  # malformed: ignored, ignore nothing
    ],
    ids=["dir-scan", "git-scan", "normalized", "comments-blanks", "malformed"],
)
def test_parse_ignore(text: str, entries: set[Fingerprint]) -> None:
    assert parse_ignore(text) == entries


def test_a_global_entry_matches_every_commit_a_commit_entry_only_its_own() -> None:
    entries = parse_ignore(f"a.py:r:1\n{SHA}:b.py:r:2\n")
    assert ignores(entries, "a.py", 1, None) and ignores(entries, "a.py", 1, SHA)
    assert ignores(entries, "b.py", 2, SHA)
    assert not ignores(entries, "b.py", 2, None) and not ignores(entries, "b.py", 2, "cd" * 20)
    assert not ignores(entries, "a.py", 2, None) and not ignores(entries, "c.py", 1, None)


@pytest.mark.parametrize(
    "comment",
    ["# gitleaks:allow", "// gitleaks:allow because it is rotated", "# pragma: allowlist secret"],
)
def test_inline_comments_allow_and_are_counted(
    repo: Repo, capsys: pytest.CaptureFixture[str], comment: str
) -> None:
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"  {comment}\n')
    code, out = run(capsys, "settings.py")
    assert code == 0, out
    assert "1 finding(s) allowed by inline comments" in out


def test_gitleaks_allow_only_allows_its_own_line(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        "settings.py",
        f'A = "{aws_key_id()}"  # gitleaks:allow\nB = "{aws_key_id()}"\n',
    )
    code, out = run(capsys, "settings.py")
    assert code == 1 and "settings.py:2:" in out and "settings.py:1:" not in out


def test_gitleaksignore_in_the_work_tree_ignores_files_and_says_so(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("settings.py", f'\nAWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.write(".gitleaksignore", "# rotated, see #12\nsettings.py:aws-access-token:2\n")
    code, out = run(capsys, "settings.py")
    assert code == 0, out
    assert "1 finding(s) ignored by .gitleaksignore" in out
    repo.write(".gitleaksignore", "settings.py:aws-access-token:1\n")  # another line
    assert run(capsys, "settings.py")[0] == 1


def test_a_range_cannot_add_its_own_gitleaksignore_entry(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head, _ = branch_with_key(
        repo,
        None,
        {".gitleaksignore": "settings.py:aws-access-token:1\n"},
    )
    code, out = run(capsys, "--range", f"{base}..{head}")
    assert code == 1, out
    assert "settings.py:1:22: ZT103" in out and "ignored by" not in out


def test_a_range_honours_the_gitleaksignore_of_its_base(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".gitleaksignore", f"settings.py:aws-access-token:1\n{SHA}:other.py:r:1\n")
    repo.commit("ignore the rotated key")
    base, head, _ = branch_with_key(repo, None)
    code, out = run(capsys, "--range", f"{base}..{head}")
    assert code == 0, out
    assert f"1 finding(s) ignored by {base[:12]}:.gitleaksignore" in out


def test_a_commit_entry_ignores_only_that_commits_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    _, head, _ = branch_with_key(repo, None)
    repo.git("checkout", "-q", "main")
    repo.write(".gitleaksignore", f"{head}:settings.py:aws-access-token:1\n")
    base = repo.commit("ignore that commit's finding")
    code, out = run(capsys, "--range", f"{base}..{head}")
    assert code == 0, out
    assert "1 finding(s) ignored by" in out
    repo.write(".gitleaksignore", f"{SHA}:settings.py:aws-access-token:1\n")
    other = repo.commit("another commit's finding")
    assert run(capsys, "--range", f"{other}..{head}")[0] == 1


def test_inline_allow_in_a_range_is_counted(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("root")
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"  # gitleaks:allow\n')
    head = repo.commit("add settings")
    code, out = run(capsys, "--range", f"{base}..{head}")
    assert code == 0, out
    assert "1 finding(s) allowed by inline comments" in out
