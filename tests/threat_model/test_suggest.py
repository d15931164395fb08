"""`ztgate threat-model suggest`: rows in the document's own style that close the STRIDE gaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ztgate.threat_model import diagram, gate, stride, suggest
from ztgate.threat_model.parse import parse

from tests.fakes import fill
from tests.threat_model.example import EXAMPLE

# A team's own conventions: padded ids with a dash, STRIDE letters, targets by component id,
# an extra Likelihood column, and a restricted flow over plain HTTP.
ORDERS = """\
---
system: Orders
owner: orders@example.com
last_reviewed: 2026-11-01
---

# Threat model: Orders

## Scope

The orders service.

## Data classification

| Data | Class |
| --- | --- |
| Order | confidential |
| Card token | restricted |
| Metrics | internal |

## Trust boundaries

| ID | Boundary | Inside | Outside |
| --- | --- | --- | --- |
| TB-1 | Shop cluster | Orders API, Orders DB, Exporter | Shopper, Payment provider |

## Components

| ID | Name | Kind | Boundary |
| --- | --- | --- | --- |
| C-1 | Shopper | actor | |
| C-2 | Orders API | process | TB-1 |
| C-3 | Orders DB | store | TB-1 |
| C-4 | Payment provider | external | |
| C-5 | Exporter | process | TB-1 |

## Data flows

| ID | From | To | Data | Crosses boundary | Protocol | Authentication | Encryption |
| --- | --- | --- | --- | --- | --- | --- | --- |
| F-1 | Shopper | Orders API | Order | TB-1 | HTTPS | OIDC token | TLS 1.3 |
| F-2 | Orders API | Orders DB | Order | none | PostgreSQL | IAM database auth | TLS |
| F-3 | Orders API | Payment provider | Card token | TB-1 | plain HTTP | none | none |
| F-4 | Exporter | Orders DB | Metrics | none | PostgreSQL | IAM database auth | TLS |

## Attack surface

| ID | Entry point | Exposed to | Data |
| --- | --- | --- | --- |
| EP-1 | POST /orders | Internet | Order |

## Threats

| ID | Threat | STRIDE | Target | Likelihood | Mitigations | Status |
| --- | --- | --- | --- | --- | --- | --- |
| T-01 | Stolen shopper token | S | F-1 | high | M-1 | mitigated |
| T-02 | Order flood | DoS | EP-1 | medium | M-2 | mitigated |
| T-03 | Card token read off the wire | I | F-3 | high | M-1 | open |
| T-04 | Shopper disputes an order | R | C-1 | low | M-3 | mitigated |
| T-05 | Forged provider callback | S | C-4 | low | M-1 | mitigated |
| T-06 | Provider denies a charge | R | C-4 | low | M-3 | mitigated |
| T-08 | Exporter reads more than metrics | E | C-5 | low | M-1 | mitigated |

## Mitigations

| ID | Control | Status | Evidence |
| --- | --- | --- | --- |
| M-1 | OIDC and mTLS | implemented | https://example.com/auth |
| M-2 | Rate limit | implemented | https://example.com/limits |
| M-3 | Signed audit log of orders | implemented | https://example.com/audit |
| T-07 | An id the threats do not use, taken elsewhere | implemented | https://example.com/x |
"""


def rows_of(text: str) -> list[suggest.Suggestion]:
    return suggest.suggestions(parse(text, "orders.md"))


def test_rows_follow_the_documents_ids_spelling_columns_and_targets() -> None:
    found = rows_of(ORDERS)
    # next free ids after T-08, padded, never an id another table uses
    assert [s.id for s in found[:3]] == ["T-09", "T-10", "T-11"]
    assert all(s.id != "T-07" for s in found)
    first = found[0]
    assert [column for column, _ in first.cells] == [
        "id",
        "threat",
        "stride",
        "target",
        "likelihood",
        "mitigations",
        "status",
    ]
    assert first.row.startswith("| T-09 | ") and first.row.endswith(" |  |  | open |")
    assert {s.stride for s in found} <= {"S", "T", "R", "I", "DoS", "E"}
    assert "DoS" in {s.stride for s in found}  # as the document writes it
    assert {s.target for s in found if s.kind != "flow"} <= {"C-2", "C-3", "C-5"}
    assert {s.target for s in found if s.kind == "flow"} == {"F-1", "F-2", "F-3", "F-4"}


def test_a_restricted_flow_over_plain_http_is_read_on_the_wire() -> None:
    found = {(s.target, s.category): s.threat for s in rows_of(ORDERS)}
    tampering = found[("F-3", stride.TAMPERING)]
    assert "Card token (restricted)" in tampering and "unencrypted and unauthenticated" in tampering
    # T-03 already covers F-3's disclosure; F-2's is worded for an encrypted flow
    assert ("F-3", stride.DISCLOSURE) not in found
    assert "where the encryption ends" in found[("F-2", stride.DISCLOSURE)]
    plain = ORDERS.replace(
        "| T-03 | Card token read off the wire | I | F-3 | high | M-1 | open |\n", ""
    )
    wire = {(s.target, s.category): s.threat for s in rows_of(plain)}[("F-3", stride.DISCLOSURE)]
    assert wire == (
        "Card token (restricted) read on the wire between Orders API and Payment provider: "
        "plain HTTP carries it unencrypted"
    )


def test_each_kind_gets_its_own_wording() -> None:
    found = {(s.target, s.category): s.threat for s in rows_of(ORDERS)}
    assert found[("C-3", stride.DISCLOSURE)].startswith("Order (confidential) and Metrics read")
    assert "Orders DB" in found[("C-3", stride.TAMPERING)]
    assert found[("C-2", stride.DENIAL)] == (
        "Orders API is exhausted by floods or oversized input from Shopper"
    )
    assert found[("C-2", stride.SPOOFING)] == (
        "A rogue service poses as Orders API to Orders DB and Payment provider"
    )
    # an actor that only receives
    notified = ORDERS.replace(
        "| F-1 | Shopper | Orders API | Order |", "| F-1 | Orders API | Shopper | Order |"
    ).replace("| T-04 | Shopper disputes an order | R | C-1 |", "| T-04 | x | S | F-2 |")
    wording = {(s.target, s.category): s.threat for s in rows_of(notified)}
    assert wording[("C-1", stride.REPUDIATION)] == (
        "Shopper denies having received Order from Orders API, and no record proves otherwise"
    )


def test_pasting_the_rows_leaves_no_stride_gap() -> None:
    found = rows_of(ORDERS)
    rows = suggest.render(found, "markdown")
    fixed = ORDERS.replace(
        "| E | C-5 | low | M-1 | mitigated |\n", "| E | C-5 | low | M-1 | mitigated |\n" + rows
    )
    model = parse(fixed, "orders.md")
    assert [p for p in stride.element_checks(model) if p.rule == "ZT238"] == []
    assert rows_of(fixed) == []


def test_words_keep_the_documents_capitals() -> None:
    titled = EXAMPLE.replace("| Information disclosure |", "| Information Disclosure |")
    spelled = {s.category: s.stride for s in rows_of(titled)}
    assert spelled[stride.DISCLOSURE] == "Information Disclosure"
    assert spelled[stride.ELEVATION] == "Elevation Of Privilege"
    assert {s.category: s.stride for s in rows_of(EXAMPLE)}[stride.DENIAL] == "Denial of service"


def test_a_document_without_threats_starts_at_t1_with_the_template_columns() -> None:
    start, end = EXAMPLE.index("## Threats"), EXAMPLE.index("## Mitigations")
    bare = EXAMPLE[:start] + EXAMPLE[end:]
    found = rows_of(bare)
    assert found[0].id == "T1"
    assert [c for c, _ in found[0].cells] == list(suggest.DEFAULT_COLUMNS)
    analysis = stride.analyse(parse(bare, "x.md"))
    assert len(found) == analysis.total == 32


def test_names_are_escaped_and_credentials_masked() -> None:
    token = fill("ghp_{a36}")
    text = EXAMPLE.replace("Payments DB", f"Payments \\| DB {token}")
    found = rows_of(text)
    row = next(s.row for s in found if s.kind == "store")
    assert "Payments \\| DB" in row
    assert token not in suggest.render(found, "markdown") + suggest.render(found, "json")


def orders_file(tmp_path: Path, text: str = ORDERS) -> Path:
    """orders.md in ``tmp_path``, holding ``text`` (the orders model by default)."""
    path = tmp_path / "orders.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_markdown_json_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = orders_file(tmp_path)
    assert gate.main(["suggest", str(path)]) == 0
    markdown = capsys.readouterr().out
    assert markdown.splitlines()[0].startswith("| T-09 | ")
    assert gate.main(["suggest", str(path), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)["suggestions"]
    assert [r["row"] for r in records] == markdown.splitlines()
    assert records[0]["cells"]["likelihood"] == ""
    assert gate.main(["suggest", str(tmp_path / "missing.md")]) == 2
    assert "missing.md" in capsys.readouterr().err
    (tmp_path / "binary.md").write_bytes(b"\x00\x01")
    assert gate.main(["suggest", str(tmp_path / "binary.md")]) == 2


def test_cli_says_so_when_nothing_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = suggest.render(rows_of(ORDERS), "markdown")
    path = orders_file(
        tmp_path,
        ORDERS.replace("| M-1 | mitigated |\n| T-0", "| M-1 | mitigated |\n" + rows + "| T-0", 1),
    )
    assert gate.main(["suggest", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "no STRIDE gap" in captured.err
    assert gate.main(["suggest", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"suggestions": []}


def test_the_work_trees_policy_says_which_classes_are_sensitive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = orders_file(
        tmp_path,
        ORDERS.replace("| Card token | restricted |", "| Card token | strictly-confidential |"),
    )
    assert gate.main(["suggest", str(path)]) == 0
    assert "Card token (strictly-confidential)" not in capsys.readouterr().out
    (tmp_path / ".ztgate.yaml").write_text(
        "threat_model:\n  class_map:\n    strictly-confidential: restricted\n"
    )
    assert gate.main(["suggest", str(path)]) == 0
    assert "replays Card token (strictly-confidential) between" in capsys.readouterr().out
    (tmp_path / ".ztgate.yaml").write_text("threat_model:\n  nonsense: 1\n")
    assert gate.main(["suggest", str(path)]) == 2


def test_an_absurd_id_does_not_break_the_numbering() -> None:
    huge = "T-" + "9" * 5000  # beyond what int() converts from text (3.11+)
    text = ORDERS.replace("| T-08 | Exporter", f"| {huge} | Exporter")
    # numbered after T-06 (T-07 is a mitigation's id); the huge one counts for nothing
    assert rows_of(text)[0].id == "T-08"
    chart = diagram.mermaid(parse(text, "orders.md"))
    assert huge in chart
