"""The PR gate on real descriptions: GitHub and GitLab environments, template, threat model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ztgate.pr import gate

from tests.conftest import Repo
from tests.threat_model.example import EXAMPLE

PR_TEMPLATE = (
    Path(__file__).resolve().parents[2] / "templates" / "PULL_REQUEST_TEMPLATE.md"
).read_text()

FILLED = """## What this changes
Adds rate limiting to the payments endpoint.

## Security
Trust boundaries: TB1
Data classes: restricted
Threat model: No threat-model impact: limits only count requests per customer; no new data, flow or boundary.

## Checklist
- [x] Tests cover the change
- [x] No secrets, keys or credentials are added
- [ ] Documentation is updated
"""


@pytest.fixture
def project(repo: Repo) -> Repo:
    repo.write(".github/PULL_REQUEST_TEMPLATE.md", PR_TEMPLATE)
    repo.write("THREAT_MODEL.md", EXAMPLE)
    repo.commit("base")
    return repo


def github_event(tmp_path: Path, body: str | None, **extra: object) -> Path:
    event = {
        "pull_request": {
            "body": body,
            "user": {"login": "dev", "type": "User"},
            "labels": [],
            "base": {"sha": ""},
            "head": {"sha": ""},
            **extra,
        }
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = gate.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_filled_description_passes(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(github_event(tmp_path, FILLED)))
    code, out = run(capsys)
    assert code == 0, out


def test_null_body_is_an_empty_description(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(github_event(tmp_path, None)))
    code, out = run(capsys)
    assert code == 1 and "ZT408" in out


def test_unfilled_template_fails_with_lines(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text(PR_TEMPLATE)
    code, out = run(capsys, "--body-file", str(body))
    assert code == 1
    assert f"{body}:1:1: ZT402 section `What this changes` is not filled" in out
    assert "ZT402 section `Security` is not filled" in out
    assert "ZT403 `tests cover the change` is not ticked" in out


@pytest.mark.parametrize(
    "change, rule",
    [
        ("Trust boundaries: TB1", "Trust boundaries: TB9"),
        ("Data classes: restricted", "Data classes: eyes-only"),
        (
            "Threat model: No threat-model impact: limits only count requests per customer; no new data, flow or boundary.",
            "Threat model:",
        ),
        ("- [x] Tests cover the change", "- [ ] Tests cover the change"),
        ("## Security", "## Notes"),
    ],
)
def test_each_rule_fires(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str, rule: str
) -> None:
    body = tmp_path / "body.md"
    body.write_text(FILLED.replace(change, rule))
    code, out = run(capsys, "--body-file", str(body))
    assert code == 1, out
    expected = {
        "TB9": "ZT404",
        "eyes-only": "ZT405",
        "Threat model:": "ZT406",
        "- [ ]": "ZT403",
        "## Notes": "ZT401",
    }
    assert next(v for k, v in expected.items() if k in rule) in out


def test_struck_through_checkbox_counts_as_not_applicable(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text(
        FILLED.replace(
            "- [x] Tests cover the change", "- [ ] ~~Tests cover the change~~ (docs only)"
        )
    )
    assert run(capsys, "--body-file", str(body))[0] == 0


def test_html_comments_do_not_fill_a_section(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text(
        FILLED.replace("Adds rate limiting to the payments endpoint.", "<!-- later -->")
    )
    code, out = run(capsys, "--body-file", str(body))
    assert code == 1 and "ZT402 section `What this changes`" in out


def test_short_reason_fails_when_a_mapped_component_changes(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project.write(".ztgate.yaml", "pr:\n  components:\n    'services/payments/**': Payments\n")
    base = project.commit("map the payments component")  # in CI the base's policy holds
    project.write("services/payments/limits.py", "LIMIT = 10\n")
    head = project.commit("limits")
    short = FILLED.replace(
        "limits only count requests per customer; no new data, flow or boundary.", "none really"
    )
    event = github_event(tmp_path, short, base={"sha": base}, head={"sha": head})
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys)
    assert code == 1 and "ZT407" in out and "services/payments/limits.py" in out
    event = github_event(tmp_path, FILLED, base={"sha": base}, head={"sha": head})
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    assert run(capsys)[0] == 0


def test_bots_and_recorded_skips(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event = github_event(tmp_path, "", user={"login": "dependabot[bot]", "type": "Bot"})
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys)
    assert code == 0 and "exempt" in out
    body = tmp_path / "body.md"
    body.write_text("ztgate-skip: revert of #12, described there in full\n")
    code, out = run(capsys, "--body-file", str(body))
    assert code == 0 and "recorded reason: revert of #12" in out


def test_gitlab_truncation_and_missing_input(
    project: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CI_MERGE_REQUEST_DESCRIPTION", FILLED[:100])
    monkeypatch.setenv("CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED", "true")
    code, out = run(capsys)
    assert code == 2 and "truncated" in out
    monkeypatch.setenv("CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED", "false")
    monkeypatch.setenv("CI_MERGE_REQUEST_DESCRIPTION", FILLED)
    assert run(capsys)[0] == 0
    monkeypatch.delenv("CI_MERGE_REQUEST_DESCRIPTION")
    monkeypatch.delenv("CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED")
    code, out = run(capsys)
    assert code == 2 and "no pull request description" in out


def test_malformed_event_is_exit_2(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event = tmp_path / "event.json"
    event.write_text("{not json")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    assert run(capsys)[0] == 2


def test_findings_in_json_and_sarif(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text(FILLED.replace("Trust boundaries: TB1", "Trust boundaries: TB9"))
    code, out = run(capsys, "--body-file", str(body), "--format", "json")
    finding = json.loads(out)["findings"][0]
    assert finding["rule"] == "ZT404" and finding["line"] == 5
    code, out = run(capsys, "--body-file", str(body), "--format", "sarif")
    assert (
        json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"][
            "startLine"
        ]
        == 5
    )


def test_policy_adds_required_sections_and_checkboxes(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text(FILLED)
    assert run(capsys, "--body-file", str(body))[0] == 0
    project.write(
        ".ztgate.yaml",
        "pr:\n  required_sections: [Rollback plan]\n"
        "  required_checkboxes: [Documentation is updated]\n",
    )
    code, out = run(capsys, "--body-file", str(body))
    assert code == 1
    assert "ZT401 section `rollback plan` is missing" in out
    assert "ZT403 `documentation is updated` is not ticked" in out
