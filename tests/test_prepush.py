"""`ztgate pre-push` as git's pre-push hook: every ref of a push through every pre-push gate."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.fakes import aws_key_id
from tests.signatures.test_gate import ssh_commit
from tests.signatures.test_which_commits import push, pushed

__all__ = ["pushed"]  # the fixture: a policy allowing alice, pushed, with the hook installed


def remote_has(repo: Repo, branch: str) -> bool:
    listing = repo.git("ls-remote", "origin", f"refs/heads/{branch}")
    return bool(listing.strip())


def test_every_ref_of_a_push_is_checked(repo: Repo, pushed: tuple[Path, str]) -> None:
    """pre-commit's pre-push stage sees only the first ref: `good:good bad:bad` sent `bad`
    unchecked. Both refs are signed by an allowed key; `bad` adds a key, then deletes it."""
    alice, root = pushed
    repo.git("checkout", "-q", "-b", "good")
    ssh_commit(repo, alice, "good work")
    repo.git("checkout", "-q", "-b", "bad", root)
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    ssh_commit(repo, alice, "leak")
    repo.write("settings.py", "import os\n")
    ssh_commit(repo, alice, "hide it")
    result = push(repo, "good:good", "bad:bad")
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "settings.py:1:22: ZT103" in out
    assert "refs/heads/good" in out and "refs/heads/bad" in out
    assert not remote_has(repo, "bad") and not remote_has(repo, "good")
    result = push(repo, "good:good")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_push_cannot_loosen_the_policy_it_is_judged_by(
    repo: Repo, pushed: tuple[Path, str]
) -> None:
    alice, _ = pushed
    repo.write(".ztgate.yaml", 'secrets:\n  exclude: ["*"]\n')
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    ssh_commit(repo, alice, "loosen and leak")
    result = push(repo, "main")
    assert result.returncode != 0 and "ZT103" in result.stdout + result.stderr


def test_other_pre_commit_pre_push_hooks_run_for_every_ref(
    repo: Repo, pushed: tuple[Path, str]
) -> None:
    alice, root = pushed
    repo.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n"
        "      - id: no-wip\n        name: no WIP commits\n        language: pygrep\n"
        "        entry: WIP\n        files: \\.txt$\n        stages: [pre-push]\n",
    )
    ssh_commit(repo, alice, "config")
    repo.git("push", "-q", "--no-verify", "origin", "main")
    repo.git("checkout", "-q", "-b", "first")
    ssh_commit(repo, alice, "fine")
    repo.git("checkout", "-q", "-b", "second", "main")
    ssh_commit(repo, alice, "WIP")
    result = push(repo, "first:first", "second:second")
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "no WIP commits" in out and "Failed" in out
    assert not remote_has(repo, "second")
    assert subprocess.run(["git", "push", "origin", "first"], cwd=repo.path).returncode == 0


def test_the_push_variables_hold_for_one_ref_then_are_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    from ztgate.prepush import _push_variables
    from ztgate.revisions import PushUpdate

    monkeypatch.setenv("PRE_COMMIT_TO_REF", "theirs")
    monkeypatch.delenv("PRE_COMMIT_FROM_REF", raising=False)
    update = PushUpdate("refs/heads/x", "a" * 40, "refs/heads/x", None, (), "line")
    with _push_variables(update, "origin", None):
        assert os.environ["PRE_COMMIT_TO_REF"] == "a" * 40
        assert os.environ["PRE_COMMIT_FROM_REF"] == ""  # a new branch
        assert os.environ["PRE_COMMIT_REMOTE_NAME"] == "origin"
    assert os.environ["PRE_COMMIT_TO_REF"] == "theirs"
    assert "PRE_COMMIT_FROM_REF" not in os.environ
