"""Which commits the signed-commits gate judges: git's pre-push protocol, scopes, CI events."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.signatures.test_gate import allow, as_person, run, ssh_commit, ssh_key


@pytest.fixture
def pushed(repo: Repo, tmp_path: Path) -> tuple[Path, str]:
    """A repo with a policy allowing alice, pushed to a bare remote; returns (key, root sha)."""
    alice = ssh_key(tmp_path, "alice")
    allow(repo, "alice@example.test", alice)
    root = ssh_commit(repo, alice, "adopt")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    hook = repo.path / ".git" / "hooks" / "pre-push"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ztgate pre-push "$@"\n')
    hook.chmod(0o755)
    repo.git("config", "--global", "--unset", "core.hooksPath")
    return alice, root


def push(repo: Repo, *refs: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "push", "origin", *refs], cwd=repo.path, capture_output=True, text=True
    )


def unsigned(repo: Repo, name: str) -> str:
    repo.write(f"{name}.txt", name)
    return repo.commit(name)


def test_plain_pre_push_hook_blocks_unsigned_and_passes_signed(
    repo: Repo, pushed: tuple[Path, str]
) -> None:
    alice, _ = pushed
    unsigned(repo, "unsigned work")
    result = push(repo, "main")
    assert result.returncode != 0 and "ZT301" in result.stdout + result.stderr
    repo.git("reset", "-q", "--hard", "HEAD~1")
    ssh_commit(repo, alice, "signed work")
    result = push(repo, "main")
    assert result.returncode == 0, result.stdout + result.stderr


def test_new_branch_is_judged_on_its_own_commits_and_deletion_passes(
    repo: Repo, pushed: tuple[Path, str]
) -> None:
    alice, _ = pushed
    repo.git("checkout", "-q", "-b", "feature")
    ssh_commit(repo, alice, "feature work")
    result = push(repo, "feature")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 commit(s) scanned" in result.stdout + result.stderr
    result = push(repo, "--delete", "feature")
    assert result.returncode == 0, result.stdout + result.stderr


def test_tag_on_an_unsigned_unpushed_commit(repo: Repo, pushed: tuple[Path, str]) -> None:
    unsigned(repo, "tagged")
    repo.git("tag", "-a", "v1", "-m", "release")
    repo.git("reset", "-q", "--hard", "HEAD~1")
    result = push(repo, "v1")
    assert result.returncode != 0 and "ZT301" in result.stdout + result.stderr


def test_scope_all_unpushed_sees_every_branch(
    repo: Repo, pushed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    alice, _ = pushed
    repo.git("checkout", "-q", "-b", "one")
    ssh_commit(repo, alice, "signed on one")
    repo.git("checkout", "-q", "-b", "two", "main")
    unsigned(repo, "unsigned on two")
    repo.git("checkout", "-q", "one")
    assert run(capsys, "--remote", "origin")[0] == 0  # the current branch alone is fine
    code, out = run(capsys, "--remote", "origin", "--scope", "all-unpushed")
    assert code == 1 and '"unsigned on two"' in out


def test_signed_merge_of_a_branch_with_an_unsigned_commit(
    repo: Repo, pushed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    alice, root = pushed
    repo.git("checkout", "-q", "-b", "side")
    unsigned(repo, "unsigned on side")
    repo.git("checkout", "-q", "main")
    subprocess.run(
        [
            "git",
            "-c",
            "gpg.format=ssh",
            "-c",
            f"user.signingkey={alice}",
            "merge",
            "-q",
            "-S",
            "--no-ff",
            "-m",
            "signed merge",
            "side",
        ],
        cwd=repo.path,
        env=as_person("alice@example.test"),
        check=True,
        capture_output=True,
    )
    code, out = run(capsys, "--range", f"{root}..HEAD")
    assert code == 1 and '"unsigned on side"' in out and '"signed merge"' not in out


def test_github_pull_request_event_never_judges_the_synthetic_merge(
    repo: Repo,
    pushed: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, root = pushed
    repo.git("checkout", "-q", "-b", "pr")
    head = ssh_commit(repo, alice, "pr work")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge pr into main (synthetic, unsigned)", "pr")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": root}, "head": {"sha": head}}}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys, "--ci")
    assert code == 0, out
    code, out = run(capsys, "--range", f"{root}..HEAD")  # what judging GITHUB_SHA would do
    assert code == 1 and "synthetic" in out


def test_gitlab_merge_request_variables(
    repo: Repo,
    pushed: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, root = pushed
    head = unsigned(repo, "mr work")
    monkeypatch.setenv("CI_MERGE_REQUEST_DIFF_BASE_SHA", root)
    monkeypatch.setenv("CI_COMMIT_SHA", head)
    code, out = run(capsys, "--ci")  # only the merge base: never what judges
    assert code == 2 and "target branch is not fetched" in out, out
    monkeypatch.setenv("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", root)
    code, out = run(capsys, "--ci")
    assert code == 1 and '"mr work"' in out


def test_ci_without_a_range_is_a_usage_error(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("one")
    code, out = run(capsys, "--ci")
    assert code == 2 and "--range" in out


def test_github_push_event_before_and_after(
    repo: Repo,
    pushed: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, root = pushed
    ssh_commit(repo, alice, "signed push")
    after = unsigned(repo, "unsigned push")
    event = tmp_path / "push.json"
    event.write_text(json.dumps({"before": root, "after": after}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys, "--ci")
    assert code == 1 and '"unsigned push"' in out and "2 commit(s) scanned" in out


def test_a_branch_named_like_a_file_is_not_a_path(
    repo: Repo, pushed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    alice, root = pushed
    repo.git("checkout", "-q", "-b", "settings.py")
    repo.write("settings.py", "x = 1\n")
    ssh_commit(repo, alice, "work on a branch named like a file")
    code, out = run(capsys, "--range", f"{root}..settings.py")
    assert code == 0, out
    assert "1 commit(s) scanned" in out


def test_reading_commits_takes_commits_only(repo: Repo) -> None:
    from ztgate.errors import UserError
    from ztgate.signatures.commits import read_commits

    assert read_commits(repo.path, []) == []
    repo.write("a.txt", "a")
    sha = repo.commit("one")
    [commit] = read_commits(repo.path, [sha])
    assert commit.sha == sha and commit.signature is None
    tree = repo.git("rev-parse", "HEAD^{tree}").strip()
    with pytest.raises(UserError) as error:
        read_commits(repo.path, [tree])
    assert error.value.one_line() == f"{tree[:12]} is not a commit in this clone"
