"""The reporters: text for people, JSON, SARIF for code scanning, GitLab's secret report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ztgate import report as r
from ztgate.finding import Finding, Report, Rule, Severity

from tests.conftest import Repo
from tests.fakes import aws_key_id

CREDENTIAL = Rule("ZT101", "Credential in file", "remove it and rotate it")
PLACEHOLDER = Rule("ZT204", "Placeholder left in", "fill it in")
UNSIGNED = Rule("ZT301", "Unsigned commit", "sign it")
SHA = "0123456789abcdef0123456789abcdef01234567"


def finding(
    rule: Rule = CREDENTIAL,
    path: str | None = "app.py",
    line: int = 3,
    severity: Severity = Severity.ERROR,
    commit: str | None = None,
    message: str = "AWS Access Key AKIA…(20 chars)",
) -> Finding:
    return Finding(rule, path, line, 5, message, f"fp-{path}-{line}-{rule.id}", severity, commit)


def report(*findings: Finding, **options: object) -> Report:
    rules = tuple({f.rule.id: f.rule for f in findings}.values()) or (CREDENTIAL,)
    return Report("secrets", rules, tuple(findings), scanned=1, **options)  # type: ignore[arg-type]


# --- 1. warnings look different from errors ---


def test_an_error_keeps_the_contract_and_a_warning_is_marked() -> None:
    text = r.render_text(
        report(finding(), finding(PLACEHOLDER, "T.md", 7, Severity.WARNING, message="left in"))
    )
    assert "app.py:3:5: ZT101 AWS Access Key AKIA…(20 chars)\n" in text
    assert "T.md:7:5: ZT204 warning: left in\n" in text
    assert "1 error(s), 1 warning(s) in 2 file(s)" in text


def test_a_warning_is_greppable_from_a_gate(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    from ztgate.secrets import gate

    repo.write(".ztgate.yaml", "secrets:\n  severity:\n    aws-access-key-id: warning\n")
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    assert gate.main(["settings.py"]) == 0
    out = capsys.readouterr().out
    assert "settings.py:1:22: ZT101 warning: AWS Access Key" in out


# --- 2. every finding's fix, once per rule, from every gate ---


def test_one_fix_line_per_rule_with_findings() -> None:
    text = r.render_text(report(finding(line=1), finding(line=2)))
    assert text.count("fix (ZT101): remove it and rotate it\n") == 1
    assert "fix (ZT204)" not in r.render_text(report(finding()))
    assert "fix (" not in r.render_text(report())


def test_json_gives_each_finding_its_fix() -> None:
    document = json.loads(r.render_json(report(finding())))
    assert document["findings"][0]["fix"] == "remove it and rotate it"


def _secrets(repo: Repo, tmp_path: Path) -> list[str]:
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    return ["settings.py"]


def _threat_model(repo: Repo, tmp_path: Path) -> list[str]:
    return []  # no threat model at all: ZT201


def _pr(repo: Repo, tmp_path: Path) -> list[str]:
    body = tmp_path / "body.md"
    body.write_text("")
    return ["--body-file", str(body)]


def _signatures(repo: Repo, tmp_path: Path) -> list[str]:
    repo.write(".ztgate/allowed_signers", "alice@example.test ssh-ed25519 AAAA\n")
    base = repo.commit("base")  # a policy, so the unsigned commit is ZT301 (not ZT310)
    repo.commit("unsigned")
    return ["--range", f"{base}..HEAD"]


@pytest.mark.parametrize(
    ("module", "arrange", "rule_id"),
    [
        ("ztgate.secrets.gate", _secrets, "ZT101"),
        ("ztgate.threat_model.gate", _threat_model, "ZT201"),
        ("ztgate.pr.gate", _pr, "ZT408"),
        ("ztgate.signatures.gate", _signatures, "ZT301"),
    ],
)
def test_every_gate_prints_the_fix_of_each_rule_it_reports(
    repo: Repo,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    module: str,
    arrange: object,
    rule_id: str,
) -> None:
    import importlib

    gate = importlib.import_module(module)
    argv = arrange(repo, tmp_path)  # type: ignore[operator]
    assert gate.main(argv) == 1
    out = capsys.readouterr().out
    rule = _rule(gate, rule_id)
    assert out.count(f"fix ({rule_id}): {rule.fix}\n") == 1, out
    assert out.count("fix (") == len({line.split(": ")[1].split()[0] for line in _lines(out)})


def _rule(gate: object, rule_id: str) -> Rule:
    rules: dict[str, Rule] | tuple[Rule, ...] = gate.RULES  # type: ignore[attr-defined]
    return next(
        rule
        for rule in (rules.values() if isinstance(rules, dict) else rules)
        if rule.id == rule_id
    )


def _lines(out: str) -> list[str]:
    """The finding lines of a text report."""
    return [line for line in out.splitlines() if ": ZT" in line and not line.startswith("fix (")]


# --- 3. a commit's finding has no file ---


def test_a_commit_finding_shows_its_commit_not_a_file() -> None:
    found = finding(UNSIGNED, None, 0, commit=SHA, message='"wip" by Dev <d@x>: unsigned commit')
    signed = report(found, anchor=".ztgate/allowed_signers")
    assert f'{SHA[:12]}: ZT301 "wip" by Dev <d@x>: unsigned commit\n' in r.render_text(signed)
    assert "in 1 commit(s)" in r.summary_line(signed)
    entry = json.loads(r.render_json(signed))["findings"][0]
    assert entry["path"] is None and entry["line"] is None and entry["commit"] == SHA
    result = json.loads(r.render_sarif(signed))["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == ".ztgate/allowed_signers"
    assert location["region"] == {"startLine": 1, "startColumn": 1}
    assert result["message"]["text"].startswith(f"commit {SHA[:12]}: ")
    assert result["properties"]["commit"] == SHA


def test_the_signatures_gate_names_the_commit(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    from ztgate.signatures import gate

    repo.write(".ztgate/allowed_signers", "alice@example.test ssh-ed25519 AAAA\n")
    base = repo.commit("base")
    head = repo.commit("unsigned")
    assert gate.main(["--range", f"{base}..HEAD"]) == 1
    out = capsys.readouterr().out
    assert f'{head[:12]}: ZT301 "unsigned" by Test Committer' in out
    assert "allowed_signers:1:1" not in out


# --- 4. SARIF for GitHub code scanning ---


def test_each_run_has_its_gates_category_and_every_rule_is_ranked() -> None:
    document = json.loads(r.render_sarif(report(finding())))
    run = document["runs"][0]
    assert run["automationDetails"] == {"id": "ztgate/secrets/"}
    for rule in run["tool"]["driver"]["rules"]:
        properties = rule["properties"]
        assert 0.0 <= float(properties["security-severity"]) <= 10.0
        assert properties["precision"] in ("very-high", "high", "medium", "low")
        assert "security" in properties["tags"]


@pytest.mark.parametrize(
    ("gate", "category", "expected"),
    [
        ("secrets", "", "ztgate/secrets/"),
        ("secrets", "secrets-history", "ztgate/secrets-history/"),
        ("threat-model --gaps", "", "ztgate/threat-model-gaps/"),
        ("signatures", "", "ztgate/signatures/"),
        ("pr", "", "ztgate/pr/"),
    ],
)
def test_automation_id(gate: str, category: str, expected: str) -> None:
    assert Report(gate, (), (), category=category).automation_id == expected


def test_every_shipped_rule_has_the_security_severity_of_its_family() -> None:
    from ztgate.pr.check import RULES as PR_RULES
    from ztgate.secrets.gate import RULES as SECRET_RULES
    from ztgate.signatures.gate import RULES as SIGNATURE_RULES
    from ztgate.threat_model.gate import GAP_RULES
    from ztgate.threat_model.rules import RULES as TM_RULES

    expected = {"ZT1": 9.0, "ZT2": 5.0, "ZT3": 7.0, "ZT4": 3.0}
    rules = [
        *SECRET_RULES,
        *SIGNATURE_RULES.values(),
        *TM_RULES.values(),
        *GAP_RULES.values(),
        *PR_RULES.values(),
    ]
    for rule in rules:
        score = float(rule.security_severity)
        assert score == (5.0 if rule.id == "ZT104" else expected[rule.id[:3]]), rule
        assert rule.precision and "security" in rule.tags, rule


def test_the_sarif_cap_keeps_the_most_severe_and_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = [
        finding(PLACEHOLDER, "T.md", 1),
        finding(CREDENTIAL, "a.py", 2, Severity.WARNING),
        finding(CREDENTIAL, "b.py", 3),
        finding(UNSIGNED, None, 0, commit=SHA),
        finding(CREDENTIAL, "c.py", 4),
    ]
    capped = report(*findings)
    monkeypatch.setattr(r, "SARIF_MAX_RESULTS", 3)
    run = json.loads(r.render_sarif(capped))["runs"][0]
    assert [x["ruleId"] for x in run["results"]] == ["ZT101", "ZT301", "ZT101"]
    assert {x["level"] for x in run["results"]} == {"error"}
    assert run["properties"]["ztgate/truncated"]["results"] == 5
    assert run["properties"]["ztgate/truncated"]["kept"] == 3
    r.emit(capped, "sarif", str(tmp_path / "out.sarif"))
    out = capsys.readouterr().out
    assert "note: SARIF holds the 3 most severe of 5 findings" in out
    assert r.SARIF_MAX_RESULTS == 3 and r.sarif_cap_note(report(finding())) is None


def test_the_default_cap_is_githubs_limit_per_run() -> None:
    assert r.SARIF_MAX_RESULTS == 25_000


def test_ci_writes_one_category_per_gate(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ztgate import ci

    base = repo.commit("base")
    repo.commit("unsigned")
    ci.main(["--range", f"{base}..HEAD", "--sarif-dir", str(tmp_path / "sarif")])
    capsys.readouterr()
    categories = [
        json.loads(path.read_text())["runs"][0]["automationDetails"]["id"]
        for path in sorted((tmp_path / "sarif").iterdir())
    ]
    assert len(categories) == len(set(categories)) >= 4, categories


# --- 7. the signatures gate lists at most 50 failing commits in text ---


def test_text_lists_at_most_the_limit_then_how_many_more() -> None:
    commits = [finding(UNSIGNED, None, 0, commit=f"{i:040x}") for i in range(60)]
    capped = report(*commits, text_limit=50, limit_noun="failing commit(s)")
    text = r.render_text(capped)
    assert len(_lines(text)) == 50
    assert "... and 10 more failing commit(s)\n" in text
    assert "60 error(s)" in text
    assert len(json.loads(r.render_json(capped))["findings"]) == 60
    assert len(json.loads(r.render_sarif(capped))["runs"][0]["results"]) == 60


def test_the_signatures_gate_caps_its_lines(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ztgate.signatures import gate

    assert gate.TEXT_LIMIT == 50
    monkeypatch.setattr(gate, "TEXT_LIMIT", 2)
    base = repo.commit("base")
    for n in range(3):
        repo.commit(f"unsigned {n}")
    assert gate.main(["--range", f"{base}..HEAD"]) == 1
    out = capsys.readouterr().out
    assert len(_lines(out)) == 2 and "... and 1 more failing commit(s)" in out
    assert "3 error(s)" in out


# --- 5. GitLab's secret-detection report ---

REQUIRED_SCAN = {"analyzer", "scanner", "type", "start_time", "end_time", "status"}
REQUIRED_VULNERABILITY = {"id", "name", "description", "severity", "identifiers", "location"}
GITLAB_SEVERITIES = {"Info", "Unknown", "Low", "Medium", "High", "Critical"}


def assert_gitlab_shape(document: dict[str, object]) -> None:
    import re

    assert document["version"] == r.GITLAB_SCHEMA_VERSION
    assert str(document["version"]).startswith("15.")
    scan = document["scan"]
    assert isinstance(scan, dict) and REQUIRED_SCAN <= set(scan)
    assert scan["type"] == "secret_detection" and scan["status"] in ("success", "failure")
    for moment in (scan["start_time"], scan["end_time"]):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", moment)
    for part in (scan["analyzer"], scan["scanner"]):
        assert {"id", "name", "version", "vendor"} <= set(part) and part["vendor"]["name"]
    vulnerabilities = document["vulnerabilities"]
    assert isinstance(vulnerabilities, list)
    for vulnerability in vulnerabilities:
        assert REQUIRED_VULNERABILITY <= set(vulnerability)
        assert vulnerability["severity"] in GITLAB_SEVERITIES
        assert vulnerability["identifiers"]
        for identifier in vulnerability["identifiers"]:
            assert {"type", "name", "value"} <= set(identifier)
        location = vulnerability["location"]
        assert location["file"] and location["start_line"] >= 1 and location["commit"]["sha"]


def test_gitlab_report_shape() -> None:
    document = json.loads(r.render_gitlab(report(finding(), finding(commit=SHA, line=9))))
    assert_gitlab_shape(document)
    first, second = document["vulnerabilities"]
    assert first["severity"] == "Critical" and first["location"]["commit"]["sha"] == "0000000"
    assert second["location"]["commit"]["sha"] == SHA and first["id"] != second["id"]
    warned = json.loads(r.render_gitlab(report(finding(severity=Severity.WARNING))))
    assert warned["vulnerabilities"][0]["severity"] == "Low"


def test_the_secrets_gate_writes_a_gitlab_report(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ztgate.secrets import gate

    key = aws_key_id()
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{key}"\n')
    written = tmp_path / "gl-secret-detection-report.json"
    assert gate.main(["settings.py", "--gitlab-report", str(written)]) == 1
    assert "settings.py:1:22: ZT101" in capsys.readouterr().out  # text as usual
    text = written.read_text()
    document = json.loads(text)
    assert_gitlab_shape(document)
    (vulnerability,) = document["vulnerabilities"]
    assert vulnerability["location"]["file"] == "settings.py"
    assert vulnerability["location"]["start_line"] == 1
    assert key not in text and key[4:] not in text


def test_ci_writes_one_gitlab_report_from_both_secrets_runs(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ztgate import ci

    repo.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n"
        "      - {id: ztgate-secrets, name: s, entry: x, language: system}\n"
        "      - {id: ztgate-secrets-push, name: p, entry: x, language: system}\n",
    )
    base = repo.commit("base")
    key = aws_key_id()
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{key}"\n')
    head = repo.commit("a key")
    target = tmp_path / "gl-secret-detection-report.json"
    assert ci.main(["--range", f"{base}..HEAD", "--gitlab-report", str(target)]) == 1
    capsys.readouterr()
    text = target.read_text()
    document = json.loads(text)
    assert_gitlab_shape(document)
    # The work-tree file and the commit that adds it: one vulnerability each.
    assert sorted(v["location"]["commit"]["sha"] for v in document["vulnerabilities"]) == sorted(
        ["0000000", head]
    )
    assert key not in text and not list(tmp_path.glob("*.part"))


def test_the_gitlab_template_hands_the_report_to_the_merge_request_widget() -> None:
    from ruamel.yaml import YAML

    root = Path(__file__).resolve().parents[1]
    job = YAML(typ="safe").load((root / "templates" / "ci" / "gitlab-ci.yml").read_text())
    report = job["ztgate"]["artifacts"]["reports"]["secret_detection"]
    assert f"--gitlab-report {report}" in " ".join(job["ztgate"]["script"])


def test_a_secrets_run_that_could_not_finish_is_a_failed_scan(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ztgate import ci

    repo.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n"
        "      - {id: ztgate-secrets, name: s, entry: x, language: system}\n",
    )
    repo.write(".ztgate.yaml", "secrets: [not, a, mapping]\n")
    repo.commit("a broken policy")
    target = tmp_path / "gl-secret-detection-report.json"
    assert ci.main(["--gitlab-report", str(target)]) == 2
    capsys.readouterr()
    document = json.loads(target.read_text())
    assert_gitlab_shape(document)
    assert document["scan"]["status"] == "failure" and document["vulnerabilities"] == []


@pytest.mark.parametrize(
    "name",
    [
        "a\x1b[2K\x1b[1Aclean.py",  # erase the line, move up: hides the finding above
        "b\nsettings.py:1:1: ZT000 forged.py",  # a newline forging a finding line
        "c\u202eyp.txt",  # right-to-left override: shows another name
    ],
)
def test_a_file_name_cannot_rewrite_the_terminal(
    repo: Repo, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from ztgate.secrets import gate

    repo.write(name, f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.git("add", "--all")
    assert gate.main(["--all-files"]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "ZT000" not in out.replace("\\nsettings.py:1:1: ZT000", "")
    shown = name.encode("unicode_escape").decode("ascii")
    assert shown in out, out
