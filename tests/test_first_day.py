"""A team's first day, end to end, as the README's "Add ztgate to your repository" walks it:
`ztgate init`, signing setup, the adoption commit, the first push, a leaked key blocked at
commit, an unsigned commit blocked at push, a signed one pushed, and `ztgate ci` on a recorded
pull request. No `--no-verify` anywhere; no network beyond the package registries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes import aws_key_id
from tests.test_precommit import pre_commit_home  # noqa: F401 - the session fixture

EMAIL = "alice@example.test"


def sh(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)}: {result.stdout}{result.stderr}")
    return result


def ztgate(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return sh(cwd, sys.executable, "-m", "ztgate", *args, check=check)


def team_repository(tmp_path: Path, remote_has_history: bool) -> tuple[Path, Path]:
    """(the developer's clone, the bare remote): an empty remote and a local repository with
    unsigned history, or a remote whose unsigned history the developer cloned."""
    remote = tmp_path / "remote.git"
    sh(tmp_path, "git", "init", "-q", "--bare", str(remote))
    work = tmp_path / "work"
    if remote_has_history:
        seed = tmp_path / "seed"
        sh(tmp_path, "git", "init", "-q", str(seed))
        (seed / "app.py").write_text("print('hello')\n")
        sh(seed, "git", "add", "-A")
        sh(seed, "git", "commit", "-q", "-m", "years of unsigned history")
        sh(seed, "git", "push", "-q", str(remote), "HEAD:main")
        sh(tmp_path, "git", "clone", "-q", str(remote), str(work))
    else:
        sh(tmp_path, "git", "init", "-q", str(work))
        (work / "app.py").write_text("print('hello')\n")
        sh(work, "git", "add", "-A")
        sh(work, "git", "commit", "-q", "-m", "unsigned history from before ztgate")
        sh(work, "git", "remote", "add", "origin", str(remote))
    sh(work, "git", "config", "user.email", EMAIL)
    sh(work, "git", "config", "user.name", "Alice")
    return work, remote


@pytest.mark.integration
@pytest.mark.parametrize(
    "remote_has_history", [False, True], ids=["empty remote", "remote history"]
)
def test_a_teams_first_day(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pre_commit_home: Path,  # noqa: F811
    remote_has_history: bool,
) -> None:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    work, remote = team_repository(tmp_path, remote_has_history)
    for name in (
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_EMAIL",
        "GIT_AUTHOR_NAME",
        "GIT_COMMITTER_NAME",
    ):
        monkeypatch.delenv(name, raising=False)  # from here on, the developer's own
    sh(work, "git", "config", "--global", "--unset", "core.hooksPath")

    # 1. ztgate init: hooks that install this same ztgate, policy, templates, CI job, hooks.
    init = ztgate(work, "init", "--ci", "github")
    assert "the pre-push hook" in init.stdout, init.stdout
    config = (work / ".pre-commit-config.yaml").read_text()
    assert "repo: local" in config and "id: ztgate-pr" in config

    # 2. Signing: the developer's SSH key, and the first allowed_signers line.
    key = tmp_path / "id_ed25519"
    sh(tmp_path, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", EMAIL, "-f", str(key))
    setup = ztgate(work, "signatures", "setup", "--key", f"{key}.pub", "--write")
    assert ".ztgate/allowed_signers" in setup.stdout

    # 3. The adoption commit: the hooks run (the threat model is a draft: it warns).
    sh(work, "git", "add", "-A")
    adopt = sh(work, "git", "commit", "-m", "Adopt ztgate", check=False)
    assert adopt.returncode == 0, adopt.stdout + adopt.stderr
    assert "ztgate threat model" in adopt.stdout + adopt.stderr

    # 4. The first push: one plain command.
    first = sh(work, "git", "push", "-u", "origin", "main", check=False)
    assert first.returncode == 0, first.stdout + first.stderr

    # 5. A leaked key is blocked at commit.
    (work / "settings.py").write_text(f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    sh(work, "git", "add", "settings.py")
    leak = sh(work, "git", "commit", "-m", "settings", check=False)
    assert leak.returncode != 0 and "ZT101" in leak.stdout + leak.stderr
    sh(work, "git", "reset", "-q", "HEAD", "--", "settings.py")
    (work / "settings.py").unlink()

    # 6. An unsigned commit is blocked at push.
    (work / "app.py").write_text("print('hello, world')\n")
    sh(work, "git", "-c", "commit.gpgsign=false", "commit", "-q", "-am", "unsigned change")
    unsigned = sh(work, "git", "push", "origin", "main", check=False)
    assert unsigned.returncode != 0 and "ZT301" in unsigned.stdout + unsigned.stderr

    # 7. Signed, it goes through.
    sh(work, "git", "commit", "-q", "--amend", "--no-edit", "-S")
    signed = sh(work, "git", "push", "origin", "main", check=False)
    assert signed.returncode == 0, signed.stdout + signed.stderr

    # 8. CI on a recorded pull request: an empty description fails the PR gate.
    base = sh(work, "git", "rev-parse", "HEAD").stdout.strip()
    sh(work, "git", "checkout", "-q", "-b", "feature")
    (work / "app.py").write_text("print('hello, team')\n")
    sh(work, "git", "commit", "-q", "-am", "feature work")
    head = sh(work, "git", "rev-parse", "HEAD").stdout.strip()
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "pull_request": {
                    "body": "",
                    "user": {"login": "alice", "type": "User"},
                    "labels": [],
                    "base": {"sha": base},
                    "head": {"sha": head},
                }
            }
        )
    )
    env = {**os.environ, "GITHUB_EVENT_PATH": str(event)}
    ci = subprocess.run(
        [sys.executable, "-m", "ztgate", "ci"], cwd=work, capture_output=True, text=True, env=env
    )
    out = ci.stdout + ci.stderr
    assert ci.returncode == 1, out
    assert "ZT408" in out
    assert "ztgate-signed-commits  passed" in out and "ztgate-secrets-push    passed" in out
    assert "DRAFT:" in out  # the threat model's count of what is left, every run
    assert remote.exists()
