"""Attacks on the PR gate through the pull request itself: the template and the policy
(exemptions, required sections) are read at the target branch's tip, never from the head."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.pr.test_gate import FILLED, github_event, project, run

__all__ = ["project"]  # the fixture, imported for these tests


def pull_request_event(
    repo: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    base: str,
    **extra: object,
) -> None:
    event = github_event(tmp_path, body, base={"sha": base}, head={"sha": repo.head()}, **extra)
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))


def test_a_pull_request_cannot_exempt_its_own_author(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = project.head()
    project.git("checkout", "-q", "-b", "pr")
    project.write(".ztgate.yaml", "pr:\n  exempt_authors: [dev]\n")
    project.commit("exempt myself")
    pull_request_event(project, tmp_path, monkeypatch, "", base)
    code, out = run(capsys)
    assert code == 1 and "ZT408" in out, out
    # Merged, the exemption holds for the next pull request.
    pull_request_event(project, tmp_path, monkeypatch, "", project.head())
    code, out = run(capsys)
    assert code == 0 and "exempt" in out, out


def test_a_pull_request_cannot_trim_the_template(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = project.head()
    project.git("checkout", "-q", "-b", "pr")
    project.write(".github/PULL_REQUEST_TEMPLATE.md", "## Notes\n<!-- anything -->\n")
    project.commit("a friendlier template")
    pull_request_event(project, tmp_path, monkeypatch, "## Notes\nsmall fix\n", base)
    code, out = run(capsys)
    assert code == 1 and "ZT401" in out and "Security" in out, out
    # --base names the trusted side explicitly, e.g. on a laptop.
    body = tmp_path / "body.md"
    body.write_text("## Notes\nsmall fix\n")
    monkeypatch.delenv("GITHUB_EVENT_PATH")
    code, out = run(capsys, "--body-file", str(body), "--base", base)
    assert code == 1 and "ZT401" in out, out
    assert run(capsys, "--body-file", str(body))[0] == 0  # the laptop's own work tree


def test_a_pull_request_cannot_drop_required_sections_from_the_policy(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project.write(".ztgate.yaml", "pr:\n  required_sections: [Rollback plan]\n")
    base = project.commit("require a rollback plan")
    project.git("checkout", "-q", "-b", "pr")
    project.write(".ztgate.yaml", "pr: {}\n")
    project.commit("relax")
    pull_request_event(project, tmp_path, monkeypatch, FILLED, base)
    code, out = run(capsys)
    assert code == 1 and "ZT401" in out and "rollback plan" in out.lower(), out


def test_a_decoy_security_section_does_not_stand_in_for_the_real_one(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decoy = "## Security notes\nThreat model: #1\n\n" + FILLED.replace(
        "Trust boundaries: TB1", "Trust boundaries: TB-nowhere"
    )
    body = tmp_path / "body.md"
    body.write_text(decoy)
    code, out = run(capsys, "--body-file", str(body))
    assert code == 1 and "ZT404" in out and "TB-nowhere" in out, out
