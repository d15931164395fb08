"""`ztgate threat-model` end to end: files from the policy, formats, diagram, --gaps, bad input."""

from __future__ import annotations

import json

import pytest
from ztgate.threat_model import gate

from tests.conftest import Repo
from tests.threat_model.example import EXAMPLE, TEMPLATE, fresh


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = gate.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_policy_files_are_found_and_pass(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("THREAT_MODEL.md", fresh(EXAMPLE))
    repo.write("docs/threat-models/worker.md", fresh(EXAMPLE))
    code, out = run(capsys)
    assert code == 0, out
    assert "2 document(s) scanned" in out
    assert "coverage THREAT_MODEL.md: 5 threat(s): 4 mitigated, 1 accepted" in out


def test_missing_threat_model_blocks(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys)
    assert code == 1 and "THREAT_MODEL.md:1:1: ZT201 no threat model found" in out


def test_unfilled_template_fails_with_placeholders(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("THREAT_MODEL.md", TEMPLATE)
    code, out = run(capsys)
    assert code == 1
    assert "THREAT_MODEL.md:2:1: ZT204 placeholder `<system name>` left in" in out


@pytest.mark.parametrize("content", [b"\x00\x01binary", "caf\xe9".encode("latin-1")])
def test_unreadable_document(
    repo: Repo, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    repo.write("THREAT_MODEL.md", content)
    code, out = run(capsys)
    assert code == 1 and "THREAT_MODEL.md:1:1: ZT221" in out


def test_policy_files_severity_and_classes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    broken = fresh(EXAMPLE).replace("| M1 | mitigated |", "| M1 | open |")
    repo.write("security/model.md", broken)
    # The example's STRIDE gaps (ZT238 warnings) are switched off to count ZT222 alone.
    repo.write(
        ".ztgate.yaml", "threat_model:\n  files: ['security/*.md']\n  severity:\n    ZT238: 'off'\n"
    )
    code, out = run(capsys)
    assert code == 0 and "ZT222" in out and "1 warning(s)" in out
    repo.write(
        ".ztgate.yaml", "threat_model:\n  files: ['security/*.md']\n  severity:\n    ZT222: error\n"
    )
    assert run(capsys)[0] == 1
    repo.write(
        ".ztgate.yaml", "threat_model:\n  files: ['security/*.md']\n  severity:\n    ZT222: 'off'\n"
    )
    code, out = run(capsys)
    assert code == 0 and "ZT222" not in out
    repo.write(".ztgate.yaml", "threat_model:\n  sensitive_classes: [top-secret]\n")
    code, out = run(capsys)
    assert code == 2 and "top-secret" in out


def test_json_and_sarif_carry_lines_and_coverage(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("THREAT_MODEL.md", fresh(EXAMPLE).replace("mTLS with workload identity", "VPN"))
    code, out = run(capsys, "--format", "json")
    document = json.loads(out)
    assert code == 1
    finding = [f for f in document["findings"] if f["rule"] != "ZT238"][0]
    assert (
        finding["rule"] == "ZT216"
        and finding["line"]
        == EXAMPLE.split("\n").index(
            next(line for line in EXAMPLE.split("\n") if line.startswith("| F2 "))
        )
        + 1
    )
    assert document["coverage"]["THREAT_MODEL.md"]["threats"] == 5
    code, out = run(capsys, "--format", "sarif")
    sarif = json.loads(out)["runs"][0]
    result = [r for r in sarif["results"] if r["ruleId"] != "ZT238"][0]
    assert result["ruleId"] == "ZT216"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] > 1
    assert {r["id"] for r in sarif["tool"]["driver"]["rules"]} >= {"ZT201", "ZT215", "ZT216"}
    assert sarif["properties"]["coverage"]["THREAT_MODEL.md"]["entry_points"] == 2


def test_diagram_prints_and_writes_idempotently(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    unsafe = fresh(EXAMPLE).replace("API key in a secret manager, rotated", "none")
    path = repo.write("THREAT_MODEL.md", unsafe)
    code, out = run(capsys, "diagram", "THREAT_MODEL.md")
    assert code == 0
    assert out.startswith("```mermaid\nflowchart LR\n")
    assert 'subgraph b_tb1["TB1: Internet edge"]' in out
    assert (
        'n_mobile_app -->|"F1: Card numbers, Customer e-mail (HTTPS)<br/>T1"| n_api_gateway' in out
    )
    assert "linkStyle 2 stroke:#d32f2f" in out  # F3 crosses TB2 with no authentication
    assert "linkStyle 0" not in out
    assert run(capsys, "diagram", "THREAT_MODEL.md", "--write")[0] == 0
    once = path.read_text()
    assert "<!-- ztgate:diagram:start -->" in once
    code, out = run(capsys, "diagram", "THREAT_MODEL.md", "--write")
    assert "already up to date" in out and path.read_text() == once
    # The diagram section itself does not upset the linter.
    out = run(capsys, "THREAT_MODEL.md")[1]
    assert "ZT2" not in out.replace("ZT215", "").replace("ZT238", "").replace("ZT2 ", "")


GAP_DOCUMENTS = {
    "paired headings": (
        "# Security assessment\n\n## Threat-01-S Spoofed agent\n\nAn agent is impersonated.\n\n"
        "### Mitigations\n\nmTLS.\n\n## Threat-02-T Tampered config\n\nNo mitigation yet.\n",
        {"ZT235": 1},
    ),
    "threat id headings": (
        "# Paper\n\n## Threat ID 1\n\nReplay.\n\n## Mitigation ID 1\n\nNonces.\n\n"
        "## Threat ID 2\n\nFlood.\n",
        {"ZT235": 1},
    ),
    "bold labels": (
        "# Model\n\n- **Threat:** stolen token\n- **Mitigation:** short expiry\n\n"
        "- **Threat:** log injection\n- **Mitigation:** none\n",
        {"ZT235": 1},
    ),
    "table": (
        "# Threats\n\n| Threat | Controls |\n| --- | --- |\n| Build poisoning | Hermetic builds |\n"
        "| Dependency confusion | |\n\n## Out of scope\n\n- Compromised maintainers\n"
        "- Insider attacks (owner: security team)\n",
        {"ZT235": 1, "ZT236": 1},
    ),
}


@pytest.mark.parametrize("name", sorted(GAP_DOCUMENTS))
def test_gaps_reads_other_conventions(
    repo: Repo, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    text, expected = GAP_DOCUMENTS[name]
    repo.write("assessment.md", text)
    code, out = run(capsys, "--gaps", "--format", "json", "assessment.md")
    assert code == 1
    rules = [f["rule"] for f in json.loads(out)["findings"]]
    for rule, count in expected.items():
        assert rules.count(rule) == count, rules
    # none of them states boundaries or data classes
    assert "ZT231" in rules and "ZT232" in rules


def test_gaps_passes_our_own_format(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("THREAT_MODEL.md", fresh(EXAMPLE))
    code, out = run(capsys, "--gaps", "THREAT_MODEL.md")
    assert code == 0, out


def test_a_draft_model_reports_what_is_left_without_blocking(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    from ztgate.shipped import template_text
    from ztgate.threat_model import gate as tm_gate

    repo.write("THREAT_MODEL.md", template_text("THREAT_MODEL.md"))
    assert tm_gate.main([]) == 1  # enforced by default: the template's placeholders block
    enforced = capsys.readouterr().out
    errors = int(enforced.split("FAILED: ")[1].split(" error")[0])
    repo.write(".ztgate.yaml", "threat_model:\n  enforce: false\n")
    assert tm_gate.main([]) == 0
    out = capsys.readouterr().out
    assert f"DRAFT: {errors} finding(s) left to fill" in out
    assert "ZT204" in out and "warning" in out
    assert tm_gate.main(["--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert len(findings) >= errors and {f["severity"] for f in findings} == {"warning"}


INSIDE = (
    "| Payment status | none | PostgreSQL | IAM database auth | TLS |",
    "| {data} | none | PostgreSQL | same namespace | none (in-cluster) |",
)


@pytest.mark.parametrize(
    ("data", "policy", "expected"),
    [
        ("Card numbers", "", "error"),  # restricted: unprotected anywhere is an error
        ("Customer e-mail", "", "warning"),  # confidential inside a boundary: a warning
        ("Customer e-mail", "  inside_boundary: {confidential: error}\n", "error"),
        ("Card numbers", "  inside_boundary: {restricted: warning}\n", "warning"),
        ("Card numbers", "  inside_boundary: {restricted: 'off'}\n", None),
        ("Payment status", "  inside_boundary: {internal: warning}\n", "warning"),
        ("Payment status", "", None),
    ],
)
def test_inside_a_boundary_severity_per_class(
    repo: Repo, capsys: pytest.CaptureFixture[str], data: str, policy: str, expected: str | None
) -> None:
    old, new = INSIDE
    repo.write("THREAT_MODEL.md", fresh(EXAMPLE).replace(old, new.format(data=data)))
    if policy:
        repo.write(".ztgate.yaml", "threat_model:\n" + policy)
    code, out = run(capsys, "--format", "json")
    found = [f for f in json.loads(out)["findings"] if f["rule"] == "ZT226"]
    assert [f["severity"] for f in found] == ([expected] if expected else []), out
    assert code == (1 if expected == "error" else 0), out


def test_inside_boundary_names_a_class_the_policy_lacks(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("THREAT_MODEL.md", fresh(EXAMPLE))
    repo.write(".ztgate.yaml", "threat_model:\n  inside_boundary: {secret: error}\n")
    code, out = run(capsys)
    assert code == 2 and "secret" in out
    repo.write(".ztgate.yaml", "threat_model:\n  inside_boundary: {restricted: fatal}\n")
    code, out = run(capsys)
    assert code == 2 and "inside_boundary" in out


def test_evidence_paths_are_looked_up_in_the_work_tree(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://git.example.com/payments/blob/main/"
    text = fresh(EXAMPLE).replace(f"| {url}docs/auth.md |", "| docs/auth.md#dpop |")
    text = text.replace(f"| {url}deploy/mesh.yaml |", "| ../mesh.yaml |")  # beside the document
    text = text.replace(f"| {url}deploy/secrets.yaml |", "| ../../../etc/passwd |")
    text = text.replace(f"| {url}gateway/limits.yaml |", "| docs/auth.md#rate-limits |")
    repo.write("docs/threat-models/payments.md", text)
    repo.write("docs/auth.md", "# Auth\n\n## DPoP\n")
    repo.write("docs/mesh.yaml", "mtls: strict\n")
    code, out = run(capsys, "--format", "json")
    found = [(f["rule"], f["message"]) for f in json.loads(out)["findings"] if f["rule"] != "ZT238"]
    # the document's own folder and the root both resolve; nothing outside the repository
    # does, and an anchor must be a heading of the file
    assert found == [
        (
            "ZT229",
            "implemented control M3: evidence `../../../etc/passwd` does not exist in the "
            "repository",
        ),
        (
            "ZT229",
            "implemented control M4: evidence `docs/auth.md#rate-limits` does not exist in "
            "the repository (file or heading)",
        ),
    ], out
    assert code == 1


def test_inferred_components_are_a_note(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    start = EXAMPLE.index("## Components")
    without = EXAMPLE[:start] + EXAMPLE[EXAMPLE.index("## Data flows") :]
    repo.write("THREAT_MODEL.md", fresh(without))
    code, out = run(capsys)
    assert code == 0, out
    assert "no Components table; inferred kinds" in out
    assert "TB2: Payments DB, Payments worker" in out
    assert "external: Card processor, Mobile app" in out and "store: Payments DB" in out
    repo.write("THREAT_MODEL.md", fresh(EXAMPLE))
    assert "inferred" not in run(capsys)[1]


def test_diagram_reddens_network_trust_and_derived_crossings(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = fresh(EXAMPLE).replace("mTLS with workload identity", "Kubernetes NetworkPolicy")
    text = text.replace("| Card numbers | TB1, TB2 | gRPC |", "| Card numbers | | gRPC |")
    repo.write("THREAT_MODEL.md", text)
    code, out = run(capsys, "diagram", "THREAT_MODEL.md")
    assert code == 0 and "linkStyle 1 stroke:#d32f2f" in out, out  # F2, crossing undeclared


# Who decides a finding's severity: the policy's level for the rule, else the problem's own
# (a rule that weighs its finding, as ZT226 by the data's class), else the rule's default.
# A problem's own `off` is dropped unless the policy levels the rule.
@pytest.mark.parametrize(
    ("rule", "own", "policy", "expected"),
    [
        ("ZT215", None, None, "error"),  # the rule's default
        ("ZT222", None, None, "warning"),  # a warning by default
        ("ZT215", "warning", None, "warning"),  # the problem's own beats the default
        ("ZT222", "error", None, "error"),
        ("ZT215", "off", None, None),  # its own off: dropped
        ("ZT215", "off", "warning", "warning"),  # the policy re-enables it
        ("ZT215", "off", "error", "error"),
        ("ZT215", "warning", "off", None),  # the policy's off wins over the problem's own
        ("ZT215", "warning", "error", "error"),
        ("ZT215", "error", "warning", "warning"),
        ("ZT215", None, "off", None),
        ("ZT222", None, "error", "error"),  # the policy's word beats the default
        ("ZT235", None, None, "error"),  # a --gaps rule levels the same way
        ("ZT235", None, "warning", "warning"),
    ],
)
def test_severity_precedence(
    repo: Repo,
    monkeypatch: pytest.MonkeyPatch,
    rule: str,
    own: str | None,
    policy: str | None,
    expected: str | None,
) -> None:
    from dataclasses import replace

    from ztgate.finding import Problem, fingerprint
    from ztgate.policy import Policy, ThreatModelPolicy
    from ztgate.threat_model import stride

    repo.write("THREAT_MODEL.md", "# Model\n")
    problem = Problem(rule, 3, f"{rule} at line 3", severity=own)
    monkeypatch.setattr(gate, "run_checks", lambda model, settings: [problem])
    monkeypatch.setattr(stride, "element_checks", lambda model: [])
    levels = ((rule, policy),) if policy else ()
    judged = replace(Policy(), threat_model=ThreatModelPolicy(severity=levels))
    report = gate.lint(repo.path, judged, ["THREAT_MODEL.md"], use_gaps=False)
    found = [
        (f.rule.id, f.line, f.message, f.severity.value, f.fingerprint) for f in report.findings
    ]
    if expected is None:
        assert found == []
    else:
        where = fingerprint("THREAT_MODEL.md", rule, problem.message)
        assert found == [(rule, 3, problem.message, expected, where)]


@pytest.mark.parametrize(
    ("policy", "expected"), [(None, "error"), ("warning", "warning"), ("off", None)]
)
def test_severity_of_a_missing_model(repo: Repo, policy: str | None, expected: str | None) -> None:
    from dataclasses import replace

    from ztgate.policy import Policy, ThreatModelPolicy

    levels = (("ZT201", policy),) if policy else ()
    judged = replace(Policy(), threat_model=ThreatModelPolicy(severity=levels))
    report = gate.lint(repo.path, judged, [], use_gaps=False)
    assert [(f.rule.id, f.path, f.severity.value) for f in report.findings] == (
        [("ZT201", "THREAT_MODEL.md", expected)] if expected else []
    )
