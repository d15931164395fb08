"""`ztgate ci` under a recorded GitHub pull_request event, and the CI templates we ship."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Protocol

import pytest
from ruamel.yaml import YAML
from ztgate import ci
from ztgate.trusted import Trusted

from tests.conftest import Repo
from tests.fakes import aws_key_id
from tests.pr.test_gate import FILLED, PR_TEMPLATE
from tests.signatures.test_gate import allow, ssh_commit, ssh_key
from tests.threat_model.example import EXAMPLE

ROOT = Path(__file__).resolve().parents[1]
CONFIG = """repos:
  - repo: local
    hooks:
      - {id: ztgate-secrets, name: s, entry: ztgate secrets, language: system}
      - {id: ztgate-secrets-push, name: p, entry: ztgate secrets --push, language: system}
      - {id: ztgate-threat-model, name: t, entry: ztgate threat-model, language: system}
      - {id: ztgate-signed-commits, name: c, entry: ztgate signatures, language: system}
      - {id: ztgate-pr, name: r, entry: ztgate pr, language: system}
"""


@pytest.fixture
def pull_request(repo: Repo, tmp_path: Path) -> tuple[str, str]:
    """A gated repo and a signed pull-request branch; returns (base sha, head sha)."""
    alice = ssh_key(tmp_path, "alice")
    allow(repo, "alice@example.test", alice)
    repo.write(".pre-commit-config.yaml", CONFIG)
    repo.write(".github/PULL_REQUEST_TEMPLATE.md", PR_TEMPLATE)
    repo.write(
        "THREAT_MODEL.md",
        EXAMPLE.replace("2026-11-01", str(date.today())).replace("2027-03-31", "2999-12-31"),
    )
    base = ssh_commit(repo, alice, "gated")
    repo.git("checkout", "-q", "-b", "feature")
    head = ssh_commit(repo, alice, "feature work")
    return base, head


def record_event(tmp_path: Path, base: str, head: str, body: str) -> str:
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "action": "opened",
                "pull_request": {
                    "body": body,
                    "user": {"login": "alice", "type": "User"},
                    "labels": [],
                    "base": {"sha": base},
                    "head": {"sha": head},
                },
            }
        )
    )
    return str(event)


class OpenPullRequest(Protocol):
    def __call__(self, head: str, body: str, *argv: str) -> tuple[int, str, str]:
        """`ztgate ci`'s exit code, stdout and stderr on a GitHub pull_request event from the
        fixture's base to ``head``, described by ``body``."""


@pytest.fixture
def open_pr(
    pull_request: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> OpenPullRequest:
    base, _ = pull_request

    def run(head: str, body: str, *argv: str) -> tuple[int, str, str]:
        monkeypatch.setenv("GITHUB_EVENT_PATH", record_event(tmp_path, base, head, body))
        code = ci.main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_ci_fails_on_an_empty_description_and_passes_on_a_filled_one(
    pull_request: tuple[str, str], open_pr: OpenPullRequest, tmp_path: Path
) -> None:
    _, head = pull_request
    code, out, _ = open_pr(head, "")
    assert code == 1
    assert "ZT408" in out
    assert "ztgate-pr              FAILED" in out and "ztgate-signed-commits  passed" in out
    code, out, _ = open_pr(head, FILLED, "--sarif-dir", str(tmp_path / "sarif"))
    assert code == 0, out
    assert sorted(p.name for p in (tmp_path / "sarif").iterdir()) == sorted(
        f"{hook}.sarif" for hook in ci.CI_FORMS
    )


def test_ci_blocks_what_a_laptop_skipped(repo: Repo, open_pr: OpenPullRequest) -> None:
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    head = repo.commit("unsigned, with a key")  # --no-verify: no hooks ran here
    code, out, _ = open_pr(head, FILLED)
    assert code == 1
    assert "ztgate-secrets-push    FAILED" in out and "ztgate-signed-commits  FAILED" in out


def test_only_the_hooks_the_config_enables_run(repo: Repo) -> None:
    repo.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n"
        "      - {id: ztgate-threat-model, name: t, entry: x, language: system, args: [--gaps]}\n",
    )
    assert ci.enabled_hooks(Trusted.work_tree(repo.path)) == [("ztgate-threat-model", ["--gaps"])]


def test_github_workflow_template_is_least_privilege_and_injection_free() -> None:
    text = (ROOT / "templates" / "ci" / "github-workflow.yml").read_text()
    workflow = YAML(typ="safe").load(text)
    assert workflow["permissions"] == {"contents": "read"}
    triggers = workflow.get("on") or workflow.get(True)
    assert set(triggers) == {"pull_request"}
    assert triggers["pull_request"]["types"] == ["opened", "edited", "synchronize", "reopened"]
    steps = workflow["jobs"]["ztgate"]["steps"]
    assert any(step.get("with", {}).get("fetch-depth") == 0 for step in steps)
    assert all("${{" not in step.get("run", "") for step in steps)
    assert any("upload-sarif" in step.get("uses", "") for step in steps)


def test_gitlab_template_runs_on_merge_requests_with_full_history() -> None:
    job = YAML(typ="safe").load((ROOT / "templates" / "ci" / "gitlab-ci.yml").read_text())["ztgate"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert any(line.startswith("ztgate ci --sarif-dir ztgate-sarif") for line in job["script"])


def test_a_pull_request_cannot_switch_off_the_gates_that_judge_it(
    repo: Repo, pull_request: tuple[str, str], open_pr: OpenPullRequest
) -> None:
    """The head drops every hook from the pre-commit config, loosens the threat-model policy and
    empties its own description: the base's config and policy still decide."""
    base, _ = pull_request
    repo.write(".pre-commit-config.yaml", "repos: []\n")
    repo.write(
        ".ztgate.yaml",
        "threat_model:\n  severity: {"
        + ", ".join(f"ZT2{n:02d}: off" for n in range(1, 23))
        + "}\n",
    )
    repo.write("THREAT_MODEL.md", "# nothing here\n")
    head = repo.commit("switch the gates off")
    code, out, _ = open_pr(head, "")
    assert code == 1
    assert f"gates and policy from commit {base[:12]}" in out
    assert "ztgate-pr              FAILED" in out
    assert "ztgate-threat-model    FAILED" in out
    assert "ztgate-signed-commits  FAILED" in out  # the head commit is unsigned


def test_github_workflow_template_passes_zizmor_and_actionlint(tmp_path: Path) -> None:
    """The ecosystem's own linters: zizmor (pinned actions, permissions, injection) and,
    where installed, actionlint (syntax, expressions)."""
    import shutil
    import subprocess
    import sys

    from ztgate import init
    from ztgate.installed import Requirement

    workflow = tmp_path / "ztgate.yml"
    workflow.write_text(init.ci_job("ci/github-workflow.yml", Requirement("ztgate==0.1.0", True)))
    zizmor = shutil.which("zizmor") or str(Path(sys.executable).with_name("zizmor"))
    result = subprocess.run(
        [zizmor, "--offline", "--no-progress", str(workflow)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (zizmor ran)")
    result = subprocess.run([actionlint, str(workflow)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_push_to_a_feature_branch_is_judged_by_the_default_branch(
    repo: Repo,
    pull_request: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On a push event, a feature branch's previous tip is whatever the pusher pushed before:
    the gates come from the default branch's tip instead."""
    base, _ = pull_request
    repo.git("update-ref", "refs/remotes/origin/main", base)
    repo.write(".pre-commit-config.yaml", "repos: []\n")
    first = repo.commit("push 1: switch the gates off")
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    second = repo.commit("push 2: the key")
    event = tmp_path / "push.json"
    event.write_text(
        json.dumps(
            {
                "ref": "refs/heads/feature",
                "before": first,
                "after": second,
                "repository": {"default_branch": "main"},
            }
        )
    )
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    assert ci.main([]) == 1
    out = capsys.readouterr().out
    assert f"gates and policy from commit {base[:12]}" in out
    assert "ztgate-secrets-push    FAILED" in out


def test_in_ci_without_a_target_nothing_is_judged_by_the_change_itself(
    repo: Repo,
    pull_request: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ztgate.secrets import gate as secrets_gate

    repo.write(".ztgate.yaml", 'secrets:\n  exclude: ["*"]\n')
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.commit("loosen and leak")
    monkeypatch.setenv("CI", "true")  # a branch pipeline, Jenkins...: no event names a target
    assert ci.main([]) == 2
    assert secrets_gate.main(["--all-files"]) == 2
    err = capsys.readouterr().err
    assert "names no target branch to trust" in err and "--base" in err
    base, _ = pull_request
    assert secrets_gate.main(["--all-files", "--base", base]) == 1


def test_a_trusted_config_without_ztgate_hooks_is_an_error(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".pre-commit-config.yaml", "repos: []\n")
    base = repo.commit("no gates")
    repo.write("a.txt", "a")
    head = repo.commit("change")
    assert ci.main(["--range", f"{base}..{head}"]) == 2
    assert "enables no ztgate hook" in capsys.readouterr().err


def test_ci_prints_the_threat_model_diff_after_the_gates(
    repo: Repo, pull_request: tuple[str, str], open_pr: OpenPullRequest
) -> None:
    """A report for the reviewer, not a gate: the weakening shows, the verdict is the gates'."""
    base, _ = pull_request
    model = (repo.path / "THREAT_MODEL.md").read_text()
    control = "| M2 | mTLS between all services in the VPC | implemented |"
    repo.write("THREAT_MODEL.md", model.replace(control, control.replace("implemented", "planned")))
    head = repo.commit("plan M2")
    _, out, _ = open_pr(head, FILLED)
    diff_at = out.index(f"== threat-model diff {base}...{head}")
    assert out.index("== ztgate-threat-model") < diff_at < out.index("\ngate ")
    assert "- control M2: implemented -> planned" in out[diff_at:]


def test_github_workflow_writes_the_threat_model_diff_to_the_job_summary() -> None:
    workflow = YAML(typ="safe").load(
        (ROOT / "templates" / "ci" / "github-workflow.yml").read_text()
    )
    steps = workflow["jobs"]["ztgate"]["steps"]
    summary = [step for step in steps if "GITHUB_STEP_SUMMARY" in step.get("run", "")]
    assert len(summary) == 1
    assert summary[0]["run"].startswith("ztgate threat-model diff --format markdown")
    assert summary[0]["if"] == "${{ !cancelled() }}"  # also when a gate failed
    # The job summary needs no write permission: the job's token stays read-only.
    assert "pull-requests" not in workflow["jobs"]["ztgate"]["permissions"]


def test_a_diff_that_cannot_be_read_changes_no_verdict(
    repo: Repo, open_pr: OpenPullRequest
) -> None:
    """The diff reports; the gates decide: a model broken at HEAD fails the threat-model gate
    (exit 1), and the diff's own error is one line beside it, not an exit 2."""
    repo.write("THREAT_MODEL.md", "---\nsystem: [unclosed\n---\n\n## Data flows\n")
    head = repo.commit("break the model")
    code, out, err = open_pr(head, FILLED)
    assert code == 1
    assert "ztgate-threat-model    FAILED" in out
    assert "THREAT_MODEL.md:2: front matter is not valid YAML" in err


def test_a_malformed_trusted_config_is_an_error_naming_it(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".pre-commit-config.yaml", "repos: [\n")
    base = repo.commit("broken config")
    assert ci.main(["--range", f"{base}..{base}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ztgate: error: {base[:12]}:.pre-commit-config.yaml: malformed YAML")


def test_the_enabled_hooks_each_once_with_their_args(repo: Repo) -> None:
    repo.write(
        ".pre-commit-config.yaml",
        """repos:
  - not a mapping
  - repo: local
    hooks:
      - just-a-string
      - {id: ztgate-secrets, args: [--format, json]}
      - {id: ztgate-secrets, args: [--again]}
      - {id: other-hook}
  - repo: local
""",
    )
    hooks = ci.enabled_hooks(Trusted.work_tree(repo.path))
    assert hooks == [("ztgate-secrets", ["--format", "json"])]


def test_without_a_range_the_range_gates_cannot_run(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a laptop with no --range and no CI event: the gates that judge a change say so and
    block, the others run on the work tree."""
    repo.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n"
        "      - {id: ztgate-secrets, name: s, entry: ztgate secrets, language: system}\n"
        "      - {id: ztgate-signed-commits, name: c, entry: ztgate signatures, "
        "language: system}\n",
    )
    repo.commit("config")
    assert ci.main([]) == 2
    captured = capsys.readouterr()
    assert "ztgate ci: gates and policy from the work tree" in captured.out
    assert (
        "ztgate ci: ztgate-signed-commits: no change range in this environment; pass --range"
        in captured.err
    )
