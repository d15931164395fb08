"""`ztgate signatures setup --write`: the first line of .ztgate/allowed_signers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.signatures.test_gate import run, ssh_key


def test_setup_write_adds_the_line_once(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("config", "user.email", "alice@example.test")
    ssh_dir = Path(os.environ["HOME"]) / ".ssh"
    ssh_dir.mkdir()
    ssh_key(ssh_dir, "id").rename(ssh_dir / "id_ed25519.pub")
    code, out = run(capsys, "setup")  # not a terminal: prints the line, writes nothing
    assert code == 0 and not (repo.path / ".ztgate").exists()
    code, out = run(capsys, "setup", "--write")
    assert code == 0, out
    assert 'git add .ztgate/allowed_signers && git commit -S -m "Adopt signed commits"' in out
    written = (repo.path / ".ztgate" / "allowed_signers").read_text()
    assert written.startswith('alice@example.test namespaces="git" ssh-ed25519 AAAA')
    assert written.count("\n") == 1
    code, out = run(capsys, "setup", "--write")
    assert code == 0 and "already in" in out
    assert (repo.path / ".ztgate" / "allowed_signers").read_text() == written


def test_setup_asks_at_a_terminal(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.git("config", "user.email", "alice@example.test")
    key = ssh_key(repo.path.parent, "alice")
    questions: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    for answer, written in (("n", False), ("y", True)):
        monkeypatch.setattr("builtins.input", lambda q, a=answer: questions.append(q) or a)
        code, out = run(capsys, "setup", "--key", str(key))
        assert code == 0, out
        assert (repo.path / ".ztgate" / "allowed_signers").exists() == written
    assert questions == ["Add this line to .ztgate/allowed_signers? [y/N] "] * 2
