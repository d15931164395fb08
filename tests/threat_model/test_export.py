"""`ztgate threat-model export`: the meaning of real documents as JSON, valid against the JSON
Schema the package ships; malformed documents fail closed with one line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ztgate.threat_model import export
from ztgate.threat_model.meaning import meaning_of
from ztgate.threat_model.parse import parse

from tests.conftest import Repo
from tests.fakes import aws_key_id
from tests.threat_model.example import EXAMPLE, ROOT, TEMPLATE


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(export.schema_text())
    return loaded


def model_file(tmp_path: Path, content: str | bytes = EXAMPLE) -> Path:
    """THREAT_MODEL.md in ``tmp_path``, holding ``content`` (the worked example by default)."""
    path = tmp_path / "THREAT_MODEL.md"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def exported(
    path: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, Any] | None, str]:
    code = export.main([str(path), *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 and captured.out else None, captured.err


def test_the_schema_ships_in_the_package_and_is_a_valid_schema() -> None:
    packaged = resources.files("ztgate").joinpath("schemas", export.SCHEMA_FILE)
    assert packaged.is_file()
    loaded = schema()
    jsonschema.Draft202012Validator.check_schema(loaded)
    assert loaded["$id"] == export.SCHEMA_ID
    assert loaded["properties"]["version"] == {"const": export.SCHEMA_VERSION}
    assert export.SCHEMA_ID.endswith(f"/v{export.SCHEMA_VERSION}")
    assert export.SCHEMA_FILE == f"threat-model.v{export.SCHEMA_VERSION}.schema.json"


def test_schema_option_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert export.main(["--schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"] == export.SCHEMA_ID


@pytest.mark.parametrize(
    "document",
    [ROOT / "THREAT_MODEL.md", "worked example", "template"],
    ids=["this repository's", "README worked example", "shipped template"],
)
def test_exports_validate_against_the_schema(
    document: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if isinstance(document, str):
        path = model_file(tmp_path, EXAMPLE if document == "worked example" else TEMPLATE)
    else:
        path = document
    output = tmp_path / "model.json"
    code = export.main([str(path), "--output", str(output)])
    assert code == 0, capsys.readouterr().err
    assert capsys.readouterr().out == ""
    data = json.loads(output.read_text())
    jsonschema.validate(data, schema())
    assert (data["schema"], data["version"]) == (export.SCHEMA_ID, 1)
    assert data["flows"] and data["threats"] and data["boundaries"]


def test_the_export_says_what_the_worked_example_means(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, _ = exported(model_file(tmp_path), capsys)
    assert code == 0 and data is not None
    assert (data["system"], data["last_reviewed"]) == ("Payments API", "2026-11-01")
    flows = {flow["id"]: flow for flow in data["flows"]}
    assert flows["F2"]["authentication"] == {
        "text": "mTLS with workload identity",
        "class": "credential",
        "words": ["mtls", "workload identity"],
    }
    assert flows["F2"]["crossings"] == {
        "declared": ["TB1", "TB2"],
        "derived": ["TB1", "TB2"],
        "all": ["TB1", "TB2"],
    }
    assert flows["F1"]["classes"] == ["confidential", "restricted"]
    assert flows["F4"]["crossings"]["all"] == []
    assert {
        c["name"]: (c["id"], c["kind"], c["kind_stated"], c["boundaries"])
        for c in data["components"]
    } == {
        "Mobile app": ("C1", "actor", True, []),
        "API gateway": ("C2", "process", True, ["TB1"]),
        "Payments worker": ("C3", "process", True, ["TB2"]),
        "Payments DB": ("C4", "store", True, ["TB2"]),
        "Card processor": ("C5", "external", True, []),
    }
    assert {d["name"]: (d["level"], d["sensitive"]) for d in data["data_classes"]} == {
        "Card numbers": ("restricted", True),
        "Customer e-mail": ("confidential", True),
        "Payment status": ("internal", False),
    }
    threats = {threat["id"]: threat for threat in data["threats"]}
    assert threats["T5"]["status"] == threats["T5"]["effective_status"] == "accepted"
    assert threats["T2"]["stride"] == ["information disclosure"]
    controls = {control["id"]: control for control in data["controls"]}
    assert controls["M5"]["status"] == "planned"
    assert controls["M5"]["evidence"] == {
        "references": ["https://tracker.example.com/PAY-42"],
        "paths": [],
    }
    assert controls["M4"]["families"] == ["resource limits"]
    assert data["accepted_risks"] == [
        {
            "threats": ["T5"],
            "reason": "Ids are already hard to guess; the switch ships with PAY-42",
            "owner": "alice@example.com",
            "expires": "2027-03-31",
        }
    ]
    assert data["entry_points"][0] == {
        "id": "EP1",
        "name": "POST /v1/payments",
        "exposed_to": "Internet",
        "data": ["Card numbers"],
        "classes": ["restricted"],
    }


def test_a_threat_marked_mitigated_by_planned_controls_is_effectively_open() -> None:
    text = EXAMPLE.replace(
        "| M2 | mTLS between all services in the VPC | implemented |",
        "| M2 | mTLS between all services in the VPC | planned |",
    )
    threats = {t.id: t for t in meaning_of(parse(text, "T.md")).threats}
    assert (threats["T2"].status, threats["T2"].effective_status) == ("mitigated", "open")


def test_without_a_components_table_kinds_are_inferred_and_say_so() -> None:
    text = re.sub(r"## Components\n.*?(?=## Data flows)", "", EXAMPLE, flags=re.S)
    meaning = meaning_of(parse(text, "T.md"))
    kinds = {c.name: (c.kind, c.kind_stated, c.id) for c in meaning.components}
    assert kinds["Payments DB"] == ("store", False, "")
    assert kinds["Mobile app"] == ("external", False, "")  # outside every boundary
    assert meaning.notes and "no Components table" in meaning.notes[0]


def test_the_policys_class_map_and_sensitive_classes_apply(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        ".ztgate.yaml",
        "threat_model:\n  data_classes: [public, internal, confidential, restricted, secret]\n"
        "  class_map: {secret: restricted}\n  sensitive_classes: [restricted]\n",
    )
    repo.write(
        "THREAT_MODEL.md",
        EXAMPLE.replace("| Card numbers | restricted |", "| Card numbers | secret |"),
    )
    code, data, err = exported(repo.path / "THREAT_MODEL.md", capsys)
    assert code == 0 and data is not None, err
    levels = {d["name"]: (d["level"], d["sensitive"]) for d in data["data_classes"]}
    assert levels["Card numbers"] == ("restricted", True)
    assert levels["Customer e-mail"] == ("confidential", False)


def test_a_credential_in_the_document_is_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = aws_key_id()
    masked = EXAMPLE.replace("API key in a secret manager, rotated", f"API key {key}")
    code, data, _ = exported(model_file(tmp_path, masked), capsys)
    assert code == 0 and data is not None
    assert key not in json.dumps(data)
    assert data["flows"][2]["authentication"]["class"] == "credential"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "---\nsystem: [unclosed\n---\n\n## Data flows\n",
            "THREAT_MODEL.md:2: front matter is not valid YAML",
        ),
        ("just some notes\n", "THREAT_MODEL.md:1: no threat-model section"),
        (
            "## Trust boundaries\n\n| ID | Boundary |\n| --- | --- |\n| TB1 | edge |\n",
            "THREAT_MODEL.md:3: `Trust boundaries` table lacks column(s): inside, outside",
        ),
        (b"## Threats\n\n\xff\xfe\n", "THREAT_MODEL.md: not UTF-8"),
        (b"\x00\x01\x02", "THREAT_MODEL.md: binary file"),
        (None, "THREAT_MODEL.md: cannot read the file"),
    ],
    ids=["front matter", "no section", "missing columns", "not utf-8", "binary", "missing"],
)
def test_malformed_or_missing_documents_fail_closed_with_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes | None,
    message: str,
) -> None:
    path = tmp_path / "THREAT_MODEL.md" if content is None else model_file(tmp_path, content)
    output = tmp_path / "model.json"
    code = export.main([str(path), "--output", str(output)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert not output.exists()
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert message in captured.err, captured.err


def test_export_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert export.main([]) == 2
    assert "export needs FILE" in capsys.readouterr().err


def test_the_threat_model_command_routes_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ztgate import cli

    assert cli.main(["threat-model", "export", str(model_file(tmp_path))]) == 0
    assert json.loads(capsys.readouterr().out)["system"] == "Payments API"


def test_the_readme_rego_rule_reads_fields_the_export_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Rego rule is text (opa is not needed): every field it reads exists in an export of
    the worked example, and what the README says it denies is what those fields say."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```rego\n(.*?)```", readme, re.S)
    assert match is not None
    rule = match.group(1)
    _, data, _ = exported(model_file(tmp_path), capsys)
    assert data is not None
    assert "some flow in input.flows" in rule
    for dotted in re.findall(r"\bflow((?:\.\w+)+)", rule):
        value: Any = data["flows"][0]
        for part in dotted.strip(".").split("."):
            assert part in value, dotted
            value = value[part]
    denied = [
        flow["id"]
        for flow in data["flows"]
        if "restricted" in flow["classes"] and "mtls" not in flow["authentication"]["words"]
    ]
    assert denied == ["F1", "F3"]
    assert "On the worked example it denies F1 and F3" in readme


@pytest.mark.integration
def test_the_wheel_carries_the_schema(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("ztgate-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read(f"ztgate/schemas/{export.SCHEMA_FILE}").decode("utf-8")
        diff_schema = archive.read("ztgate/schemas/threat-model-diff.v1.schema.json")
    assert json.loads(shipped)["$id"] == export.SCHEMA_ID
    assert json.loads(diff_schema)["properties"]["version"] == {"const": 1}
