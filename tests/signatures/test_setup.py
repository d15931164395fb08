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


def test_setup_names_what_is_missing(
    repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = run(capsys, "setup")
    assert code == 2 and "ztgate: error: git has no user.email" in out
    repo.git("config", "user.email", "alice@example.test")
    code, out = run(capsys, "setup")  # an empty ~/.ssh: how to make a key
    assert code == 1 and 'ssh-keygen -t ed25519 -C "alice@example.test"' in out
    code, out = run(capsys, "setup", "--key", str(tmp_path / "nope.pub"))
    assert code == 2 and f"ztgate: error: {tmp_path / 'nope.pub'}: public key not found" in out
    odd = tmp_path / "odd.pub"
    odd.write_text("just-one-field\n")
    code, out = run(capsys, "setup", "--key", str(odd))
    assert code == 2 and f"{odd}: not an OpenSSH public key" in out
    assert not (repo.path / ".ztgate").exists()


def test_setup_at_a_terminal_that_closes_adds_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.git("config", "user.email", "alice@example.test")
    key = ssh_key(repo.path.parent, "alice")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)

    def closed(_: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", closed)
    code, out = run(capsys, "setup", "--key", str(key))
    assert code == 0 and "Then check your next commit" in out
    assert not (repo.path / ".ztgate").exists()


def test_a_line_is_appended_after_a_last_line_without_newline(tmp_path: Path) -> None:
    from ztgate.signatures.setup import add_allowed_line

    path = tmp_path / "allowed_signers"
    path.write_text("bob@example.test ssh-ed25519 AAAA")
    assert add_allowed_line(path, "alice@example.test ssh-ed25519 BBBB")
    assert path.read_text() == (
        "bob@example.test ssh-ed25519 AAAA\nalice@example.test ssh-ed25519 BBBB\n"
    )
    assert not add_allowed_line(path, "bob@example.test ssh-ed25519 AAAA")
