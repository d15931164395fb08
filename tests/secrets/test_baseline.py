"""The detect-secrets baseline: compatible both ways, identity without line, no churn."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ztgate.secrets import gate

from tests.conftest import Repo
from tests.fakes import aws_key_id


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = gate.main(list(argv))
    return code, capsys.readouterr().out


def test_update_baseline_then_pass_then_no_rewrite(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.commit("add")
    assert run(capsys, "--all-files")[0] == 1

    code, out = run(capsys, "--update-baseline")
    assert code == 0 and "written: 1 added" in out
    baseline = repo.path / ".secrets.baseline"
    document = json.loads(baseline.read_text())
    assert document["results"]["settings.py"][0]["type"] == "AWS Access Key"
    assert {p["name"] for p in document["plugins_used"]} >= {"AWSKeyDetector", "KeywordDetector"}

    code, out = run(capsys, "settings.py")
    assert code == 0 and "1 known secret(s) in the baseline" in out

    # Moving the secret down does not change its identity, so nothing is rewritten.
    before = baseline.read_bytes()
    repo.write("settings.py", "\n\n# moved\n" + (repo.path / "settings.py").read_text())
    repo.commit("move")
    assert run(capsys, "settings.py")[0] == 0
    code, out = run(capsys, "--update-baseline")
    assert "unchanged" in out
    assert baseline.read_bytes() == before


def test_new_secret_is_reported_and_added_without_touching_old_entries(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("a.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.commit("a")
    run(capsys, "--update-baseline")
    old_entry = json.loads((repo.path / ".secrets.baseline").read_text())["results"]["a.py"]
    repo.write("b.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.commit("b")
    code, out = run(capsys, "b.py")
    assert code == 1 and "b.py:1" in out
    run(capsys, "--update-baseline")
    results = json.loads((repo.path / ".secrets.baseline").read_text())["results"]
    assert results["a.py"] == old_entry and "b.py" in results


def test_detect_secrets_reads_our_baseline_and_we_read_theirs(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("a.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.commit("a")
    theirs = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan", "--all-files"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (repo.path / ".secrets.baseline").write_text(theirs)
    assert run(capsys, "--all-files")[0] == 0  # their baseline silences our finding

    run(capsys, "--update-baseline")  # adds our own types, keeps theirs
    audit = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "audit", "--report", ".secrets.baseline"],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )
    assert audit.returncode == 0, audit.stderr


def test_malformed_baseline_is_an_error_naming_the_file(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".secrets.baseline", '{"results": {"a.py": [ {"type": 1} ] ')
    repo.write("a.py", "x = 1\n")
    assert gate.main(["a.py"]) == 2
    assert ".secrets.baseline:1: malformed baseline JSON" in capsys.readouterr().err


@pytest.mark.parametrize(
    "document, message",
    [
        ("[]", "baseline has no `results` mapping"),
        ('{"results": []}', "baseline has no `results` mapping"),
        ('{"results": {}, "ztgate_results": []}', "baseline `ztgate_results` must be a mapping"),
        ('{"results": {"a.py": {}}}', "baseline results for `a.py` must be a list"),
        ('{"results": {"a.py": [{"type": "X"}]}}', "entry for `a.py` lacks `type` or"),
        ('{"results": {"a.py": ["text"]}}', "entry for `a.py` lacks `type` or"),
        (
            '{"results": {"a.py": [{"type": "X", "hashed_secret": "0", "line_number": "one"}]}}',
            "entry for `a.py` lacks `type` or",
        ),
    ],
    ids=["list", "results-list", "ours-list", "file-not-list", "no-hash", "string", "line"],
)
def test_a_baseline_of_the_wrong_shape_is_a_one_line_error(
    repo: Repo, capsys: pytest.CaptureFixture[str], document: str, message: str
) -> None:
    repo.write(".secrets.baseline", document)
    repo.write("a.py", "x = 1\n")
    assert gate.main(["a.py"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ztgate: error: .secrets.baseline: ") and message in err, err
    assert len(err.strip().splitlines()) == 1


def detect_secrets(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "detect_secrets", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )


def test_switch_from_detect_secrets_and_back(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both directions, with the real detect-secrets: its audit reads a baseline ztgate wrote
    (ztgate's own types included), and its hook still passes after ztgate rewrote its
    baseline, even for what only detect-secrets reports."""
    from tests.fakes import random_body

    repo.write("a.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    # detect-secrets' keyword plugin reports this; ztgate reads it as words, not a credential.
    repo.write("b.py", 'password = "correct_horse_battery_staple"\n')
    repo.write("c.py", f'STRIPE_KEY = "sk_live_{random_body("a", 24)}"\n')
    repo.commit("secrets of three kinds")
    theirs = detect_secrets(repo, "scan", "--all-files")
    assert theirs.returncode == 0, theirs.stderr
    (repo.path / ".secrets.baseline").write_text(theirs.stdout)
    assert '"b.py"' in theirs.stdout

    code, out = run(capsys, "--update-baseline")
    assert code == 0, out
    document = json.loads((repo.path / ".secrets.baseline").read_text())
    assert "b.py" in document["results"]  # detect-secrets' own entry survives the rewrite
    ours = [i["type"] for items in document.get("ztgate_results", {}).values() for i in items]
    known = [i["type"] for items in document["results"].values() for i in items]
    assert ours and not set(ours) & set(known)

    for args in (
        ("audit", "--report", ".secrets.baseline"),
        ("audit", "--stats", ".secrets.baseline"),
    ):
        audit = detect_secrets(repo, *args)
        assert audit.returncode == 0, audit.stdout + audit.stderr
    hook = subprocess.run(
        [
            sys.executable,
            "-m",
            "detect_secrets.pre_commit_hook",
            "--baseline",
            ".secrets.baseline",
            "a.py",
            "b.py",
            "c.py",
        ],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )
    assert hook.returncode == 0, hook.stdout + hook.stderr
    assert run(capsys, "--all-files")[0] == 0  # and ztgate still honours all of it


def test_a_baseline_that_cannot_be_replaced_leaves_nothing_behind(tmp_path: Path) -> None:
    from ztgate.secrets.baseline import write_baseline

    target = tmp_path / ".secrets.baseline"
    target.mkdir()  # a directory where the file should go: os.replace fails
    with pytest.raises(OSError):
        write_baseline(target, {"results": {}})
    assert [p.name for p in tmp_path.iterdir()] == [".secrets.baseline"]
    assert target.is_dir() and not any(target.iterdir())
