"""The PR gate on real descriptions: GitHub and GitLab environments, template, threat model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ztgate.pr import gate
from ztgate.pr.check import ModelView, check

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


def _head_here() -> str:
    """The current repository's HEAD: a real pull request always names its base."""
    import subprocess

    found = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True)
    return found.stdout.strip()


def github_event(tmp_path: Path, body: str | None, **extra: object) -> Path:
    head = _head_here()
    event = {
        "pull_request": {
            "body": body,
            "user": {"login": "dev", "type": "User"},
            "labels": [],
            "base": {"sha": head},
            "head": {"sha": head},
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


def test_fingerprints_are_pinned_and_independent_of_where_the_description_was_read(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A description has no stable path (stdin, a file, the CI event): its findings are
    fingerprinted by rule and message only, with the same recipe in every release, so code
    scanning keeps following a finding from one run to the next."""
    pinned = [
        ("ZT402", 1, "efe555edfdb79d75bb7239bd9e0e9a1a"),
        ("ZT402", 5, "e123c5529d3fcbb8850a0d6d6ea8ae73"),
        ("ZT406", 12, "b55d2d69cedb4b344f271eb01393cf07"),
        ("ZT403", 15, "f072539865372de4830b62edafde3f67"),
        ("ZT403", 16, "8ec4059b1cb94853bcd8f4c87bab7634"),
    ]
    for name in ("body.md", "elsewhere.md"):
        body = tmp_path / name
        body.write_text(PR_TEMPLATE)
        code, out = run(capsys, "--body-file", str(body), "--format", "json")
        assert code == 1, out
        findings = json.loads(out)["findings"]
        assert [(f["rule"], f["line"], f["fingerprint"]) for f in findings] == pinned


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
    project.write(
        ".ztgate.yaml", "pr:\n  components:\n    'services/payments/**': Payments worker\n"
    )
    base = project.commit("map the payments component")  # in CI the base's policy holds
    project.write("services/payments/limits.py", "LIMIT = 10\n")
    head = project.commit("limits")
    filled = FILLED.replace("Trust boundaries: TB1", "Trust boundaries: TB1, TB2")
    short = filled.replace(
        "limits only count requests per customer; no new data, flow or boundary.", "none really"
    )
    event = github_event(tmp_path, short, base={"sha": base}, head={"sha": head})
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys)
    assert code == 1 and "ZT407" in out and "services/payments/limits.py" in out
    event = github_event(tmp_path, filled, base={"sha": base}, head={"sha": head})
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    assert run(capsys)[0] == 0


def test_bots_are_exempt(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event = github_event(tmp_path, "", user={"login": "dependabot[bot]", "type": "Bot"})
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys)
    assert code == 0 and "exempt" in out


def test_gitlab_truncation_and_missing_input(
    project: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A merge request pipeline: GitLab names the target's tip, which the gate trusts.
    monkeypatch.setenv("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", project.head())
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
    assert code == 2 and "not for a merge request" in out
    monkeypatch.delenv("CI_MERGE_REQUEST_TARGET_BRANCH_SHA")
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


# --- Attacks on the gate: each test reproduces one way around it. ---


def _labels(*names: str) -> list[dict[str, str]]:
    return [{"name": name} for name in names]


@pytest.mark.parametrize(
    "body",
    [
        "ztgate-skip: revert of #12, described there in full\n",
        "<!--\nztgate-skip: revert of #12, described there in full\n-->\n",
        FILLED.replace("Threat model: No", "ztgate-skip: trust me, this is fine\nThreat model: x"),
    ],
)
def test_skip_text_in_the_body_does_not_skip_without_the_label(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    body: str,
) -> None:
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(github_event(tmp_path, body)))
    code, out = run(capsys)
    assert code == 1, out
    assert "skipped" not in out


def test_the_skip_label_skips_and_prints_the_reason_or_its_absence(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = "Hotfix.\n\nztgate-skip: revert of #12, described there in full\n"
    event = github_event(tmp_path, body, labels=_labels("bug", "ztgate-skip"))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys)
    assert code == 0, out
    assert "`ztgate-skip` label" in out and "reason: revert of #12" in out
    event = github_event(tmp_path, "Hotfix.\n", labels=_labels("ztgate-skip"))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys)
    assert code == 0, out
    assert "no reason was recorded" in out and "triage" in out


@pytest.mark.parametrize("missing", ["Trust boundaries: TB1\n", "Data classes: restricted\n"])
def test_every_label_of_the_security_section_is_required(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], missing: str
) -> None:
    body = tmp_path / "body.md"
    body.write_text(FILLED.replace(missing, ""))
    code, out = run(capsys, "--body-file", str(body))
    assert code == 1, out
    assert "ZT402 section `Security` is not filled" in out
    assert missing.split(":")[0] in out


@pytest.mark.parametrize(
    "answer",
    [
        "later",
        "TODO",
        "TBD",
        "see above",
        "?",
        "-",
        "pending",
        "will do",
        "yes",
        "No threat-model impact: TODO",
    ],
)
def test_placeholder_threat_model_answers_fail(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: str
) -> None:
    body = tmp_path / "body.md"
    body.write_text(
        FILLED.replace(
            "Threat model: No threat-model impact: limits only count requests per customer; "
            "no new data, flow or boundary.",
            f"Threat model: {answer}",
        )
    )
    code, out = run(capsys, "--body-file", str(body))
    assert code == 1, out
    assert "ZT406" in out


@pytest.mark.parametrize(
    "answer",
    [
        "THREAT_MODEL.md",
        "updated THREAT_MODEL.md (new flow F7)",
        "https://github.com/acme/pay/blob/rate-limits/THREAT_MODEL.md#data-flows",
        "[TM change](../blob/rate-limits/THREAT_MODEL.md)",
    ],
)
def test_threat_model_links_and_paths_pass(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: str
) -> None:
    base = project.head()
    project.write("THREAT_MODEL.md", EXAMPLE + "\n<!-- F7 to come -->\n")
    project.commit("threat model: note F7")  # the link must be a change the diff makes
    body = tmp_path / "body.md"
    body.write_text(
        FILLED.replace(
            "Threat model: No threat-model impact: limits only count requests per customer; "
            "no new data, flow or boundary.",
            f"Threat model: {answer}",
        )
    )
    code, out = run(capsys, "--body-file", str(body), "--base", base)
    assert code == 0, out


@pytest.mark.parametrize(
    "item",
    [
        "- [ ] Tests cover the change ~~x~~",
        "- [ ] ~~x~~ Tests cover the change",
        "- [ ] ~~Tests~~ cover the change",
        "- [ ] ~~Tests cover~~ the ~~change~~",
        "- [ ] ~~Tests cover the change~~ but not really, I am skipping it",
    ],
)
def test_a_checkbox_is_struck_only_when_its_whole_text_is(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], item: str
) -> None:
    body = tmp_path / "body.md"
    body.write_text(FILLED.replace("- [x] Tests cover the change", item))
    code, out = run(capsys, "--body-file", str(body))
    assert code == 1, out
    assert "ZT403 `tests cover the change` is not ticked" in out


def test_a_ticked_box_must_be_the_template_item(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text(
        FILLED.replace("- [x] Tests cover the change", "- [x] Tests cover the changelog")
    )
    code, out = run(capsys, "--body-file", str(body))
    assert code == 1 and "ZT403" in out, out


@pytest.mark.parametrize(
    "shas", [{"base": {}, "head": {}}, {"base": {"sha": "0" * 40}, "head": {"sha": "1" * 40}}]
)
def test_missing_diff_with_components_fails_closed(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    shas: dict[str, object],
) -> None:
    project.write(".ztgate.yaml", "pr:\n  components:\n    'services/payments/**': Payments\n")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(github_event(tmp_path, FILLED, **shas)))
    code, out = run(capsys)
    assert code == 2, out
    # No base: nothing to trust; a base not in the clone: nothing to read it from.
    assert "fetch" in out or "names no target branch" in out, out
    assert len(out.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "prefix, unit",
    [
        ("", "<!--"),  # an unterminated comment, opened again and again
        ("", "\n"),  # `^\s*` under re.M reaching across every following line
        ("", "<!-- ztgate: required -->\n"),  # a heading looked up again for every mark
        ("## Security\nTrust boundaries: ", "a, "),
        ("## Security\nThreat model: ", "]("),  # a link target that never closes
        ("## Checklist\n- [ ] ", "~~a"),
        # Punctuation around a placeholder word, cut from both ends.
        ("## Security\nTrust boundaries: ", "!"),
        ("## Security\nThreat model: No threat-model impact: ", "-."),
        # A link's tokens, each compared with the model documents.
        ("## Security\nThreat model: ", "x/"),
        ("## Security\nThreat model: ", "https://"),
        ("## Security\nThreat model: ", "THREAT_MODEL.md/"),
    ],
)
def test_reading_a_description_is_linear(prefix: str, unit: str) -> None:
    from ztgate.pr import check

    model = check.ModelView(
        boundaries={"tb1": "TB1"},
        touched=(check.Touched("API gateway", ("TB1", "TB2"), ("gateway/a.py",)),),
        documents=("THREAT_MODEL.md", "docs/threat-models/pay.md"),
        changed=("docs/threat-models/pay.md",),
    )
    expected = check.Expectations(data_classes=frozenset({"public"}), min_reason_length=40)

    def judge(body: str) -> None:
        check.check(body, PR_TEMPLATE, model, expected)
        check.skip_reason(body)

    from tests.worst_case import LINEAR, growth_ratio

    ratio = growth_ratio(judge, lambda size: prefix + (unit * (size // len(unit) + 1))[:size], 4000)
    assert ratio < LINEAR, ratio


def test_no_merge_base_with_components_fails_closed_with_the_fix(
    project: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Both commits are here but share no history (a shallow clone looks the same to git diff).
    project.write(".ztgate.yaml", "pr:\n  components:\n    'services/payments/**': Payments\n")
    base = project.commit("map the payments component")  # the base's policy holds in CI
    project.git("checkout", "-q", "--orphan", "unrelated")
    head = project.commit("unrelated history")
    event = github_event(tmp_path, FILLED, base={"sha": base}, head={"sha": head})
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys)
    assert code == 2 and "fetch-depth: 0" in out, out


def test_policy_severity_warns_or_drops_a_rule(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text(FILLED)
    required = "pr:\n  required_sections: [Rollback plan]\n"
    project.write(".ztgate.yaml", required + "  severity: {ZT401: warning}\n")
    code, out = run(capsys, "--body-file", str(body))
    assert code == 0 and "ZT401 warning: section `rollback plan` is missing" in out, out
    project.write(".ztgate.yaml", required + "  severity: {ZT401: off}\n")
    code, out = run(capsys, "--body-file", str(body))
    assert code == 0 and "ZT401" not in out, out


def test_where_the_description_comes_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from ztgate.errors import UserError
    from ztgate.pr.source import from_environment

    monkeypatch.setattr("sys.stdin", io.StringIO("## Summary\nfrom stdin\n"))
    piped = from_environment({}, "-")
    assert (piped.body, piped.source) == ("## Summary\nfrom stdin\n", "<stdin>")
    latin1 = tmp_path / "body.md"
    latin1.write_bytes("caf\xe9\n".encode("latin-1"))
    for name in (str(latin1), str(tmp_path / "missing.md")):
        with pytest.raises(UserError) as error:
            from_environment({}, name)
        assert error.value.one_line().startswith(f"{name}: cannot read the description: ")
    with pytest.raises(UserError) as error:
        from_environment({"CI": "true"}, None)
    assert error.value.one_line().startswith("no pull request description found (run in a")


def test_threat_models_that_cannot_be_read_name_no_component(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A binary or non-UTF-8 document matched by `threat_model.files` is skipped: it names no
    component, so a mapping to it is the policy's error, never a pass."""
    repo.write(".github/PULL_REQUEST_TEMPLATE.md", PR_TEMPLATE)
    repo.write("docs/threat-models/binary.md", b"# Model\0\x01\x02")
    repo.write("docs/threat-models/latin1.md", "# Mod\xe8le\n".encode("latin-1"))
    repo.write(
        ".ztgate.yaml",
        "threat_model:\n  files: [docs/threat-models/*.md]\n"
        "pr:\n  components:\n    'services/**': Payments worker\n",
    )
    base = repo.commit("base")
    repo.write("services/limits.py", "LIMIT = 10\n")
    head = repo.commit("limits")
    event = github_event(tmp_path, FILLED, base={"sha": base}, head={"sha": head})
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys)
    assert code == 2, out
    assert (
        "pr.components maps `services/**` to `Payments worker`, which is not a component of "
        f"the threat model at commit {base[:12]} (no readable document)"
    ) in out


def test_expectations_are_read_from_both_policy_sections() -> None:
    """The check's inputs from the policy, in one place: the threat model's data classes
    (compared lowercased) and the PR section's requirements."""
    from ztgate.policy import Policy, PrPolicy, ThreatModelPolicy
    from ztgate.pr.check import Expectations

    policy = Policy(
        threat_model=ThreatModelPolicy(data_classes=("Public", "PCI")),
        pr=PrPolicy(
            min_reason_length=12,
            required_sections=("Rollback plan",),
            required_checkboxes=("Docs updated",),
        ),
    )
    assert Expectations.from_policy(policy) == Expectations(
        data_classes=frozenset({"public", "pci"}),
        min_reason_length=12,
        required_sections=("Rollback plan",),
        required_checkboxes=("Docs updated",),
    )
    body = FILLED.replace("Data classes: restricted", "Data classes: pci")
    expected = Expectations.from_policy(policy)
    model = ModelView(boundaries={"tb1": "TB1"})
    problems = check(body, PR_TEMPLATE, model, expected)
    assert [(p.rule, p.message) for p in problems] == [
        ("ZT401", "section `rollback plan` is missing"),
        ("ZT403", "`docs updated` is not ticked"),
    ]


_NO_IMPACT_LINE = (
    "Threat model: No threat-model impact: limits only count requests per customer; "
    "no new data, flow or boundary."
)


@pytest.mark.parametrize(
    "answer, changed, touched, found",
    [
        ("No threat-model impact: TODO", (), False, ("ZT406", "needs a reason")),
        ("No threat-model impact: whitespace only", ("THREAT_MODEL.md",), False, ("ZT411", "")),
        ("No threat-model impact: tiny", (), True, ("ZT407", "has 4 characters (policy: 40)")),
        ("No threat-model impact: tiny", (), False, None),
        ("THREAT_MODEL.md\nNo threat model impact: -", ("THREAT_MODEL.md",), False, None),
        ("later", (), False, ("ZT406", "(`later` is neither)")),
        ("THREAT_MODEL.md", None, False, ("ZT410", "the diff is not available")),
        (
            "THREAT_MODEL.md",
            ("docs/threat-models/pay.md",),
            False,
            ("ZT410", "does not change (it changes docs/threat-models/pay.md)"),
        ),
        ("#7", (), False, ("ZT410", "points at `#7`, not a threat-model document")),
        ("see ./THREAT_MODEL.md", ("THREAT_MODEL.md",), False, None),
    ],
)
def test_the_threat_model_answer_cases(
    answer: str,
    changed: tuple[str, ...] | None,
    touched: bool,
    found: tuple[str, str] | None,
) -> None:
    """Each way `Threat model:` is answered, against a model view without git."""
    from ztgate.pr.check import Expectations, Touched

    model = ModelView(
        boundaries={"tb1": "TB1"},
        touched=(Touched("API gateway", ("TB1",), ("gateway/a.py",)),) if touched else (),
        documents=("THREAT_MODEL.md", "docs/threat-models/pay.md"),
        changed=changed,
    )
    body = FILLED.replace(_NO_IMPACT_LINE, f"Threat model: {answer}")
    every = check(body, PR_TEMPLATE, model, Expectations(frozenset({"restricted"}), 40))
    # A placeholder (`later`) also leaves the section unfilled (ZT402): not this test's concern.
    problems = [p for p in every if p.rule in {"ZT406", "ZT407", "ZT410", "ZT411"}]
    assert len(every) - len(problems) == (answer == "later"), every
    if found is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].rule == found[0], problems
        assert found[1] in problems[0].message, problems
