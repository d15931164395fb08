"""`ztgate threat-model diff`: two commits of a real model in a real repository, each kind of
change reported (weakenings first), missing and malformed documents, and the README's example."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from ztgate.threat_model import diff

from tests.conftest import Repo
from tests.fakes import aws_key_id
from tests.threat_model.example import EXAMPLE, ROOT, TEMPLATE

F2 = "| F2 | API gateway | Payments worker | Card numbers | TB1, TB2 | gRPC | mTLS with workload identity | mTLS |"
M2 = "| M2 | mTLS between all services in the VPC | implemented |"
T5_ACCEPTED = "| T5 | Ids are already hard to guess; the switch ships with PAY-42 | alice@example.com | 2027-03-31 |"


def commit_at(repo: Repo, when: str, message: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GIT_AUTHOR_DATE", f"{when}T12:00:00Z")
    monkeypatch.setenv("GIT_COMMITTER_DATE", f"{when}T12:00:00Z")
    return repo.commit(message)


def two_commits(
    repo: Repo,
    monkeypatch: pytest.MonkeyPatch,
    edits: list[tuple[str, str]],
    base_text: str = EXAMPLE,
    when: str = "2026-11-23",
) -> tuple[str, str]:
    repo.write("THREAT_MODEL.md", base_text)
    base = commit_at(repo, "2026-11-20", "model", monkeypatch)
    text = base_text
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    repo.write("THREAT_MODEL.md", text)
    head = commit_at(repo, when, "change the model", monkeypatch)
    return base, head


def run_diff(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = diff.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def validate_diff(report: object) -> None:
    from importlib import resources

    import jsonschema

    shipped = resources.files("ztgate").joinpath("schemas", "threat-model-diff.v1.schema.json")
    jsonschema.validate(report, json.loads(shipped.read_text(encoding="utf-8")))


def section_of(markdown: str, heading: str) -> str:
    """The list under a `**heading**` of the markdown report ("" when absent)."""
    match = re.search(rf"\*\*{heading}\*\*\n\n(.*?)(?:\n\n|\Z)", markdown, re.S)
    return match.group(1) if match else ""


# (name, edits, expected line fragment, the heading it must be under)
CHANGES = [
    (
        "mTLS to none weakens",
        [
            (
                F2,
                F2.replace(
                    "| mTLS with workload identity | mTLS |", "| none (in-cluster) | none |"
                ),
            )
        ],
        "flow F2: authentication `mTLS with workload identity` -> `none (in-cluster)` (credential -> none)",
        "Weakens",
    ),
    (
        "encryption to none weakens",
        [(F2, F2.replace("identity | mTLS |", "identity | none |"))],
        "flow F2: encryption `mTLS` -> `none` (encrypted -> none)",
        "Weakens",
    ),
    (
        "mTLS to a bearer token loses mutual TLS",
        [(F2, F2.replace("mTLS with workload identity", "OAuth2 bearer token"))],
        "flow F2: authentication `mTLS with workload identity` -> `OAuth2 bearer token` (mutual TLS dropped)",
        "Weakens",
    ),
    (
        "network location as authentication weakens",
        [(F2, F2.replace("mTLS with workload identity", "same VPC"))],
        "(credential -> network)",
        "Weakens",
    ),
    (
        "a stronger cell is a plain change",
        [("| HTTPS | API key in a secret manager, rotated |", "| HTTPS | mTLS |")],
        "flow F3: authentication `API key in a secret manager, rotated` -> `mTLS`",
        "Other changes",
    ),
    (
        "protocol",
        [(F2, F2.replace("| gRPC |", "| gRPC over HTTP/2 |"))],
        "flow F2: protocol `gRPC` -> `gRPC over HTTP/2`",
        "Other changes",
    ),
    (
        "a flow that now carries restricted data",
        [("| Payments DB | Payment status |", "| Payments DB | Payment status, Card numbers |")],
        "flow F4: now carries restricted data",
        "Weakens",
    ),
    (
        "crossings",
        [
            ("| C4 | Payments DB | store | TB2 |", "| C4 | Payments DB | store | |"),
            ("Payments worker, Payments DB |", "Payments worker |"),
        ],
        "flow F4: crosses none -> TB2 (+TB2)",
        "Other changes",
    ),
    (
        "flow added",
        [
            (
                "| F4 |",
                "| F5 | Payments worker | Payments DB | Payment status | none | PostgreSQL | IAM database auth | TLS |\n| F4 |",
            )
        ],
        "flow F5: added: Payments worker -> Payments DB, Payment status, crosses none",
        "Other changes",
    ),
    (
        "a second row with a duplicate id is not hidden",
        [("| F4 |", F2.replace("mTLS with workload identity | mTLS", "none | none") + "\n| F4 |")],
        "flow F2: added: API gateway -> Payments worker, Card numbers, crosses TB1, TB2, authentication `none`",
        "Other changes",
    ),
    (
        "flow removed",
        [
            (
                "| F4 | Payments worker | Payments DB | Payment status | none | PostgreSQL | IAM database auth | TLS |\n",
                "",
            )
        ],
        "flow F4: removed: Payments worker -> Payments DB",
        "Other changes",
    ),
    (
        "boundary added",
        [
            (
                "| TB2 | Payments VPC |",
                "| TB3 | Audit account | Audit log | Payments worker |\n| TB2 | Payments VPC |",
            )
        ],
        "boundary TB3: added: `Audit account`, inside: Audit log",
        "Other changes",
    ),
    (
        "boundary removed weakens",
        [
            (
                "| TB2 | Payments VPC | Payments worker, Payments DB | API gateway, Card processor |\n",
                "",
            )
        ],
        "boundary TB2: removed: `Payments VPC`: flows no longer cross it",
        "Weakens",
    ),
    (
        "boundary membership",
        [("| API gateway, Card processor |", "| API gateway, Card processor, Mobile app |")],
        "boundary TB2: outside +Mobile app",
        "Other changes",
    ),
    (
        "system and owner",
        [
            ("system: Payments API", "system: Payments"),
            ("owner: payments-team@", "owner: platform-team@"),
        ],
        "document: owner `payments-team@example.com` -> `platform-team@example.com`",
        "Other changes",
    ),
    (
        "component kind",
        [("| C4 | Payments DB | store |", "| C4 | Payments DB | process |")],
        "component Payments DB: kind store -> process",
        "Other changes",
    ),
    (
        "data classified lower weakens",
        [("| Customer e-mail | confidential |", "| Customer e-mail | internal |")],
        "data class Customer e-mail: confidential -> internal: classified lower",
        "Weakens",
    ),
    (
        "data class added",
        [
            (
                "| Payment status | internal |",
                "| Payment status | internal |\n| Audit events | confidential |",
            )
        ],
        "data class Audit events: added: confidential",
        "Other changes",
    ),
    (
        "entry point added",
        [("| EP2 |", "| EP3 | POST /v1/refunds | Internet | Payment status |\n| EP2 |")],
        "entry point EP3: added: `POST /v1/refunds`, exposed to Internet",
        "Other changes",
    ),
    (
        "threat status falls",
        [("| EP1 | M4 | mitigated |", "| EP1 | M4 | open |")],
        "threat T4: mitigated -> open",
        "Weakens",
    ),
    (
        "threat status rises",
        [
            ("| EP2 | M5 | accepted |", "| EP2 | M5 | mitigated |"),
            ("| planned | https://tracker", "| implemented | https://tracker"),
        ],
        "threat T5: accepted -> mitigated",
        "Other changes",
    ),
    (
        "threat added",
        [("| T5 |", "| T6 | Refund replayed | Tampering | EP1 | M4 | mitigated |\n| T5 |")],
        "threat T6: added: `Refund replayed`, mitigated",
        "Other changes",
    ),
    (
        "threat removed weakens",
        [
            (
                "| T4 | Payment flood exhausts the processor quota | Denial of service | EP1 | M4 | mitigated |\n",
                "",
            )
        ],
        "threat T4: removed: `Payment flood exhausts the processor quota` (mitigated) is no longer in the model",
        "Weakens",
    ),
    (
        "control implemented to planned weakens, and its threat is effectively open",
        [(M2, M2.replace("implemented", "planned"))],
        "control M2: implemented -> planned",
        "Weakens",
    ),
    (
        "control implemented to planned: the threat",
        [(M2, M2.replace("implemented", "planned"))],
        "threat T2: still marked mitigated, but no linked control is implemented now: effectively open",
        "Weakens",
    ),
    (
        "control planned to implemented",
        [("| planned | https://tracker", "| implemented | https://tracker")],
        "control M5: planned -> implemented",
        "Other changes",
    ),
    (
        "control evidence",
        [("blob/main/gateway/limits.yaml", "blob/main/gateway/limits-v2.yaml")],
        "control M4: evidence",
        "Other changes",
    ),
    (
        "acceptance added weakens",
        [
            ("| EP1 | M4 | mitigated |", "| EP1 | M4 | accepted |"),
            (
                T5_ACCEPTED,
                T5_ACCEPTED + "\n| T4 | The processor absorbs it | bob@example.com | 2027-06-30 |",
            ),
        ],
        "accepted risk T4: added: owner `bob@example.com`, expires 2027-06-30: accepted, not mitigated",
        "Weakens",
    ),
    (
        "acceptance removed",
        [(T5_ACCEPTED + "\n", ""), ("| EP2 | M5 | accepted |", "| EP2 | M5 | open |")],
        "accepted risk T5: removed: owner `alice@example.com`",
        "Other changes",
    ),
    (
        "acceptance owner and expiry",
        [(T5_ACCEPTED, T5_ACCEPTED.replace("alice", "carol").replace("2027-03-31", "2027-09-30"))],
        "accepted risk T5: expires 2027-03-31 -> 2027-09-30",
        "Other changes",
    ),
]


@pytest.mark.parametrize(
    ("edits", "expected", "heading"),
    [case[1:] for case in CHANGES],
    ids=[case[0] for case in CHANGES],
)
def test_each_kind_of_change_is_reported_under_its_heading(
    repo: Repo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    edits: list[tuple[str, str]],
    expected: str,
    heading: str,
) -> None:
    base, head = two_commits(repo, monkeypatch, edits)
    code, out, err = run_diff([f"{base}..{head}"], capsys)
    assert code == 0, err  # a report, never a gate
    assert expected in section_of(out, heading), out
    for other in {"Weakens", "Other changes"} - {heading}:
        assert expected not in section_of(out, other), out


def test_an_unchanged_model_says_so(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Spelling that changes no meaning: column order, spacing.
    base, head = two_commits(repo, monkeypatch, [("| M5 | Random", "|  M5  |  Random")])
    code, out, _ = run_diff([f"{base}..{head}"], capsys)
    assert code == 0
    assert "No change to what the model says." in out


def test_acceptances_expiring_within_30_days_of_heads_commit_date(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = two_commits(
        repo, monkeypatch, [("| M5 | Random", "| M5 | Truly random")], when="2027-03-10"
    )
    _, out, _ = run_diff([f"{base}..{head}"], capsys)
    assert "- accepted risk T5: expires 2027-03-31 (in 21 days)" in section_of(out, "Expiring")
    assert "of 2027-03-10 (HEAD's commit date)" in out
    # 30 days and one before: not yet; after the date: expired, a weakening.
    repo.write("THREAT_MODEL.md", EXAMPLE)
    early = commit_at(repo, "2027-02-28", "early", monkeypatch)
    _, out, _ = run_diff([f"{base}..{early}"], capsys)
    assert "Expiring" not in out
    late = commit_at(repo, "2027-04-01", "late", monkeypatch)
    _, out, _ = run_diff([f"{base}..{late}"], capsys)
    assert "- accepted risk T5: expired on 2027-03-31" in section_of(out, "Weakens")


def test_a_model_new_at_head_is_all_added_and_one_gone_is_all_removed(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("app.py", "print('hello')\n")
    empty = repo.commit("no model yet")
    repo.write("THREAT_MODEL.md", EXAMPLE)
    model = repo.commit("the model")
    repo.git("rm", "-q", "THREAT_MODEL.md")
    gone = repo.commit("drop the model")
    code, out, _ = run_diff([f"{empty}..{model}"], capsys)
    assert code == 0
    assert "#### `THREAT_MODEL.md` (new at HEAD)" in out
    assert "- flow F2: added: API gateway -> Payments worker" in out
    assert "removed" not in out
    code, out, _ = run_diff([f"{model}..{gone}", "--format", "json"], capsys)
    assert code == 0
    validate_diff(json.loads(out))
    document = json.loads(out)["documents"][0]
    assert (document["at_base"], document["at_head"]) == (True, False)
    first = document["changes"][0]
    assert first == {
        "section": "document",
        "id": "THREAT_MODEL.md",
        "change": "removed",
        "text": "the threat model is gone at HEAD",
        "weakens": True,
    }
    assert {c["change"] for c in document["changes"]} == {"removed"}
    code, out, _ = run_diff([f"{model}..{gone}"], capsys)
    assert "(**removed at HEAD**)" in out
    assert section_of(out, "Weakens").startswith("- document: removed: the threat model is gone")


def test_documents_are_those_the_policy_at_base_names(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A change cannot hide its own model from the diff by editing the policy's file list:
    BASE's policy names the documents (a new one at HEAD that matches is reported)."""
    repo.write("docs/threat-models/payments.md", EXAMPLE)
    base = repo.commit("model under docs/")
    weakened = EXAMPLE.replace(F2, F2.replace("mTLS with workload identity", "none"))
    repo.write("docs/threat-models/payments.md", weakened)
    repo.write("docs/threat-models/refunds.md", EXAMPLE)
    repo.write(".ztgate.yaml", "threat_model:\n  files: [nothing.md]\n")
    head = repo.commit("weaken, and point the policy elsewhere")
    _, out, _ = run_diff([f"{base}..{head}"], capsys)
    assert "#### `docs/threat-models/payments.md`" in out
    assert "flow F2: authentication" in section_of(out, "Weakens")
    assert "#### `docs/threat-models/refunds.md` (new at HEAD)" in out
    # Files given on the command line are those compared.
    _, out, _ = run_diff([f"{base}..{head}", "docs/threat-models/refunds.md"], capsys)
    assert "payments.md" not in out and "refunds.md` (new at HEAD)" in out


def test_three_dots_compare_with_the_merge_base(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("THREAT_MODEL.md", EXAMPLE)
    repo.commit("model")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("THREAT_MODEL.md", EXAMPLE.replace(M2, M2.replace("implemented", "planned")))
    repo.commit("plan M2")
    repo.git("checkout", "-q", "main")
    repo.write(
        "THREAT_MODEL.md", EXAMPLE.replace("| EP1 | M4 | mitigated |", "| EP1 | M4 | open |")
    )
    repo.commit("main moves on")
    _, out, _ = run_diff(["main...feature"], capsys)
    assert "control M2: implemented -> planned" in out
    assert "threat T4" not in out  # main's own change since the branch point
    _, out, _ = run_diff(["main..feature"], capsys)
    assert "threat T4: open -> mitigated" in out  # two dots: the two tips


@pytest.mark.parametrize(
    ("head_text", "message"),
    [
        (
            "---\nsystem: [unclosed\n---\n\n## Data flows\n",
            "THREAT_MODEL.md:2: front matter is not valid YAML",
        ),
        ("# Notes\n\nNothing here.\n", "THREAT_MODEL.md:1: no threat-model section"),
        (
            "## Data flows\n\n| ID | From |\n| --- | --- |\n| F1 | a |\n",
            "THREAT_MODEL.md:3: `Data flows` table lacks column(s): to, data",
        ),
        (b"## Threats\n\n\xff\xfe\n", "THREAT_MODEL.md: not UTF-8"),
        (b"\x00\x01binary", "THREAT_MODEL.md: binary file"),
    ],
    ids=["front matter", "no section", "missing columns", "not utf-8", "binary"],
)
def test_a_malformed_document_fails_closed_with_one_line(
    repo: Repo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    head_text: str | bytes,
    message: str,
) -> None:
    repo.write("THREAT_MODEL.md", EXAMPLE)
    base = repo.commit("model")
    repo.write("THREAT_MODEL.md", head_text)
    head = repo.commit("break it")
    code, out, err = run_diff([f"{base}..{head}"], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert message in err, err


def test_a_change_that_repairs_a_broken_model_still_gets_its_diff(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """BASE's problems are not the change's: BASE unreadable is said, and HEAD compared as new."""
    repo.write("THREAT_MODEL.md", "---\nsystem: [unclosed\n---\n\n## Data flows\n")
    base = repo.commit("broken")
    repo.write("THREAT_MODEL.md", EXAMPLE)
    head = repo.commit("repaired")
    code, out, err = run_diff([f"{base}..{head}"], capsys)
    assert code == 0, err
    assert (
        "#### `THREAT_MODEL.md` (unreadable at BASE: front matter is not valid YAML; all shown as added)"
        in out
    )
    assert "- flow F2: added: " in out
    code, out, _ = run_diff([f"{base}..{head}", "--format", "json"], capsys)
    report = json.loads(out)
    validate_diff(report)
    assert report["documents"][0]["base_unreadable"] == "front matter is not valid YAML"
    assert report["documents"][0]["at_base"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "diff needs BASE..HEAD"),
        (["main..nowhere"], "the range's head `nowhere` is not a commit"),
        (["nowhere..main"], "`nowhere` is not a commit"),
        (["..main"], "diff needs BASE..HEAD"),
        (["main~1..main", "docs/nothing.md"], "docs/nothing.md: not a file at "),
    ],
)
def test_usage_errors_exit_2(
    repo: Repo, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    repo.write("THREAT_MODEL.md", EXAMPLE)
    repo.commit("model")
    repo.commit("another")
    code, _, err = run_diff(args, capsys)
    assert code == 2 and message in err, err


def test_in_ci_the_range_is_the_pull_requests(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base, head = two_commits(repo, monkeypatch, [(M2, M2.replace("implemented", "planned"))])
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = run_diff(["--format", "markdown"], capsys)
    assert code == 0, err
    assert f"### Threat model changes `{base}...{head}`" in out
    assert "control M2: implemented -> planned" in out
    # Files without a range: the range is still the pull request's.
    code, out, err = run_diff(["THREAT_MODEL.md"], capsys)
    assert code == 0 and "control M2: implemented -> planned" in out, err


def test_document_text_cannot_inject_markdown_or_leak_a_credential(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = aws_key_id()
    base, head = two_commits(
        repo,
        monkeypatch,
        [
            (
                "| Payment status | internal |",
                "| Payment status | internal |\n"
                "| `[click](https://evil.example)` `*x*` `@team` `a < b` | public |",
            ),
            (F2, F2.replace("mTLS with workload identity", f"key {key} &#96;x&#96;")),
        ],
    )
    _, out, _ = run_diff([f"{base}..{head}"], capsys)
    assert key not in out
    assert "- data class \\[click\\](https://evil.example) \\*x\\* \\@team a \\< b: added" in out
    assert "`key AKIA" in out and " 'x'`" in out  # one code span, its backticks neutralised
    _, out, _ = run_diff([f"{base}..{head}", "--format", "json"], capsys)
    assert key not in out


def test_json_names_the_commits_and_its_schema(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base, head = two_commits(repo, monkeypatch, [(M2, M2.replace("implemented", "planned"))])
    output = tmp_path / "diff.json"
    code, out, _ = run_diff(
        [f"{base}..{head}", "--format", "json", "--output", str(output)], capsys
    )
    assert code == 0 and out == ""
    report = json.loads(output.read_text())
    assert report["schema"] == diff.SCHEMA_ID and report["version"] == 1
    validate_diff(report)
    assert (report["base"], report["head"], report["as_of"]) == (base, head, "2026-11-23")
    weakening = [c for c in report["documents"][0]["changes"] if c["weakens"]]
    assert {(c["section"], c["id"]) for c in weakening} == {("control", "M2"), ("threat", "T2")}


def test_the_shipped_template_diffs_against_a_filled_model(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ztgate init` writes the template; the pull request that fills it shows what it adds."""
    repo.write("THREAT_MODEL.md", TEMPLATE)
    base = repo.commit("init")
    repo.write("THREAT_MODEL.md", EXAMPLE)
    head = repo.commit("fill the model")
    code, out, err = run_diff([f"{base}..{head}"], capsys)
    assert code == 0, err
    # The template's rows (TB1, F1...) are filled in; the others are added.
    assert "- boundary TB1: name `<boundary name>` -> `Internet edge`" in out
    assert "- flow F2: added: API gateway -> Payments worker" in out
    assert "- threat T2: added: `Card numbers read off the wire" in out
    # A placeholder states nothing: its `e.g. mTLS` is no mutual TLS to lose.
    assert "mutual TLS dropped" not in out
    assert "- flow F1: authentication `<how the caller is authenticated, e.g. mTLS>` -> " in out


def test_a_long_report_is_cut_in_markdown_never_in_json(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(diff, "MARKDOWN_LIMIT", 2)
    base, head = two_commits(
        repo,
        monkeypatch,
        [
            (M2, M2.replace("implemented", "planned")),
            ("| EP1 | M4 | mitigated |", "| EP1 | M4 | open |"),
        ],
    )
    _, out, _ = run_diff([f"{base}..{head}"], capsys)
    assert (
        section_of(out, "Weakens").splitlines()[-1]
        == "- ... and 1 more (`--format json` lists all)"
    )
    _, out, _ = run_diff([f"{base}..{head}", "--format", "json"], capsys)
    assert len(json.loads(out)["documents"][0]["changes"]) == 3


# --- the README's example, run as it is written


def readme_session() -> tuple[list[str], str]:
    """The commands of the README's export/diff example and the output it shows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(
        r"### The model as data: `export` and `diff`.*?```console\n(.*?)```", readme, re.S
    )
    assert match is not None, "README.md lost its export/diff example"
    lines = match.group(1).splitlines(keepends=True)
    commands = [line[2:].strip() for line in lines if line.startswith("$ ")]
    output = "".join(lines[len(commands) :])
    return commands, output


def test_readme_export_and_diff_example(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    import jsonschema
    from ztgate.threat_model.export import schema_text

    repo.write("THREAT_MODEL.md", EXAMPLE)
    commit_at(repo, "2027-03-01", "the model", monkeypatch)
    repo.git("checkout", "-q", "-b", "feature")
    changed = (
        EXAMPLE.replace(
            F2, F2.replace("| mTLS with workload identity | mTLS |", "| none (in-cluster) | none |")
        )
        .replace(M2, M2.replace("implemented", "planned"))
        .replace(
            "| Payment status | internal |",
            "| Payment status | internal |\n| Audit events | confidential |",
        )
        .replace("| Payments worker, Payments DB |", "| Payments worker, Payments DB, Audit log |")
        .replace("| C5 |", "| C6 | Audit log | store | TB2 |\n| C5 |")
        .replace(
            "| F4 |",
            "| F5 | Payments worker | Audit log | Audit events | none | HTTPS | mTLS | mTLS |\n| F4 |",
        )
    )
    repo.write("THREAT_MODEL.md", changed)
    commit_at(repo, "2027-03-10", "drop mTLS on F2, plan M2, audit log", monkeypatch)
    commands, shown = readme_session()
    outputs = []
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "ztgate", command
        result = subprocess.run(
            [sys.executable, "-m", "ztgate", *words[1:]],
            cwd=repo.path,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[-1] == shown
    exported = json.loads((repo.path / "threat-model.json").read_text())
    jsonschema.validate(exported, json.loads(schema_text()))


def test_comparing_and_rendering_grow_linearly() -> None:
    """Big models (thousands of flows, threats, controls) and long cells: meaning, comparison
    and the markdown's escaping stay linear."""
    import functools
    from datetime import date

    from ztgate.threat_model.meaning import meaning_of
    from ztgate.threat_model.model import ThreatModel
    from ztgate.threat_model.parse import parse
    from ztgate.threat_model.rules import Settings

    from tests.worst_case import FACTOR, LINEAR, growth_ratio

    def document(n: int) -> str:
        rows = n // 100
        flows = "\n".join(
            f"| F{i} | Svc{i} | Svc{i + 1} | Card numbers | TB2 | gRPC | mTLS | mTLS |"
            for i in range(rows)
        )
        threats = "\n".join(
            f"| T{i} | t{i} | Spoofing | F{i} | M{i} | mitigated |" for i in range(rows)
        )
        controls = "\n".join(
            f"| M{i} | mTLS {i} | implemented | https://x.example/{i} |" for i in range(rows)
        )
        inside = ", ".join(f"Svc{i}" for i in range(n // 20))
        return (
            EXAMPLE.replace(
                "| Payments worker, Payments DB |", f"| Payments worker, Payments DB, {inside} |"
            )
            .replace("| F4 |", flows + "\n| F4 |")
            .replace("| T5 |", threats + "\n| T5 |")
            .replace("| M5 |", controls + "\n| M5 |")
        )

    @functools.lru_cache(maxsize=4)
    def parsed(text: str) -> tuple[ThreatModel, ThreatModel]:
        """Both sides, parsed once (markdown-it's own time is measured elsewhere)."""
        changed = text.replace("| mTLS | mTLS |", "| none | none |").replace(
            "| Payments worker, Payments DB,", "| Payments worker, Audit log,"
        )  # a long Inside list changes too
        return parse(text, "T.md"), parse(changed, "T.md")

    def work(text: str) -> object:
        base_model, head_model = parsed(text)
        before, after = meaning_of(base_model), meaning_of(head_model)
        changes = diff.compare(before, after, date(2027, 1, 1), Settings())
        return diff.markdown(
            diff.ModelDiff(
                "a" * 40,
                "b" * 40,
                date(2027, 1, 1),
                (diff.DocumentDiff("T.md", True, True, changes),),
            )
        )

    parsed(document(20_000 * FACTOR))  # parse the large one before the clock runs
    ratio = growth_ratio(work, document, 20_000)
    assert ratio < LINEAR, f"{FACTOR}x the input took {ratio:.1f}x the time"
    ratio = growth_ratio(diff._escaped, lambda n: "`[*_<|~@&" * (n // 9), 20_000)
    assert ratio < LINEAR, f"escaping: {FACTOR}x the input took {ratio:.1f}x the time"


def test_the_diff_schema_ships_beside_the_export_schema() -> None:
    from importlib import resources

    import jsonschema

    shipped = resources.files("ztgate").joinpath("schemas", "threat-model-diff.v1.schema.json")
    schema = json.loads(shipped.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == diff.SCHEMA_ID
    assert set(
        schema["properties"]["documents"]["items"]["properties"]["changes"]["items"]["properties"][
            "change"
        ]["enum"]
    ) == {diff.ADDED, diff.REMOVED, diff.CHANGED, diff.EXPIRING}
