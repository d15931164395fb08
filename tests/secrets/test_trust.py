"""Attacks on the secrets gate through the change itself: a range or a push is judged by the
policy and baseline trusted before it (the range's base, what the remote has), never its own."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from ztgate.secrets import gate
from ztgate.secrets.baseline import hash_secret

from tests.conftest import Repo
from tests.fakes import aws_key_id


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = gate.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def branch_with_key(
    repo: Repo, policy_text: str | None, extra: dict[str, str] | None = None
) -> tuple[str, str, str]:
    """main with a README; a branch `pr` that adds a key and, in the same commit, loosens the
    policy (and writes any ``extra`` files). Returns (base, head, key)."""
    repo.write("README.md", "hello\n")
    base = repo.commit("root")
    repo.git("checkout", "-q", "-b", "pr")
    key = aws_key_id()
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{key}"\n')
    if policy_text is not None:
        repo.write(".ztgate.yaml", policy_text)
    for name, text in (extra or {}).items():
        repo.write(name, text)
    head = repo.commit("add settings")
    return base, head, key


@pytest.mark.parametrize(
    "loosening",
    [
        'secrets:\n  exclude: ["*"]\n',
        "secrets:\n  severity:\n    aws-access-key-id: off\n    AWS Access Key: off\n",
        "secrets:\n  disable: [aws-access-key-id, AWSKeyDetector]\n",
        "secrets:\n  secret_files: false\n  max_file_size: 1\n",
    ],
    ids=["exclude-everything", "severity-off", "disable", "tiny-max-size"],
)
def test_a_range_cannot_loosen_its_own_policy(
    repo: Repo, capsys: pytest.CaptureFixture[str], loosening: str
) -> None:
    base, head, _ = branch_with_key(repo, loosening)
    code, out = run(capsys, "--range", f"{base}..{head}")
    assert code == 1, out
    assert "settings.py:1:22: ZT103" in out
    if "exclude" in loosening:  # on the laptop the work tree's policy applies: CI judges again
        assert run(capsys, "settings.py")[0] == 0


def test_a_range_cannot_baseline_its_own_secret(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("root")
    repo.git("checkout", "-q", "-b", "pr")
    key = aws_key_id()
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{key}"\n')
    repo.git("add", "settings.py")
    assert run(capsys, "--update-baseline")[0] == 0
    assert hash_secret(key) in (repo.path / ".secrets.baseline").read_text()
    head = repo.commit("add settings and baseline it")
    code, out = run(capsys, "--range", f"{base}..{head}")
    assert code == 1, out
    assert "ZT103" in out


def test_the_base_policy_is_the_one_that_holds(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The trusted side is obeyed: an exclude merged on main applies to a PR branched before it
    (`main...pr` reads the policy at main's tip, not at the merge base)."""
    repo.write("README.md", "hello\n")
    repo.commit("root")
    repo.git("checkout", "-q", "-b", "pr")
    repo.write("fixtures/settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    head = repo.commit("fixture")
    repo.git("checkout", "-q", "main")
    repo.write(".ztgate.yaml", 'secrets:\n  exclude: ["fixtures/*"]\n')
    repo.commit("exclude fixtures")
    code, out = run(capsys, "--range", f"main...{head}")
    assert code == 0, out
    # The same exclude brought by the branch itself does not count.
    repo.git("checkout", "-q", "pr")
    repo.write(".ztgate.yaml", 'secrets:\n  exclude: ["fixtures/*", "*.py"]\n')
    repo.write("app.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    head = repo.commit("loosen and leak")
    code, out = run(capsys, "--range", f"main...{head}")
    assert code == 1 and "app.py:1:22: ZT103" in out, out


def test_a_baselined_secret_on_the_base_stays_accepted(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("root")
    key = aws_key_id()
    baseline = {
        "version": "1.5.0",
        "plugins_used": [],
        "filters_used": [],
        "results": {
            "settings.py": [
                {
                    "type": "AWS Access Key",
                    "filename": "settings.py",
                    "hashed_secret": hash_secret(key),
                    "is_verified": False,
                    "line_number": 1,
                }
            ]
        },
    }
    repo.write(".secrets.baseline", json.dumps(baseline, indent=2) + "\n")
    base = repo.commit("accept a known test key")
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{key}"\n')
    head = repo.commit("use it")
    code, out = run(capsys, "--range", f"{base}..{head}")
    assert code == 0, out
    assert "1 known secret(s) in the baseline" in out


def test_a_push_is_judged_by_what_the_remote_has(
    repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.write("README.md", "hello\n")
    pushed = repo.commit("root")
    repo.git("push", "-q", "origin", "main")
    repo.write(".ztgate.yaml", 'secrets:\n  exclude: ["*"]\n')
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    head = repo.commit("loosen and leak")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", pushed)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
    monkeypatch.setenv("PRE_COMMIT_REMOTE_NAME", "origin")
    code, out = run(capsys, "--push")
    assert code == 1 and "ZT103" in out, out
    # A new branch: judged by the policy at its branch point, which the remote has.
    monkeypatch.delenv("PRE_COMMIT_FROM_REF")
    code, out = run(capsys, "--push")
    assert code == 1 and "ZT103" in out, out


def test_a_policy_file_named_on_the_command_line_is_read_from_the_base(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head, _ = branch_with_key(repo, None, {"loose.yaml": 'secrets:\n  exclude: ["*"]\n'})
    code, out = run(capsys, "--range", f"{base}..{head}", "--policy", "loose.yaml")
    assert code == 2 and f"{base[:12]}:loose.yaml: policy file not found" in out, out


def test_usage_errors_are_errors(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("README.md", "hello\n")
    repo.commit("root")
    code, out = run(capsys)
    assert code == 2 and "no files to scan" in out and "--all-files" in out
    code, out = run(capsys, "nosuch.py", "README.md")
    assert code == 2 and "no such file: nosuch.py" in out
    (repo.path / "README.md").unlink()  # tracked, deleted in the work tree: nothing to scan
    code, out = run(capsys, "README.md")
    assert code == 0, out
    code, out = run(capsys, "--baseline", "nosuch.baseline", "README.md")
    assert code == 2 and "nosuch.baseline" in out and "not found" in out


def test_in_ci_a_file_scan_reads_the_target_branchs_policy(
    repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, head, _ = branch_with_key(repo, 'secrets:\n  exclude: ["*"]\n')
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys, "--all-files")
    assert code == 1 and "settings.py:1:22: ZT101" in out, out
    monkeypatch.delenv("GITHUB_EVENT_PATH")
    assert run(capsys, "--all-files")[0] == 0  # a laptop: its own work tree
    code, out = run(capsys, "--all-files", "--base", base)
    assert code == 1, out


def test_an_unknown_remote_is_an_error_not_the_whole_history(
    repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.write("README.md", "hello\n")
    repo.commit("root")
    code, out = run(capsys, "--push", "--remote", "nosuch")
    assert code == 2 and "`nosuch` is not a remote of this repository (remotes: origin)" in out
    code, out = run(capsys, "--push", "--remote", "origin")
    assert code == 0, out


@pytest.mark.parametrize(
    "comment", ["  # pragma: allowlist secret", "  # gitleaks:allow"], ids=["pragma", "gitleaks"]
)
def test_an_inline_allow_the_change_adds_is_shown_not_silent(
    repo: Repo, capsys: pytest.CaptureFixture[str], comment: str
) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("root")
    repo.write("b.py", f'aws_key = "{aws_key_id()}"{comment}\n')
    head = repo.commit("allow my own key")
    code, out = run(capsys, "--range", f"{base}..{head}")
    assert code == 0, out  # a warning: the comment is accepted practice, but never silent
    assert "b.py:1:" in out and "ZT103 warning:" in out
    assert "allowed by an inline comment the change adds" in out
