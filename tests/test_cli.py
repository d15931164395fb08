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


def test_no_command_prints_usage_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    out = capsys.readouterr().out
    assert out == cli.usage() and out.startswith("usage: ztgate <command> [options]")


def test_an_unknown_command_is_named_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["no-such-gate"]) == 2
    captured = capsys.readouterr()
    first, rest = captured.err.split("\n", 1)
    assert first == "ztgate: error: unknown command `no-such-gate`"
    assert rest == "\n" + cli.usage() and captured.out == ""


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from ztgate import __version__

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"ztgate {__version__}\n"


def test_bad_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["secrets", "--format", "xml"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "ztgate secrets: error: argument --format: invalid choice: 'xml'" in err


@pytest.mark.parametrize(
    "value, message",
    [
        ("soon", "ztgate: error: ZTGATE_RUN_TIMEOUT must be a number of seconds, not `soon`\n"),
        ("-5", "ztgate: error: ZTGATE_RUN_TIMEOUT must be a positive number of seconds\n"),
    ],
)
def test_a_bad_run_timeout_is_a_one_line_usage_error(
    repo: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    value: str,
    message: str,
) -> None:
    from pathlib import Path

    Path("a.py").write_text("x = 1\n")
    monkeypatch.setenv("ZTGATE_RUN_TIMEOUT", value)
    assert cli.main(["secrets", "a.py"]) == 2
    captured = capsys.readouterr()
    assert captured.err == message and "scanned" not in captured.out


def test_an_interrupt_blocks(
    repo: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ztgate.secrets.gate.scan_files", interrupted)
    Path("a.py").write_text("x = 1\n")
    assert cli.main(["secrets", "a.py"]) == 2
    assert "interrupted: nothing was checked to the end, so this blocks" in capsys.readouterr().err


def test_only_encoding_errors_degrade_to_ascii() -> None:
    error = UnicodeEncodeError("ascii", "a→b", 1, 2, "cannot encode")
    assert cli._ascii_fallback(error) == ("->", 2)
    decode_error = UnicodeDecodeError("ascii", b"\xff", 0, 1, "cannot decode")
    with pytest.raises(UnicodeDecodeError):
        cli._ascii_fallback(decode_error)


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


@pytest.mark.parametrize(
    "module, prog",
    [
        ("ztgate.cli", "usage: ztgate <command>"),
        ("ztgate.ci", "usage: ztgate ci"),
        ("ztgate.demo", "usage: ztgate demo"),
        ("ztgate.init", "usage: ztgate init"),
        ("ztgate.policy_cli", "usage: ztgate policy"),
        ("ztgate.pr.gate", "usage: ztgate pr"),
        ("ztgate.prepush", "usage: ztgate pre-push"),
        ("ztgate.secrets.gate", "usage: ztgate secrets"),
        ("ztgate.signatures.gate", "usage: ztgate signatures"),
        ("ztgate.signatures.setup", "usage: ztgate signatures setup"),
        ("ztgate.threat_model.gate", "usage: ztgate threat-model"),
    ],
)
def test_every_command_module_runs_as_a_script(module: str, prog: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(prog), result.stdout[:200]


def test_the_demo_keeps_its_repository_when_asked_and_says_when_it_did_not_catch(
    tmp_path: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    from pathlib import Path

    from ztgate import demo

    monkeypatch.setattr(demo.gate, "main", lambda argv: 0)  # a gate that catches nothing
    here = Path.cwd()
    assert demo.main(["--keep"]) == 2
    captured = capsys.readouterr()
    assert "UNEXPECTED exit codes 0, 0, 0 (expected 1, 0, 1)" in captured.err
    kept = Path(captured.out.rsplit("demo repository kept at ", 1)[1].strip())
    assert (kept / ".git").is_dir() and (kept / "settings.py").is_file()
    assert Path.cwd() == here
    shutil.rmtree(kept)
