"""The `ztgate` command: dispatch, exit codes, `python -m ztgate`, the demo."""

from __future__ import annotations

import subprocess
import sys

import pytest
from ztgate import cli


def test_usage_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in cli.SUBCOMMANDS:
        assert name in out


@pytest.mark.parametrize("argv", [[], ["no-such-gate"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2


def test_bad_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["secrets", "--format", "xml"])
    assert exit_info.value.code == 2


def test_python_dash_m(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ztgate", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("ztgate ")


def test_demo_catches_the_leak(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ztgate", "demo"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ZT101 AWS Access Key AKIA…" in result.stdout
    assert "ZT103" in result.stdout


def test_a_terminal_that_cannot_show_utf8_gets_ascii(repo: object, tmp_path: object) -> None:
    import os
    from pathlib import Path

    from tests.fakes import aws_key_id

    Path("settings.py").write_text(f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    result = subprocess.run(
        [sys.executable, "-m", "ztgate", "secrets", "settings.py"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    out = result.stdout.decode("ascii")  # would raise if anything else had been written
    assert result.returncode == 1, out + result.stderr.decode("ascii")
    assert "AKIA...(20 chars)" in out
