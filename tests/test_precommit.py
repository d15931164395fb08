"""ztgate as a pre-commit hook repository, driven by the real pre-commit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.fakes import aws_key_id

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(repo: Repo, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo.path,
        env=env,
        capture_output=True,
        text=True,
    )


def test_manifest_is_valid(repo: Repo, pre_commit_home: Path) -> None:
    result = pre_commit(
        repo, pre_commit_home, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.integration
def test_try_repo_blocks_a_committed_key_then_passes(repo: Repo, pre_commit_home: Path) -> None:
    key = aws_key_id()
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{key}"\n')
    repo.commit("add key")
    result = pre_commit(
        repo, pre_commit_home, "try-repo", str(ROOT), "ztgate-secrets", "--all-files"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "settings.py:1:22: ZT101 AWS Access Key AKIA…(20 chars)" in output
    assert key not in output

    # Baselined: passes, and the baseline file is left as it was.
    subprocess.run(
        [sys.executable, "-m", "ztgate", "secrets", "--update-baseline"],
        cwd=repo.path,
        check=True,
        capture_output=True,
    )
    repo.commit("baseline")
    result = pre_commit(
        repo, pre_commit_home, "try-repo", str(ROOT), "ztgate-secrets", "--all-files"
    )
    assert result.returncode == 0, result.stdout + result.stderr

    # Removed: passes without the baseline too.
    (repo.path / ".secrets.baseline").unlink()
    repo.write("settings.py", "import os\n")
    repo.commit("remove key")
    result = pre_commit(
        repo, pre_commit_home, "try-repo", str(ROOT), "ztgate-secrets", "--all-files"
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.integration
def test_pre_push_hook_from_a_users_config_blocks_history_leaks(
    repo: Repo, pre_commit_home: Path, tmp_path: Path
) -> None:
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    if status.strip():
        pytest.skip("a `repo:` entry pins a commit; this checkout has uncommitted changes")
    repo.write(
        ".pre-commit-config.yaml",
        f"repos:\n- repo: {ROOT}\n  rev: {rev}\n  hooks:\n  - id: ztgate-secrets\n"
        "  - id: ztgate-secrets-push\n",
    )
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.commit("config")
    repo.git("push", "-q", "origin", "main")
    # The test HOME disables hooks for every other test; this one installs real ones.
    repo.git("config", "--global", "--unset", "core.hooksPath")
    result = pre_commit(
        repo, pre_commit_home, "install", "--hook-type", "pre-commit", "--hook-type", "pre-push"
    )
    assert result.returncode == 0, result.stdout + result.stderr

    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.commit("leak")  # --no-verify: a laptop that skipped the pre-commit hook
    repo.write("settings.py", "import os\n")
    repo.commit("hide it")
    push = subprocess.run(
        ["git", "push", "origin", "main"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        env={**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home)},
    )
    assert push.returncode != 0, push.stdout + push.stderr
    assert "ZT103" in push.stdout + push.stderr


def test_manifest_is_the_registry() -> None:
    """`.pre-commit-hooks.yaml` says exactly what ztgate.registry says, hook by hook."""
    from ruamel.yaml import YAML
    from ztgate.registry import HOOKS

    manifest = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert manifest == [hook.manifest() for hook in HOOKS]
