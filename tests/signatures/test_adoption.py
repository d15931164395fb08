"""A repository's first day: adopting signed commits with a plain `git push`, and the histories
that cannot claim to come before the adoption."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.signatures.test_gate import allow, run, ssh_commit, ssh_key

BUILD_ON = "the policy's first commit must build on history the remote already has"


@pytest.fixture
def origin(repo: Repo, tmp_path: Path) -> Path:
    """An empty bare remote `origin`, and ztgate as the repo's own `.git/hooks/pre-push`."""
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    repo.git("remote", "add", "origin", str(bare))
    hook = repo.path / ".git" / "hooks" / "pre-push"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ztgate pre-push "$@"\n')
    hook.chmod(0o755)
    repo.git("config", "--global", "--unset", "core.hooksPath")
    return bare


def push(repo: Repo, *args: str) -> tuple[int, str]:
    result = subprocess.run(["git", "push", *args], cwd=repo.path, capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def unsigned(repo: Repo, *names: str) -> str:
    for name in names:
        repo.write(f"{name.replace(' ', '_')}.txt", name)
        repo.commit(name)
    return repo.head()


def adopt(repo: Repo, signer: Path | None, allowed: Path) -> str:
    """The adoption commit: alice's key in .ztgate/allowed_signers, signed by ``signer`` (None:
    unsigned)."""
    allow(repo, "alice@example.test", allowed)
    if signer is None:
        return repo.commit("adopt signed commits")
    return ssh_commit(repo, signer, "adopt signed commits")


@pytest.fixture
def alice(tmp_path: Path) -> Path:
    return ssh_key(tmp_path, "alice")


def test_first_push_to_an_empty_remote_adopts(repo: Repo, origin: Path, alice: Path) -> None:
    unsigned(repo, "one", "two", "three")
    adoption = adopt(repo, alice, alice)
    code, out = push(repo, "-u", "origin", "main")
    assert code == 0, out
    assert "4 commit(s) scanned" in out
    assert subprocess.run(
        ["git", "rev-parse", "main"], cwd=origin, capture_output=True, text=True
    ).stdout.strip() == (adoption)
    ssh_commit(repo, alice, "signed work")
    assert push(repo)[0] == 0
    unsigned(repo, "unsigned work")
    code, out = push(repo)
    assert code == 1 and "ZT301" in out and '"unsigned work"' in out


@pytest.mark.parametrize("signer", ["unsigned", "mallory"])
def test_the_adoption_commit_must_satisfy_its_own_policy(
    repo: Repo, origin: Path, alice: Path, tmp_path: Path, signer: str
) -> None:
    unsigned(repo, "one", "two", "three")
    adopt(repo, None if signer == "unsigned" else ssh_key(tmp_path, "mallory"), alice)
    code, out = push(repo, "-u", "origin", "main")
    assert code == 1, out
    assert '"adopt signed commits"' in out and ("ZT301" if signer == "unsigned" else "ZT303") in out
    assert '"one"' not in out  # the history before it is exempt: nothing on the remote yet


def test_a_merge_after_the_adoption_is_judged_normally(
    repo: Repo, origin: Path, alice: Path
) -> None:
    unsigned(repo, "one")
    repo.git("checkout", "-q", "-b", "side")
    unsigned(repo, "side work")
    repo.git("checkout", "-q", "main")
    adopt(repo, alice, alice)
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    code, out = push(repo, "-u", "origin", "main")
    assert code == 1 and '"side work"' in out and "ZT310" in out and '"one"' not in out


def test_two_adoptions_on_the_first_parent_line_exempt_nothing(
    repo: Repo, origin: Path, alice: Path
) -> None:
    unsigned(repo, "one")
    adopt(repo, alice, alice)
    repo.git("rm", "-q", "-r", ".ztgate")
    ssh_commit(repo, alice, "drop the policy")
    unsigned(repo, "unsigned while dropped")
    adopt(repo, alice, alice)
    code, out = push(repo, "-u", "origin", "main")
    assert code == 1 and '"one"' in out and "ZT310" in out


@pytest.fixture
def unsigned_remote(repo: Repo, origin: Path) -> str:
    """The remote already holds two unsigned commits (pushed before ztgate was adopted)."""
    tip = unsigned(repo, "old one", "old two")
    code, out = push(repo, "--no-verify", "-u", "origin", "main")
    assert code == 0, out
    return tip


def test_adopting_on_top_of_history_the_remote_has(
    repo: Repo, unsigned_remote: str, alice: Path
) -> None:
    adopt(repo, alice, alice)
    code, out = push(repo)
    assert code == 0, out
    assert "1 commit(s) scanned" in out
    pushed = ssh_commit(repo, alice, "signed work")
    unsigned(repo, "unsigned work")
    code, out = push(repo)
    assert code == 1 and "ZT301" in out and '"unsigned work"' in out and '"signed work"' not in out
    # The re-sign command runs as printed: its base is what the remote has.
    remote_tip = repo.git("rev-parse", "origin/main").strip()
    assert f"git commit --amend --no-edit -S' {remote_tip}`" in out
    assert pushed != remote_tip


def test_a_new_branch_adopting_on_top_of_history_the_remote_has(
    repo: Repo, unsigned_remote: str, alice: Path
) -> None:
    repo.git("checkout", "-q", "-b", "adopt")
    adopt(repo, alice, alice)
    code, out = push(repo, "-u", "origin", "adopt")
    assert code == 0, out


def test_an_unsigned_adoption_on_history_the_remote_has_is_blocked(
    repo: Repo, unsigned_remote: str, alice: Path
) -> None:
    adopt(repo, None, alice)
    code, out = push(repo)
    assert code == 1 and "ZT301" in out and '"adopt signed commits"' in out


def test_an_orphan_history_cannot_claim_to_come_before_the_adoption(
    repo: Repo, unsigned_remote: str, alice: Path
) -> None:
    repo.git("checkout", "-q", "--orphan", "evil")
    repo.git("rm", "-q", "-r", "--cached", ".")
    unsigned(repo, "unrelated root")
    adopt(repo, alice, alice)
    code, out = push(repo, "origin", "evil")
    assert code == 1, out
    assert '"unrelated root"' in out and '"adopt signed commits"' in out and "ZT310" in out
    assert BUILD_ON in out


def test_a_root_adoption_to_a_remote_with_history_is_blocked(
    repo: Repo, unsigned_remote: str, alice: Path
) -> None:
    repo.git("checkout", "-q", "--orphan", "evil")
    repo.git("rm", "-q", "-r", "--cached", ".")
    adopt(repo, alice, alice)
    code, out = push(repo, "origin", "evil")
    assert code == 1 and "ZT310" in out and "a root commit" in out and BUILD_ON in out
    assert "fix (ZT310): add .ztgate/allowed_signers with your key" in out and "rebase" not in out


def test_a_brand_new_repository_whose_first_commit_adopts(
    repo: Repo, origin: Path, alice: Path
) -> None:
    adopt(repo, alice, alice)
    code, out = push(repo, "-u", "origin", "main")
    assert code == 0, out


def test_only_the_adoption_commits_parent_may_be_on_the_remote(
    repo: Repo, unsigned_remote: str, alice: Path
) -> None:
    repo.git("checkout", "-q", "-b", "sneak")
    unsigned(repo, "new unsigned one", "new unsigned two")
    adopt(repo, alice, alice)
    code, out = push(repo, "origin", "sneak")
    assert code == 1, out
    assert '"new unsigned one"' in out and '"new unsigned two"' in out
    assert '"adopt signed commits"' in out and "ZT310" in out and BUILD_ON in out


def _hook(repo: Repo, url: str) -> tuple[int, str]:
    """ztgate's pre-push hook as git runs it, for a first push of main to ``url``."""
    result = subprocess.run(
        [sys.executable, "-m", "ztgate", "pre-push", "origin", url],
        cwd=repo.path,
        input=f"refs/heads/main {repo.head()} refs/heads/main {'0' * 40}\n",
        capture_output=True,
        text=True,
    )
    return result.returncode, result.stdout + result.stderr


def test_a_remote_that_cannot_be_asked_is_not_empty(
    repo: Repo, origin: Path, alice: Path, tmp_path: Path
) -> None:
    unsigned(repo, "one", "two")
    adopt(repo, alice, alice)
    code, out = _hook(repo, str(origin))
    assert code == 0, out
    missing = tmp_path / "no" / "such" / "remote.git"
    repo.git("remote", "set-url", "origin", str(missing))
    code, out = _hook(repo, str(missing))
    assert code == 1 and "ZT310" in out and '"one"' in out, out


@pytest.fixture
def target(repo: Repo) -> str:
    """The target branch's tip in CI: unsigned history, no signer policy."""
    return unsigned(repo, "old one", "old two")


@pytest.mark.parametrize("symmetric", [False, True])
def test_ci_a_pull_request_adopting_on_the_target(
    repo: Repo,
    target: str,
    alice: Path,
    symmetric: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo.git("checkout", "-q", "-b", "pr")
    adopt(repo, alice, alice)
    ssh_commit(repo, alice, "signed work")
    spec = f"{target}{'...' if symmetric else '..'}pr"
    code, out = run(capsys, "--range", spec)
    assert code == 0, out
    unsigned(repo, "unsigned work")
    code, out = run(capsys, "--range", spec)
    assert code == 1 and "ZT301" in out and '"unsigned work"' in out
    assert f"git commit --amend --no-edit -S' {target}`" in out


@pytest.mark.parametrize("how", ["unsigned", "mallory", "unsigned before it"])
def test_ci_a_pull_request_adopting_badly(
    repo: Repo,
    target: str,
    alice: Path,
    tmp_path: Path,
    how: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo.git("checkout", "-q", "-b", "pr")
    if how == "unsigned before it":
        unsigned(repo, "unsigned before it")
    signer = {"unsigned": None, "mallory": ssh_key(tmp_path, "mallory")}.get(how, alice)
    adopt(repo, signer, alice)
    code, out = run(capsys, "--range", f"{target}..pr")
    rule = {"unsigned": "ZT301", "mallory": "ZT303"}.get(how, "ZT310")
    assert code == 1 and '"adopt signed commits"' in out and rule in out, out


def test_ci_an_adoption_signed_as_someone_else_fails_the_identity_rule(
    repo: Repo, target: str, alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("checkout", "-q", "-b", "pr")
    allow(repo, "alice@example.test", alice)
    ssh_commit(repo, alice, "adopt as bob", email="bob@example.test")
    code, out = run(capsys, "--range", f"{target}..pr")
    assert code == 1 and "ZT304" in out


def test_removing_the_policy_is_judged_by_the_parents(
    repo: Repo, target: str, alice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    adoption = adopt(repo, alice, alice)
    mallory = ssh_key(tmp_path, "mallory")
    repo.git("rm", "-q", "-r", ".ztgate")
    ssh_commit(repo, mallory, "drop the policy", email="mallory@example.test")
    code, out = run(capsys, "--range", f"{adoption}..HEAD")
    assert code == 1 and "ZT303" in out and '"drop the policy"' in out


def test_the_adoption_cannot_loosen_the_rules_it_is_judged_by(
    repo: Repo, target: str, alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("checkout", "-q", "-b", "pr")
    repo.write(".ztgate.yaml", f"signatures:\n  identity: none\n  trust_root: {target}\n")
    allow(repo, "alice@example.test", alice)
    ssh_commit(repo, alice, "adopt as bob", email="bob@example.test")
    code, out = run(capsys, "--range", f"{target}..pr")
    assert code == 1 and "ZT304" in out


def test_ci_a_second_adoption_on_old_history_is_judged_by_the_target_too(
    repo: Repo, target: str, alice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    adopt(repo, alice, alice)
    main = ssh_commit(repo, alice, "signed work")
    repo.git("checkout", "-q", "-b", "pr", target)  # before the policy existed
    mallory = ssh_key(tmp_path, "mallory")
    allow(repo, "mallory@example.test", mallory)
    ssh_commit(repo, mallory, "adopt my own key", email="mallory@example.test")
    code, out = run(capsys, "--range", f"{main}...pr")
    assert code == 1 and "ZT303" in out and '"adopt my own key"' in out


@pytest.mark.parametrize("remote_has_history", [False, True])
def test_the_signatures_own_pre_push_entry_adopts_too(
    repo: Repo,
    origin: Path,
    alice: Path,
    remote_has_history: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ztgate import prepush

    remote_sha = "0" * 40
    unsigned(repo, "one", "two")
    if remote_has_history:
        assert push(repo, "--no-verify", "origin", "main")[0] == 0
        remote_sha = repo.head()
    adopt(repo, alice, alice)
    line = f"refs/heads/main {repo.head()} refs/heads/main {remote_sha}\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(line))
    code = prepush.main(["origin", str(origin)])
    out = capsys.readouterr().out
    assert code == 0, out
    unsigned(repo, "three")
    monkeypatch.setattr("sys.stdin", io.StringIO(line.replace(line.split()[1], repo.head())))
    code = prepush.main(["origin", str(origin)])
    out = capsys.readouterr().out
    assert code == 1 and '"three"' in out, out


def test_only_a_remote_known_to_be_empty_counts_as_empty(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    from ztgate import gitio
    from ztgate.errors import UserError
    from ztgate.signatures.adoption import Receiver, remote_is_empty

    bare = tmp_path / "empty.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    repo.commit("one")
    assert remote_is_empty(repo.path, str(bare))
    repo.git("push", "-q", str(bare), "main")
    assert not remote_is_empty(repo.path, str(bare))
    # No remote named, one that reads as an option, or one that cannot be asked: not empty.
    assert not remote_is_empty(repo.path, None)
    assert not remote_is_empty(repo.path, "--upload-pack=touch /tmp/x")
    assert not remote_is_empty(repo.path, str(tmp_path / "missing.git"))

    def hung(*_: object, **__: object) -> None:
        raise UserError("timed out after 1 s: git ls-remote")

    monkeypatch.setattr(gitio, "run_tool", hung)
    assert not remote_is_empty(repo.path, str(bare))
    assert not Receiver().has(repo.path, repo.head())  # a receiver with no history has nothing
