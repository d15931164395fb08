"""git access: quoted paths, timeouts and missing tools as one-line errors, the work tree."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ztgate import gitio
from ztgate.errors import UserError
from ztgate.secrets import gate

from tests.conftest import Repo
from tests.fakes import aws_key_id


def test_a_path_git_quotes_with_octal_escapes_is_reported_by_its_name(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """git writes control characters in a path as octal escapes even with core.quotePath off;
    the finding names the file as it is."""
    name = "odd\x01name\x7f.py"
    repo.write(name, f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.commit("odd name")
    assert gate.main(["--push", "--format", "json"]) == 1
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["rule"], finding["path"], finding["line"]) == ("ZT103", name, 1), finding


@pytest.mark.parametrize(
    "raw, path",
    [
        ('"a\\tb\\303\\251"', "a\tbé"),
        ('"quote\\"d\\\\"', 'quote"d\\'),
        ('"\\001x"', "\x01x"),
        ('"trailing\\"', "trailing\\"),  # a lone backslash at the end is kept
        ("plain name", "plain name"),
        ('"', '"'),
    ],
)
def test_unquote_c_path(raw: str, path: str) -> None:
    assert gitio.unquote_c_path(raw) == path


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UserError) as error:
        gitio.open_repo(tmp_path)
    assert error.value.one_line() == (
        f"{tmp_path}: not inside a git repository (run it from a repository's work tree)"
    )
    assert gitio.find_root(tmp_path) == tmp_path.resolve()  # no .git above: the start


def test_find_root_walks_up_to_the_work_tree(repo: Repo) -> None:
    deep = repo.path / "a" / "b"
    deep.mkdir(parents=True)
    assert gitio.find_root(deep) == repo.path.resolve()


@pytest.mark.parametrize(
    "value, message",
    [
        ("later", "ZTGATE_TIMEOUT must be a number of seconds, not `later`"),
        ("0", "ZTGATE_TIMEOUT must be a positive number of seconds"),
        ("1e9", "ZTGATE_TIMEOUT must be a positive number of seconds"),
    ],
)
def test_a_bad_timeout_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("ZTGATE_TIMEOUT", value)
    with pytest.raises(UserError) as error:
        gitio.timeout_seconds()
    assert error.value.one_line().startswith(message)


def test_a_missing_program_is_named(tmp_path: Path) -> None:
    with pytest.raises(UserError) as error:
        gitio.run_tool(["ztgate-no-such-program"], what="the check", cwd=tmp_path)
    assert error.value.one_line().startswith(
        "`ztgate-no-such-program` is not installed; needed for the check"
    )
    assert gitio.current_step() == ""  # the step is popped whatever happened


def test_a_failing_git_command_says_what_git_said(repo: Repo) -> None:
    with pytest.raises(UserError) as error:
        gitio.run_git(repo.path, ["rev-parse", "--verify", "no-such-ref"])
    assert error.value.one_line().startswith("git rev-parse failed: fatal: Needed a single")


def test_pre_commit_is_found_on_path_or_its_absence_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib.util

    real_find_spec = importlib.util.find_spec

    def without_pre_commit(name: str, *args: object) -> object:
        return None if name == "pre_commit" else real_find_spec(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", without_pre_commit)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "pre-commit"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert gitio.pre_commit_command("install") == [str(program)]
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(UserError) as error:
        gitio.pre_commit_command("install the hook")
    assert error.value.one_line().startswith(
        "pre-commit is not installed; it is needed to install the hook"
    )
    assert os.environ["PATH"] == str(tmp_path / "empty")
