"""Fixtures shared by every gate's tests: real git repositories in tmp_path."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

# No test may depend on the developer's git identity, signing or hooks.
_ISOLATED_GIT = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.test",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.test",
}


class Repo:
    """A git repository in a temporary directory, driven with real git commands."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, check: bool = True) -> str:
        process = subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, text=True, check=False
        )
        if check and process.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {process.stderr}")
        return process.stdout

    def write(self, name: str, content: str | bytes) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    def commit(self, message: str = "change", *paths: str) -> str:
        self.git("add", "--all", *(("--", *paths) if paths else ()))
        self.git("commit", "-q", "--allow-empty", "--no-verify", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture(autouse=True)
def reproducible_fakes(request: pytest.FixtureRequest) -> None:
    """Random credential bodies, drawn the same way every run of a given test."""
    from tests import fakes

    fakes.seed(request.node.nodeid)


@pytest.fixture(scope="session", autouse=True)
def prefilter_loaded(tmp_path_factory: pytest.TempPathFactory) -> None:
    """In-process scans use the secrets prefilter from the first byte, loaded once here: a
    timing test must never time its compile, nor a detector's pattern's (each compiles on
    first use). Hooks run as subprocesses keep the default; the pure-Python path is compared
    with it in tests/secrets/test_prefilter.py."""
    from ztgate.policy import SecretsPolicy
    from ztgate.secrets import engine, scan

    os.environ["ZTGATE_CACHE_DIR"] = str(tmp_path_factory.getbasetemp() / "ztgate-cache")
    options = scan.options_from(SecretsPolicy())
    options.warm_up()
    for detector in options.detectors:
        _ = detector.parts if detector.gap else detector.pattern
    engine._PURE_LEFT[0] = 0


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    # One prefilter database cache for the whole session: compiled once, not once per HOME.
    monkeypatch.setenv("ZTGATE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "ztgate-cache"))
    monkeypatch.delenv("ZTGATE_PREFILTER", raising=False)
    for name, value in _ISOLATED_GIT.items():
        monkeypatch.setenv(name, value)
    for name in list(os.environ):
        if name.startswith(("PRE_COMMIT_", "GITHUB_", "CI_MERGE_REQUEST", "GITLAB_")):
            monkeypatch.delenv(name)
    # A test is a laptop unless it says otherwise (CI itself runs the suite with CI=true).
    monkeypatch.delenv("CI", raising=False)
    (home / ".gitconfig").write_text(
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
        "[core]\n\thooksPath = /dev/null\n"
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    path = tmp_path / "repo"
    path.mkdir()
    repository = Repo(path)
    repository.git("init", "-q")
    monkeypatch.chdir(path)
    yield repository
