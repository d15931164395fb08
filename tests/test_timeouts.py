"""Nothing hangs: a stalled git (or gpg, ssh-keygen) and a run past its limit block, exit 2,
naming the step that took too long."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ztgate.secrets import gate

from tests.conftest import Repo


@pytest.fixture
def stalled_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A `git` first on PATH that never answers."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def test_a_stalled_subprocess_times_out_and_blocks(
    repo: Repo,
    stalled_git: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZTGATE_TIMEOUT", "0.5")
    assert gate.main(["--all-files"]) == 2
    err = capsys.readouterr().err
    assert "timed out after 0.5 s: git ls-files" in err


def test_the_whole_run_has_a_limit(
    repo: Repo,
    stalled_git: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZTGATE_RUN_TIMEOUT", "0.5")
    assert gate.main(["--all-files"]) == 2
    err = capsys.readouterr().err
    assert "timed out after 0.5 s while running git ls-files" in err
    assert "this blocks" in err


@pytest.mark.parametrize("name", ["ZTGATE_TIMEOUT", "ZTGATE_RUN_TIMEOUT"])
def test_a_malformed_limit_is_a_usage_error(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    monkeypatch.setenv(name, "soon")
    assert gate.main(["--all-files"]) == 2
    assert f"{name} must be a number of seconds" in capsys.readouterr().err


def test_a_stalled_history_read_is_cut_off_and_blocks(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The streaming `git log -p` has no per-process limit (its output is read as it comes):
    the run's limit stops it, and the gate does not then wait on the stalled git forever."""
    import shutil
    import time

    repo.write("a.txt", "one\n")
    base = repo.commit("one")
    repo.write("a.txt", "two\n")
    head = repo.commit("two")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real = shutil.which("git")
    (bin_dir / "git").write_text(
        f'#!/bin/sh\nfor a in "$@"; do [ "$a" = -p ] && exec sleep 60; done\nexec "{real}" "$@"\n'
    )
    (bin_dir / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("ZTGATE_RUN_TIMEOUT", "1")
    start = time.monotonic()
    assert gate.main(["--range", f"{base}..{head}"]) == 2
    assert time.monotonic() - start < 30
    err = capsys.readouterr().err
    assert "timed out after 1 s while reading git log" in err, err
