"""Progress on a terminal only: an updating line on a pseudo-terminal, none on a pipe or in CI."""

from __future__ import annotations

import io
import os
import pty
import select
import sys
from collections.abc import Iterator
from typing import TextIO

import pytest
from ztgate import progress as p

from tests.conftest import Repo


@pytest.fixture
def terminal() -> Iterator[tuple[TextIO, int]]:
    """A pseudo-terminal: the stream a program writes to, and the fd that reads what it shows."""
    reader, writer = pty.openpty()
    stream = os.fdopen(writer, "w", encoding="utf-8")
    yield stream, reader
    stream.close()
    os.close(reader)


def shown(reader: int) -> str:
    chunks = []
    while select.select([reader], [], [], 0.2)[0]:
        try:
            chunk = os.read(reader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(p, "INTERVAL", 0.0)
    monkeypatch.delenv("CI", raising=False)


def test_a_terminal_gets_one_updating_line(terminal: tuple[TextIO, int], at_once: None) -> None:
    stream, reader = terminal
    with p.Progress("ztgate secrets", 3, "file(s)", stream=stream) as progress:
        assert progress.enabled
        for _ in range(3):
            progress.advance()
    text = shown(reader)
    assert "\rztgate secrets: 1/3 file(s)" in text and "\rztgate secrets: 3/3 file(s)" in text
    assert "\n" not in text and text.endswith("\r")  # erased, the report starts clean


def test_a_pipe_gets_nothing(at_once: None) -> None:
    reader, writer = os.pipe()
    with os.fdopen(writer, "w") as stream:
        with p.Progress("ztgate secrets", 3, "file(s)", stream=stream) as progress:
            assert not progress.enabled
            progress.advance(3)
    with os.fdopen(reader, "rb") as pipe:
        assert pipe.read() == b""


def test_ci_gets_nothing_even_on_a_terminal(terminal: tuple[TextIO, int], at_once: None) -> None:
    stream, reader = terminal
    with p.Progress("x", 2, "file(s)", stream=stream, environ={"CI": "true"}) as progress:
        progress.advance(2)
    assert not progress.enabled and shown(reader) == ""


def test_a_short_run_prints_nothing(
    terminal: tuple[TextIO, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream, reader = terminal
    with p.Progress("x", 2, "file(s)", stream=stream) as progress:
        progress.advance(2)  # well within the first half second
    assert progress.enabled and shown(reader) == ""


def test_secrets_all_files_on_a_terminal(
    repo: Repo,
    terminal: tuple[TextIO, int],
    at_once: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ztgate.secrets import gate

    stream, reader = terminal
    for n in range(3):
        repo.write(f"f{n}.py", "x = 1\n")
    repo.commit("files")
    monkeypatch.setattr(sys, "stderr", stream)
    assert gate.main(["--all-files"]) == 0
    assert "ztgate secrets: 3/3 file(s)" in shown(reader)
    assert "\r" not in capsys.readouterr().out  # the report itself is untouched


def test_secrets_over_a_range_counts_commits(
    repo: Repo,
    terminal: tuple[TextIO, int],
    at_once: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ztgate.secrets import gate

    stream, reader = terminal
    base = repo.commit("base")
    for n in range(3):
        repo.write(f"f{n}.py", "x = 1\n")
        repo.commit(f"add f{n}")
    monkeypatch.setattr(sys, "stderr", stream)
    assert gate.main(["--range", f"{base}..HEAD"]) == 0
    assert "ztgate secrets: 3/3 commit(s)" in shown(reader)
    capsys.readouterr()


def test_secrets_piped_prints_no_progress(
    repo: Repo, at_once: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from ztgate.secrets import gate

    repo.write("f.py", "x = 1\n")
    repo.commit("files")
    assert gate.main(["--all-files"]) == 0
    captured = capsys.readouterr()
    assert "\r" not in captured.out + captured.err and captured.err == ""


def test_signatures_on_a_terminal_judge_the_same(
    repo: Repo,
    terminal: tuple[TextIO, int],
    at_once: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ztgate.signatures import gate

    base = repo.commit("base")
    for n in range(3):
        repo.commit(f"unsigned {n}")
    assert gate.main(["--range", f"{base}..HEAD"]) == 1
    piped = capsys.readouterr().out
    stream, reader = terminal
    monkeypatch.setattr(gate, "PROGRESS_BATCH", 1)
    monkeypatch.setattr(sys, "stderr", stream)
    assert gate.main(["--range", f"{base}..HEAD"]) == 1
    assert capsys.readouterr().out == piped
    assert "ztgate signatures: 3/3 commit(s)" in shown(reader)


@pytest.mark.skipif(
    (os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux"),
    reason="the parallel scan needs two cores and fork",
)
def test_a_parallel_scan_counted_finds_the_same(repo: Repo, at_once: None) -> None:
    from ztgate.policy import SecretsPolicy
    from ztgate.secrets import scan

    from tests.fakes import aws_key_id

    paths = []
    for n in range(20):
        repo.write(f"big{n}.txt", ("word " * 12_000) + f'\nkey = "{aws_key_id()}"\n')
        paths.append(f"big{n}.txt")
    paths.append("missing.txt")
    assert scan._worker_count(paths, repo.path) >= 2
    quiet = scan.scan_files(paths, SecretsPolicy(), repo.path)
    counted = p.Progress("ztgate secrets", len(paths), "file(s)", stream=io.StringIO())
    counted.enabled = True
    loud = scan.scan_files(paths, SecretsPolicy(), repo.path, counted)
    assert loud.hits == quiet.hits and loud.skipped == quiet.skipped
    assert loud.scanned == quiet.scanned == 20
    assert counted.done == len(paths)


class _GoneTerminal(io.StringIO):
    """A terminal that went away mid-run: writes fail."""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError("terminal closed")


def test_a_terminal_that_goes_away_stops_the_progress_not_the_run(at_once: None) -> None:
    with p.Progress("x", 3, "file(s)", stream=_GoneTerminal()) as progress:
        assert progress.enabled
        progress.advance()
        assert not progress.enabled  # drawing failed once: no more tries
        progress.advance(2)
    assert progress.done == 3


def test_a_closed_or_replaced_stream_is_no_terminal() -> None:
    closed = io.StringIO()
    closed.close()
    assert not p.wanted(closed, {})
    assert not p.wanted(object(), {})  # type: ignore[arg-type]
