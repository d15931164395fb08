"""A key removed on the target branch no longer signs, whatever the change was branched from."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from ztgate import prepush

from tests.conftest import Repo
from tests.signatures.test_gate import allow, run, ssh_commit, ssh_key


@pytest.fixture
def revoked(repo: Repo, adopted: str, alice: Path, tmp_path: Path) -> tuple[str, str, str]:
    """bob allowed, a `pr` branch with bob's work, then bob removed on main.

    Returns (main's tip, the pr's tip, the commit before bob's removal).
    """
    bob = ssh_key(tmp_path, "bob")
    allow(repo, "bob@example.test", bob)
    before = ssh_commit(repo, alice, "allow bob")
    repo.git("checkout", "-q", "-b", "pr")
    pr = ssh_commit(repo, bob, "bob works", email="bob@example.test")
    repo.git("checkout", "-q", "main")
    signers = repo.path / ".ztgate" / "allowed_signers"
    signers.write_text(signers.read_text().splitlines()[0] + "\n")
    main = ssh_commit(repo, alice, "remove bob")
    return main, pr, before


@pytest.mark.parametrize("spec", ["main...pr", "main..pr"])
def test_range_judges_by_the_target_tip_too(
    revoked: tuple[str, str, str], spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main, _, _ = revoked
    code, out = run(capsys, "--range", spec)
    assert code == 1 and '"bob works"' in out and "ZT303" in out, out
    assert main[:12] in out  # names the policy that refused it


def test_github_pull_request_judges_by_the_base_tip(
    revoked: tuple[str, str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    main, pr, _ = revoked
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": main}, "head": {"sha": pr}}}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys, "--ci")
    assert code == 1 and '"bob works"' in out and "ZT303" in out, out


@pytest.mark.parametrize("how", ["target sha", "target branch"])
def test_gitlab_merge_request_judges_by_the_target_tip(
    revoked: tuple[str, str, str],
    repo: Repo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    """GitLab's diff base is the merge base: the target's tip comes from its own sha, or the
    fetched target branch."""
    main, pr, before = revoked
    monkeypatch.setenv("CI_MERGE_REQUEST_DIFF_BASE_SHA", before)
    monkeypatch.setenv("CI_COMMIT_SHA", pr)
    if how == "target sha":
        monkeypatch.setenv("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", main)
    else:
        repo.git("update-ref", "refs/remotes/origin/main", main)
        monkeypatch.setenv("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
    code, out = run(capsys, "--ci")
    assert code == 1 and '"bob works"' in out and "ZT303" in out, out


def test_still_allowed_passes_both_policies(
    revoked: tuple[str, str, str], alice: Path, repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, before = revoked
    repo.git("checkout", "-q", "-b", "alice-pr", before)
    ssh_commit(repo, alice, "alice works")
    code, out = run(capsys, "--range", "main...alice-pr")
    assert code == 0, out


def test_pre_commit_push_judges_by_what_the_remote_has(
    revoked: tuple[str, str, str],
    repo: Repo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    main, pr, _ = revoked
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", main)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", pr)
    code, out = run(capsys)
    assert code == 1 and '"bob works"' in out and "ZT303" in out, out


def test_git_pre_push_judges_by_what_the_remote_has(
    revoked: tuple[str, str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    main, pr, _ = revoked
    monkeypatch.setattr("sys.stdin", io.StringIO(f"refs/heads/pr {pr} refs/heads/main {main}\n"))
    code = prepush.main([])
    out = capsys.readouterr().out
    assert code == 1 and '"bob works"' in out and "ZT303" in out, out


def test_a_key_added_in_the_change_does_not_sign_the_change(
    repo: Repo, adopted: str, alice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bob = ssh_key(tmp_path, "bob")
    base = repo.head()
    allow(repo, "bob@example.test", bob)
    ssh_commit(repo, alice, "allow bob")
    ssh_commit(repo, bob, "bob works", email="bob@example.test")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1 and '"bob works"' in out and '"allow bob"' not in out


def test_the_targets_goodlist_covers_a_commit_its_parent_never_named(
    repo: Repo, adopted: str, alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("checkout", "-q", "-b", "side")
    repo.write("lost.txt", "x")
    lost = repo.commit("signed with a lost key")
    repo.git("checkout", "-q", "main")
    assert run(capsys, "--range", "main...side")[0] == 1
    repo.write(
        ".ztgate.yaml",
        f"signatures:\n  trust_root: {adopted}\n  goodlist:\n    {lost}: audited in #42\n",
    )
    ssh_commit(repo, alice, "goodlist the lost commit")
    code, out = run(capsys, "--range", "main...side")
    assert code == 0, out
